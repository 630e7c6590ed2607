"""The YAML sections of phased scenarios: ``mediators``, ``clauses``, ``phases``, ``events``,
``delay_cost`` and ``deadline`` (see docs/yaml-format.md)."""

from __future__ import annotations

from typing import Any

from accord.clauses import ClauseValue, ExtensionRule
from accord.errors import ScenarioError
from accord.io.yaml_schema import ClauseValueSpec, ExtensionRuleSpec, ScenarioSpec
from accord.outcomes.issues import Value
from accord.phases import Event, Phase, Timeline
from accord.scenario import Scenario


def clause_rules(spec: ScenarioSpec) -> dict[str, dict[Value, ExtensionRule | None]]:
    """The extension rules of every clause issue, by issue name."""
    return {
        issue: {opt: _rule(r) for opt, r in options.items()}
        for issue, options in spec.clauses.items()
    }


def _rule(spec: ExtensionRuleSpec | None) -> ExtensionRule | None:
    return None if spec is None else ExtensionRule(spec.per, spec.days, spec.cap)


def clause_value(
    issue: str, spec: ClauseValueSpec, rules: dict[str, dict[Value, ExtensionRule | None]]
) -> ClauseValue:
    if issue not in rules:
        raise ScenarioError(f"issue {issue!r} has a clause value but no rules under 'clauses'")
    return ClauseValue(rules[issue], spec.units, spec.per_day, spec.per_unit, spec.none)


def timeline_from_spec(spec: ScenarioSpec, issue_names: tuple[str, ...]) -> Timeline:
    """Build and check the timeline (names of issues, parties and phases must exist)."""
    parties = {p.name for p in spec.parties}
    who = parties | {"mediator"} | set(spec.mediators)
    for issue in spec.clauses:
        if issue not in issue_names:
            raise ScenarioError(f"clauses name an unknown issue {issue!r}")
    for ph in spec.phases:
        stray = sorted(set(ph.issues) - set(issue_names))
        if stray:
            raise ScenarioError(f"phase {ph.name!r} names unknown issues {stray}")
    for ev in spec.events:
        stray = sorted((set(ev.reservation) | set(ev.delay_cost)) - parties)
        stray += sorted((set(ev.unavailable) | set(ev.available)) - who)
        if stray:
            raise ScenarioError(f"event {ev.name!r} names unknown parties {stray}")
    stray = sorted(set(spec.delay_cost) - parties)
    if stray:
        raise ScenarioError(f"delay_cost names unknown parties {stray}")
    return Timeline(
        phases=tuple(
            Phase(p.name, tuple(p.issues), p.requires, p.breakdown_risk) for p in spec.phases
        ),
        events=tuple(
            Event(
                e.name,
                e.round,
                e.description,
                e.date,
                dict(e.reservation),
                dict(e.delay_cost),
                dict(e.risk),
                e.deadline,
                tuple(e.unavailable),
                tuple(e.available),
            )
            for e in spec.events
        ),
        delay_cost=dict(spec.delay_cost),
        deadline=spec.deadline,
    )


def timeline_data(scenario: Scenario) -> dict[str, Any]:
    """The YAML sections of a scenario's mediators and timeline (empty when it has none)."""
    out: dict[str, Any] = {}
    if scenario.mediators:
        out["mediators"] = list(scenario.mediators)
    clauses = _clauses_data(scenario)
    if clauses:
        out["clauses"] = clauses
    t = scenario.timeline
    if t.phases:
        out["phases"] = [_phase_data(p) for p in t.phases]
    if t.events:
        out["events"] = [_event_data(e) for e in t.events]
    if t.delay_cost:
        out["delay_cost"] = {k: float(v) for k, v in t.delay_cost.items()}
    if t.deadline is not None:
        out["deadline"] = t.deadline
    return out


def _clauses_data(scenario: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for party in scenario.parties:
        values = getattr(party.utility, "values", ())
        for issue, vf in zip(scenario.space.names, values, strict=False):
            if isinstance(vf, ClauseValue):
                out[issue] = {
                    opt: None if r is None else _rule_data(r) for opt, r in vf.rules.items()
                }
    return out


def _rule_data(rule: ExtensionRule) -> dict[str, Any]:
    data: dict[str, Any] = {"per": rule.per, "days": rule.days}
    if rule.cap is not None:
        data["cap"] = rule.cap
    return data


def _phase_data(p: Phase) -> dict[str, Any]:
    data: dict[str, Any] = {"name": p.name, "issues": list(p.issues)}
    if p.requires is not None:
        data["requires"] = p.requires
    if p.breakdown_risk:
        data["breakdown_risk"] = float(p.breakdown_risk)
    return data


def _event_data(e: Event) -> dict[str, Any]:
    data: dict[str, Any] = {"name": e.name, "round": e.round}
    if e.date is not None:
        data["date"] = e.date
    if e.description:
        data["description"] = e.description
    for key in ("reservation", "delay_cost", "risk"):
        mapping = getattr(e, key)
        if mapping:
            data[key] = {k: float(v) for k, v in mapping.items()}
    if e.deadline is not None:
        data["deadline"] = e.deadline
    if e.unavailable:
        data["unavailable"] = list(e.unavailable)
    if e.available:
        data["available"] = list(e.available)
    return data
