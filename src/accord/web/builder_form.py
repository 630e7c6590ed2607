"""The scenario builder's form: rows of issues and parties as the trainer typed them, edited by
its buttons, turned into accord YAML data and checked by the YAML loader (whose messages, with
the form's own checks of numbers, ranges and repeated names, are the builder's)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accord.errors import ScenarioError
from accord.scenario import Scenario

#: Most issues, parties and values per issue the builder takes.
MAX_ISSUES = 20
MAX_PARTIES = 10
MAX_VALUES = 50
_TEXT = 200  # longest name or value list kept from a field


@dataclass(slots=True)
class IssueRow:
    """One issue of the builder: its name and its values, comma-separated."""

    name: str = ""
    values: str = ""

    @property
    def value_list(self) -> list[str]:
        return [v.strip() for v in self.values.split(",") if v.strip()][:MAX_VALUES]


@dataclass(slots=True)
class PartyRow:
    """One party of the builder: name, red line, a weight per issue and a score per value (all
    as typed, so that a wrong entry is shown back as it was)."""

    name: str = ""
    reservation: str = "0"
    weights: list[str] = field(default_factory=list)
    scores: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Checked:
    """The builder's scenario when it is valid, or what is wrong with it."""

    errors: list[str]
    scenario: Scenario | None


@dataclass(slots=True)
class Builder:
    """The builder's form as the trainer filled it in (field names: ``issue-I-name``,
    ``issue-I-values``, ``party-P-name``, ``party-P-reservation``, ``party-P-weight-I``,
    ``party-P-score-I-V``; ``issues`` and ``parties`` count the rows)."""

    name: str = ""
    description: str = ""
    issues: list[IssueRow] = field(default_factory=list)
    parties: list[PartyRow] = field(default_factory=list)

    @classmethod
    def empty(cls) -> Builder:
        b = cls()
        b.edit("add_issue")
        b.edit("add_party")
        b.edit("add_party")
        return b

    @staticmethod
    def limits() -> dict[str, int]:
        return {"issues": MAX_ISSUES, "parties": MAX_PARTIES, "values": MAX_VALUES}

    @classmethod
    def from_form(cls, f: Mapping[str, str]) -> Builder:
        def get(key: str, default: str = "", size: int = _TEXT) -> str:
            return f.get(key, default)[:size]

        issues = [
            IssueRow(get(f"issue-{i}-name").strip(), get(f"issue-{i}-values", size=4000))
            for i in range(_count(f.get("issues"), MAX_ISSUES))
        ]
        parties = [
            PartyRow(
                get(f"party-{p}-name").strip(),
                get(f"party-{p}-reservation", "0"),
                [get(f"party-{p}-weight-{i}", "1") for i in range(len(issues))],
                [
                    [get(f"party-{p}-score-{i}-{v}") for v in range(len(issue.value_list))]
                    for i, issue in enumerate(issues)
                ],
            )
            for p in range(_count(f.get("parties"), MAX_PARTIES))
        ]
        return cls(get("name").strip(), get("description", size=4000).strip(), issues, parties)

    def edit(self, action: str) -> bool:
        """Apply an editing button (``add_issue``, ``add_party``, ``remove_issue:I``,
        ``remove_party:P``); ``False`` when ``action`` is not one."""
        kind, _, at = action.partition(":")
        index = int(at) if at.isdigit() else -1
        if kind == "add_issue" and len(self.issues) < MAX_ISSUES:
            self.issues.append(IssueRow())
            for party in self.parties:
                party.weights.append("1")
                party.scores.append([])
        elif kind == "add_party" and len(self.parties) < MAX_PARTIES:
            n = len(self.issues)
            scores = [[""] * len(issue.value_list) for issue in self.issues]
            self.parties.append(PartyRow("", "0", ["1"] * n, scores))
        elif kind == "remove_issue" and 0 <= index < len(self.issues):
            del self.issues[index]
            for party in self.parties:
                del party.weights[index]
                del party.scores[index]
        elif kind == "remove_party" and 0 <= index < len(self.parties):
            del self.parties[index]
        else:
            return kind in ("add_issue", "add_party", "remove_issue", "remove_party")
        return True

    def data(self, errors: list[str]) -> dict[str, Any]:
        """The scenario as accord YAML data; what the form itself gets wrong goes to ``errors``
        (numbers, ranges, repeated names: the YAML loader checks the rest)."""
        issues = [{"name": i.name, "values": i.value_list} for i in self.issues]
        _repeated("issue", [i.name for i in self.issues if i.name], errors)
        _repeated("party", [p.name for p in self.parties if p.name], errors)
        for issue in self.issues:
            _repeated(f"issue {issue.name or '(unnamed)'}: value", issue.value_list, errors)
        parties = []
        for n, party in enumerate(self.parties):
            who = party.name or f"party {n + 1}"
            weights: dict[str, float] = {}
            values: dict[str, Any] = {}
            for i, issue in enumerate(self.issues):
                about = f"{who}: {issue.name or '(unnamed issue)'}"
                weights[issue.name] = _num(party.weights[i], f"{about}: weight", errors)
                table = {
                    v: _num(party.scores[i][k], f"{about} = {v}: score", errors, 1)
                    for k, v in enumerate(issue.value_list)
                }
                values[issue.name] = {"table": table}
            red_line = _num(party.reservation or "0", f"{who}: red line", errors, 1)
            utility = {"type": "linear-additive", "weights": weights, "values": values}
            parties.append({"name": party.name, "reservation": red_line, "utility": utility})
        data: dict[str, Any] = {"accord": 1, "name": self.name}
        if self.description:
            data["description"] = self.description
        return {**data, "issues": issues, "parties": parties}

    def check(self) -> Checked:
        """The scenario, read by the YAML loader, or the messages that say what is wrong."""
        import yaml

        from accord.io.yaml_format import loads_yaml

        errors: list[str] = []
        data = self.data(errors)
        if errors:
            return Checked(errors, None)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        try:
            return Checked([], loads_yaml(text, source=f"{self.name or 'scenario'}.yaml"))
        except ScenarioError as exc:
            return Checked([exc.reason], None)


def _count(text: str | None, most: int) -> int:
    return min(int(text), most) if text is not None and text.isdigit() else 0


def _num(text: str, what: str, errors: list[str], high: float | None = None) -> float:
    """``text`` as a number from 0 to ``high`` (no upper bound when ``None``)."""
    text = text.strip()
    span = "from 0 to 1" if high == 1 else "0 or more"
    try:
        x = float(text)
    except ValueError:
        errors.append(f"{what}: {text!r} is not a number ({span})" if text else f"{what}: missing")
        return 0.0
    if not math.isfinite(x) or x < 0 or (high is not None and x > high):
        errors.append(f"{what}: {text} is out of range ({span})")
        return 0.0
    return x


def _repeated(what: str, names: list[str], errors: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            errors.append(f"{what} {name!r} appears twice")
        seen.add(name)
