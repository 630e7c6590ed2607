"""Aspiration-level concession: the agent's aspiration falls from its best utility to its
floor along a power curve in time."""

from __future__ import annotations

import numpy as np

from accord.agents.base import AgentBase
from accord.agents.pool import UtilityCache, floor_utility
from accord.errors import AgentError
from accord.mechanisms.alternating_offers import AgentView, Response
from accord.registry import register_agent

#: Named aspiration curves and their exponents β in ``a(t) = floor + (best − floor)(1 − t^β)``.
CURVES = {"boulware": 4.0, "linear": 1.0, "conceder": 0.25}


@register_agent("aspiration")
class Aspiration(AgentBase):
    """Aspiration agent: its aspiration a(t) = floor + (best − floor)·(1 − t^β) falls with time.

    ``curve`` is ``boulware`` (β = 4, holds out), ``linear`` (β = 1), ``conceder`` (β = 0.25)
    or a number β > 0. The floor is its reservation value (or its worst utility when that is
    higher). It offers the outcome nearest above its aspiration (bisection in its presorted
    pool) and accepts an offer worth at least its aspiration or at least its own next offer.
    On spaces too large to enumerate it searches its candidate pool (a seeded sample).

    Reference: D. G. Pruitt (1981), *Negotiation Behavior*, Academic Press (aspiration level
    and its concession over time); the aspiration curve of Y. Mohammad, S. Nakadai,
    A. Greenwald (2021), "NegMAS: a platform for automated negotiations", PRIMA 2020,
    LNCS 12568, Springer, 343–351.
    """

    def __init__(self, curve: str = "boulware"):
        self.curve = str(curve)
        if self.curve in CURVES:
            self.beta = CURVES[self.curve]
        else:
            try:
                self.beta = float(self.curve)
            except ValueError:
                raise AgentError("aspiration", f"unknown curve {curve!r}") from None
        if not self.beta > 0:
            raise AgentError("aspiration", f"curve exponent must be positive, got {self.beta}")

    def start(self, view: AgentView) -> None:
        super().start(view)
        p = view.preferences
        # enumerated spaces: a utility is an array look-up; huge ones: memoise evaluations
        self._utility = p.utility if p.enumerated else UtilityCache(p)
        self._best = p.best
        self._floor = floor_utility(p)
        # With a deadline in rounds only, time is round / rounds: the aspiration and the pool
        # position of every round are computed at once (one vectorised bisection), and each
        # turn is two look-ups.
        self._levels: list[float] | None = None
        self._positions: list[int] | None = None
        if view.rounds and not view.seconds:
            t = np.arange(view.rounds + 1, dtype=float) / view.rounds
            levels = self._floor + (self._best - self._floor) * (1.0 - t**self.beta)
            self._levels = levels.tolist()
            self._positions = p.at_least_many(levels).tolist()

    def aspiration(self, t: float) -> float:
        lo = self._floor
        return lo + (self._best - lo) * (1.0 - t**self.beta)

    def _level(self, view: AgentView) -> float:
        if self._levels is not None:
            return self._levels[view.round]
        return self.aspiration(view.time)

    def propose(self, view: AgentView) -> int | None:
        p = view.preferences
        if self._positions is not None:
            return p.outcome_at(self._positions[view.round])
        return p.outcome_at(p.at_least(self.aspiration(view.time)))

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        u = self._utility(offer)
        # at least its aspiration (never above its best utility, so also its own next offer)
        if u >= view.preferences.reservation and u >= self._level(view):
            return Response.ACCEPT
        return Response.REJECT
