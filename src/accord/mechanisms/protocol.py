"""The interface between mechanisms and negotiating agents.

An agent is told ``start(view)`` once, then asked ``propose(view)`` for an offer (an outcome
index, or ``None`` to walk away) and ``respond(view, offer, proposer)`` for a response to a
standing offer. It sees only its :class:`~accord.mechanisms.view.AgentView`.
"""

from __future__ import annotations

import enum
from typing import Protocol, runtime_checkable

from accord.mechanisms.view import AgentView


class Response(enum.Enum):
    ACCEPT = "accept"
    REJECT = "reject"
    END = "end"


@runtime_checkable
class Agent(Protocol):
    """What a mechanism needs from a negotiating agent."""

    def start(self, view: AgentView) -> None: ...

    def propose(self, view: AgentView) -> int | None: ...

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response: ...
