"""Phase-by-phase mediation: agree the first phase, then negotiate the next while it holds.

Each phase of the scenario's timeline is mediated in turn on the whole package space, with
every issue outside the phase **locked**: issues of earlier phases at their agreed values,
issues of later phases at their first value (the "nothing agreed yet" option, e.g. no extension
clause). A phase's deal must therefore stand on its own. The clock runs on across phases, so
events keep happening while later phases are negotiated. Issues in no phase are negotiated with
the first phase.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from accord.errors import ProtocolError
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.trace import Trace
from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Value
from accord.scenario import Scenario

#: ``run(locked, start_round)`` mediates one phase and returns its result.
PhaseRunner = Callable[[Mapping[str, Value], int], NegotiationResult]


def phase_issues(scenario: Scenario) -> list[tuple[str, tuple[str, ...]]]:
    """Each phase with the issues it settles (issues in no phase go with the first)."""
    phases = scenario.timeline.phases
    if not phases:
        raise ProtocolError(f"scenario {scenario.name!r} declares no phases")
    named = {i for p in phases for i in p.issues}
    free = tuple(n for n in scenario.space.names if n not in named)
    out = [(p.name, tuple(p.issues)) for p in phases]
    out[0] = (out[0][0], out[0][1] + free)
    return out


def _first_value(scenario: Scenario, issue: str) -> Value:
    spec = scenario.space.issues[scenario.space.issue_index(issue)]
    if isinstance(spec, DiscreteIssue | IntegerIssue):
        return spec.value_at(0)
    raise ProtocolError(f"issue {issue!r} is continuous: discretise the scenario first")


def run_in_phases(scenario: Scenario, run: PhaseRunner) -> NegotiationResult:
    """Mediate ``scenario`` phase by phase with ``run``; one combined result."""
    plan = phase_issues(scenario)
    agreed: dict[str, Value] = {}
    start, results, summary = 0, [], []
    for k, (name, issues) in enumerate(plan):
        later = {i for _, rest in plan[k + 1 :] for i in rest}
        locked = {**{i: _first_value(scenario, i) for i in later}, **agreed}
        result = run(locked, start)
        results.append(result)
        summary.append(
            {
                "phase": name,
                "issues": list(issues),
                "from_round": start,
                "rounds": result.rounds - start,
                "agreed": result.agreed,
            }
        )
        start = result.rounds
        if not result.agreed or result.outcome is None:
            return _combine(scenario, results, summary, f"phase {name!r}: {result.reason}")
        agreed.update({i: result.outcome[i] for i in issues})
    return _combine(scenario, results, summary, "agreement")


def _combine(
    scenario: Scenario, results: list[NegotiationResult], summary: list[dict[str, Any]], reason: str
) -> NegotiationResult:
    last = results[-1]
    events = tuple(e for r in results for e in r.trace)
    details: dict[str, Any] = dict(last.details)
    details["phases"] = summary
    details["queries"] = {
        p: sum(int(r.details.get("queries", {}).get(p, 0)) for r in results)
        for p in scenario.party_names
    }
    return replace(
        last,
        reason=reason,
        time=sum(r.time for r in results),
        trace=Trace(events),
        details=details,
    )
