"""Negotiating agents for alternating offers (registered in :mod:`accord.registry`) and the
helpers they share: :class:`AgentBase`, pool look-ups and opponent models."""

from accord.agents.base import AgentBase

__all__ = ["AgentBase"]
