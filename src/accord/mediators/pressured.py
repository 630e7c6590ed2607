"""A party under time pressure in caucus mediation: it holds out, then concedes."""

from __future__ import annotations

import numpy as np

from accord.errors import AgentError
from accord.mechanisms.caucus import Answer, PartyView, Query
from accord.mechanisms.spec import CAUCUS
from accord.mediators.answers import truthful_answer
from accord.mediators.model_mediator import searched
from accord.registry import register_party

#: Random packages used to estimate the best utility of a non-additive party.
_SAMPLES = 4096


def own_best(view: PartyView, starts: int = 4, steps: int = 200) -> float:
    """A party's best utility when its function does not say (a lower bound): the best of
    :data:`_SAMPLES` random packages; on a space too large to enumerate
    (:func:`~accord.mediators.model_mediator.searched`, where a sample is a vanishing share),
    improved by steepest ascent on its own utility from the ``starts`` best of them, each step
    the single-issue change that gains most (one evaluation of every value of every issue,
    never the space), until none gains."""
    space = view.space
    sample = space.sample(np.random.default_rng(0), _SAMPLES)
    u = view.evaluate(sample)
    if not searched(space):
        return float(u.max())
    radices = [int(r) for r in space.radices]
    issue = np.repeat(np.arange(len(radices)), radices)
    value = np.concatenate([np.arange(r) for r in radices])
    best = float(u.max())
    for k in np.argsort(-u, kind="stable")[:starts]:
        digits, here = sample[k].copy(), float(u[k])
        for _ in range(steps):
            rows = np.repeat(digits[None, :], issue.size, axis=0)
            rows[np.arange(issue.size), issue] = value
            values = view.evaluate(rows)
            j = int(np.argmax(values))
            if values[j] <= here + 1e-12:
                break
            digits, here = rows[j], float(values[j])
        best = max(best, here)
    return best


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
        """The most this party can get: exact for additive utilities; otherwise the best of
        a sample, on a huge space improved issue by issue (:func:`own_best`); recomputed when
        an event changes its preferences."""
        prefs = view.preferences
        if self._best is None or self._best[0] is not prefs:
            known = prefs.best_worst()
            self._best = (prefs, known[0] if known is not None else own_best(view))
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
