"""Single-text mediation: voting semantics, monotonicity, k parties, determinism, failures,
and what the mediator may (not) see."""

import json
from dataclasses import replace

import numpy as np
import pytest

from accord.errors import ProtocolError
from accord.mechanisms.single_text import (
    MediatorView,
    SingleTextMediator,
    Voter,
    VoterView,
    run_single_text,
)
from accord.registry import MEDIATORS, PARTY_STRATEGIES
from accord.testing.scenarios import additive_scenario, hyper_rectangle_scenario

BUILTIN_MEDIATORS = ("annealing", "hill-climbing")
BUILTIN_VOTERS = ("annealing-voter", "hard", "truthful")


@pytest.fixture(scope="module")
def rect():
    return hyper_rectangle_scenario(12, 6, 24, seed=3)


@pytest.fixture(scope="module")
def three():
    return additive_scenario((4, 5, 6, 3, 7), parties=3, seed=5)


def voters(scenario, spec="truthful"):
    return [PARTY_STRATEGIES.make(spec) for _ in scenario.parties]


def run(scenario, mediator="hill-climbing", voter="truthful", **kw):
    kw.setdefault("rounds", 200)
    kw.setdefault("seed", 1)
    return run_single_text(
        scenario,
        MEDIATORS.make(mediator),
        voters(scenario, voter),
        mediator_id=mediator,
        party_ids=[voter] * len(scenario.parties),
        **kw,
    )


def rounds_of(result):
    """Per round: the proposal, the votes and whether/how the text moved, from the trace."""
    out: dict[int, dict] = {}
    for e in result.trace:
        r = out.setdefault(e.round, {"votes": [], "moved": None})
        if e.kind == "proposal":
            r["proposal"] = e.outcome
        elif e.kind == "vote":
            r["votes"].append(e.note == "accept")
        elif e.kind == "event":
            r["moved"] = e.note
    return [out[k] for k in sorted(out) if "proposal" in out[k]]


class ScriptedVoter:
    """Votes yes on every ``period``-th call, starting at call ``phase``."""

    def __init__(self, period, phase):
        self.period, self.phase, self.calls = period, phase, 0

    def start(self, view):
        pass

    def vote(self, view, current, proposal):
        self.calls += 1
        return (self.calls - self.phase) % self.period == 0


def test_the_text_moves_iff_every_party_accepts(rect):
    res = run_single_text(
        rect,
        MEDIATORS.make("hill-climbing"),
        [ScriptedVoter(2, 0), ScriptedVoter(3, 0)],
        rounds=200,
        seed=4,
    )
    rows = rounds_of(res)
    assert len(rows) == 200 and res.rounds == 200
    text = res.details["initial_text"]
    for row in rows:
        assert len(row["votes"]) == 2
        assert (row["moved"] is not None) == all(row["votes"])
        if all(row["votes"]):
            assert row["moved"] == "text moved"
            text = row["proposal"]
    assert res.details["final_text"] == text == res.agreement
    assert res.details["accepted"] == sum(all(r["votes"]) for r in rows) == 200 // 6
    assert res.details["adopted_without_unanimity"] == 0


@pytest.mark.parametrize("scenario_name", ["rect", "three"])
def test_truthful_voters_never_lose_under_hill_climbing(scenario_name, request):
    sc = request.getfixturevalue(scenario_name)
    moves = 0
    for seed in range(4):  # several starting texts: a random one may sit near a local optimum
        res = run(sc, rounds=400, seed=seed)
        texts = [res.details["initial_text"]]
        texts += [r["proposal"] for r in rounds_of(res) if r["moved"]]
        moves += len(texts) - 1
        u = sc.evaluate(np.array([sc.space.from_index(t) for t in texts]))
        assert np.all(np.diff(u, axis=0) >= 0)
    assert moves > 2
    assert res.utilities == tuple(u[-1])


def test_three_parties_vote_every_round(three):
    res = run(three, mediator="annealing", rounds=300)
    assert res.parties == three.party_names and len(res.utilities) == 3
    for row in rounds_of(res):
        assert len(row["votes"]) == 3
    votes = [e for e in res.trace if e.kind == "vote"]
    assert {e.party for e in votes} == set(three.party_names)
    assert res.agreed and res.details["accepted"] > 0
    assert sum(res.details["accepts_by_party"].values()) == sum(e.note == "accept" for e in votes)


