import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.analysis import (
    dominated_by,
    is_dominated,
    pareto_chunked,
    pareto_indices,
    pareto_mask,
    utility_chunks,
)
from accord.errors import AccordError


def brute_force(points: np.ndarray) -> set[tuple[float, ...]]:
    """Distinct non-dominated vectors by the definition."""
    out = set()
    for p in points:
        dominated = any((q >= p).all() and (q > p).any() for q in points)
        if not dominated:
            out.add(tuple(p))
    return out


def point_sets(max_k: int = 4):
    return st.integers(2, max_k).flatmap(
        lambda k: arrays(
            float,
            st.tuples(st.integers(0, 40), st.just(k)),
            elements=st.integers(0, 6).map(float),
        )
    )


@settings(max_examples=150, deadline=None)
@given(point_sets())
def test_equals_brute_force_and_definition(points):
    idx = pareto_indices(points)
    front = points[idx]
    assert {tuple(p) for p in front} == brute_force(points)
    assert len({tuple(p) for p in front}) == len(idx)  # distinct vectors
    # nothing in the frontier is dominated ...
    assert not dominated_by(front, points).any()
    # ... and everything outside is dominated by, or equal to, a frontier point
    outside = np.setdiff1d(np.arange(len(points)), idx)
    assert is_dominated(points[outside], front).all() if len(outside) else True
    # representative = smallest index of its vector
    for i in idx:
        same = np.flatnonzero((points == points[i]).all(axis=1))
        assert i == same.min()


@settings(max_examples=100, deadline=None)
@given(point_sets(), st.randoms(use_true_random=False))
def test_invariant_to_order(points, rnd):
    perm = np.array(rnd.sample(range(len(points)), len(points)), dtype=int)
    a = {tuple(p) for p in points[pareto_indices(points)]}
    b = {tuple(p) for p in points[perm][pareto_indices(points[perm])]}
    assert a == b


@settings(max_examples=100, deadline=None)
@given(point_sets(), st.data())
def test_invariant_to_positive_affine_rescaling(points, data):
    k = points.shape[1]
    scale = np.array([2.0 ** data.draw(st.integers(-3, 3)) for _ in range(k)])
    shift = np.array([float(data.draw(st.integers(-5, 5))) for _ in range(k)])
    assert np.array_equal(pareto_mask(points), pareto_mask(points * scale + shift))


@settings(max_examples=60, deadline=None)
@given(point_sets(3), st.integers(1, 9))
def test_chunked_equals_one_shot(points, chunk):
    one = pareto_indices(points)
    chunks = ((s, points[s : s + chunk]) for s in range(0, len(points), chunk))
    idx, pts = pareto_chunked(chunks)
    if len(points) == 0:
        assert idx.size == 0
        return
    assert np.array_equal(idx, one)
    assert np.array_equal(pts, points[one])


def test_sorted_by_first_utility_descending():
    rng = np.random.default_rng(3)
    for k in (2, 3, 5):
        pts = rng.random((500, k))
        front = pts[pareto_indices(pts)]
        assert (np.diff(front[:, 0]) <= 0).all()


def test_large_random_kd_matches_block_free_check():
    rng = np.random.default_rng(4)
    pts = np.round(rng.random((3000, 3)) * 20)
    idx = pareto_indices(pts)
    assert not dominated_by(pts[idx], pts).any()
    assert is_dominated(pts, pts[idx]).all()


def test_chunked_over_a_scenario_equals_materialised(build):
    sc = build.additive([5, 4, 6, 3], seed=2, levels=4)
    utils = sc.evaluate(sc.space.all_digits())
    idx, pts = pareto_chunked(utility_chunks(sc, chunk=37))
    assert np.array_equal(idx, pareto_indices(utils))
    assert np.array_equal(pts, utils[idx])


def test_fast_additive_chunks_are_bit_identical_to_evaluate(build):
    sc = build.additive([3, 7, 2, 5], parties=3, seed=9)
    utils = sc.evaluate(sc.space.all_digits())
    for chunk in (1, 10, 64, 10_000):
        got = np.concatenate([u for _, u in utility_chunks(sc, chunk=chunk)])
        assert np.array_equal(got, utils)


def test_rejects_nan_and_bad_shapes():
    with pytest.raises(AccordError):
        pareto_indices(np.array([[0.0, np.nan]]))
    with pytest.raises(AccordError):
        pareto_indices(np.zeros(3))


def test_one_column_and_empty():
    assert pareto_indices(np.array([[1.0], [3.0], [3.0]])).tolist() == [1]
    assert pareto_indices(np.empty((0, 2))).size == 0
    assert pareto_indices(np.empty((0, 3))).size == 0


@pytest.mark.parametrize(("n", "k"), [(20_000, 2), (9_000, 3)])
def test_prefiltered_path_on_many_points(n, k):
    rng = np.random.default_rng(n + k)
    pts = np.round(rng.random((n, k)) * 30)  # many ties
    idx = pareto_indices(pts)
    front = pts[idx]
    assert not dominated_by(front, pts).any()
    assert is_dominated(pts, front).all()
    assert len({tuple(p) for p in front}) == idx.size
    for i in idx:  # smallest index of its vector
        assert i == np.flatnonzero((pts == pts[i]).all(axis=1)).min()
