"""Time-dependent concession (Faratin, Sierra & Jennings 1998) and the hardliner."""

from __future__ import annotations

from accord.agents.base import AgentBase
from accord.mechanisms.alternating_offers import AgentView, Response
from accord.registry import register_agent


class TimeBased(AgentBase):
    """Concedes along τ(t) = P_min + (1 − F(t))·(P_max − P_min), F(t) = k + (1 − k)·t^(1/e).

    P_max is the agent's best utility, P_min the larger of its reservation value and its worst
    utility; t ∈ [0, 1] is the relative time. It offers the outcome whose utility is the
    smallest still ≥ τ(t) (a binary search in its presorted utilities, or a count over its issue
    tables on large additive spaces) and accepts an offer worth at least τ(t) to it.

    Reference: P. Faratin, C. Sierra, N. R. Jennings (1998), "Negotiation decision functions
    for autonomous agents", Robotics and Autonomous Systems 24(3–4):159–182.
    On spaces too large to enumerate it searches its candidate pool (a seeded sample).
    """

    def __init__(self, e: float = 1.0, k: float = 0.0):
        self.e = float(e)
        self.k = float(k)
        self._inv_e = 1.0 / self.e
        self._hi = self._lo = 0.0

    def start(self, view: AgentView) -> None:
        super().start(view)
        p = view.preferences
        self._hi = p.best
        self._lo = min(max(p.reservation, p.worst), self._hi)

    def target(self, t: float) -> float:
        """τ(t): the utility the agent aims for at relative time t."""
        f = self.k + (1.0 - self.k) * (t**self._inv_e if t > 0 else 0.0)
        return self._lo + (1.0 - f) * (self._hi - self._lo)

    def propose(self, view: AgentView) -> int | None:
        return view.preferences.outcome_at_least(self.target(view.time))

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        u = view.preferences.utility(offer)
        if u >= self.target(view.time) and u >= view.preferences.reservation:
            return Response.ACCEPT
        return Response.REJECT


@register_agent("boulware")
class Boulware(TimeBased):
    """Time-based agent that concedes late (e = 0.2): tough until near the deadline.

    Reference: Faratin, Sierra & Jennings (1998), Robotics and Autonomous Systems 24:159–182.
    """

    def __init__(self, e: float = 0.2, k: float = 0.0):
        super().__init__(e, k)


@register_agent("linear")
class Linear(TimeBased):
    """Time-based agent that concedes at a constant rate (e = 1).

    Reference: Faratin, Sierra & Jennings (1998), Robotics and Autonomous Systems 24:159–182.
    """

    def __init__(self, e: float = 1.0, k: float = 0.0):
        super().__init__(e, k)


@register_agent("conceder")
class Conceder(TimeBased):
    """Time-based agent that concedes early (e = 5): generous from the start.

    Reference: Faratin, Sierra & Jennings (1998), Robotics and Autonomous Systems 24:159–182.
    """

    def __init__(self, e: float = 5.0, k: float = 0.0):
        super().__init__(e, k)


@register_agent("hardliner")
class Hardliner(AgentBase):
    """Never concedes: always offers its best outcome and accepts only an offer worth as much.

    Reference: the "hardheaded"/take-it-or-leave-it baseline of the ANAC competitions; see
    T. Baarslag et al. (2013), "Evaluating practical negotiating agents", Artificial
    Intelligence 198:73–103.
    """

    def propose(self, view: AgentView) -> int | None:
        return view.preferences.outcome_at(0)

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        p = view.preferences
        return Response.ACCEPT if p.utility(offer) >= p.best else Response.REJECT
