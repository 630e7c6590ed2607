"""Imitative (tit-for-tat) tactics: concede exactly when, and as much as, the opponent does.

Concessions are measured in the agent's own utility: when an opponent's new offer is worth
more to the agent than that opponent's previous offer, the opponent conceded, and the agent
lowers its own target in return. It never raises the target again (no retaliation: the "nice"
variant), offers the outcome nearest above its target (bisection in its presorted pool) and
accepts an offer worth at least as much as its next offer would be (AC_next) and at least its
reservation value. With several opponents every opponent's concession counts.
"""

from __future__ import annotations

from accord.agents.base import AgentBase
from accord.agents.pool import UtilityCache, floor_utility
from accord.mechanisms.alternating_offers import AgentView, Response
from accord.registry import register_agent


class _Imitative(AgentBase):
    """Shared machinery; subclasses define :meth:`conceded`."""

    def __init__(self, factor: float = 1.0):
        self.factor = float(factor)

    def start(self, view: AgentView) -> None:
        super().start(view)
        p = view.preferences
        self.target = p.best
        self.floor = floor_utility(p)
        self._last: dict[str, float] = {}
        self.utility = UtilityCache(p)
        self._seen = 0

    def conceded(self, previous: float, latest: float) -> float:
        """How much to lower the target after an opponent moved ``previous → latest``."""
        raise NotImplementedError

    def _observe(self, view: AgentView) -> None:
        p = view.preferences
        history = view.history
        for rec in history[self._seen :]:
            if rec.party == p.name:
                continue
            u = self.utility(rec.outcome)
            prev = self._last.get(rec.party)
            self._last[rec.party] = u
            if prev is not None and u > prev:
                step = self.factor * self.conceded(prev, u)
                self.target = max(self.floor, self.target - max(step, 0.0))
        self._seen = len(history)

    def propose(self, view: AgentView) -> int | None:
        self._observe(view)
        p = view.preferences
        return p.outcome_at(p.at_least(self.target))

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        self._observe(view)
        p = view.preferences
        u = self.utility(offer)
        mine = float(p.sorted_utilities[p.at_least(self.target)])
        if u >= p.reservation and u >= mine:
            return Response.ACCEPT
        return Response.REJECT


@register_agent("tit-for-tat")
class RelativeTitForTat(_Imitative):
    """Relative tit-for-tat: concedes the same share of its room as the opponent conceded.

    When an opponent's offer moves from utility ``u0`` to ``u1 > u0`` (the agent's own utility),
    the opponent closed the fraction ``f = (u1 − u0) / (best − u0)`` of the gap to the agent's
    best; the agent then lowers its target by ``factor · f · (target − floor)``, the floor being
    its reservation value (or worst utility). This is the proportional (relative) imitative
    tactic of Faratin et al., measured in own-utility terms, without retaliation as in the Nice
    Tit for Tat agent. It starts at its best outcome, so two tit-for-tat agents never move.
    Offers are found by bisection in the presorted pool; on spaces too large to enumerate it
    searches its candidate pool (a seeded sample), and utilities of offers are exact.

    Reference: P. Faratin, C. Sierra, N. R. Jennings (1998), "Negotiation decision functions for
    autonomous agents", Robotics and Autonomous Systems 24(3–4):159–182 (imitative tactics);
    T. Baarslag, K. Hindriks, C. Jonker (2013), "A tit for tat negotiation strategy for
    real-time bilateral negotiations", Complex Automated Negotiations, SCI 435, Springer, 229–233.
    """

    def conceded(self, previous: float, latest: float) -> float:
        gap = self.view.preferences.best - previous
        if gap <= 0:
            return 0.0
        return (latest - previous) / gap * (self.target - self.floor)


@register_agent("tit-for-tat-absolute")
class AbsoluteTitForTat(_Imitative):
    """Absolute tit-for-tat: concedes exactly the utility the opponent's last move gave it.

    When an opponent's offer moves from utility ``u0`` to ``u1 > u0`` (the agent's own utility)
    the agent lowers its target by ``factor · (u1 − u0)``, never below its reservation value (or
    worst utility), and never raises it again. It starts at its best outcome. Offers are found
    by bisection in the presorted pool; on spaces too large to enumerate it searches its
    candidate pool (a seeded sample).

    Reference: P. Faratin, C. Sierra, N. R. Jennings (1998), "Negotiation decision functions for
    autonomous agents", Robotics and Autonomous Systems 24(3–4):159–182 (absolute tit-for-tat).
    """

    def conceded(self, previous: float, latest: float) -> float:
        return latest - previous
