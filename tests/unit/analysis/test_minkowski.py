import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis import minkowski_frontier, pareto_indices
from accord.errors import AccordError
from accord.preferences import LinearAdditive


def tables(sc):
    fa, fb = (p.utility for p in sc.parties)
    assert isinstance(fa, LinearAdditive) and isinstance(fb, LinearAdditive)
    return fa.issue_tables(sc.space), fb.issue_tables(sc.space)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 6), min_size=1, max_size=5),
    st.integers(0, 10_000),
    st.sampled_from([None, 3, 10]),
)
def test_equals_enumerated_frontier(build, radices, seed, levels):
    sc = build.additive(radices, seed=seed, levels=levels)
    utils = build.all_utilities(sc)
    expected = utils[pareto_indices(utils)]
    ta, tb = tables(sc)
    res = minkowski_frontier(ta, tb)
    # bit-for-bit: same additions in the same order as LinearAdditive.evaluate
    assert np.array_equal(res.utilities, expected)
    # every frontier point decodes to an outcome with exactly those utilities
    assert np.array_equal(sc.evaluate(res.digits), res.utilities)


def test_offsets_are_added_first():
    res = minkowski_frontier([np.array([0.0, 1.0])], [np.array([1.0, 0.0])], (0.5, -0.5))
    assert res.utilities.tolist() == [[1.5, -0.5], [0.5, 0.5]]


def test_huge_space_is_fast_and_consistent():
    rng_a, rng_b = np.random.default_rng(1), np.random.default_rng(2)
    k = 40
    wa, wb = rng_a.random(k), rng_b.random(k)
    ta = [wa[i] / wa.sum() * rng_a.random(10) for i in range(k)]
    tb = [wb[i] / wb.sum() * rng_b.random(10) for i in range(k)]
    res = minkowski_frontier(ta, tb)
    assert res.digits.shape == (res.utilities.shape[0], k)
    got = np.stack(
        [
            sum(ta[i][res.digits[:, i]] for i in range(k)),
            sum(tb[i][res.digits[:, i]] for i in range(k)),
        ],
        axis=1,
    )
    assert np.array_equal(got, res.utilities)
    assert pareto_indices(res.utilities).size == res.utilities.shape[0]


def test_rejects_mismatched_tables():
    with pytest.raises(AccordError):
        minkowski_frontier([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(AccordError):
        minkowski_frontier([], [])
