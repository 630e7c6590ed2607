"""Caucus mediation: reaching the Nash package, budgets, k parties, coalitions, determinism,
huge spaces, failures and the built-in strategies."""

import time
from dataclasses import replace

import numpy as np
import pytest

from accord.analysis import analyze
from accord.errors import ProtocolError
from accord.mechanisms.caucus import (
    Answer,
    CaucusMediator,
    CaucusParty,
    rate,
    red_line,
    run_caucus,
    to_party,
)
from accord.mechanisms.trace import Trace
from accord.outcomes import DiscreteIssue, IntegerIssue, OutcomeSpace
from accord.preferences import AffineValue, LinearAdditive, TableValue, TriangularValue
from accord.registry import MEDIATORS, PARTY_STRATEGIES
from accord.scenario import Party, Scenario
from accord.testing.scenarios import additive_scenario, packaged_scenarios

PACKAGED = {s.name: s for s in packaged_scenarios()}


def parties(scenario, spec="truthful"):
    return [PARTY_STRATEGIES.make(spec) for _ in scenario.parties]


def run(scenario, spec="truthful", **kw):
    kw.setdefault("seed", 1)
    return run_caucus(scenario, MEDIATORS.make("caucus"), parties(scenario, spec), **kw)


def nash_ratio(scenario, result):
    r = scenario.reservations
    best = np.prod(np.array(analyze(scenario).nash.utilities) - r)
    return float(np.prod(np.array(result.utilities) - r) / best) if result.agreed else 0.0


@pytest.mark.parametrize("name", sorted(PACKAGED))
def test_truthful_parties_reach_the_nash_package_of_every_packaged_scenario(name):
    sc = PACKAGED[name]
    res = run(sc)
    assert res.agreed and res.reason == "agreement" and res.failed is None
    assert nash_ratio(sc, res) >= 0.98
    assert all(q <= 50 for q in res.details["queries"].values())
    assert res.mediator == "ModelMediator" and res.mediators == ("ModelMediator",)


def test_three_parties_agree_on_an_individually_rational_nash_package():
    sc = PACKAGED["river-basin"]
    res = run(sc, mediator_id="caucus")
    assert len(res.parties) == 3 and res.agreed
    assert all(u >= r for u, r in zip(res.utilities, sc.reservations, strict=True))
    assert nash_ratio(sc, res) >= 0.98
    votes = [e for e in res.trace if e.kind == "vote" and e.outcome == res.agreement]
    assert {e.party for e in votes} == set(sc.party_names)


@pytest.mark.parametrize("budget", [1, 3, 7])
def test_the_disclosure_budget_is_never_exceeded(budget):
    sc = additive_scenario((6, 5, 7, 4), parties=3, seed=2)
    res = run(sc, query_budget=budget, rounds=40)
    for party in sc.party_names:
        asked = [e for e in res.trace if e.recipient == party and e.kind in ("query", "proposal")]
        assert len(asked) == res.details["queries"][party] <= budget
    if not res.agreed:
        assert res.reason in ("budget exhausted", "deadline")


def test_same_seed_same_trace_and_other_seed_other_questions():
    sc = additive_scenario((5, 6, 4, 7), seed=4)

    def steps(result):
        return [(e.round, e.party, e.kind, e.outcome, e.note, e.recipient) for e in result.trace]

    a, b, c = run(sc, seed=11), run(sc, seed=11), run(sc, seed=12)
    assert steps(a) == steps(b) and a.details == b.details
    assert steps(a) != steps(c)  # the base packages are drawn per seed


def test_trace_round_trips_through_jsonl_with_the_mediation_kinds():
    res = run(PACKAGED["job-offer"])
    kinds = {e.kind for e in res.trace}
    assert {"query", "disclosure", "proposal", "vote", "agreement"} <= kinds
    back = Trace.from_jsonl(res.trace.to_jsonl().splitlines())
    assert [replace(e, time=0.0) for e in back] == [replace(e, time=0.0) for e in res.trace]


def test_a_coalition_shares_one_notebook_and_alternates_rounds():
    sc = additive_scenario((5, 4, 6), parties=3, seed=7)
    lead, co = MEDIATORS.make("caucus"), MEDIATORS.make("caucus")
    res = run_caucus(sc, [lead, co], parties(sc), seed=3, mediator_id=["caucus", "caucus"])
    alone = run(sc, seed=3)
    assert res.mediator == "caucus+caucus#2" and res.details["coalition"] == ["caucus", "caucus#2"]
    senders = {e.round: e.party for e in res.trace if e.kind in ("query", "proposal")}
    assert all(s == ("caucus" if r % 2 == 0 else "caucus#2") for r, s in senders.items())
    assert len(set(senders.values())) == 2
    assert res.agreement == alone.agreement  # the co-mediator continues the lead's model


def test_guarded_parties_only_rank_and_never_state_a_red_line():
    sc = PACKAGED["job-offer"]
    res = run(sc, "guarded")
    asked = {e.recipient: set() for e in res.trace if e.kind == "query"}
    for e in res.trace:
        if e.kind == "disclosure":
            assert '"ratings"' not in e.note and '"threshold"' not in e.note
        if e.kind == "query":
            asked[e.recipient].add(e.note)
    assert res.agreed and all(u >= r for u, r in zip(res.utilities, sc.reservations, strict=True))
    assert any('"rank"' in n for n in asked[sc.party_names[0]])
    assert any('"top_issue"' in n for n in asked[sc.party_names[0]])


