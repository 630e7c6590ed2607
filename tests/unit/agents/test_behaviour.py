"""Behaviour of the built-in agents: tests that a wrong strategy would fail."""

import itertools
from dataclasses import replace

import numpy as np
import pytest

from accord.agents import AgentBase
from accord.agents.opponent_models import FrequencyModel
from accord.mechanisms import AgentView, Deadline, Response, own_preferences, run_alternating_offers
from accord.preferences.utility import LinearAdditive
from accord.registry import make_agent
from accord.testing import additive_scenario


def run(sc, *specs, rounds=200, seed=0, first=0):
    return run_alternating_offers(
        sc,
        [make_agent(s) if isinstance(s, str) else s for s in specs],
        deadline=Deadline(rounds=rounds),
        seed=seed,
        first=first,
    )


@pytest.fixture(scope="module")
def additive():
    return additive_scenario((6, 5, 4, 5, 3), seed=4)


@pytest.fixture(scope="module")
def opposed():
    return additive_scenario((6, 5, 4, 5, 3), seed=4, opposed=True)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_boulware_vs_conceder_agrees_nearer_boulwares_best(seed):
    sc = additive_scenario((6, 5, 4, 5, 3), seed=seed)
    best = [own_preferences(sc, i).best for i in range(2)]
    for seat in (0, 1):
        specs = ["conceder", "conceder"]
        specs[seat] = "boulware"
        r = run(sc, *specs)
        assert r.agreed
        assert r.utilities[seat] / best[seat] > r.utilities[1 - seat] / best[1 - seat]


@pytest.mark.parametrize("seed", [4, 7, 8])
def test_hardliners_never_agree(seed):
    sc = additive_scenario((6, 5, 4, 5, 3), seed=seed)
    assert own_preferences(sc, 0).outcome_at(0) != own_preferences(sc, 1).outcome_at(0)
    r = run(sc, "hardliner", "hardliner", rounds=300)
    assert not r.agreed and r.reason == "deadline" and r.rounds == 300


def _micro_violations(sc, result, me: int) -> list[str]:
    """Checks MiCRO's rules on a trace, from the public record and MiCRO's own preferences."""
    p = own_preferences(sc, me)
    name = sc.party_names[me]
    mine: list[int] = []
    theirs: dict[str, set[int]] = {n: set() for n in sc.party_names if n != name}
    bad = []
    for e in result.trace:
        may_concede = len(mine) <= min(len(s) for s in theirs.values())
        nxt = len(mine)  # enumerated space: new outcomes follow the pool order exactly
        can_new = nxt < len(p.pool) and p.sorted_utilities[nxt] >= p.reservation
        if e.kind == "offer" and e.party == name:
            if e.outcome in mine:
                if may_concede and can_new:
                    bad.append(f"round {e.round}: repeated although the opponent made new offers")
            else:
                if not may_concede and mine:
                    bad.append(f"round {e.round}: conceded without a new opponent offer")
                if e.outcome != p.outcome_at(nxt):
                    bad.append(f"round {e.round}: new offer out of order")
                mine.append(e.outcome)
        elif e.kind == "offer":
            theirs[e.party].add(e.outcome)
        elif e.kind in ("accept", "reject") and e.party == name:
            low = p.sorted_utilities[nxt] if may_concede and can_new else p.utility(mine[-1])
            ok = p.utility(e.outcome) >= max(low, p.reservation)
            if ok != (e.kind == "accept"):
                bad.append(f"round {e.round}: {e.kind} contradicts the acceptance rule")
    return bad


@pytest.mark.parametrize("partner", ["conceder", "boulware", "random", "micro", "hardliner"])
def test_micro_rules_hold_on_its_traces(additive, partner):
    for seat in (0, 1):
        specs = [partner, partner]
        specs[seat] = "micro"
        r = run(additive, *specs, seed=3)
        assert _micro_violations(additive, r, seat) == []
        assert any(e.party == additive.party_names[seat] for e in r.trace.offers())


def test_micro_against_micro_agrees_and_repeats_against_a_hardliner(additive):
    assert run(additive, "micro", "micro", rounds=2000).agreed
    r = run(additive, "micro", "hardliner")
    assert len({e.outcome for e in r.trace.offers(additive.party_names[0])}) <= 2


class Stonewall(AgentBase):
    """Offers the outcome it is given (the other side's worst) and rejects everything."""

    def __init__(self, outcome: int):
        self.outcome = outcome

    def propose(self, view: AgentView) -> int | None:
        return self.outcome

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        return Response.REJECT


def _frequency_model_top_issue(seed: int, weights: tuple[float, ...]) -> tuple[int, FrequencyModel]:
    base = additive_scenario((5, 5, 5, 5), seed=seed)
    other = base.parties[1]
    utility = LinearAdditive(weights, other.utility.values)  # type: ignore[attr-defined]
    sc = replace(base, parties=(base.parties[0], replace(other, utility=utility)))
    r = run(sc, Stonewall(own_preferences(sc, 1).outcome_at(-1)), "linear", rounds=150)
    model = FrequencyModel(sc.space)
    for e in r.trace.offers(sc.party_names[1]):
        model.update(sc.space.from_index(e.outcome))
    return int(np.argmax(model.weights)), model


@pytest.mark.parametrize(
    ("weights", "top"),
    [((0.1, 0.15, 0.6, 0.15), 2), ((0.6, 0.1, 0.15, 0.15), 0), ((0.15, 0.5, 0.2, 0.15), 1)],
)
def test_frequency_model_ranks_the_most_important_issue_first(weights, top):
    # The model is a heuristic: it must find the dominant issue on nearly every generated
    # scenario (a model that guessed would manage about a quarter of them).
    hits = [_frequency_model_top_issue(seed, weights)[0] == top for seed in range(10)]
    assert sum(hits) >= 9, hits


