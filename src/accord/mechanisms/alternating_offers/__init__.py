"""Alternating offers (bilateral and stacked multilateral): the agent's role, the rules and the
run, and the replay of a recorded negotiation."""

from accord.mechanisms.alternating_offers.agent_role import Agent, AgentView, OfferRecord, Response
from accord.mechanisms.alternating_offers.offers import PROTOCOL, run_alternating_offers
from accord.mechanisms.alternating_offers.replay import ReplayAgent, replay

__all__ = [
    "PROTOCOL",
    "Agent",
    "AgentView",
    "OfferRecord",
    "ReplayAgent",
    "Response",
    "replay",
    "run_alternating_offers",
]
