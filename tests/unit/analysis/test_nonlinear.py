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


def _covered(utils: np.ndarray, front: np.ndarray, gap: tuple[float, float]) -> bool:
    """Whether every row of ``utils`` is weakly dominated by a row of ``front`` plus ``gap``."""
    lifted = front + np.array(gap)
    best = utils[pareto_indices(utils)]  # what covers these covers every outcome
    return all(((lifted >= u - 1e-12).all(axis=1)).any() for u in best)


def test_the_proof_adds_what_the_candidates_missed(build, monkeypatch):
    # the candidates are cut down to one point; the integer programmes must find the rest
    import accord.analysis.nonlinear as nl

    real = nl.local_search

    def one_point(prob, cells, util, deadline):
        c, u = real(prob, cells, util, deadline)
        return c[:1], u[:1]

    monkeypatch.setattr(nl, "local_search", one_point)
    sc = build.rectangles(4, 5, 10, seed=7)
    utils = build.all_utilities(sc)
    expected = utils[pareto_indices(utils)]
    res = hyperrectangle_frontier(sc, time_limit=20)
    assert expected.shape[0] > 1
    assert res.exact and res.gap == (0.0, 0.0)
    assert np.allclose(res.utilities, expected, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_exact_against_brute_force_on_a_million_outcomes(build, seed):
    sc = build.rectangles(6, 9, 24, seed=seed)  # 10^6 outcomes
    assert sc.space.size == 10**6
    utils = build.all_utilities(sc)
    expected = utils[pareto_indices(utils)]
    res = hyperrectangle_frontier(sc, time_limit=30)
    assert res.exact, res.note
    assert np.allclose(res.utilities, expected, atol=1e-12)
    assert res.utilities.shape == expected.shape


@pytest.mark.parametrize("seed", range(3))
def test_out_of_time_the_proven_gap_holds(build, seed):
    # no time for the proof: the gap must still bound every outcome the answer misses
    sc = build.rectangles(6, 9, 40, seed=seed)
    res = hyperrectangle_frontier(sc, time_limit=0.0)
    assert not res.exact
    assert res.gap is not None and max(res.gap) > 0
    assert "not proven" in res.note
    # whatever it returns are real outcomes, mutually non-dominated
    assert np.array_equal(sc.evaluate(res.digits), res.utilities)
    assert pareto_indices(res.utilities).size == res.utilities.shape[0]
    assert _covered(build.all_utilities(sc), res.utilities, res.gap)


def test_non_integer_weights_are_proven_after_scaling(build):
    from accord.preferences import HyperRectangle, HyperRectangleUtility
    from accord.scenario import Party, Scenario

    sc = build.rectangles(3, 4, 8, seed=2)
    parties = []
    for p in sc.parties:
        f = p.utility
        rects = tuple(HyperRectangle(r.utility / 8, r.includes, r.excludes) for r in f.rectangles)
        parties.append(Party(p.name, HyperRectangleUtility(rects, f.max_utility / 8)))
    scaled = Scenario("eighths", sc.space, tuple(parties))
    utils = build.all_utilities(scaled)
    res = hyperrectangle_frontier(scaled, time_limit=20)
    assert res.exact, res.note
    assert np.allclose(res.utilities, utils[pareto_indices(utils)], atol=1e-12)


def test_needs_two_rectangle_parties(build):
    with pytest.raises(AccordError):
        hyperrectangle_frontier(build.additive([2, 2]))
