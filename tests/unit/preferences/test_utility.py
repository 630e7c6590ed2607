import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.errors import ScenarioError
from accord.outcomes import DiscreteIssue, IntegerIssue, OutcomeSpace
from accord.preferences import (
    AffineValue,
    Bound,
    HyperRectangle,
    HyperRectangleUtility,
    LinearAdditive,
    TableValue,
    TriangularValue,
)


def test_affine_clips_and_triangular_peaks():
    lin = AffineValue(0.5, -0.25)
    assert np.allclose(lin.at(np.array([0.0, 1.0, 3.0])), [0.0, 0.25, 1.0])
    assert np.allclose(AffineValue(0.5, -0.25, clip=False).at(np.array([3.0])), [1.25])
    tri = TriangularValue(lower=0.0, upper=10.0, top=4.0)
    assert np.allclose(
        tri.at(np.array([-1.0, 0.0, 2.0, 4.0, 7.0, 10.0, 11.0])), [0, 0, 0.5, 1, 0.5, 0, 0]
    )
    with pytest.raises(ScenarioError):
        TriangularValue(lower=0.0, upper=1.0, top=2.0)


def test_table_matches_values_by_string_when_types_differ():
    issue = DiscreteIssue("n", (1, 2, 3))
    vf = TableValue({"1": 0.1, 2: 0.2})
    assert np.allclose(vf.table(issue), [0.1, 0.2, 0.0])


@settings(max_examples=50)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=4), st.integers(0, 2**32 - 1))
def test_linear_additive_equals_definition(radices, seed):
    rng = np.random.default_rng(seed)
    space = OutcomeSpace(
        tuple(DiscreteIssue(f"i{j}", tuple(range(r))) for j, r in enumerate(radices))
    )
    tables = [rng.random(r) for r in radices]
    weights = rng.random(len(radices))
    u = LinearAdditive(tuple(weights), tuple(TableValue(dict(enumerate(t))) for t in tables), 0.1)
    digits = space.all_digits()
    got = u.evaluate(space, digits)
    want = [
        0.1 + sum(w * t[d] for w, t, d in zip(weights, tables, row, strict=True)) for row in digits
    ]
    assert np.allclose(got, want)
    hi, lo = u.best_worst(space)
    assert hi == pytest.approx(got.max()) and lo == pytest.approx(got.min())


def test_hyper_rectangles_sum_contained_rectangles():
    space = OutcomeSpace((IntegerIssue("a", 0, 4), IntegerIssue("b", 10, 12)))
    u = HyperRectangleUtility(
        (
            HyperRectangle(6.0, (Bound(0, 1, 3),)),
            HyperRectangle(4.0, (Bound(1, 11, 12),), (Bound(0, 3, 4),)),
        ),
        max_utility=10.0,
    )
    d = np.array(
        [
            [space.encode({"a": a, "b": b})[0], space.encode({"a": a, "b": b})[1]]
            for a in range(5)
            for b in (10, 11, 12)
        ]
    )
    got = u.evaluate(space, d).reshape(5, 3)
    want = np.array(
        [
            [(6 * (1 <= a <= 3) + 4 * (b >= 11 and not 3 <= a <= 4)) / 10 for b in (10, 11, 12)]
            for a in range(5)
        ]
    )
    assert np.allclose(got, want)
