"""MiCRO: minimal concession in reply to new offers."""

from __future__ import annotations

from accord.agents.base import AgentBase
from accord.agents.pool import UtilityCache
from accord.mechanisms.alternating_offers import AgentView, Response
from accord.registry import register_agent


@register_agent("micro")
class MiCRO(AgentBase):
    """MiCRO: concedes one outcome (in its own order) per new distinct offer of the opponent.

    It walks down its outcomes best-first. When proposing: if it has made no more distinct
    offers than the opponent has (with several opponents: than the opponent with the fewest,
    the MiCRO-Min rule), it proposes its next not-yet-proposed outcome, provided that is worth
    at least its reservation value; otherwise it repeats one of its earlier offers, drawn
    uniformly with the seeded ``view.rng``. It accepts an offer worth at least
    ``max(u(ω_low), reservation)``, where ω_low is the worst outcome it is currently willing to
    propose (its next new outcome when it may concede now, else the worst it has proposed).
    No parameters. On spaces too large to enumerate it walks its candidate pool (a seeded
    sample, best-first) instead of the whole space.

    Reference: D. de Jonge (2022), "An analysis of the linear bilateral ANAC domains using the
    MiCRO benchmark strategy", Proceedings of IJCAI 2022, 223–229; multilateral rule from
    D. Aguilera-Luzon, D. de Jonge, J. Larrosa (2025), "MiCRO for multilateral negotiations",
    arXiv:2510.17401.
    """

    def start(self, view: AgentView) -> None:
        super().start(view)
        self.proposed: list[int] = []  # distinct own offers, in order (worst last)
        self._proposed_set: set[int] = set()
        self._next = 0  # pool position of the next candidate new outcome
        self._received: dict[str, set[int]] = {}
        self._seen = 0
        self._utility = UtilityCache(view.preferences)

    def _observe(self, view: AgentView) -> None:
        me = view.preferences.name
        history = view.history
        for rec in history[self._seen :]:
            if rec.party != me:
                self._received.setdefault(rec.party, set()).add(rec.outcome)
        self._seen = len(history)

    def _opponent_distinct(self, view: AgentView) -> int:
        others = [n for n in view.parties if n != view.preferences.name]
        return min(len(self._received.get(n, ())) for n in others)

    def _new_candidate(self, view: AgentView) -> int | None:
        """The next outcome it has not proposed, if worth at least its reservation value."""
        p = view.preferences
        pos = self._next
        while pos < len(p.sorted_utilities) and p.outcome_at(pos) in self._proposed_set:
            pos += 1  # candidate pools of huge spaces may hold duplicates
        self._next = pos
        if pos >= len(p.sorted_utilities) or p.sorted_utilities[pos] < p.reservation:
            return None
        return p.outcome_at(pos)

    def _may_concede(self, view: AgentView) -> bool:
        return len(self.proposed) <= self._opponent_distinct(view)

    def propose(self, view: AgentView) -> int | None:
        self._observe(view)
        new = self._new_candidate(view) if self._may_concede(view) else None
        if new is None and not self.proposed:
            new = view.preferences.outcome_at(0)  # nothing acceptable: still open with its best
        if new is not None:
            self.proposed.append(new)
            self._proposed_set.add(new)
            return new
        return self.proposed[int(view.rng.integers(0, len(self.proposed)))]

    def lowest_acceptable(self, view: AgentView) -> float:
        """``max(u(ω_low), reservation)`` for the current state."""
        p = view.preferences
        if self._may_concede(view) and self._new_candidate(view) is not None:
            low = float(p.sorted_utilities[self._next])
        elif self.proposed:
            low = self._utility(self.proposed[-1])
        else:
            low = p.best
        return max(low, p.reservation)

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        self._observe(view)
        u = self._utility(offer)
        return Response.ACCEPT if u >= self.lowest_acceptable(view) else Response.REJECT
