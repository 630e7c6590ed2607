"""Read and write accord's own YAML scenario format (see :mod:`accord.io.yaml_schema`).

Errors name the file and the line of the offending YAML node: ``laptop.yaml:14: parties[0] →
utility → weights → brand: Input should be a valid number``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from accord.agreement import RULE_KEYS, AgreementRule
from accord.clauses import ClauseValue
from accord.errors import ScenarioError
from accord.io import timeline_yaml
from accord.io.uncertainty_yaml import uncertainty_data, uncertainty_from_spec
from accord.io.yaml_schema import (
    FORMAT_VERSION,
    AgreementSpec,
    HyperRectanglesSpec,
    LinearAdditiveSpec,
    ScenarioSpec,
    ValueSpec,
)
from accord.io.yaml_text import line_of, parse_mapping, read_text, validation_error
from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Issue, RealIssue, Value
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import (
    Bound,
    HyperRectangle,
    HyperRectangleUtility,
    LinearAdditive,
    UtilityFunction,
)
from accord.preferences.values import AffineValue, TableValue, TriangularValue, ValueFunction
from accord.scenario import Party, Scenario


def load_yaml(path: str | Path) -> Scenario:
    """Load an accord YAML scenario; :class:`ScenarioError` with ``file:line`` on bad input."""
    t0 = time.perf_counter()
    path = Path(path)
    text = read_text(path)
    scenario = loads_yaml(text, source=path)
    return _with_load_time(scenario, time.perf_counter() - t0)


def loads_yaml(text: str, source: str | Path = "<string>") -> Scenario:
    """Parse accord YAML from a string (``source`` names it in error messages)."""
    data = parse_mapping(text, source, "a mapping with the key 'accord: 1' at the top")
    if data.get("accord") != FORMAT_VERSION:
        raise ScenarioError(
            f"unsupported format version accord: {data.get('accord')!r} (this accord reads "
            f"version {FORMAT_VERSION})",
            source,
            line_of(text, ("accord",)),
        )
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, text, source) from None
    return _build(spec, text, source)


def _build(spec: ScenarioSpec, text: str, source: str | Path) -> Scenario:
    issues: list[Issue] = []
    for i, s in enumerate(spec.issues):
        try:
            issues.append(_issue(s.name, s.type, s.values, s.low, s.high))
        except ScenarioError as exc:
            raise ScenarioError(exc.reason, source, line_of(text, ("issues", i))) from None
    try:
        space = OutcomeSpace(tuple(issues))
    except ScenarioError as exc:
        raise ScenarioError(exc.reason, source, line_of(text, ("issues",))) from None
    rules = timeline_yaml.clause_rules(spec)
    parties = []
    for i, p in enumerate(spec.parties):
        try:
            utility = _utility(p.utility, space, rules)
            uncertainty = uncertainty_from_spec(p.uncertainty)
            if uncertainty is not None:
                uncertainty.check(space.names, isinstance(utility, LinearAdditive), p.name)
            parties.append(
                Party(p.name, utility, p.reservation, p.discount, str(source), uncertainty)
            )
        except ScenarioError as exc:
            raise ScenarioError(exc.reason, source, line_of(text, ("parties", i))) from None
    try:
        timeline = timeline_yaml.timeline_from_spec(spec, space.names)
    except ScenarioError as exc:
        raise ScenarioError(exc.reason, source, line_of(text, _timeline_key(spec))) from None
    names = [p.name for p in parties]
    rule = _rule(spec.agreement, names, text, source)
    opening = _opening(spec.opening, space, text, source)
    try:
        return Scenario(
            spec.name,
            space,
            tuple(parties),
            spec.description,
            (),
            str(source),
            timeline=timeline,
            mediators=tuple(spec.mediators),
            rule=rule,
            opening=opening,
        )
    except ScenarioError as exc:
        raise ScenarioError(exc.reason, source, line_of(text, ("parties",))) from None


def _rule(
    spec: AgreementSpec | None, names: list[str], text: str, source: str | Path
) -> AgreementRule:
    """The ``agreement:`` section as a rule checked against the parties ``names``; an error
    names the line of the offending key (of the veto holder, for one that is not a party)."""
    if spec is None:
        return AgreementRule()
    data = spec.model_dump(exclude_none=True)
    veto = data.get("veto", [])
    for i, who in enumerate([veto] if isinstance(veto, str) else veto):
        if who not in names:
            where = ("agreement", "veto", *((i,) if isinstance(veto, list) else ()))
            raise ScenarioError(
                f"agreement → veto: {who!r} is not a party (parties: {', '.join(names)})",
                source,
                line_of(text, where),
            )
    try:
        rule = AgreementRule.from_dict(data)
        rule.check(names)
    except ScenarioError as exc:
        raise ScenarioError(
            exc.reason, source, line_of(text, _rule_key(exc.reason, data))
        ) from None
    return rule


def _rule_key(reason: str, data: dict[str, Any]) -> tuple[str, ...]:
    """Where in ``agreement:`` the rule's error ``reason`` points: the key it names that the
    file has (``weights and quota go together``: the one given), else the section."""
    for key in ("veto", "weights", "quota", *RULE_KEYS):
        if key in data and (key in reason or (key == "weights" and "weight" in reason)):
            return ("agreement", key)
    return ("agreement",)


def _opening(
    spec: dict[str, Any] | None, space: OutcomeSpace, text: str, source: str | Path
) -> tuple[Value, ...] | None:
    """The ``opening:`` text, one value per issue in issue order (each as the issue has it)."""
    if spec is None:
        return None
    unknown = [k for k in spec if k not in space.names]
    if unknown:
        raise ScenarioError(
            f"opening: {unknown[0]!r} is not an issue (issues: {', '.join(space.names)})",
            source,
            line_of(text, ("opening", unknown[0])),
        )
    missing = [n for n in space.names if n not in spec]
    if missing:
        raise ScenarioError(
            f"opening: gives no value for issues {missing} (one value per issue)",
            source,
            line_of(text, ("opening",)),
        )
    values: list[Value] = []
    for issue in space.issues:
        value = spec[issue.name]
        try:
            if isinstance(value, bool):
                raise ScenarioError("write yes/no/true/false values in quotes")
            if isinstance(issue, RealIssue):
                raise ScenarioError("a real issue has no opening value (discretise it first)")
            if isinstance(issue, IntegerIssue) and isinstance(value, float) and value % 1:
                raise ScenarioError(f"{value!r} is not an integer")
            values.append(issue.value_at(issue.index_of(value)))
        except ScenarioError as exc:
            where = line_of(text, ("opening", issue.name))
            raise ScenarioError(f"opening → {issue.name}: {exc.reason}", source, where) from None
    return tuple(values)


def _timeline_key(spec: ScenarioSpec) -> tuple[str, ...]:
    for key in ("events", "phases", "clauses", "delay_cost"):
        if getattr(spec, key):
            return (key,)
    return ("name",)


def _issue(
    name: str, kind: str, values: Sequence[Any] | None, low: float | None, high: float | None
) -> Issue:
    if kind == "discrete":
        if values is None:
            raise ScenarioError(f"issue {name!r} needs values")
        if any(isinstance(v, bool) for v in values):
            raise ScenarioError(f"issue {name!r}: write yes/no/true/false values in quotes")
        return DiscreteIssue(name, tuple(values))
    if low is None or high is None:
        raise ScenarioError(f"issue {name!r} needs low and high")
    if kind == "integer":
        return IntegerIssue(name, int(low), int(high))
    return RealIssue(name, float(low), float(high))


def _utility(
    spec: LinearAdditiveSpec | HyperRectanglesSpec,
    space: OutcomeSpace,
    rules: dict[str, dict[Any, Any]] | None = None,
) -> UtilityFunction:
    names = space.names
    if isinstance(spec, HyperRectanglesSpec):
        rects = tuple(
            HyperRectangle(
                r.utility,
                tuple(Bound(space.issue_index(n), lo, hi) for n, (lo, hi) in r.include.items()),
                tuple(Bound(space.issue_index(n), lo, hi) for n, (lo, hi) in r.exclude.items()),
            )
            for r in spec.rectangles
        )
        return HyperRectangleUtility(rects, spec.max_utility)
    unknown = sorted((set(spec.weights) | set(spec.values)) - set(names))
    if unknown:
        raise ScenarioError(f"utility names issues that do not exist: {unknown}")
    missing = [n for n in names if n not in spec.values]
    if missing:
        raise ScenarioError(f"utility gives no values for issues {missing}")
    weights = tuple(float(spec.weights.get(n, 0.0)) for n in names)
    vfs = tuple(_value_function(n, spec.values[n], rules or {}) for n in names)
    utility = LinearAdditive(weights, vfs, spec.offset)
    for issue, vf in zip(space.issues, vfs, strict=True):
        if isinstance(vf, TableValue):
            if isinstance(issue, RealIssue):
                raise ScenarioError(f"issue {issue.name!r} is real: give 'linear' or 'triangular'")
            stray = [k for k in vf.mapping if str(k) not in {str(v) for v in issue.values}]
            if stray:
                raise ScenarioError(f"table of issue {issue.name!r} names unknown values {stray}")
    return utility


def _value_function(issue: str, spec: ValueSpec, rules: dict[str, dict[Any, Any]]) -> ValueFunction:
    if spec.clause is not None:
        return timeline_yaml.clause_value(issue, spec.clause, rules)
    if spec.table is not None:
        if any(isinstance(k, bool) for k in spec.table):
            raise ScenarioError(
                f"table of issue {issue!r}: write yes/no/true/false values in quotes"
            )
        return TableValue(dict(spec.table))
    if spec.linear is not None:
        return AffineValue(spec.linear.slope, spec.linear.offset, spec.linear.clip)
    if spec.triangular is not None:
        t = spec.triangular
        return TriangularValue(t.lower, t.upper, t.top)
    raise ScenarioError("value function needs 'table', 'linear' or 'triangular'")


# ---------------------------------------------------------------------------- writing
def to_data(scenario: Scenario) -> dict[str, Any]:
    """The YAML document of a scenario as plain Python data."""
    issues = [_issue_data(i) for i in scenario.space.issues]
    parties = []
    for p in scenario.parties:
        entry: dict[str, Any] = {"name": p.name}
        if p.reservation != 0.0:
            entry["reservation"] = float(p.reservation)
        if p.discount is not None:
            entry["discount"] = float(p.discount)
        entry["utility"] = _utility_data(p.utility, scenario.space)
        if p.uncertainty is not None:
            entry["uncertainty"] = uncertainty_data(p.uncertainty)
        parties.append(entry)
    data: dict[str, Any] = {"accord": FORMAT_VERSION, "name": scenario.name}
    if scenario.description:
        data["description"] = scenario.description
    data["issues"] = issues
    data["parties"] = parties
    rule = scenario.rule.to_dict()
    if rule:
        data["agreement"] = rule
    if scenario.opening is not None:
        data["opening"] = dict(zip(scenario.space.names, scenario.opening, strict=True))
    data.update(timeline_yaml.timeline_data(scenario))
    return data


def dumps_yaml(scenario: Scenario) -> str:
    return yaml.dump(
        to_data(scenario), Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True
    )


def dump_yaml(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` as accord YAML (UTF-8)."""
    Path(path).write_text(dumps_yaml(scenario), encoding="utf-8")


