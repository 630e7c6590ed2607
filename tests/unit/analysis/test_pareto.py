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
    skyline,
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


def brute_force_indices(points: np.ndarray) -> list[int]:
    """Smallest index of each distinct non-dominated vector, by the definition."""
    out = []
    for i, p in enumerate(points):
        ge, gt = (points >= p).all(axis=1), (points > p).any(axis=1)
        first = np.flatnonzero((points == p).all(axis=1))[0]
        if not (ge & gt).any() and first == i:
            out.append(i)
    return out


@settings(max_examples=150, deadline=None)
@given(point_sets(6).filter(lambda p: p.shape[1] >= 3), st.integers(1, 6))
def test_divide_and_conquer_and_pruned_checks_equal_brute_force(points, leaf):
    with pytest.MonkeyPatch.context() as mp:  # tiny leaves and chunks exercise every branch
        mp.setattr(skyline, "LEAF", leaf)
        mp.setattr(skyline, "PAIR_BUDGET", 7)
        idx = pareto_indices(points)
        weak = skyline.weakly_dominated(points, points[: len(points) // 2])
    assert sorted(idx.tolist()) == brute_force_indices(points)
    half = points[: len(points) // 2]
    expect = [bool((half >= p).all(axis=1).any()) for p in points]
    assert weak.tolist() == expect


def additive_tables(draw, parties: int, radices: list[int], tiny: bool):
    """Integer tables (many ties, equal values); ``tiny`` adds sub-rounding differences."""
    tables = []
    for _ in range(parties):
        party = []
        for r in radices:
            t = np.array([float(draw(st.integers(0, 3))) for _ in range(r)])
            if tiny:
                t = t + np.array([draw(st.sampled_from([0.0, 1e-17, 3e-16, 1e-9])) for _ in t])
            party.append(t)
        tables.append(party)
    return tables


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_additive_value_filter_keeps_the_exact_frontier(data):
    parties = data.draw(st.integers(2, 5))
    radices = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    tables = additive_tables(data.draw, parties, radices, data.draw(st.booleans()))
    offsets = [data.draw(st.sampled_from([0.0, 0.3, 1e16])) for _ in range(parties)]
    digits = np.stack(np.unravel_index(np.arange(int(np.prod(radices))), radices), axis=1)
    utils = np.empty((digits.shape[0], parties))
    for p in range(parties):  # summed in the order LinearAdditive.evaluate uses
        v = np.full(digits.shape[0], offsets[p])
        for j, t in enumerate(tables[p]):
            v = v + t[digits[:, j]]
        utils[:, p] = v
    keep = skyline.additive_value_keep(tables, offsets)
    mask = skyline.outcome_keep(keep, radices, 0, digits.shape[0])
    kept = np.arange(digits.shape[0]) if mask is None else np.flatnonzero(mask)
    assert kept.size > 0
    got = kept[pareto_indices(utils[kept])]
    assert np.array_equal(got, pareto_indices(utils))
    assert sorted(got.tolist()) == brute_force_indices(utils)


def test_value_filter_drops_only_values_no_party_prefers():
    worse, better = np.array([0.0, 1.0]), np.array([1.0, 0.0])
    keep = skyline.additive_value_keep([[worse], [worse]], [0.0, 0.0])
    assert keep[0].tolist() == [False, True]
    assert skyline.additive_value_keep([[worse], [better]], [0.0, 0.0])[0].all()
    assert skyline.outcome_keep([np.ones(2, dtype=bool)], [2], 0, 2) is None


@pytest.mark.parametrize(("parties", "levels"), [(3, 3), (4, None), (6, 2)])
def test_analyze_k_parties_equals_brute_force(build, parties, levels):
    from accord.analysis import analyze

    sc = build.additive([3, 4, 2, 3], parties=parties, seed=parties, levels=levels)
    utils = build.all_utilities(sc)
    res = analyze(sc, chunk=17)
    expect = sorted(brute_force_indices(utils))
    assert sorted(sc.space.index(res.frontier_digits).tolist()) == expect
    assert np.array_equal(res.frontier, utils[pareto_indices(utils)])
