"""Per-issue value functions of linear-additive utilities.

Each maps the values of one issue to utilities, vectorised: ``vf.table(issue)`` gives the
utility of every value of an enumerable issue as an array. The shapes follow GENIUS:

* :class:`TableValue` — an explicit ``{value: utility}`` table (discrete issues).
* :class:`AffineValue` — ``clip(slope * x + offset, 0, 1)`` on the numeric value (GENIUS's
  ``linear`` evaluator for integer and real issues; clipping can be disabled).
* :class:`TriangularValue` — 0 at ``lower`` and ``upper``, 1 at ``top``, linear in between
  (GENIUS's ``triangular`` evaluator for real issues).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from accord.errors import ScenarioError
from accord.outcomes.issues import DiscreteIssue, Issue, RealIssue, Value


class ValueFunction(Protocol):
    """Maps the values of one issue to utilities."""

    def table(self, issue: Issue) -> np.ndarray:
        """Utility of each value of an enumerable issue, in value order."""
        ...

    def at(self, x: np.ndarray) -> np.ndarray:
        """Utility at numeric values ``x`` (numeric functions only)."""
        ...


def _numeric(issue: Issue) -> np.ndarray:
    if isinstance(issue, RealIssue):
        raise ScenarioError(f"issue {issue.name!r} is continuous: discretise it first")
    if isinstance(issue, DiscreteIssue) and not issue.is_numeric:
        raise ScenarioError(f"issue {issue.name!r} is not numeric")
    return issue.numeric_values()


@dataclass(frozen=True, slots=True)
class TableValue:
    """Explicit utilities per value. Values missing from the table are worth ``default``."""

    mapping: Mapping[Value, float]
    default: float = 0.0
    _by_str: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_str", {str(k): float(v) for k, v in self.mapping.items()})

    def table(self, issue: Issue) -> np.ndarray:
        if isinstance(issue, RealIssue):
            raise ScenarioError(f"issue {issue.name!r} is continuous: a table cannot cover it")
        vals = issue.values if isinstance(issue, DiscreteIssue) else list(issue.values)
        out = np.empty(len(vals), dtype=float)
        for i, v in enumerate(vals):
            if v in self.mapping:
                out[i] = float(self.mapping[v])
            else:
                out[i] = self._by_str.get(str(v), self.default)
        return out

    def at(self, x: np.ndarray) -> np.ndarray:
        return np.array([self._by_str.get(str(v), self.default) for v in np.ravel(x)])


@dataclass(frozen=True, slots=True)
class AffineValue:
    """``slope * x + offset``, clipped to [0, 1] unless ``clip`` is False."""

    slope: float
    offset: float
    clip: bool = True

    def at(self, x: np.ndarray) -> np.ndarray:
        y = self.slope * np.asarray(x, dtype=float) + self.offset
        return np.clip(y, 0.0, 1.0) if self.clip else y

    def table(self, issue: Issue) -> np.ndarray:
        return self.at(_numeric(issue))


@dataclass(frozen=True, slots=True)
class TriangularValue:
    """0 at ``lower`` and ``upper``, 1 at ``top``, piecewise linear, 0 outside."""

    lower: float
    upper: float
    top: float

    def __post_init__(self) -> None:
        if not self.lower <= self.top <= self.upper:
            raise ScenarioError(
                f"triangular value function needs lower <= top <= upper, got "
                f"{self.lower}, {self.top}, {self.upper}"
            )

    def at(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        out = np.zeros_like(x)
        left = (x >= self.lower) & (x <= self.top)
        right = (x > self.top) & (x <= self.upper)
        if self.top > self.lower:
            out[left] = (x[left] - self.lower) / (self.top - self.lower)
        else:
            out[left] = 1.0
        if self.upper > self.top:
            out[right] = (self.upper - x[right]) / (self.upper - self.top)
        return out

    def table(self, issue: Issue) -> np.ndarray:
        return self.at(_numeric(issue))
