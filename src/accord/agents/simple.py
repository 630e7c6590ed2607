"""Baseline agents without a concession curve."""

from __future__ import annotations

from accord.agents.base import AgentBase
from accord.mechanisms.alternating_offers import AgentView, Response
from accord.registry import register_agent


@register_agent("random")
class RandomAgent(AgentBase):
    """Random baseline: random acceptable offers, accepts acceptable offers at random.

    Offers a uniformly random outcome it finds acceptable (utility ≥ its reservation value) and
    accepts an acceptable offer with probability ``p_accept``. Seeded by the mechanism.

    Reference: the random baseline of automated negotiation benchmarks, e.g. R. Lin et al.
    (2014), "Genius: an integrated environment for supporting the design of generic automated
    negotiators", Computational Intelligence 30(1):48–70.
    """

    def __init__(self, p_accept: float = 0.5):
        self.p_accept = float(p_accept)

    def propose(self, view: AgentView) -> int | None:
        p = view.preferences
        last = p.at_least(p.reservation) if p.best >= p.reservation else 0
        return p.outcome_at(int(view.rng.integers(0, last + 1)))

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        p = view.preferences
        if p.utility(offer) >= p.reservation and view.rng.random() < self.p_accept:
            return Response.ACCEPT
        return Response.REJECT
