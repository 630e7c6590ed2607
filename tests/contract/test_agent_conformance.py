"""Contract: every registered agent passes the public conformance suite, and the suite catches
agents that break the rules."""

import random as global_random

import pytest

from accord.agents import AgentBase
from accord.mechanisms import AgentView, Response
from accord.registry import agents
from accord.testing import additive_scenario, check_agent, conformance_scenarios


@pytest.mark.parametrize("agent_id", sorted(agents()))
def test_registered_agent_conforms(agent_id):
    # 20 ms per call on average per run: 100x what the built-ins take, and robust to a loaded CI
    # machine (the public default is 5 ms).
    report = check_agent(agent_id, max_mean_call=0.02)
    assert report.passed, "\n".join(report.problems)
    assert len(report.runs) >= 2 * len(conformance_scenarios())
    assert report.mean_call < report.max_mean_call


def test_suite_covers_huge_spaces_and_three_parties():
    scenarios = conformance_scenarios()
    assert max(s.space.size or 0 for s in scenarios) >= 10**30
    assert any(len(s.parties) == 3 for s in scenarios)
    assert any("hyper-rectangles" in s.name for s in scenarios)


class Cheater(AgentBase):
    def propose(self, view: AgentView) -> int | None:
        return -1

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        return Response.REJECT


class Unseeded(AgentBase):
    """Uses the global RNG instead of view.rng: not reproducible."""

    def propose(self, view: AgentView) -> int | None:
        return global_random.randrange(view.preferences.space.size or 1)

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        return Response.REJECT


class Sluggish(AgentBase):
    def propose(self, view: AgentView) -> int | None:
        total = 0
        for i in range(200_000):
            total += i
        return view.preferences.outcome_at(0)

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        return Response.REJECT


SMALL = [additive_scenario((4, 5, 3), seed=11)]


@pytest.mark.parametrize(
    ("bad", "check"), [(Cheater, "failure"), (Unseeded, "deterministic"), (Sluggish, "speed")]
)
def test_suite_reports_misbehaviour_without_raising(bad, check):
    report = check_agent(bad, partners=["conceder"], scenarios=SMALL, rounds=20, max_mean_call=1e-3)
    assert not report.passed
    assert any(f": {check}" in p for p in report.problems), report.problems
    assert "FAILED" in report.summary()
