"""Replay a recorded negotiation: agents that repeat each party's recorded actions.

:func:`replay` re-runs the alternating-offers protocol on a scenario with one
:class:`ReplayAgent` per party, each repeating, in order, the offers, accepts, rejects and
walk-aways that party made in the trace. With the same deadline (in rounds) it reproduces the
agreement and the trace (event times aside). A recorded failure is replayed as a failure.
"""

from __future__ import annotations

from collections import deque

from accord.errors import ProtocolError
from accord.mechanisms.alternating_offers.agent_role import AgentView, Response
from accord.mechanisms.alternating_offers.offers import run_alternating_offers
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.spec import Deadline
from accord.mechanisms.trace import Trace, TraceEvent
from accord.scenario import Scenario

_ACTIONS = ("offer", "accept", "reject", "end", "failure")


class ReplayFailure(Exception):
    """Raised by a replay agent where the recorded agent failed."""


class ReplayAgent:
    """Repeats one party's recorded actions; raises :class:`ProtocolError` when the mechanism
    asks for an action the record does not contain (the trace does not fit the scenario)."""

    def __init__(self, actions: list[TraceEvent]):
        self.actions = deque(actions)

    def start(self, view: AgentView) -> None:
        pass

    def _next(self, expected: tuple[str, ...]) -> TraceEvent:
        if not self.actions:
            raise ProtocolError("the trace has no further action for this party")
        event = self.actions.popleft()
        if event.kind == "failure":
            raise ReplayFailure(event.note)
        if event.kind not in expected:
            raise ProtocolError(f"recorded {event.kind!r} where {'/'.join(expected)} was due")
        return event

    def propose(self, view: AgentView) -> int | None:
        event = self._next(("offer", "end"))
        return event.outcome if event.kind == "offer" else None

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        event = self._next(("accept", "reject", "end"))
        if event.kind == "accept":
            if event.outcome is not None and event.outcome != offer:
                raise ProtocolError(f"recorded accept of {event.outcome}, offered {offer}")
            return Response.ACCEPT
        return Response.REJECT if event.kind == "reject" else Response.END


def replay(
    scenario: Scenario,
    trace: Trace,
    deadline: Deadline | None = None,
    *,
    seed: int | None = None,
) -> NegotiationResult:
    """Re-run the negotiation recorded in ``trace`` on ``scenario``.

    ``deadline`` should be the original one (rounds); by default the number of rounds of a
    recorded time-out, else one more round than the trace used. The first mover is the party
    of the first recorded action.
    """
    names = scenario.party_names
    actions: dict[str, list[TraceEvent]] = {n: [] for n in names}
    for e in trace:
        if e.kind in _ACTIONS and e.party is not None:
            if e.party not in actions:
                raise ProtocolError(f"the trace names party {e.party!r}, not in the scenario")
            actions[e.party].append(e)
    acting = [e for e in trace if e.kind in _ACTIONS and e.party is not None]
    if not acting:
        raise ProtocolError("the trace records no action")
    first = names.index(acting[0].party or "")
    if deadline is None:
        timeouts = [e.round for e in trace if e.kind == "timeout"]
        rounds = timeouts[0] if timeouts else max(e.round for e in trace) + 1
        deadline = Deadline(rounds=rounds, per_call=None)
    agents = [ReplayAgent(actions[n]) for n in names]
    ids = [f"replay:{n}" for n in names]
    return run_alternating_offers(
        scenario, agents, agent_ids=ids, deadline=deadline, seed=seed, first=first
    )
