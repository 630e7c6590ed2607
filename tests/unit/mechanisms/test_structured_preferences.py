"""The ranking of a linear-additive utility from its issue tables (meet in the middle) equals
brute-force enumeration, and agents on it negotiate as they do on the sorted array."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.mechanisms import own, own_additive
from accord.mechanisms.own import OwnPreferences
from accord.mechanisms.own_additive import AdditiveRanking, split_issues
from accord.outcomes.issues import IntegerIssue
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive
from accord.preferences.values import TableValue
from accord.scenario import Party, Scenario
from accord.testing import additive_scenario


def _function(
    tables: list[list[float]], offset: float = 0.0
) -> tuple[LinearAdditive, OutcomeSpace]:
    space = OutcomeSpace(tuple(IntegerIssue(f"i{k}", 0, len(t) - 1) for k, t in enumerate(tables)))
    values = tuple(TableValue({v: float(x) for v, x in enumerate(t)}) for t in tables)
    return LinearAdditive((1.0,) * len(tables), values, offset), space


def _brute(ranking: AdditiveRanking) -> tuple[np.ndarray, np.ndarray]:
    """Every outcome's rank key and the ranked outcome ids."""
    n = ranking.size
    keys = np.array([ranking.key(o) for o in range(n)])
    ranked = np.array([ranking.outcome(k) for k in range(n)])
    return keys, ranked


