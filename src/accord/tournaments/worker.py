"""What a worker does with a batch of runs: build each run's spec from the plan, run it, score
it and return the rows the store keeps.

Each worker process loads a scenario once and keeps it (with its utility arrays and its
analysis: Pareto frontier and Nash point) for every later run on it, in a small cache. A run
never raises out of a batch: a participant's failure is recorded by the run itself, and any
other error becomes a failed row with the reason.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.errors import AccordError
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.spec import RunSpec
from accord.scenario import Scenario
from accord.tournaments.config import TournamentConfig, import_plugin
from accord.tournaments.plan import Plan, PlannedRun

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

    def text(self, value: Any, key: Any) -> str:
        """``value`` as compact JSON, memoised under ``key`` (the same few values recur)."""
        hit = self._memo.get(key)
        if hit is None:
            if len(self._memo) > MEMO_SIZE:
                self._memo.clear()
            hit = self._memo[key] = _json(value)
        return hit

    def scores(self, utilities: Sequence[float], rounds: int) -> tuple[float | None, ...]:
        """Welfare, distance to the Pareto frontier and to the Nash point of ``utilities`` (the
        analysis in force at ``rounds``), memoised."""
        snapshot = 0 if not self.scenario.timeline.events else rounds
        key = ("scores", snapshot, tuple(utilities))
        hit = self._memo.get(key)
        if hit is None:
            if len(self._memo) > MEMO_SIZE:
                self._memo.clear()
            hit = self._memo[key] = self._scores(utilities, rounds)
        return hit

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
    entry = Loaded(sc, tuple(_finite(p.reservation) for p in sc.parties))
    _CACHE[key] = entry
    if len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return entry


def run_batch(plan: Plan, run_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Run the plan's runs ``run_ids``; one store row (``RUN_COLUMNS``) each."""
    for ref in plan.config.plugins:
        import_plugin(ref)
    return [run_row(plan, run_id) for run_id in run_ids]


def run_row(plan: Plan, run_id: int) -> tuple[Any, ...]:
    """One run of the plan, as the store's row."""
    planned = plan.run(run_id)
    try:
        entry = loaded(planned.spec)
        result = _execute(plan.config, planned.spec, entry.scenario)
    except AccordError as exc:
        return error_row(planned, str(exc))
    except Exception as exc:  # a bug in a participant's construction, not a crash
        return error_row(planned, f"internal error: {exc!r}")
    return result_row(planned, result, entry, traces=plan.config.traces)


def _execute(config: TournamentConfig, spec: RunSpec, scenario: Scenario) -> NegotiationResult:
    from accord.runner import run

    if config.isolation == "process" and _third_party(spec):
        from accord.tournaments.sandbox import run_isolated

        return run_isolated(
            spec, scenario, seconds=config.limit_seconds, memory_mb=config.limit_memory_mb
        )
    return run(spec, scenario=scenario)


def _third_party(spec: RunSpec) -> bool:
    """Whether a participant of the run is not built into accord."""
    from accord.mechanisms import PROTOCOLS
    from accord.registry import MEDIATORS, REGISTRIES

    registry = REGISTRIES[PROTOCOLS[spec.protocol].party_role]
    return any(not registry.info(p).builtin for p in spec.parties) or any(
        not MEDIATORS.info(m).builtin for m in spec.mediators
    )


def result_row(
    planned: PlannedRun, result: NegotiationResult, entry: Loaded, *, traces: bool
) -> tuple[Any, ...]:
    spec = planned.spec
    utilities = [_finite(u) for u in result.utilities]
    welfare, pareto, nash = entry.scores(result.utilities, result.rounds)
    failure = result.failure
    trace = None
    if traces:
        rows = [e.to_dict() for e in result.trace]
        trace = zlib.compress(json.dumps(rows, separators=(",", ":")).encode())
    text = entry.text
    return (
        planned.run_id,
        spec.scenario,
        spec.protocol,
        text(list(result.parties), ("parties", result.parties)),
        text(list(spec.parties), ("seats", spec.parties)),
        text(list(spec.mediators), ("mediators", spec.mediators)),
        text(dict(spec.options), ("options", spec.options)),
        planned.repetition,
        spec.seed,
        "failed" if failure is not None else "done",
        int(result.agreed),
        None if result.outcome is None else text(result.outcome, ("outcome", result.agreement)),
        text(utilities, ("utilities", result.utilities)),
        text(list(entry.reservations), "reservations"),
        welfare,
        pareto,
        nash,
        result.rounds,
        round(result.time, 6),
        result.reason,
        None if failure is None else failure.participant,
        None if failure is None else failure.reason,
        trace,
    )


def error_row(planned: PlannedRun, error: str) -> tuple[Any, ...]:
    spec = planned.spec
    return (
        planned.run_id,
        spec.scenario,
        spec.protocol,
        _json([]),
        _json(list(spec.parties)),
        _json(list(spec.mediators)),
        _json(dict(spec.options)),
        planned.repetition,
        spec.seed,
        "failed",
        0,
        None,
        _json([]),
        _json([]),
        None,
        None,
        None,
        0,
        0.0,
        f"error: {error}",
        None,
        error,
        None,
    )


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None
