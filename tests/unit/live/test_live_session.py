"""Live sessions: people's moves enter the same mechanisms as agents' moves, replay exactly,
and a move the mechanism would refuse is refused without being recorded."""

from __future__ import annotations

import json

import numpy as np
import pytest

from accord import load, run
from accord.errors import ProtocolError
from accord.live import PERSON, LiveSession, MoveRefused
from accord.live.hub import SessionHub
from accord.mechanisms.spec import CAUCUS, SINGLE_TEXT, Deadline, RunSpec
from accord.storage.sessions import SessionStore


@pytest.fixture(scope="module")
def job_offer():
    return load("job-offer")


@pytest.fixture(scope="module")
def hostage():
    return load("hostage-release-2023")


def _moves_of(result, party: str) -> list[dict]:
    """The moves a person must make to play ``party`` as the recorded run did."""
    out = []
    for e in result.trace:
        if e.party != party:
            continue
        if e.kind == "offer":
            out.append({"act": "offer", "outcome": e.outcome})
        elif e.kind == "accept":
            out.append({"act": "accept"})
        elif e.kind == "end":
            out.append({"act": "end"})
        elif e.kind == "vote":
            out.append({"act": "vote", "accept": e.note == "accept"})
    return out


def _play(session: LiveSession, seat: int, moves: list[dict]):
    played: list[tuple[int, dict]] = []
    state = session.state(played)
    for move in moves:
        assert state.waiting is not None and state.waiting.seat == seat
        state = session.advance(played, seat, move)
        played.append((seat, move))
    return state


@pytest.mark.parametrize("first", [0, 1])
def test_a_person_making_an_agents_moves_gives_the_agents_run(job_offer, first):
    spec = RunSpec(
        "job-offer",
        ("boulware", "conceder"),
        deadline=Deadline(rounds=40, per_call=None),
        seed=5,
        options={"first": first},
    )
    recorded = run(spec, scenario=job_offer)
    assert recorded.agreement is not None
    live = LiveSession(
        RunSpec(
            "job-offer",
            (PERSON, "conceder"),
            deadline=Deadline(rounds=40),
            seed=5,
            options={"first": first},
        ),
        job_offer,
    )
    state = _play(live, 0, _moves_of(recorded, "candidate"))
    assert state.finished and state.waiting is None
    result = state.result
    assert result.agreement == recorded.agreement
    assert result.utilities == recorded.utilities
    assert [(e.kind, e.party, e.outcome) for e in result.trace] == [
        (e.kind, e.party, e.outcome) for e in recorded.trace
    ]


def test_a_person_voting_as_the_truthful_voter_gives_its_run(job_offer):
    spec = RunSpec(
        "job-offer",
        ("truthful", "truthful"),
        SINGLE_TEXT,
        mediators=("hill-climbing",),
        deadline=Deadline(rounds=15, per_call=None),
        seed=3,
    )
    recorded = run(spec, scenario=job_offer)
    live = LiveSession(
        RunSpec(
            "job-offer",
            ("truthful", PERSON),
            SINGLE_TEXT,
            mediators=("hill-climbing",),
            deadline=Deadline(rounds=15),
            seed=3,
        ),
        job_offer,
    )
    state = _play(live, 1, _moves_of(recorded, "employer"))
    assert state.finished
    assert state.result.agreement == recorded.agreement
    assert [(e.kind, e.party, e.note) for e in state.result.trace] == [
        (e.kind, e.party, e.note) for e in recorded.trace
    ]
    votes = state.seen[1]["votes"]
    assert len(votes) == 15 and all("proposal_utility" in v for v in votes)


def test_replay_is_exact_and_a_person_sees_only_its_own_utilities(job_offer):
    live = LiveSession(
        RunSpec("job-offer", (PERSON, "boulware"), deadline=Deadline(rounds=8), seed=1), job_offer
    )
    moves = [(0, {"act": "offer", "outcome": k}) for k in (0, 7, 19)]
    a, b = live.state(moves), live.state(moves)
    assert a.waiting == b.waiting and a.seen == b.seen
    assert a.waiting.ask == "respond" and a.waiting.seat == 0
    own = job_offer.parties[0].utility
    space = job_offer.space

    for offer in a.seen[0]["history"]:
        digits = np.array([space.from_index(offer["outcome"])])
        assert offer["utility"] == pytest.approx(float(own.evaluate(space, digits)[0]))
    assert a.waiting.data["utility"] == pytest.approx(
        float(own.evaluate(space, np.array([space.from_index(a.waiting.data["offer"])]))[0])
    )
    assert a.seen[0]["reservation"] == job_offer.parties[0].reservation  # its own red line
    assert set(a.seen) == {0}  # only people's seats are seen
    assert "employer" in json.dumps(a.seen)  # the other party's name and offers are public


