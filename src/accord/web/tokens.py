"""Access tokens: personal secret links, derived from the server's secret.

A token names what it opens and carries an HMAC-SHA256 of that name under the secret kept in
the session store: ``admin.MAC`` opens the trainer's pages, ``SESSION.SEAT.MAC`` (``SEAT`` is
``p0``, ``p1``… for parties, ``m0``… for mediators) one participant's seat. Nothing about a
token is stored, so the store holds no token to steal; checking one recomputes the MAC and
compares it in constant time (:func:`hmac.compare_digest`). A restarted server on the same
store accepts the same links.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

_PART = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Holder:
    """Who a valid token belongs to: the trainer (``session`` None) or a seat of a session."""

    session: str | None
    seat: int | None

    @property
    def admin(self) -> bool:
        return self.session is None


def _mac(secret: bytes, scope: str, purpose: str = "token") -> str:
    digest = hmac.new(secret, f"{purpose}:{scope}".encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def seat_code(seat: int) -> str:
    return f"p{seat}" if seat >= 0 else f"m{-1 - seat}"


def _seat_of(code: str) -> int | None:
    if len(code) < 2 or code[0] not in "pm" or not code[1:].isdigit() or len(code) > 5:
        return None
    n = int(code[1:])
    return n if code[0] == "p" else -1 - n


def admin_token(secret: bytes) -> str:
    return f"{ADMIN}.{_mac(secret, ADMIN)}"


def seat_token(secret: bytes, session: str, seat: int) -> str:
    scope = f"{session}.{seat_code(seat)}"
    return f"{scope}.{_mac(secret, scope)}"


def holder(secret: bytes, token: str) -> Holder | None:
    """Whose ``token`` it is, or ``None`` when it is not valid."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    parts = token.split(".")
    if not all(_PART.match(p) for p in parts):
        return None
    if len(parts) == 2 and parts[0] == ADMIN:
        scope, given = ADMIN, parts[1]
        who = Holder(None, None)
    elif len(parts) == 3:
        seat = _seat_of(parts[1])
        if seat is None:
            return None
        scope, given = f"{parts[0]}.{parts[1]}", parts[2]
        who = Holder(parts[0], seat)
    else:
        return None
    if not hmac.compare_digest(_mac(secret, scope).encode(), given.encode()):
        return None
    return who


def csrf_token(secret: bytes, token: str) -> str:
    """The form token of pages opened with ``token`` (checked on every form post)."""
    return _mac(secret, token, "csrf")


def csrf_ok(secret: bytes, token: str, given: str | None) -> bool:
    return isinstance(given, str) and hmac.compare_digest(
        csrf_token(secret, token).encode(), given.encode()
    )
