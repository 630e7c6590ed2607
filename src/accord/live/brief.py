"""What a seat is told of the scenario: a party its **own** priorities, a mediator the public
structure. Both are built for one seat from the scenario the server holds; neither names
another party's numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from accord.errors import ScenarioError
from accord.live.people import json_value
from accord.outcomes.issues import Issue, RealIssue
from accord.preferences.utility import LinearAdditive
from accord.scenario import Scenario


def public_brief(scenario: Scenario) -> dict[str, Any]:
    """The public structure: issues and their values, the parties, the mediators, and the
    agreement rule in words when it is not unanimity (``None`` then)."""
    names = scenario.party_names
    rule = None if scenario.rule.is_unanimity(names) else scenario.rule.describe(names)
    return {
        "scenario": scenario.name,
        "issues": [
            {"name": issue.name, "values": _values(issue)} for issue in scenario.space.issues
        ],
        "parties": list(names),
        "mediators": list(scenario.mediators),
        "agreement_rule": rule,
    }


def party_brief(scenario: Scenario, party: int) -> dict[str, Any]:
    """Party ``party``'s own priorities: for an additive utility, each issue's share of the
    utility range and each value's points (its contribution to the utility); the red line
    (reservation value) and discount. Other utilities are not itemised (``additive`` false):
    the party reads them from the utility meter."""
    p = scenario.parties[party]
    brief = public_brief(scenario)
    out: dict[str, Any] = {
        "me": p.name,
        "issues": brief["issues"],
        "reservation": float(p.reservation),
        "discount": p.discount,
        "additive": isinstance(p.utility, LinearAdditive),
        "agreement_rule": brief["agreement_rule"],
    }
    if isinstance(p.utility, LinearAdditive):
        tables = p.utility.issue_tables(scenario.space)
        spans = [float(t.max() - t.min()) if len(t) else 0.0 for t in tables]
        total = sum(spans) or 1.0
        for issue, table, span in zip(out["issues"], tables, spans, strict=True):
            issue["share"] = span / total
            issue["points"] = [float(x) for x in np.asarray(table, dtype=float)]
    return out


def utility_of(scenario: Scenario, party: int, choice: Mapping[str, Any]) -> tuple[int, float]:
    """The outcome index of the package ``choice`` (``{issue: value}``, values as text or
    as they are) and party ``party``'s utility of it."""
    space = scenario.space
    digits = []
    for issue in space.issues:
        if issue.name not in choice:
            raise KeyError(f"no value for issue {issue.name!r}")
        wanted = choice[issue.name]
        match = [k for k, v in enumerate(_values(issue)) if v == wanted or str(v) == str(wanted)]
        if not match:
            raise KeyError(f"{wanted!r} is not a value of issue {issue.name!r}")
        digits.append(match[0])
    outcome = space.to_index(digits)
    return outcome, own_utility(scenario, party, outcome)


def own_utility(scenario: Scenario, party: int, outcome: int) -> float:
    """Party ``party``'s utility of the outcome with index ``outcome`` (its own meter)."""
    space = scenario.space
    row = np.array([space.from_index(outcome)], dtype=np.int64)
    return float(scenario.parties[party].utility.evaluate(space, row)[0])


def _values(issue: Issue) -> list[Any]:
    """An enumerable issue's values, JSON-safe (live sessions discretise real issues)."""
    if isinstance(issue, RealIssue):
        raise ScenarioError(f"issue {issue.name!r} is real-valued: discretise it first")
    return [json_value(issue.value_at(k)) for k in range(issue.cardinality)]
