"""Negotiating agents, mediators, mediated-party strategies and their registries."""

from accord.agents.base import AgentBase
from accord.agents.registry import (
    AGENTS,
    MEDIATORS,
    PARTY_STRATEGIES,
    AgentInfo,
    Registry,
    agents,
    make_agent,
    parse_spec,
    register,
    register_mediator,
    register_party,
)

__all__ = [
    "AGENTS",
    "MEDIATORS",
    "PARTY_STRATEGIES",
    "AgentBase",
    "AgentInfo",
    "Registry",
    "agents",
    "make_agent",
    "parse_spec",
    "register",
    "register_mediator",
    "register_party",
]
