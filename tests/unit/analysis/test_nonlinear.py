import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis import hyperrectangle_frontier, pareto_indices
from accord.errors import AccordError


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.integers(1, 4), st.integers(1, 12), st.integers(0, 10_000))
def test_equals_brute_force_on_small_spaces(build, issues, high, rects, seed):
    sc = build.rectangles(issues, high, rects, seed)
    utils = build.all_utilities(sc)
    expected = utils[pareto_indices(utils)]
    res = hyperrectangle_frontier(sc, time_limit=20)
    assert res.exact
    assert np.allclose(res.utilities, expected, atol=1e-12)
    assert res.utilities.shape == expected.shape
    assert np.array_equal(sc.evaluate(res.digits), res.utilities)


def test_approximate_when_limits_hit(build):
    sc = build.rectangles(8, 9, 30, seed=3)
    res = hyperrectangle_frontier(sc, max_states=5, time_limit=20)
    assert not res.exact
    assert "approximate" in res.note
    # whatever it returns are real outcomes, mutually non-dominated
    assert np.array_equal(sc.evaluate(res.digits), res.utilities)
    assert pareto_indices(res.utilities).size == res.utilities.shape[0]


def test_needs_two_rectangle_parties(build):
    with pytest.raises(AccordError):
        hyperrectangle_frontier(build.additive([2, 2]))