def test_frequency_model_counts_values_and_ignores_repeats():
    _, model = _frequency_model_top_issue(0, (0.1, 0.15, 0.6, 0.15))
    assert model.n_offers == 150
    assert model.weights.sum() == pytest.approx(1.0)
    best_value = int(np.argmax(model.counts[2]))
    assert model.value_utilities(2)[best_value] == 1.0
    before = model.weights.copy()
    last = model._last
    model.update(last)  # the same offer again says nothing about the weights
    assert np.array_equal(model.weights, before)


def _own_offer_utilities(sc, result, seat):
    p = own_preferences(sc, seat)
    return [p.utility(e.outcome) for e in result.trace.offers(sc.party_names[seat])]


@pytest.mark.parametrize("tft", ["tit-for-tat", "tit-for-tat-absolute"])
def test_tit_for_tat_concedes_only_when_the_opponent_does(opposed, tft):
    still = _own_offer_utilities(opposed, run(opposed, tft, "hardliner", rounds=50), 0)
    assert len(set(still)) == 1 and still[0] == own_preferences(opposed, 0).best
    moving = _own_offer_utilities(opposed, run(opposed, tft, "linear", rounds=50), 0)
    assert moving[-1] < moving[0]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(moving))


def test_absolute_tit_for_tat_mirrors_the_utility_it_was_given(opposed):
    r = run(opposed, "tit-for-tat-absolute", "linear", rounds=40)
    p = own_preferences(opposed, 0)
    _, other = opposed.party_names
    target, previous, checked = p.best, None, 0
    for e in r.trace.offers():
        u = p.utility(e.outcome)
        if e.party == other:
            if previous is not None and u > previous:
                target = max(target - (u - previous), max(p.reservation, p.worst))
            previous = u
            continue
        # its offer is the outcome nearest above its target: nothing lies in between
        assert u >= target - 1e-12
        assert not np.any((p.sorted_utilities >= target) & (p.sorted_utilities < u - 1e-12))
        checked += 1
    assert checked > 3 and target < p.best


class Ladder(AgentBase):
    """Offers the BOA party's outcomes from its worst upwards (a test partner that knows it)."""

    def __init__(self, sc, boa_seat):
        self.pool = list(own_preferences(sc, boa_seat).pool)[::-1]

    def propose(self, view: AgentView) -> int | None:
        return int(self.pool[min(view.round * 7, len(self.pool) - 1)])

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        return Response.REJECT


def _boa_responses(sc, result):
    p = own_preferences(sc, 1)
    name = sc.party_names[1]
    return [
        (e.kind, e.round, p.utility(e.outcome))
        for e in result.trace
        if e.party == name and e.kind in ("accept", "reject")
    ]


@pytest.mark.parametrize("alpha", [0.5, 0.8])
def test_boa_ac_const_accepts_exactly_at_alpha(additive, alpha):
    boa = make_agent(f"boa:bidding=hardliner,acceptance=const,alpha={alpha},opponent=none")
    r = run(additive, Ladder(additive, 1), boa, rounds=500)
    responses = _boa_responses(additive, r)
    assert r.agreed and responses[-1][0] == "accept"
    assert responses[-1][2] >= alpha
    assert all(u < alpha for kind, _, u in responses[:-1])


@pytest.mark.parametrize("T", [0.3, 0.75])
def test_boa_ac_time_accepts_at_time_t(additive, T):
    boa = make_agent(f"boa:bidding=hardliner,acceptance=time,T={T},opponent=none")
    r = run(additive, Ladder(additive, 1), boa, rounds=100)
    responses = _boa_responses(additive, r)
    assert r.agreed and responses[-1] == ("accept", int(np.ceil(T * 100)), responses[-1][2])
    assert all(kind == "reject" for kind, _, _ in responses[:-1])


def test_boa_ac_combi_takes_the_best_offer_late(additive):
    boa = make_agent("boa:bidding=hardliner,acceptance=combi,T=0.5,opponent=none")
    r = run(additive, Ladder(additive, 1), boa, rounds=100)
    # the ladder only improves, so AC_combi accepts at the first response at t >= T
    assert r.agreed and r.rounds == 51


def test_nash_seeking_stays_above_its_target_and_beats_boulware_on_nash_product():
    products = {"nash-seeking": [], "boulware": []}
    for seed in range(4):
        sc = additive_scenario((6, 5, 4, 5, 3), seed=20 + seed)
        for spec in products:
            r = run(sc, spec, spec, rounds=100)
            assert r.agreed
            products[spec].append(np.prod(r.utilities))
        agent = make_agent("nash-seeking")
        r = run(sc, agent, "conceder", rounds=100)
        p = own_preferences(sc, 0)
        for e in r.trace.offers(sc.party_names[0]):
            assert p.utility(e.outcome) >= agent.target(e.round / 100) - 1e-12
    assert np.mean(products["nash-seeking"]) > np.mean(products["boulware"])


def test_aspiration_boulware_curve_holds_out_longer_than_conceder(additive):
    worst = own_preferences(additive, 0).outcome_at(-1)
    tough = _own_offer_utilities(
        additive, run(additive, "aspiration", Stonewall(worst), rounds=40), 0
    )
    soft = _own_offer_utilities(
        additive, run(additive, "aspiration:curve=conceder", Stonewall(worst), rounds=40), 0
    )
    assert len(tough) == len(soft) == 40
    assert tough[20] > soft[20]
    assert tough[0] == soft[0] == own_preferences(additive, 0).best
