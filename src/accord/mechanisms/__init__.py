"""Negotiation mechanisms: state, deadlines, traces and protocols."""

from accord.mechanisms.alternating_offers import own_preferences, run_alternating_offers
from accord.mechanisms.protocol import Agent, Response
from accord.mechanisms.result import Deadline, NegotiationResult
from accord.mechanisms.trace import Trace, TraceEvent
from accord.mechanisms.view import AgentView, OfferRecord, OwnPreferences

__all__ = [
    "Agent",
    "AgentView",
    "Deadline",
    "NegotiationResult",
    "OfferRecord",
    "OwnPreferences",
    "Response",
    "Trace",
    "TraceEvent",
    "own_preferences",
    "run_alternating_offers",
]