def _issue_data(issue: Issue) -> dict[str, Any]:
    if isinstance(issue, DiscreteIssue):
        return {"name": issue.name, "values": list(issue.values)}
    kind = "integer" if isinstance(issue, IntegerIssue) else "real"
    return {"name": issue.name, "type": kind, "low": issue.low, "high": issue.high}


def _utility_data(utility: UtilityFunction, space: OutcomeSpace) -> dict[str, Any]:
    names = space.names
    if isinstance(utility, HyperRectangleUtility):
        rects = []
        for r in utility.rectangles:
            entry: dict[str, Any] = {"utility": float(r.utility)}
            entry["include"] = {names[b.issue]: [b.low, b.high] for b in r.includes}
            if r.excludes:
                entry["exclude"] = {names[b.issue]: [b.low, b.high] for b in r.excludes}
            rects.append(entry)
        return {
            "type": "hyper-rectangles",
            "max_utility": float(utility.max_utility),
            "rectangles": rects,
        }
    if isinstance(utility, LinearAdditive):
        values = {
            issue.name: _value_data(vf, issue)
            for issue, vf in zip(space.issues, utility.values, strict=True)
        }
        data: dict[str, Any] = {"type": "linear-additive"}
        if utility.offset:
            data["offset"] = float(utility.offset)
        data["weights"] = {n: float(w) for n, w in zip(names, utility.weights, strict=True)}
        data["values"] = values
        return data
    raise ScenarioError(f"the YAML format cannot express {type(utility).__name__}")


def _value_data(vf: ValueFunction, issue: Issue) -> dict[str, Any]:
    if isinstance(vf, AffineValue):
        lin: dict[str, Any] = {"slope": float(vf.slope), "offset": float(vf.offset)}
        if not vf.clip:
            lin["clip"] = False
        return {"linear": lin}
    if isinstance(vf, TriangularValue):
        return {"triangular": {"lower": vf.lower, "top": vf.top, "upper": vf.upper}}
    if isinstance(vf, ClauseValue):
        clause: dict[str, Any] = {"units": vf.units, "per_day": vf.per_day, "per_unit": vf.per_unit}
        if vf.none:
            clause["none"] = vf.none
        return {"clause": clause}
    if isinstance(issue, RealIssue):
        raise ScenarioError(f"issue {issue.name!r} is real: its value function must be numeric")
    table = vf.table(issue)
    return {"table": {v: float(u) for v, u in zip(issue.values, table, strict=True)}}


# ---------------------------------------------------------------------------- helpers
def _with_load_time(scenario: Scenario, seconds: float) -> Scenario:
    return replace(scenario, load_seconds=seconds)