def _check(function: LinearAdditive, space: OutcomeSpace, larger: int, targets: np.ndarray):
    ranking = AdditiveRanking(function, space, larger=larger)
    n = space.size
    assert ranking.size == n
    u, ranked = _brute(ranking)
    exact = function.evaluate(space, space.all_digits())
    # utilities are the issue-by-issue sums, bit for bit; keys agree up to rounding
    assert [ranking.utility(o) for o in range(n)] == exact.tolist()
    np.testing.assert_allclose(u, exact, rtol=0, atol=1e-12)
    # a ranking of every outcome, best first
    assert sorted(ranked.tolist()) == list(range(n))
    ranked_u = u[ranked]
    assert np.all(np.diff(ranked_u) <= 0)
    assert ranking.best_key == ranked_u[0] == u.max()
    assert ranking.worst_key == ranked_u[-1] == u.min()
    assert ranking.best == exact[ranked[0]] and ranking.worst == exact[ranked[-1]]
    # batch look-ups agree with single ones, in any order
    shuffled = np.random.default_rng(0).permutation(n)
    np.testing.assert_array_equal(ranking.outcomes(shuffled), ranked[shuffled])
    np.testing.assert_array_equal(ranking.utilities_at(shuffled), exact[ranked[shuffled]])
    assert ranking.utility_at(int(shuffled[0])) == exact[ranked[shuffled[0]]]
    # at_least: the worst outcome still worth the target (exact on the listed keys too)
    listed = u[:: max(len(u) // 80, 1)]  # keys that occur, ties included
    for t in np.concatenate([targets, listed]).tolist():
        count = int((u >= t).sum())
        pos = ranking.at_least(t)
        assert pos == max(count - 1, 0)
        outcome = ranking.outcome(pos)
        assert outcome == ranked[pos]
        if count:
            assert u[outcome] == u[u >= t].min()
    return ranking, u, ranked


@pytest.mark.parametrize("radices", [(3, 4, 5, 2), (6, 5, 4, 3, 2), (2, 2, 2, 2, 2, 2), (7,)])
@pytest.mark.parametrize("seed", [0, 1])
def test_equals_brute_force_on_random_additive_spaces(radices, seed):
    sc = additive_scenario(radices, opposed=True, seed=seed)
    targets = np.random.default_rng(seed).uniform(-0.1, 1.1, 60)
    for party in sc.parties:
        _check(party.utility, sc.space, larger=12, targets=targets)


def test_many_ties_keep_a_fixed_order():
    """Integer tables: whole bands of outcomes share a utility; ranks stay consistent whether
    they are reached by a target, one by one or in a batch."""
    function, space = _function([[0, 1, 1], [0, 0, 1, 2], [1, 1], [0, 2, 1, 1, 0]], offset=0.5)
    ranking, u, _ = _check(function, space, larger=6, targets=np.arange(-1, 7, 0.5))
    fresh = AdditiveRanking(function, space, larger=6)  # no memo of at_least answers
    for t in np.unique(u).tolist():
        pos = ranking.at_least(t)
        assert fresh.outcome(pos) == ranking.outcome(pos)


def test_one_value_everywhere_is_ranked_by_a_fixed_order(monkeypatch):
    monkeypatch.setattr(own_additive, "MAX_BAND", 4)
    monkeypatch.setattr(own_additive, "SMALL_BAND", 2)
    function, space = _function([[0.25] * 3, [0.5] * 4, [0.0] * 5])
    _check(function, space, larger=4, targets=np.array([0.0, 0.75, 0.76]))


def test_small_bands_still_rank_exactly(monkeypatch):
    """Force many bisection steps and many bands: same answers."""
    monkeypatch.setattr(own_additive, "MAX_BAND", 3)
    monkeypatch.setattr(own_additive, "SMALL_BAND", 1)
    monkeypatch.setattr(own_additive, "SKETCH", 2)
    sc = additive_scenario((4, 3, 5, 3), seed=7)
    _check(sc.parties[1].utility, sc.space, larger=9, targets=np.linspace(-0.2, 1.2, 30))


@given(
    st.lists(
        st.lists(st.integers(-3, 3) | st.floats(-1, 1, allow_nan=False), min_size=1, max_size=4),
        min_size=1,
        max_size=5,
    ),
    st.integers(1, 40),
    st.floats(-2, 2, allow_nan=False),
)
@settings(max_examples=30, deadline=None)
def test_property_equals_brute_force(tables, larger, offset):
    function, space = _function([[float(x) for x in t] for t in tables], offset)
    _check(function, space, larger=larger, targets=np.linspace(-20, 20, 9))


def test_split_balances_and_caps_the_searched_group():
    big, small = split_issues([10] * 7, 10**5)
    assert len(big) == 5 and len(small) == 2
    big, small = split_issues([10**6, 2, 3], 10)
    assert big == [0] and small == [1, 2]
    assert split_issues([5], 2) == ([0], [])


def _scenario_of(function: LinearAdditive, space: OutcomeSpace) -> Scenario:
    return Scenario("ties", space, (Party("p0", function), Party("p1", function)))


def test_own_preferences_on_the_ranking_agree_with_the_sorted_array(monkeypatch):
    monkeypatch.setattr(own_additive, "MAX_LARGER", 30)  # two real groups
    sc = additive_scenario((4, 5, 3, 6, 2), opposed=True, seed=3)
    for k in range(2):
        ranked = OwnPreferences(sc, k, structured_above=0)
        plain = OwnPreferences(sc, k)
        assert ranked.pool is None and ranked.enumerated
        assert plain.pool is not None
        assert len(ranked.sorted_utilities) == len(plain.sorted_utilities)
        assert ranked.best == pytest.approx(plain.best, abs=1e-12)
        assert ranked.worst == pytest.approx(plain.worst, abs=1e-12)
        pos = np.arange(0, len(plain.sorted_utilities), 37)
        np.testing.assert_allclose(
            ranked.sorted_utilities[pos], plain.sorted_utilities[pos], rtol=0, atol=1e-12
        )
        assert ranked.sorted_utilities[5] == pytest.approx(plain.sorted_utilities[5], abs=1e-12)
        assert ranked.utility(7) == plain.utility(7)  # exact, not the rank key
        np.testing.assert_array_equal(
            ranked.digits_at(pos[:5]),
            sc.space.digits(np.array([ranked.outcome_at(int(p)) for p in pos[:5]])),
        )
        targets = np.random.default_rng(k).uniform(plain.worst - 0.1, plain.best + 0.1, 80)
        np.testing.assert_array_equal(ranked.at_least_many(targets), plain.at_least_many(targets))
        for t in targets.tolist():
            assert ranked.at_least(t) == plain.at_least(t)
            a, b = ranked.outcome_at_least(t), plain.outcome_at_least(t)
            assert ranked.utility(a) == pytest.approx(plain.utility(b), abs=1e-12)


def test_ranking_memory_grows_with_the_tables_not_the_space():
    sc = additive_scenario((10,) * 7, seed=1)  # 10^7 outcomes
    prefs = OwnPreferences(sc, 0)
    ranking = prefs._ranking
    assert ranking is not None and prefs.pool is None
    held = sum(
        getattr(ranking, name).nbytes
        for name in ("a", "a_index", "b", "b_index", "_pad")
        if isinstance(getattr(ranking, name), np.ndarray)
    )
    assert held < 10**7  # bytes; the sorted array and its order would take 1.6·10^8
    worth = prefs.at_least(0.8)
    assert prefs.utility(prefs.outcome_at(worth)) >= 0.8 > prefs.sorted_utilities[worth + 1]


@pytest.mark.parametrize(
    "agents",
    [
        ("boulware", "conceder"),
        ("linear", "tit-for-tat"),
        ("micro", "aspiration"),
        ("boa", "nash-seeking"),
        ("hardliner", "random"),
        ("tit-for-tat-absolute", "conceder"),
    ],
)
def test_agents_negotiate_the_same_on_the_ranking(monkeypatch, agents):
    """Same agreement and trace (utilities up to rounding) whether the agents rank their
    outcomes by sorting every one or from the issue tables."""
    monkeypatch.setattr(own_additive, "MAX_LARGER", 40)
    results = []
    for above in (10**9, 0):
        monkeypatch.setattr(own, "STRUCTURED_ABOVE", above)
        sc = additive_scenario((5, 4, 6, 3, 4), opposed=True, seed=11)
        results.append(accord.negotiate(sc, list(agents), rounds=120, seed=2))
    sorted_run, ranked_run = results
    assert ranked_run.failure is None
    assert ranked_run.agreement == sorted_run.agreement
    assert ranked_run.rounds == sorted_run.rounds
    assert ranked_run.utilities == pytest.approx(sorted_run.utilities, abs=1e-12)
    offers = [[e.outcome for e in r.trace.events if e.kind == "offer"] for r in results]
    assert offers[0] == offers[1]


def test_time_based_agents_are_deterministic_on_the_ranking(monkeypatch):
    monkeypatch.setattr(own, "STRUCTURED_ABOVE", 0)
    runs = [
        accord.negotiate(additive_scenario((6,) * 5, opposed=True, seed=5), rounds=200)
        for _ in range(2)
    ]
    events = [[(e.kind, e.party, e.outcome) for e in r.trace.events] for r in runs]
    assert events[0] == events[1]
    assert runs[0].agreement == runs[1].agreement
