"""Fast look-ups in an agent's presorted pool of outcomes (no per-step scans of the space).

:class:`~accord.mechanisms.own.OwnPreferences` keeps the pool best-first. These helpers search
it by bisection on an ascending *view* of the utilities (no copy) and fetch the digits of a
bounded window of positions, for enumerated spaces and candidate pools alike.
"""

from __future__ import annotations

import numpy as np

from accord.mechanisms.own import OwnPreferences

#: Default number of pool positions an agent scores when it picks among near-target offers.
WINDOW = 256


def floor_utility(prefs: OwnPreferences) -> float:
    """The least an agent should ever settle for: its reservation value or its worst outcome."""
    return min(max(prefs.reservation, prefs.worst), prefs.best)


def window_positions(last: int, width: int = WINDOW) -> np.ndarray:
    """Up to ``width`` positions in ``[0, last]``: the ``width // 2`` just above the target
    (nearest ``last``) plus evenly spaced ones across the better part of the pool."""
    if last + 1 <= width:
        return np.arange(last + 1, dtype=np.int64)
    n_near = max(width // 2, 1)
    near = np.arange(last - n_near + 1, last + 1, dtype=np.int64)
    spread = np.linspace(0, last - n_near, width - n_near).astype(np.int64)
    return np.unique(np.concatenate([spread, near]))


def digits_at(prefs: OwnPreferences, positions: np.ndarray) -> np.ndarray:
    """Digits ``(len(positions), k)`` of the outcomes at the given pool positions."""
    return prefs.digits_at(positions)


class UtilityCache:
    """Memoises an agent's own utility of the outcomes it meets (offers recur, and on huge
    nonlinear spaces one exact evaluation is not free)."""

    __slots__ = ("prefs", "values")

    def __init__(self, prefs: OwnPreferences):
        self.prefs = prefs
        self.values: dict[int, float] = {}

    def __call__(self, outcome: int) -> float:
        u = self.values.get(outcome)
        if u is None:
            u = self.values[outcome] = self.prefs.utility(outcome)
        return u
