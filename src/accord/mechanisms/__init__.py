"""Negotiation mechanisms: the run contract's spine and one sub-package per protocol.

The spine: :class:`RunSpec` (what to run), :class:`NegotiationResult` (what happened, the same
shape for every protocol), :class:`Trace`, the mechanism base with its clock, guarded call and
seed layout (:mod:`accord.mechanisms.session`) and what a participant may hold of the scenario
(:mod:`accord.mechanisms.own`). Protocols: :mod:`~accord.mechanisms.alternating_offers`,
:mod:`~accord.mechanisms.single_text`, :mod:`~accord.mechanisms.caucus`; :data:`PROTOCOLS`
maps each protocol's name to its declaration.
"""

from accord.mechanisms import alternating_offers, caucus, single_text
from accord.mechanisms.alternating_offers import (
    Agent,
    AgentView,
    OfferRecord,
    Response,
    run_alternating_offers,
)
from accord.mechanisms.own import OwnPreferences, OwnUtility, own_preferences
from accord.mechanisms.result import Failure, NegotiationResult
from accord.mechanisms.session import ProtocolInfo
from accord.mechanisms.spec import Deadline, RunSpec
from accord.mechanisms.trace import Trace, TraceEvent

#: Every protocol, by name.
PROTOCOLS: dict[str, ProtocolInfo] = {
    p.PROTOCOL.name: p.PROTOCOL for p in (alternating_offers, single_text, caucus)
}

__all__ = [
    "PROTOCOLS",
    "Agent",
    "AgentView",
    "Deadline",
    "Failure",
    "NegotiationResult",
    "OfferRecord",
    "OwnPreferences",
    "OwnUtility",
    "ProtocolInfo",
    "Response",
    "RunSpec",
    "Trace",
    "TraceEvent",
    "own_preferences",
    "run_alternating_offers",
]