def test_annealing_mediator_adopts_without_unanimity_only_while_warm(rect):
    res = run(rect, mediator="annealing", rounds=500)
    adopted = [e for e in res.trace if e.kind == "event" and "by the mediator" in e.note]
    assert adopted and res.details["adopted_without_unanimity"] == len(adopted)
    assert max(e.round for e in adopted) < 0.8 * 500  # cooled to 0 at time 0.8
    assert run(rect, rounds=500).details["adopted_without_unanimity"] == 0


def test_same_seed_same_trace_other_seed_other_trace(rect):
    def steps(res):
        return [(e.round, e.party, e.kind, e.outcome, e.note, e.recipient) for e in res.trace]

    for mediator, voter in [("annealing", "annealing-voter"), ("hill-climbing", "hard")]:
        a, b = run(rect, mediator, voter, seed=7), run(rect, mediator, voter, seed=7)
        assert steps(a) == steps(b) and a.utilities == b.utilities
        assert steps(run(rect, mediator, voter, seed=8)) != steps(a)


def test_votes_are_addressed_to_the_mediator_and_proposals_come_from_it(rect):
    res = run(rect, rounds=50)
    kinds = {e.kind for e in res.trace}
    assert kinds <= {"proposal", "vote", "event", "agreement", "end"}
    for e in res.trace:
        if e.kind == "vote":
            assert e.recipient == "hill-climbing" and e.party in rect.party_names
            assert e.note in ("accept", "reject")
        if e.kind == "proposal":
            assert e.party == "hill-climbing" and e.recipient is None
    assert res.mediator == "hill-climbing" and res.to_dict()["mediator"] == "hill-climbing"
    json.dumps(res.to_dict(with_trace=True))


class SpyMediator:
    """Hill-climbs while recording everything it is given."""

    def __init__(self):
        self.inner = MEDIATORS.make("hill-climbing")
        self.seen: list[object] = []

    def _look(self, view, *args):
        self.seen.extend(args)
        for name in dir(view):
            if not name.startswith("_"):
                self.seen.append((name, getattr(view, name)))

    def start(self, view):
        self._look(view)

    def propose(self, view):
        self._look(view)
        return self.inner.propose(view)

    def observe(self, view, accepted):
        self._look(view, accepted)
        return False


def test_a_mediator_never_receives_a_utility(rect):
    spy = SpyMediator()
    res = run_single_text(rect, spy, voters(rect), rounds=60, seed=2)
    assert res.agreed
    names = {name for item in spy.seen if isinstance(item, tuple) for name in [item[0]]}
    assert names == {
        "history",
        "parties",
        "round",
        "rounds",
        "rng",
        "rule",  # the public agreement rule: parties and counts, no preference
        "space",
        "text",
        "time",
        "votes",
    }
    for item in spy.seen:
        value = item[1] if isinstance(item, tuple) else item
        if isinstance(item, tuple) and item[0] == "time":
            continue  # relative time, not a utility
        assert not isinstance(value, float | np.floating), item
        if isinstance(item, tuple) and item[0] == "history":
            for rec in value:
                assert all(isinstance(x, bool) for x in rec.votes)
                assert isinstance(rec.proposal, int) and isinstance(rec.moved, bool)
    assert isinstance(spy, SingleTextMediator)
    assert not hasattr(MediatorView, "preferences")


class Raising:
    def start(self, view):
        pass

    def propose(self, view):
        if view.round == 3:
            raise RuntimeError("boom")
        return view.text

    def observe(self, view, accepted):
        return False

    def vote(self, view, current, proposal):
        if view.round == 5:
            return "yes"
        return True


