"""What a worker does with a batch of runs: build each run's spec from the plan, run it, score
it and return the rows the store keeps.

Each worker process loads a scenario once and keeps it (with its utility arrays and its
analysis: Pareto frontier and Nash point) for every later run on it
(:mod:`accord.tournaments.cache`). A run never raises out of a batch: a participant's failure
is recorded by the run itself, and any other error becomes a failed row with the reason.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from typing import Any

from accord.errors import AccordError
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.spec import RunSpec
from accord.scenario import Scenario
from accord.tournaments.cache import Loaded, finite, loaded
from accord.tournaments.cache import text as _json
from accord.tournaments.config import TournamentConfig, import_plugin
from accord.tournaments.plan import Plan, PlannedRun


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
    utilities = [finite(u) for u in result.utilities]
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
