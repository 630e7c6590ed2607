"""A party under time pressure in caucus mediation: it holds out, then concedes."""

from __future__ import annotations

import numpy as np

from accord.errors import AgentError
from accord.mechanisms.caucus import Answer, PartyView, Query
from accord.mechanisms.spec import CAUCUS
from accord.mediators.answers import truthful_answer
from accord.registry import register_party

#: Random packages used to estimate the best utility of a non-additive party.
_SAMPLES = 4096


@register_party("pressured", protocols=(CAUCUS,))
class PressuredParty:
    """Holds out for more, then concedes as time passes and delay grows costly.

    Its demand at round t of T is ``floor + (best − floor)·(1 − t/T)^(1/e)`` where ``floor``
    is its red line less the cost of delay that agreeing now saves (``reservation −
    delay_cost·(T − t)``): a higher cost of delay makes it settle earlier. It rates, ranks and
    names its top issue truthfully, states its current demand as its red line, and accepts a
    proposal worth at least that demand. Events (a higher red line, a higher cost of delay,
    changed risks) move its demand at once.

    Reference: P. Faratin, C. Sierra, N. R. Jennings (1998), "Negotiation decision functions
    for autonomous agents", Robotics and Autonomous Systems 24:159-182 (time-dependent
    concession); A. Rubinstein (1982), "Perfect equilibrium in a bargaining model",
    Econometrica 50:97-109 (the cost of delay).
    """

    def __init__(self, e: float = 1.0):
        if e <= 0:
            raise AgentError("pressured", "the concession exponent e must be positive")
        self.e = float(e)
        self._best: tuple[object, float] | None = None  # (preferences, their best utility)

    def start(self, view: PartyView) -> None:
        self._best = None

    def best(self, view: PartyView) -> float:
        """The most this party can get (exact for additive utilities, sampled otherwise);
        recomputed when an event changes its preferences."""
        prefs = view.preferences
        if self._best is None or self._best[0] is not prefs:
            known = prefs.best_worst()
            if known is not None:
                best = known[0]
            else:
                sample = view.space.sample(np.random.default_rng(0), _SAMPLES)
                best = float(view.evaluate(sample).max())
            self._best = (prefs, best)
        return self._best[1]

    def demand(self, view: PartyView) -> float:
        """The least this party accepts at the current round."""
        total = max(view.rounds, 1)
        t = min(view.round, total)
        floor = view.reservation - view.delay_cost * (total - t)
        best = max(self.best(view), floor)
        return floor + (best - floor) * (1.0 - t / total) ** (1.0 / self.e)

    def answer(self, view: PartyView, query: Query) -> Answer:
        if query.kind not in ("red_line", "proposal"):
            return truthful_answer(view, query)
        demand = self.demand(view)
        if query.kind == "red_line":
            return Answer("red_line", threshold=float(demand))
        worth = float(view.utilities(query.packages)[0])
        if worth >= demand:
            return Answer("proposal", accept=True)
        why = f"{view.name}: not yet; worth {worth:.4g} to us, we need {demand:.4g} today"
        return Answer("proposal", accept=False, reason=why)
