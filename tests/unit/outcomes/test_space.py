import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.errors import ScenarioError
from accord.outcomes import DiscreteIssue, IntegerIssue, OutcomeSpace, RealIssue


def space_of(radices: list[int]) -> OutcomeSpace:
    return OutcomeSpace(
        tuple(
            DiscreteIssue(f"i{j}", tuple(f"v{x}" for x in range(r))) for j, r in enumerate(radices)
        )
    )


@given(st.lists(st.integers(1, 6), min_size=1, max_size=5))
def test_digits_index_round_trip_matches_numpy(radices):
    space = space_of(radices)
    idx = np.arange(space.size)
    digits = space.digits(idx)
    expected = np.stack(np.unravel_index(idx, radices), axis=1)
    assert np.array_equal(digits, expected)
    assert np.array_equal(space.index(digits), idx)


def test_encode_decode():
    space = OutcomeSpace((DiscreteIssue("a", ("x", "y")), IntegerIssue("b", -2, 2)))
    assert space.size == 10
    d = space.encode({"a": "y", "b": 1})
    assert d == (1, 3)
    assert space.decode(d) == {"a": "y", "b": 1}
    with pytest.raises(ScenarioError):
        space.encode({"a": "z", "b": 1})


def test_chunks_cover_space_in_order():
    space = space_of([3, 4, 5])
    seen = np.concatenate([space.index(d) for _, d in space.chunks(chunk=7)])
    assert np.array_equal(seen, np.arange(60))


def test_huge_space_size_is_exact_and_sampling_works():
    space = space_of([10] * 40)
    assert space.size == 10**40
    assert not space.is_indexable
    sample = space.sample(np.random.default_rng(0), 100)
    assert sample.shape == (100, 40)
    assert sample.min() >= 0 and sample.max() <= 9


def test_continuous_space_discretises_and_reports():
    space = OutcomeSpace((RealIssue("p", 0.0, 1.0), DiscreteIssue("c", ("a", "b"))))
    assert space.size is None
    disc = space.discretize(5)
    assert disc.size == 10
    assert disc.discretisations[0].points == 5
    with pytest.raises(ScenarioError):
        space.radices  # noqa: B018


@given(st.lists(st.integers(1, 12), min_size=1, max_size=30), st.data())
def test_exact_python_indices_round_trip_in_huge_spaces(radices, data):
    space = space_of(radices)
    digits = tuple(data.draw(st.integers(0, r - 1)) for r in radices)
    idx = space.to_index(digits)
    assert 0 <= idx < space.size
    assert space.from_index(idx) == digits
    if space.is_indexable:
        assert idx == int(space.index(np.array(digits))[0])
