"""Negotiating agents and their registry."""

from accord.agents.base import AgentBase
from accord.agents.registry import AgentInfo, agents, make_agent, parse_spec, register

__all__ = ["AgentBase", "AgentInfo", "agents", "make_agent", "parse_spec", "register"]
