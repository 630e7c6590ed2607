"""What each holder of a link may see: one payload per seat, one for the trainer.

:func:`seat_payload` is the only thing the participant's pages and API render. It is built
from the live session's state for that seat alone: the seat's own brief (a party's own
priorities; a mediator the public structure), what the mechanism's view of that seat shows
(:meth:`accord.live.LiveState.seen_by`), the prompt when it is that seat's turn, and at the end
the outcome with the seat's own utility. Another party's utilities, red line or disclosures
never enter it (the route-enumeration test checks every route against every seat).
"""

from __future__ import annotations

from typing import Any

from accord.live import LiveState, package, party_brief, public_brief
from accord.live.hub import Live
from accord.web.tokens import seat_token

ROLE_LABELS = {"agent": "party", "party": "party", "mediator": "mediator"}


def seat_label(live: Live, seat: int) -> str:
    """How a seat is named on pages: the party's name, or the mediator's."""
    return live.session.seat(seat).label


def status(live: Live, state: LiveState, seat: int | None) -> dict[str, Any]:
    if state.finished:
        return {"finished": True, "my_turn": False, "waiting_for": None}
    assert state.waiting is not None
    who = state.waiting.seat
    return {
        "finished": False,
        "my_turn": who == seat,
        "waiting_for": seat_label(live, who),
    }


def seat_payload(live: Live, state: LiveState, seat: int) -> dict[str, Any]:
    """Everything the holder of ``seat``'s link may see now (JSON-safe)."""
    info = live.session.seat(seat)
    scenario = live.scenario
    spec = live.session.spec
    brief = party_brief(scenario, seat) if seat >= 0 else public_brief(scenario)
    out: dict[str, Any] = {
        "session": live.stored.title,
        "protocol": spec.protocol,
        "seat": seat,
        "role": ROLE_LABELS.get(info.role, info.role),
        "name": seat_label(live, seat),
        "rounds": spec.deadline.rounds,
        "parties": list(scenario.party_names),
        "brief": brief,
        "moves": state.moves,
        **status(live, state, seat),
        "prompt": None,
        "seen": dict(state.seen_by(seat)),
        "result": None,
    }
    if state.waiting is not None and state.waiting.seat == seat:
        out["prompt"] = state.waiting.to_dict()
    if state.result is not None:
        r = state.result
        agreed = r.agreement is not None
        out["result"] = {
            "agreement": agreed,
            "package": package(scenario.space, r.agreement) if r.agreement is not None else None,
            "reason": r.reason,
            "rounds": r.rounds,
            "my_utility": r.utilities[seat] if seat >= 0 else None,
        }
    return out


def host_payload(live: Live, state: LiveState, secret: bytes) -> dict[str, Any]:
    """What the trainer sees of a session: every seat (people's links included), the state
    and, at the end, the whole result."""
    spec = live.session.spec
    seats = []
    for s in live.session.seats:
        entry = {**s.to_dict(), "label": s.label}
        if s.person:
            entry["token"] = seat_token(secret, live.stored.id, s.seat)
        seats.append(entry)
    out: dict[str, Any] = {
        "id": live.stored.id,
        "title": live.stored.title,
        "scenario": live.stored.scenario,
        "created": live.stored.created,
        "spec": spec.to_dict(),
        "seats": seats,
        "moves": state.moves,
        **status(live, state, None),
        "result": None,
    }
    if state.result is not None:
        r = state.result
        out["result"] = {
            "agreement": r.agreement is not None,
            "package": package(live.scenario.space, r.agreement)
            if r.agreement is not None
            else None,
            "utilities": dict(zip(r.parties, r.utilities, strict=True)),
            "reason": r.reason,
            "rounds": r.rounds,
        }
    return out