def test_moves_out_of_turn_or_illegal_are_refused_and_not_kept(job_offer):
    live = LiveSession(
        RunSpec("job-offer", (PERSON, PERSON), deadline=Deadline(rounds=3), seed=1), job_offer
    )
    with pytest.raises(MoveRefused, match="it is candidate's turn"):
        live.advance([], 1, {"act": "offer", "outcome": 0})
    with pytest.raises(MoveRefused, match="not a package"):
        live.advance([], 0, {"act": "offer", "outcome": 10**9})
    with pytest.raises(MoveRefused, match="not one of"):
        live.advance([], 0, {"act": "vote", "accept": True})
    with pytest.raises(MoveRefused, match="act"):
        live.advance([], 0, {"outcome": 1})
    assert live.state([]).moves == 0
    moves = [(0, {"act": "end"})]
    assert live.state(moves).finished
    with pytest.raises(MoveRefused, match="over"):
        live.advance(moves, 0, {"act": "offer", "outcome": 1})


def test_a_mediators_note_that_leaks_a_disclosure_is_refused(hostage):
    live = LiveSession(
        RunSpec(
            "hostage-release-2023",
            ("truthful", "truthful"),
            CAUCUS,
            mediators=(PERSON,),
            seed=2,
            options={"budget": 6},
        ),
        hostage,
    )
    first = live.state([]).waiting
    assert first.ask == "message" and first.data["party"] == "Government of Israel"
    moves = [(-1, {"act": "ask", "kind": "top_issue"})]
    state = live.advance([], -1, moves[0][1])
    told = state.seen[-1]["notebook"]["Government of Israel"][0]["answer"]["issue"]
    moves.append((-1, {"act": "close"}))
    state = live.advance(moves[:1], -1, moves[1][1])
    assert state.waiting.data["party"] == "Hamas"
    leak = {"act": "ask", "kind": "rate", "packages": [1], "note": f"they care about {told}"}
    with pytest.raises(MoveRefused):
        live.advance(moves, -1, leak)
    assert live.state(moves).moves == 2
    fine = {"act": "ask", "kind": "rate", "packages": [1], "note": "how is this?"}
    after = live.advance(moves, -1, fine)
    assert not after.finished


def test_a_live_session_refuses_wall_time_deadlines_and_unknown_strategies(job_offer):
    with pytest.raises(ProtocolError, match="rounds"):
        LiveSession(
            RunSpec("job-offer", (PERSON, "boulware"), deadline=Deadline(rounds=None, seconds=5)),
            job_offer,
        )
    with pytest.raises(Exception, match="nosuchagent"):
        LiveSession(RunSpec("job-offer", (PERSON, "nosuchagent")), job_offer)
    with pytest.raises(ProtocolError, match="mediator"):
        LiveSession(RunSpec("job-offer", (PERSON, PERSON), CAUCUS, mediators=()), job_offer)


def test_the_hub_keeps_every_move_and_a_new_hub_continues(tmp_path):
    db = tmp_path / "s.db"
    hub = SessionHub(SessionStore(db))
    sid = hub.create("t", "job-offer", [PERSON, "conceder"], rounds=30, seed=4)
    hub.move(sid, 0, {"act": "offer", "outcome": 5})
    before = hub.state(sid)
    again = SessionHub(SessionStore(db))  # a restarted server on the same store
    after = again.state(sid)
    assert after.moves == 1 and after.waiting == before.waiting and after.seen == before.seen
    again.move(sid, 0, {"act": "offer", "outcome": 6})
    assert hub.store.moves(sid)[-1] == (0, {"act": "offer", "outcome": 6})
    assert not hub.store.add_move(sid, 1, 0, {"act": "end"})  # position 1 is taken


def test_the_debrief_places_the_deal_against_the_frontier_and_the_nash_point(job_offer):
    from accord.analysis.report import analyze
    from accord.live.debrief import debrief

    analysis = analyze(job_offer)
    live = LiveSession(
        RunSpec("job-offer", (PERSON, PERSON), deadline=Deadline(rounds=5), seed=1), job_offer
    )
    space = job_offer.space
    nash = space.to_index(list(space.encode(analysis.nash.outcome)))
    worst = 0  # 60k, no remote days, … : far inside the frontier
    for outcome, dominated in ((nash, False), (worst, True)):
        moves = [(0, {"act": "offer", "outcome": outcome}), (1, {"act": "accept"})]
        state = live.state(moves)
        found = debrief(job_offer, state.result, analysis)
        assert found.deal == state.result.utilities
        assert found.dominated is dominated
        assert found.offers == ((job_offer.parties[0].name, found.deal),)
        if not dominated:
            assert found.frontier_gap == pytest.approx(0.0, abs=1e-9)
            assert found.nash_gap == pytest.approx(0.0, abs=1e-9)
        else:
            assert found.frontier_gap > 0.05 and found.nash_gap > found.frontier_gap
    nothing = live.state([(0, {"act": "end"})])
    found = debrief(job_offer, nothing.result, analysis)
    assert found.deal is None and found.dominated is None and found.nash_gap is None
