"""The JSON API under ``/api/``: the same sessions and the same rules as the pages.

Every route takes the holder's token as ``Authorization: Bearer TOKEN`` (a participant's link
token, or the trainer's) and answers 404 to any other. A participant sees exactly its seat's
payload (:func:`accord.web.seatview.seat_payload`); the trainer creates sessions and reads them
whole.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from accord.errors import AccordError
from accord.live import MoveRefused
from accord.web import auth
from accord.web.forms import FormError, metered
from accord.web.seatview import host_payload, seat_payload
from accord.web.tokens import seat_token

router = APIRouter(prefix="/api")


class NewSession(BaseModel):
    """A session to create: who plays each party (``person`` or a strategy spec, in the
    scenario's party order) and each mediator."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(description="a packaged scenario's name, or stored:ID")
    parties: list[str] = Field(min_length=2, max_length=20)
    protocol: str = "alternating-offers"
    mediators: list[str] = Field(default_factory=list, max_length=10)
    title: str = Field(default="", max_length=200)
    rounds: int | None = Field(default=None, ge=1, le=100_000)
    budget: int | None = Field(default=None, ge=1, le=10_000, description="caucus only")
    seed: int | None = Field(default=None, ge=0, lt=2**63)


def _seat(request: Request) -> auth.Seat:
    return auth.seat(request, auth.bearer(request))


# The seat's routes are the ones people hit all the time: they run on the event loop (their
# work is a millisecond or two: a cached state, or one replay) and answer JSONResponse
# directly (FastAPI's response encoding of a large dict costs more than building it).


@router.get("/seat", summary="What my seat may see now", response_model=dict[str, Any])
async def my_seat(request: Request) -> JSONResponse:
    """The participant's own brief, whose turn it is, the prompt when it is theirs, what their
    seat has seen, and the outcome at the end."""
    seat = _seat(request)
    state = auth.hub(request).state(seat.live.stored.id)
    return JSONResponse(seat_payload(seat.live, state, seat.seat))


@router.post("/seat/move", summary="Make my move", response_model=dict[str, Any])
async def make_move(request: Request, move: dict[str, Any]) -> JSONResponse:
    """Play a move (see :mod:`accord.live.people` for the moves of each prompt); 409 with the
    reason when it is not this seat's turn or the mechanism refuses the move."""
    seat = _seat(request)
    hub = auth.hub(request)
    try:
        state = hub.move(seat.live.stored.id, seat.seat, move)
    except MoveRefused as exc:
        return JSONResponse({"detail": str(exc)}, status_code=409)
    return JSONResponse(seat_payload(seat.live, state, seat.seat))


@router.get("/seat/utility", summary="My utility of a package")
async def my_utility(request: Request) -> dict[str, Any]:
    """A party's own utility of the package given as query parameters ``i0``, ``i1``… (the
    index of the chosen value of each issue). Mediators have no utility: 404."""
    seat = _seat(request)
    if seat.seat < 0:
        raise HTTPException(404, auth.NOT_FOUND)
    params = dict(request.query_params)
    try:
        return metered(
            seat.live.scenario, seat.seat, params, "give i0, i1, … (a value index per issue)"
        )
    except FormError as exc:
        raise HTTPException(400, str(exc)) from None


@router.get("/sessions", summary="Every session (trainer)")
async def sessions(request: Request) -> list[dict[str, Any]]:
    auth.admin(request, auth.bearer(request))
    return [
        {
            "id": s.id,
            "title": s.title,
            "scenario": s.scenario,
            "protocol": s.spec.protocol,
            "created": s.created,
        }
        for s in auth.hub(request).sessions()
    ]


@router.post("/sessions", status_code=201, summary="Create a session (trainer)")
async def create(request: Request, body: NewSession) -> dict[str, Any]:
    """Returns the session's id and each person's personal link token, by seat."""
    auth.admin(request, auth.bearer(request))
    hub = auth.hub(request)
    options: dict[str, Any] = {}
    if body.budget is not None:
        options["budget"] = body.budget
    try:
        sid = hub.create(
            body.title,
            body.scenario,
            body.parties,
            protocol=body.protocol,
            mediators=body.mediators,
            rounds=body.rounds,
            options=options,
            seed=body.seed,
        )
    except AccordError as exc:
        raise HTTPException(400, f"cannot create this session: {exc}") from None
    live = hub.live(sid)
    secret = auth.secret(request)
    return {
        "id": sid,
        "seats": [
            {**s.to_dict(), "token": seat_token(secret, sid, s.seat) if s.person else None}
            for s in live.session.seats
        ],
    }


@router.get("/sessions/{sid}", summary="A whole session (trainer)")
async def session(request: Request, sid: str) -> dict[str, Any]:
    auth.admin(request, auth.bearer(request))
    hub = auth.hub(request)
    try:
        live = hub.live(sid)
    except AccordError:
        raise HTTPException(404, auth.NOT_FOUND) from None
    return host_payload(live, hub.state(sid), auth.secret(request))
