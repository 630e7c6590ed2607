"""Replaying a trace reproduces the negotiation."""

from pathlib import Path

import pytest

from accord.agents import AgentBase
from accord.io.yaml_format import load_yaml
from accord.mechanisms import AgentView, Deadline, Response, Trace, run_alternating_offers
from accord.mechanisms.alternating_offers import replay
from accord.registry import make_agent
from accord.testing import additive_scenario

SCENARIOS = Path(__file__).resolve().parents[3] / "src" / "accord" / "scenarios"


def steps(trace):
    return [(e.round, e.party, e.kind, e.outcome) for e in trace]


def _scenarios():
    return {
        "job": load_yaml(SCENARIOS / "job-offer.yaml"),
        "river": load_yaml(SCENARIOS / "river-basin.yaml"),
        "huge": additive_scenario((10,) * 30, seed=2),
    }


SC = _scenarios()


@pytest.mark.parametrize(
    ("name", "specs", "first"),
    [
        ("job", ("random", "random"), 0),
        ("job", ("micro", "boulware"), 1),
        ("job", ("hardliner", "hardliner"), 0),
        ("river", ("boulware", "random", "conceder"), 2),
        ("huge", ("nash-seeking", "tit-for-tat"), 0),
    ],
)
def test_replay_reproduces_agreement_and_trace(name, specs, first):
    sc = SC[name]
    deadline = Deadline(rounds=80)
    agents = [make_agent(s) for s in specs]
    original = run_alternating_offers(sc, agents, deadline=deadline, seed=5, first=first)
    again = replay(sc, original.trace, deadline)
    assert again.agreement == original.agreement
    assert again.utilities == original.utilities
    assert again.rounds == original.rounds
    assert steps(again.trace) == steps(original.trace)
    # also from its JSON Lines form, with the deadline inferred
    back = Trace.from_jsonl(original.trace.to_jsonl().splitlines())
    assert steps(replay(sc, back).trace) == steps(original.trace)


class WalksAway(AgentBase):
    def propose(self, view: AgentView) -> int | None:
        return None if view.round >= 3 else view.preferences.outcome_at(view.round)

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        return Response.END if view.round >= 5 else Response.REJECT


def test_replay_reproduces_a_walk_away():
    sc = SC["job"]
    original = run_alternating_offers(sc, [make_agent("boulware"), WalksAway()], seed=1)
    assert original.reason.startswith("ended by")
    again = replay(sc, original.trace, Deadline(rounds=1000))
    assert again.reason == original.reason
    assert steps(again.trace) == steps(original.trace)


def test_replay_of_a_trace_that_does_not_fit_is_a_recorded_failure():
    sc = SC["job"]
    original = run_alternating_offers(
        sc, [make_agent("conceder"), make_agent("boulware")], deadline=Deadline(rounds=50), seed=0
    )
    cut = Trace(original.trace.events[:4])  # the record stops, the replay must go on
    again = replay(sc, cut, Deadline(rounds=50))
    assert again.failed is not None and "no further action" in again.reason