def test_huge_additive_spaces_are_searched_not_enumerated():
    sc = additive_scenario((10,) * 14, seed=9)  # 10^14 outcomes
    started = time.perf_counter()
    res = run(sc)
    assert res.agreed and time.perf_counter() - started < 20
    assert max(res.details["queries"].values()) <= 50


def smooth_scenario():
    space = OutcomeSpace((IntegerIssue("price", 0, 299), DiscreteIssue("terms", ("a", "b", "c"))))
    terms = TableValue({"a": 0.0, "b": 0.6, "c": 1.0})
    buyer = LinearAdditive((0.7, 0.3), (AffineValue(-1 / 299, 1.0), terms))
    seller = LinearAdditive((0.6, 0.4), (TriangularValue(0, 299, 211), TableValue({"a": 1.0})))
    return Scenario("smooth", space, (Party("buyer", buyer, 0.1), Party("seller", seller, 0.1)))


def test_large_numeric_issues_are_interpolated_and_refined_at_kinks():
    sc = smooth_scenario()
    res = run(sc)
    rated = [e for e in res.trace if e.kind == "query" and '"rate"' in e.note]
    seller = [e for e in rated if e.recipient == "seller"]
    buyer = [e for e in rated if e.recipient == "buyer"]
    assert len(seller) > len(buyer)  # the seller's peak is refined, the buyer's line is not
    assert res.agreed and nash_ratio(sc, res) >= 0.98
    assert max(res.details["queries"].values()) <= 50


class Raising:
    def start(self, view):
        pass

    def answer(self, view, query):
        raise RuntimeError("no comment")


class TooMany:
    def start(self, view):
        pass

    def next_message(self, view, party):
        return to_party(view, party, rate(*range(6)))


class WrongAnswer:
    def start(self, view):
        pass

    def answer(self, view, query):
        return Answer("rate", ratings=(1.0,)) if query.kind != "rate" else Answer("rate")


def test_failures_are_recorded_not_raised():
    sc = PACKAGED["job-offer"]
    strategies = parties(sc)
    res = run_caucus(sc, MEDIATORS.make("caucus"), [Raising(), strategies[1]], party_ids=["x", "y"])
    assert res.failed == "x" and "no comment" in res.reason and not res.agreed
    res = run_caucus(sc, TooMany(), strategies, mediator_id="m")
    assert res.failed == "m" and "ProtocolError" in res.reason
    res = run_caucus(sc, MEDIATORS.make("caucus"), [WrongAnswer(), strategies[1]])
    assert res.failed == "WrongAnswer" and "illegal answer" in res.reason
    assert res.trace.events[-1].kind == "failure"


def test_bad_configurations_raise_protocol_errors():
    sc = PACKAGED["job-offer"]
    med = MEDIATORS.make("caucus")
    with pytest.raises(ProtocolError):
        run_caucus(sc, med, parties(sc)[:1])
    with pytest.raises(ProtocolError):
        run_caucus(sc, med, parties(sc), query_budget=0)
    with pytest.raises(ProtocolError):
        run_caucus(sc, med, parties(sc), mediator_id=sc.party_names[0])
    continuous = next(p for p in packaged_scenarios() if p.space.discretisations)
    from accord.api import load

    raw = load(continuous.name)
    assert raw.space.is_continuous
    with pytest.raises(ProtocolError, match="discret"):
        run_caucus(raw, med, parties(raw))


@pytest.mark.parametrize("spec", ["caucus", "truthful", "guarded"])
def test_builtins_are_registered_documented_and_conform(spec):
    registry = MEDIATORS if spec == "caucus" else PARTY_STRATEGIES
    info = registry.all()[spec]
    assert info.builtin and info.summary and len(info.summary) < 100
    assert any(line.startswith("Reference:") for line in info.doc.splitlines())
    assert isinstance(registry.make(spec), CaucusMediator if spec == "caucus" else CaucusParty)


def test_red_line_answers_are_the_reservation_values():
    sc = PACKAGED["river-basin"]

    class AskRedLine:
        def start(self, view):
            pass

        def next_message(self, view, party):
            return None if view.notebook.of(party) else to_party(view, party, red_line())

    res = run_caucus(sc, AskRedLine(), parties(sc), rounds=1)
    said = [e.note for e in res.trace if e.kind == "disclosure"]
    for note, r in zip(said, sc.reservations, strict=True):
        assert f'"threshold": {r}' in note
    assert res.reason == "deadline" and res.details["proposals"] == 0


@pytest.mark.parametrize("name", sorted(PACKAGED))
def test_caucus_beats_single_text_and_alternating_offers_on_packaged_scenarios(name):
    """A light version of benchmarks/mediation_eval.py (the corpus comparison)."""
    from accord import negotiate
    from accord.mechanisms.single_text import run_single_text

    sc = PACKAGED[name].at()  # a phased case is compared at the start of its timeline
    caucus = run(sc, seed=0)
    hill = run_single_text(sc, MEDIATORS.make("hill-climbing"), parties(sc), seed=0, rounds=300)
    offers = negotiate(sc, ["boulware", "conceder"] + ["conceder"] * (len(sc.parties) - 2))
    ratios = [nash_ratio(sc, r) for r in (caucus, hill, offers)]
    assert ratios[0] >= max(ratios[1:]) - 1e-9 and ratios[0] >= 0.98
    assert max(caucus.details["queries"].values()) < hill.details["proposals"]
