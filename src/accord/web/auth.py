"""Who may open what: the checks every route makes before it reads anything.

A token that is not valid, or a seat or session that does not exist, is answered as 404 "not
found" whatever the route, so a guess learns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from accord.errors import AccordError
from accord.live.hub import Live, SessionHub
from accord.web.tokens import Holder, csrf_ok, holder

NOT_FOUND = "not found (check your link)"


@dataclass(frozen=True, slots=True)
class Seat:
    """A participant's seat, opened with its token."""

    token: str
    live: Live
    seat: int


def hub(request: Request) -> SessionHub:
    h: SessionHub = request.app.state.hub
    return h


def secret(request: Request) -> bytes:
    s: bytes = request.app.state.secret
    return s


def _holder(request: Request, token: str) -> Holder:
    who = holder(secret(request), token)
    if who is None:
        raise HTTPException(404, NOT_FOUND)
    return who


def admin(request: Request, token: str) -> str:
    """The trainer's token, checked (404 otherwise)."""
    if not _holder(request, token).admin:
        raise HTTPException(404, NOT_FOUND)
    return token


def seat(request: Request, token: str) -> Seat:
    """A participant's seat, checked: a valid token of a session that exists and a seat of it
    that a person plays (404 otherwise)."""
    who = _holder(request, token)
    if who.session is None or who.seat is None:
        raise HTTPException(404, NOT_FOUND)
    try:
        live = hub(request).live(who.session)
        info = live.session.seat(who.seat)
    except AccordError:
        raise HTTPException(404, NOT_FOUND) from None
    if not info.person:
        raise HTTPException(404, NOT_FOUND)
    return Seat(token, live, who.seat)


def bearer(request: Request) -> str:
    """The token of an API request (``Authorization: Bearer TOKEN``)."""
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(404, NOT_FOUND)
    return token.strip()


def check_csrf(request: Request, token: str, given: str | None) -> None:
    """A form post must carry the CSRF token of the page it came from (403 otherwise)."""
    if not csrf_ok(secret(request), token, given):
        raise HTTPException(403, "this form has expired or did not come from this site: reload")
