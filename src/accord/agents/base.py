"""A convenience base class for agents (the interface itself is
:class:`accord.mechanisms.alternating_offers.Agent`)."""

from __future__ import annotations

from accord.mechanisms.alternating_offers import AgentView


class AgentBase:
    """Keeps the view given at ``start``; subclasses implement ``propose`` and ``respond``."""

    view: AgentView

    def start(self, view: AgentView) -> None:
        self.view = view
