"""The scenarios a process keeps loaded for the runs of a tournament.

A scenario is loaded once per process (the plan counts its parties, every later run on it
reuses it): discretised, with its reservations and, on first use, its analysis along the
timeline (Pareto frontier and Nash point) to score runs; small memos keep the texts and scores
that recur from run to run.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.mechanisms.spec import RunSpec
from accord.scenario import Scenario

#: How many scenarios a worker keeps loaded.
CACHE_SIZE = 64
#: How many memoised texts and scores a loaded scenario keeps.
MEMO_SIZE = 100_000


@dataclass(slots=True)
class Loaded:
    """A scenario as a worker keeps it: discretised, with its reservations and (on first use)
    its analysis along the timeline."""

    scenario: Scenario
    reservations: tuple[float | None, ...]
    _timeline: Any = None
    _memo: dict[Any, Any] = field(default_factory=dict)

    def _memoised(self, key: Any, compute: Callable[[], Any]) -> Any:
        hit = self._memo.get(key)
        if hit is None:
            if len(self._memo) > MEMO_SIZE:
                self._memo.clear()
            hit = self._memo[key] = compute()
        return hit

    def text(self, value: Any, key: Any) -> str:
        """``value`` as compact JSON, memoised under ``key`` (the same few values recur)."""
        out: str = self._memoised(key, lambda: text(value))
        return out

    def scores(self, utilities: Sequence[float], rounds: int) -> tuple[float | None, ...]:
        """Welfare, distance to the Pareto frontier and to the Nash point of ``utilities`` (the
        analysis in force at ``rounds``), memoised."""
        snapshot = 0 if not self.scenario.timeline.events else rounds
        key = ("scores", snapshot, tuple(utilities))
        out: tuple[float | None, ...] = self._memoised(key, lambda: self._scores(utilities, rounds))
        return out

    def _scores(self, utilities: Sequence[float], rounds: int) -> tuple[float | None, ...]:
        u = np.asarray(utilities, dtype=float)
        if not np.all(np.isfinite(u)):
            return (None, None, None)
        if self._timeline is None:
            from accord.analysis import analyze_timeline

            self._timeline = analyze_timeline(self.scenario)
        analysis = self._timeline.at(rounds).analysis
        frontier = np.asarray(analysis.frontier, dtype=float)
        pareto = float(np.sqrt(((frontier - u) ** 2).sum(axis=1)).min()) if len(frontier) else None
        nash = None
        if analysis.nash is not None:
            nash = float(np.sqrt(((np.asarray(analysis.nash.utilities) - u) ** 2).sum()))
        return (float(u.sum()), pareto, nash)


_CACHE: OrderedDict[tuple[str, tuple[str, ...] | None, int], Loaded] = OrderedDict()


def loaded(spec: RunSpec) -> Loaded:
    """The scenario ``spec`` runs on, from this process's cache."""
    key = (spec.scenario, spec.profiles, spec.discretize)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    from accord.runner import scenario_for

    sc = scenario_for(spec)
    entry = Loaded(sc, tuple(finite(p.reservation) for p in sc.parties))
    _CACHE[key] = entry
    if len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return entry


def text(value: Any) -> str:
    """``value`` as compact JSON (no NaN or infinities)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None
