"""Contingent clauses of phased deals and their arithmetic.

"One more day of pause for every 10 additional releases, up to a cap" is an
:class:`ExtensionRule`. A clause issue's values name rules (or ``None``: no clause); a party's
:class:`ClauseValue` turns each rule into a utility from what the rule yields when the
``units`` expected to be available are released: the extra days and the units that earn them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from accord.errors import ScenarioError
from accord.outcomes.issues import DiscreteIssue, Issue, Value


@dataclass(frozen=True, slots=True)
class ExtensionRule:
    """``days`` more of a pause for every ``per`` additional units (e.g. releases), at most
    ``cap`` days (``None``: no cap)."""

    per: int
    days: int = 1
    cap: int | None = None

    def __post_init__(self) -> None:
        if self.per < 1 or self.days < 0 or (self.cap is not None and self.cap < 0):
            raise ScenarioError(
                f"extension rule needs per >= 1, days >= 0, cap >= 0 (got {self.per}, "
                f"{self.days}, {self.cap})"
            )

    def extension(self, additional: int) -> int:
        """Days of extension earned by ``additional`` units (whole blocks of ``per`` only)."""
        if additional < 0:
            raise ScenarioError(f"additional units cannot be negative ({additional})")
        earned = (additional // self.per) * self.days
        return earned if self.cap is None else min(earned, self.cap)

    def units_for(self, days: int) -> int:
        """Fewest additional units that earn ``days`` days (``ScenarioError`` beyond the cap)."""
        if self.cap is not None and days > self.cap:
            raise ScenarioError(f"{days} days exceed the cap of {self.cap}")
        if self.days == 0:
            if days == 0:
                return 0
            raise ScenarioError("a rule granting 0 days per block never earns days")
        return math.ceil(days / self.days) * self.per


@dataclass(frozen=True, slots=True)
class ClauseValue:
    """Utility of each clause option: ``clip(per_day·days + per_unit·units_used, 0, 1)``.

    ``rules`` maps each value of the clause issue to its :class:`ExtensionRule` (``None``: no
    clause, worth ``none``); ``units`` is how many additional units (e.g. releases) the party
    expects to be available; ``days`` = ``rule.extension(units)`` and ``units_used`` =
    ``rule.units_for(days)`` (only whole blocks are released).
    """

    rules: Mapping[Value, ExtensionRule | None]
    units: int
    per_day: float
    per_unit: float
    none: float = 0.0

    def option(self, value: Value) -> float:
        """Utility of one clause option."""
        by_name = {str(k): r for k, r in self.rules.items()}
        if str(value) not in by_name:
            raise ScenarioError(f"clause option {value!r} has no rule")
        rule = by_name[str(value)]
        if rule is None:
            return self.none
        days = rule.extension(self.units)
        used = rule.units_for(days) if days else 0
        return float(np.clip(self.per_day * days + self.per_unit * used, 0.0, 1.0))

    def table(self, issue: Issue) -> np.ndarray:
        if not isinstance(issue, DiscreteIssue):
            raise ScenarioError(f"clause issue {issue.name!r} must be discrete")
        return np.array([self.option(v) for v in issue.values], dtype=float)

    def at(self, x: np.ndarray) -> np.ndarray:
        raise ScenarioError("a clause value function has no numeric form")
