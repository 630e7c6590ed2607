from pathlib import Path

import numpy as np
import pytest

from accord.agents import AgentBase
from accord.errors import ProtocolError
from accord.io.yaml_format import load_yaml
from accord.mechanisms import AgentView, Deadline, Response, Trace, run_alternating_offers
from accord.registry import make_agent

SCENARIOS = Path(__file__).resolve().parents[3] / "src" / "accord" / "scenarios"


@pytest.fixture(scope="module")
def job():
    return load_yaml(SCENARIOS / "job-offer.yaml")


def run(sc, *specs, **kw):
    return run_alternating_offers(sc, [make_agent(s) for s in specs], agent_ids=specs, **kw)


def test_boulware_vs_conceder_lands_nearer_boulwares_best(job):
    for first, (a, b) in enumerate([("boulware", "conceder"), ("conceder", "boulware")]):
        r = run(job, a, b, seed=0, first=first)
        assert r.agreed
        tough = 0 if a == "boulware" else 1
        assert r.utilities[tough] > r.utilities[1 - tough]


def test_hardliners_never_agree(job):
    r = run(job, "hardliner", "hardliner", deadline=Deadline(rounds=200))
    assert not r.agreed and r.reason == "deadline" and r.rounds == 200
    assert r.utilities == (0.35, 0.40)  # the reservation values


def test_same_seed_same_trace_and_jsonl_round_trip(job):
    a = run(job, "random", "random", seed=7)
    b = run(job, "random", "random", seed=7)
    strip = [(e.round, e.party, e.kind, e.outcome) for e in a.trace]
    assert strip == [(e.round, e.party, e.kind, e.outcome) for e in b.trace]
    back = Trace.from_jsonl(a.trace.to_jsonl().splitlines())
    assert [(e.round, e.kind, e.outcome) for e in back] == [
        (e.round, e.kind, e.outcome) for e in a.trace
    ]


def test_time_based_offers_follow_their_curve(job):
    r = run(job, "linear", "hardliner", deadline=Deadline(rounds=100))
    agent = make_agent("linear")
    prefs_u = job.utilities()[:, 0]
    sorted_u = np.sort(prefs_u)[::-1]
    for e in r.trace.offers("candidate"):
        agent.start(_FakeView(job, e.round / 100))  # type: ignore[arg-type]
        target = agent.target(e.round / 100)
        got = prefs_u[e.outcome]
        assert got >= target - 1e-12
        # nothing strictly between target and the offer: within one outcome step
        assert not np.any((sorted_u >= target) & (sorted_u < got - 1e-12))


class _FakeView:
    def __init__(self, sc, t):
        from accord.mechanisms import own_preferences

        self.preferences = own_preferences(sc, 0)
        self.time = t


class Raiser(AgentBase):
    def propose(self, view: AgentView) -> int | None:
        raise RuntimeError("boom")

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        return Response.REJECT


class Cheater(AgentBase):
    def propose(self, view: AgentView) -> int | None:
        return 10**9

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        return Response.REJECT


@pytest.mark.parametrize(("bad", "words"), [(Raiser, "boom"), (Cheater, "illegal offer")])
def test_misbehaving_agent_is_a_recorded_failure(job, bad, words):
    r = run_alternating_offers(job, [make_agent("conceder"), bad()], agent_ids=("c", "bad"))
    assert not r.agreed
    assert r.failed == "bad"
    assert words in r.reason
    assert r.trace.events[-1].kind == "failure"


def test_needs_one_agent_per_party_and_a_deadline(job):
    with pytest.raises(ProtocolError):
        run_alternating_offers(job, [make_agent("conceder")])
    with pytest.raises(ProtocolError):
        run(job, "conceder", "conceder", deadline=Deadline(rounds=None, seconds=None))
