"""Time-based concession that offers, among its outcomes above its target, the one with the
largest estimated Nash product."""

from __future__ import annotations

import numpy as np

from accord.agents.base import AgentBase
from accord.agents.opponent_models import OpponentModels
from accord.agents.pool import (
    WINDOW,
    UtilityCache,
    digits_at,
    floor_utility,
)
from accord.agents.pool import window_positions as positions
from accord.mechanisms.alternating_offers import AgentView, Response
from accord.registry import register_agent


@register_agent("nash-seeking")
class NashSeeking(AgentBase):
    """Concedes over time and offers the estimated Nash-product maximiser above its target.

    Its target is the time-dependent curve τ(t) = floor + (best − floor)·(1 − t^(1/e)) (e = 0.2:
    Boulware). Among a bounded window of its presorted outcomes worth at least τ(t) — the
    ``window // 2`` just above τ(t) plus evenly spaced better ones — it offers the one that
    maximises (u − floor) · Π û_j (floor: its reservation value or worst utility), where û_j
    is the frequency-model estimate of opponent j's utility learned from j's offers. Before
    any opponent offer it offers the outcome nearest its target. It accepts an offer worth at
    least τ(t) or at least its own next offer. Work per step is O(window · issues), whatever
    the size of the space; on spaces too large to enumerate the window is taken from its
    candidate pool (a seeded sample).

    Reference: J. F. Nash (1950), "The bargaining problem", Econometrica 18(2):155–162; the
    frequency model of T. van Krimpen, D. Looije, S. Hajizadeh (2013), "HardHeaded", Complex
    Automated Negotiations, SCI 435, Springer, 223–227; time-dependent target of P. Faratin,
    C. Sierra, N. R. Jennings (1998), Robotics and Autonomous Systems 24(3–4):159–182.
    """

    def __init__(self, e: float = 0.2, window: int = WINDOW):
        self.e = float(e)
        self.window = max(int(window), 1)

    def start(self, view: AgentView) -> None:
        super().start(view)
        self.models = OpponentModels(view)
        self.utility = UtilityCache(view.preferences)

    def target(self, t: float) -> float:
        p = self.view.preferences
        lo = floor_utility(p)
        return lo + (p.best - lo) * (1.0 - (t ** (1.0 / self.e) if t > 0 else 0.0))

    def _choose(self, view: AgentView) -> int:
        """Pool position of the offer to make now."""
        p = view.preferences
        last = p.at_least(self.target(view.time))
        if not self.models.models:
            return last
        pos = positions(last, self.window)
        gain = np.asarray(p.sorted_utilities[pos]) - floor_utility(p)
        scores = self.models.nash_scores(gain, digits_at(p, pos))
        return int(pos[int(np.argmax(scores))])

    def propose(self, view: AgentView) -> int | None:
        self.models.observe(view)
        return view.preferences.outcome_at(self._choose(view))

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        self.models.observe(view)
        p = view.preferences
        u = self.utility(offer)
        if u < p.reservation:
            return Response.REJECT
        if u >= self.target(view.time) or u >= p.sorted_utilities[self._choose(view)]:
            return Response.ACCEPT
        return Response.REJECT
