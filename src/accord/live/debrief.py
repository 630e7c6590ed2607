"""The trainer's debrief of a finished session: where the deal sits against the Pareto frontier
and the Nash point, and where every offer sat (every party's utilities: the trainer's view)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.analysis.report import Analysis, Solution
from accord.mechanisms.result import NegotiationResult
from accord.scenario import Scenario

#: Trace events whose outcome is a package put on the table.
OFFERS = ("offer", "proposal")


@dataclass(frozen=True, slots=True)
class Debrief:
    """``deal``: every party's utility of the agreement (``None`` without one);
    ``dominated``: whether a frontier package is at least as good for everyone and better for
    someone; ``frontier_gap`` and ``nash_gap``: Euclidean distances in utility space from the
    deal to the nearest frontier point and to the Nash point; ``offers``: who put each package
    on the table and every party's utility of it."""

    parties: tuple[str, ...]
    reservations: tuple[float, ...]
    deal: tuple[float, ...] | None
    nash: Solution | None
    offers: tuple[tuple[str, tuple[float, ...]], ...]
    dominated: bool | None
    frontier_gap: float | None
    nash_gap: float | None

    def to_dict(self) -> dict[str, Any]:
        nash = self.nash
        return {
            "parties": list(self.parties),
            "reservations": list(self.reservations),
            "deal": None if self.deal is None else list(self.deal),
            "nash": None
            if nash is None
            else {"package": nash.outcome, "utilities": nash.utilities},
            "offers": [{"by": p, "utilities": list(u)} for p, u in self.offers],
            "dominated": self.dominated,
            "frontier_gap": self.frontier_gap,
            "nash_gap": self.nash_gap,
        }


def debrief(scenario: Scenario, result: NegotiationResult, analysis: Analysis) -> Debrief:
    """The debrief of ``result`` on ``scenario`` (``analysis``: the scenario's)."""
    space = scenario.space
    offers = []
    for event in result.trace:
        if event.kind in OFFERS and event.outcome is not None:
            row = np.array([space.from_index(event.outcome)], dtype=np.int64)
            us = tuple(float(p.utility.evaluate(space, row)[0]) for p in scenario.parties)
            offers.append((event.party or "", us))
    deal = tuple(result.utilities) if result.agreement is not None else None
    dominated = frontier_gap = nash_gap = None
    if deal is not None:
        u = np.asarray(deal)
        front = np.asarray(analysis.frontier, dtype=float)
        if front.size:
            better = (front >= u - 1e-12).all(axis=1) & (front > u + 1e-12).any(axis=1)
            dominated = bool(better.any())
            frontier_gap = float(np.min(np.linalg.norm(front - u, axis=1)))
        if analysis.nash is not None:
            nash_gap = float(np.linalg.norm(np.asarray(analysis.nash.utilities) - u))
    return Debrief(
        tuple(result.parties),
        tuple(analysis.reservations),
        deal,
        analysis.nash,
        tuple(offers),
        dominated,
        frontier_gap,
        nash_gap,
    )
