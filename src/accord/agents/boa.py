"""BOA: an agent composed of a Bidding strategy, an Opponent model and an Acceptance condition.

Each part is chosen by name, so a parameter string spells out a whole agent, e.g.
``boa:bidding=boulware,opponent=frequency,acceptance=combi,T=0.95``.

* **Bidding** (``bidding``): the time-dependent target τ(t) = floor + (best − floor)·(1 −
  t^(1/e)) with e = 0.2 (``boulware``), 1 (``linear``), 5 (``conceder``) or τ = best
  (``hardliner``); ``e`` overrides the exponent. The bid is the outcome nearest above τ(t) or,
  with an opponent model, the one the model rates best for the opponents among a bounded
  window of outcomes worth at least τ(t).
* **Opponent model** (``opponent``): ``frequency`` (see :mod:`accord.agents.opponent_models`)
  or ``none``.
* **Acceptance** (``acceptance``), for an offer ω at relative time t:
  ``next`` — AC_next: u(ω) ≥ u(the bid it would make now);
  ``const`` — AC_const(α): u(ω) ≥ ``alpha``;
  ``time`` — AC_time(T): t ≥ ``T``;
  ``combi`` — AC_combi: AC_next, or t ≥ ``T`` and u(ω) ≥ the best offer received before ω.
  No condition accepts an offer worth less than the reservation value.
"""

from __future__ import annotations

from collections.abc import Callable

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
from accord.errors import AgentError
from accord.mechanisms.alternating_offers import AgentView, Response
from accord.registry import register_agent

#: Concession exponents e of the named bidding strategies (0: never concede).
BIDDING = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0, "hardliner": 0.0}
OPPONENT_MODELS = ("frequency", "none")
ACCEPTANCE = ("next", "const", "time", "combi")


@register_agent("boa")
class BOAAgent(AgentBase):
    """BOA agent: a bidding strategy, an opponent model and an acceptance condition, by name.

    Parameters: ``bidding`` (boulware, linear, conceder, hardliner), ``opponent`` (frequency,
    none), ``acceptance`` (next, const, time, combi), ``alpha`` (AC_const threshold), ``T``
    (time threshold of AC_time and AC_combi), ``e`` (concession exponent; 0 keeps the bidding
    strategy's own), ``window`` (outcomes scored per bid). Bids are found by bisection in the
    presorted pool and scored over a bounded window, so a step costs the same on any space; on
    spaces too large to enumerate it bids from its candidate pool (a seeded sample).

    Reference: T. Baarslag, K. Hindriks, M. Hendrikx, A. Dirkzwager, C. Jonker (2014),
    "Decoupling negotiating agents to explore the space of negotiation strategies", Novel
    Insights in Agent-based Complex Automated Negotiation, SCI 535, Springer, 61–83; acceptance
    conditions from T. Baarslag, K. Hindriks, C. Jonker (2014), "Effective acceptance conditions
    in automated negotiation", Decision Support Systems 60:68–77.
    """

    def __init__(
        self,
        bidding: str = "boulware",
        opponent: str = "frequency",
        acceptance: str = "combi",
        alpha: float = 0.9,
        T: float = 0.98,
        e: float = 0.0,
        window: int = WINDOW,
    ):
        _check("bidding", bidding, tuple(BIDDING))
        _check("opponent", opponent, OPPONENT_MODELS)
        _check("acceptance", acceptance, ACCEPTANCE)
        self.bidding, self.opponent, self.acceptance = bidding, opponent, acceptance
        self.alpha, self.T = float(alpha), float(T)
        self.e = float(e) if e > 0 else BIDDING[bidding]
        self.window = max(int(window), 1)
        conditions: dict[str, Callable[[AgentView, float], bool]] = {
            "next": self.ac_next,
            "const": self.ac_const,
            "time": self.ac_time,
            "combi": self.ac_combi,
        }
        self._accepts = conditions[acceptance]

    def start(self, view: AgentView) -> None:
        super().start(view)
        self.models = OpponentModels(view) if self.opponent == "frequency" else None
        self._seen = 0
        self.utility = UtilityCache(view.preferences)
        self.best_received = -np.inf  # best utility of any offer received so far
        self.best_before_last = -np.inf  # ... of those received before the latest one

    # ------------------------------------------------------------------ bidding
    def target(self, t: float) -> float:
        p = self.view.preferences
        if self.e == 0:
            return p.best
        lo = floor_utility(p)
        return lo + (p.best - lo) * (1.0 - (t ** (1.0 / self.e) if t > 0 else 0.0))

    def bid(self, view: AgentView) -> int:
        """Pool position of the bid to make now."""
        p = view.preferences
        last = p.at_least(self.target(view.time))
        if self.models is None or not self.models.models:
            return last
        pos = positions(last, self.window)
        rating = self.models.estimate(digits_at(p, pos)).prod(axis=1)
        return int(pos[int(np.argmax(rating))])

    # --------------------------------------------------------------- acceptance
    def ac_next(self, view: AgentView, u: float) -> bool:
        return u >= view.preferences.sorted_utilities[self.bid(view)]

    def ac_const(self, view: AgentView, u: float) -> bool:
        return u >= self.alpha

    def ac_time(self, view: AgentView, u: float) -> bool:
        return view.time >= self.T

    def ac_combi(self, view: AgentView, u: float) -> bool:
        late = view.time >= self.T and u >= self.best_before_last
        return late or self.ac_next(view, u)

    # ----------------------------------------------------------------- protocol
    def _observe(self, view: AgentView) -> None:
        if self.models is not None:
            self.models.observe(view)
        p = view.preferences
        history = view.history
        for rec in history[self._seen :]:
            if rec.party != p.name:
                self.best_before_last = self.best_received
                self.best_received = max(self.best_received, self.utility(rec.outcome))
        self._seen = len(history)

    def propose(self, view: AgentView) -> int | None:
        self._observe(view)
        return view.preferences.outcome_at(self.bid(view))

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        self._observe(view)
        u = self.utility(offer)
        if u >= view.preferences.reservation and self._accepts(view, u):
            return Response.ACCEPT
        return Response.REJECT


def _check(part: str, name: str, known: tuple[str, ...]) -> None:
    if name not in known:
        raise AgentError("boa", f"unknown {part} {name!r}; known: {', '.join(known)}")