@pytest.mark.parametrize(
    ("who", "mediator", "first_voter", "expect"),
    [
        ("mediator", Raising(), None, "raised RuntimeError('boom') in propose"),
        ("party", None, Raising(), "illegal vote 'yes'"),
    ],
)
def test_a_misbehaving_mediator_or_voter_is_a_recorded_failure(
    rect, who, mediator, first_voter, expect
):
    med = mediator or MEDIATORS.make("hill-climbing")
    vs = [first_voter or PARTY_STRATEGIES.make("truthful"), PARTY_STRATEGIES.make("truthful")]
    res = run_single_text(rect, med, vs, rounds=20, seed=0, mediator_id="m", party_ids=["a", "b"])
    assert not res.agreed and res.failed == ("m" if who == "mediator" else "a")
    assert res.reason.startswith(f"failure: {who}") and expect in res.reason
    assert res.trace.events[-1].kind == "failure"
    assert res.utilities == tuple(p.reservation for p in rect.parties)


def test_an_illegal_proposal_is_a_failure(rect):
    class Outside(Raising):
        def propose(self, view):
            return view.space.size

    res = run_single_text(rect, Outside(), voters(rect), rounds=5, mediator_id="out")
    assert res.failed == "out" and "outside the space" in res.reason


def test_no_agreement_when_the_final_text_is_below_a_reservation_value(rect):
    high = replace(rect, parties=(rect.parties[0], replace(rect.parties[1], reservation=2.0)))
    res = run(high, rounds=50)
    assert not res.agreed and res.agreement is None
    assert "below the reservation value of p1" in res.reason
    assert res.utilities[1] == 2.0 and res.trace.events[-1].kind == "end"


def test_hard_voters_accept_only_strict_improvements_above_reservation(rect):
    sc = replace(rect, parties=tuple(replace(p, reservation=0.05) for p in rect.parties))
    res = run(sc, voter="hard", rounds=300, seed=3)
    text = res.details["initial_text"]
    for row in rounds_of(res):
        u_now, u_new = sc.evaluate(
            np.array([sc.space.from_index(x) for x in (text, row["proposal"])])
        )
        for i, yes in enumerate(row["votes"]):
            assert yes == (u_new[i] > u_now[i] and u_new[i] >= 0.05)
        if row["moved"]:
            text = row["proposal"]


def test_initial_text_is_used_and_validated(rect):
    res = run(rect, rounds=1, initial=0)
    assert res.details["initial_text"] == 0
    with pytest.raises(ProtocolError):
        run(rect, initial=rect.space.size)
    with pytest.raises(ProtocolError):
        run_single_text(rect, MEDIATORS.make("annealing"), voters(rect)[:1])


def test_huge_spaces_are_never_enumerated():
    sc = hyper_rectangle_scenario(50, 10, 100, seed=1)  # 10^50 outcomes
    res = run(sc, mediator="annealing", rounds=300)
    assert res.details["final_text"] < sc.space.size and res.rounds == 300
    assert res.details["accepted"] > 0
    assert sc.evaluate(np.array([sc.space.from_index(res.details["final_text"])]))[0].tolist() == (
        list(res.utilities) if res.agreed else [p.reservation for p in sc.parties]
    )


@pytest.mark.parametrize("strategy_id", BUILTIN_MEDIATORS + BUILTIN_VOTERS)
def test_builtins_are_registered_documented_and_conform(strategy_id):
    registry = MEDIATORS if strategy_id in BUILTIN_MEDIATORS else PARTY_STRATEGIES
    info = registry.all()[strategy_id]
    assert info.builtin and info.summary and len(info.summary) < 100
    assert any(line.startswith("Reference:") for line in info.doc.splitlines())
    kind = SingleTextMediator if strategy_id in BUILTIN_MEDIATORS else Voter
    assert isinstance(registry.make(strategy_id), kind)


def test_parameters_reach_the_strategies():
    assert MEDIATORS.make("annealing:t0=0.5,cooling=0.4").t0 == 0.5
    assert PARTY_STRATEGIES.make("annealing-voter:t0=0.02").t0 == 0.02


def test_voter_view_exposes_only_own_preferences(rect):
    seen = []

    class Peek:
        def start(self, view):
            seen.append(view)

        def vote(self, view, current, proposal):
            return True

    run_single_text(rect, MEDIATORS.make("hill-climbing"), [Peek(), Peek()], rounds=1)
    assert all(isinstance(v, VoterView) for v in seen)
    assert [v.name for v in seen] == list(rect.party_names)
    assert {n for n in dir(seen[0]) if not n.startswith("_")} == {
        "name",
        "parties",
        "preferences",
        "rng",
        "round",
        "rounds",
        "time",
    }
