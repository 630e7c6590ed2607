"""Read NegoLog scenario folders: ``profileA.json``, ``profileB.json`` (no domain file).

A profile is ``{"reservationValue": r, "issueWeights": {issue: w}, "issues": {issue: {value: u}}}``.
The outcome space is built from the first profile (issue and value order as written there);
every other profile must use the same issues and values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.errors import ScenarioError
from accord.io import numbers
from accord.io.geniusweb_json import line_of, read_json
from accord.outcomes.issues import DiscreteIssue, Value
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive
from accord.preferences.values import TableValue
from accord.scenario import Party


def is_negolog_profile(data: Any) -> bool:
    return isinstance(data, dict) and "issueWeights" in data and "issues" in data


def _body(path: str | Path) -> tuple[dict[str, Any], str]:
    data, text = read_json(path)
    if not is_negolog_profile(data):
        raise ScenarioError("not a NegoLog profile (needs 'issueWeights' and 'issues')", path, 1)
    if not isinstance(data["issues"], dict) or not isinstance(data["issueWeights"], dict):
        raise ScenarioError("'issues' and 'issueWeights' must be objects", path, 1)
    return data, text


def negolog_space(path: str | Path) -> OutcomeSpace:
    """The outcome space implied by one NegoLog profile."""
    data, text = _body(path)
    issues = []
    for name, table in data["issues"].items():
        if not isinstance(table, dict) or not table:
            raise ScenarioError(f"issue {name!r} has no values", path, line_of(text, name))
        values: list[Value] = [str(v) for v in table]
        issues.append(DiscreteIssue(str(name), tuple(values)))
    if not issues:
        raise ScenarioError("profile has no issues", path, 1)
    return OutcomeSpace(tuple(issues))


def read_negolog_profile(
    path: str | Path, space: OutcomeSpace, name: str | None = None
) -> tuple[Party, list[str]]:
    """One NegoLog profile against ``space`` (usually built from the first profile)."""
    data, text = _body(path)
    issues: dict[str, Any] = data["issues"]
    weights: dict[str, Any] = data["issueWeights"]
    if set(issues) != set(space.names) or set(weights) != set(space.names):
        raise ScenarioError(
            f"issues {sorted(issues)} differ from the scenario's {sorted(space.names)}", path, 1
        )
    vfs = []
    for issue in space.issues:
        table = issues[issue.name]
        if {str(k) for k in table} != {str(v) for v in issue.values}:  # type: ignore[union-attr]
            raise ScenarioError(
                f"values of issue {issue.name!r} differ from the first profile's",
                path,
                line_of(text, issue.name),
            )
        line = line_of(text, issue.name)
        vfs.append(
            TableValue(
                {
                    str(k): numbers.evaluation(
                        u, f"utility of {k!r} (issue {issue.name!r})", path, line
                    )
                    for k, u in table.items()
                }
            )
        )
    w = tuple(
        numbers.weight(
            weights[i.name], f"weight of {i.name!r}", path, lambda: line_of(text, "issueWeights")
        )
        for i in space.issues
    )
    warnings: list[str] = []
    total = sum(w)
    if total <= 0:
        raise ScenarioError(f"issue weights sum to {total:g}", path, line_of(text, "issueWeights"))
    if abs(total - 1.0) > 1e-6:
        warnings.append(f"{path}:{line_of(text, 'issueWeights')}: weights sum to {total:.10g}")
    reservation = numbers.reservation(
        data.get("reservationValue", 0.0),
        "reservationValue",
        path,
        line_of(text, "reservationValue"),
    )
    utility = LinearAdditive(w, tuple(vfs))
    return Party(name or Path(path).stem, utility, reservation, None, str(path)), warnings
