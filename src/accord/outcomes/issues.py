"""Issues: the dimensions of an outcome space.

Three kinds exist: categorical (:class:`DiscreteIssue`, any list of values), integer ranges
(:class:`IntegerIssue`, ``low..high`` inclusive) and real ranges (:class:`RealIssue`,
continuous). Discrete and integer issues are enumerable; a real issue is enumerated only
through an explicit discretisation (:meth:`RealIssue.discretize`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.errors import ScenarioError

Value = str | int | float


@dataclass(frozen=True, slots=True)
class DiscreteIssue:
    """A categorical issue: an ordered tuple of distinct values."""

    name: str
    values: tuple[Value, ...]

    def __post_init__(self) -> None:
        if not self.values:
            raise ScenarioError(f"issue {self.name!r} has no values")
        if len(set(self.values)) != len(self.values):
            raise ScenarioError(f"issue {self.name!r} lists a value twice")

    @property
    def cardinality(self) -> int:
        return len(self.values)

    @property
    def is_numeric(self) -> bool:
        return all(isinstance(v, int | float) and not isinstance(v, bool) for v in self.values)

    def value_at(self, index: int) -> Value:
        return self.values[index]

    def index_of(self, value: Any) -> int:
        try:
            return self.values.index(value)
        except ValueError:
            for i, v in enumerate(self.values):
                if str(v) == str(value):
                    return i
            raise ScenarioError(f"{value!r} is not a value of issue {self.name!r}") from None

    def numeric_values(self) -> np.ndarray:
        """The values as floats (only for numeric issues)."""
        return np.asarray(self.values, dtype=float)


@dataclass(frozen=True, slots=True)
class IntegerIssue:
    """An integer range ``low..high`` (both inclusive)."""

    name: str
    low: int
    high: int

    def __post_init__(self) -> None:
        if self.high < self.low:
            raise ScenarioError(f"issue {self.name!r}: upper bound {self.high} < lower {self.low}")

    @property
    def cardinality(self) -> int:
        return self.high - self.low + 1

    @property
    def is_numeric(self) -> bool:
        return True

    @property
    def values(self) -> range:
        return range(self.low, self.high + 1)

    def value_at(self, index: int) -> int:
        return self.low + int(index)

    def index_of(self, value: Any) -> int:
        try:
            v = int(value)
        except (TypeError, ValueError):
            raise ScenarioError(f"{value!r} is not an integer (issue {self.name!r})") from None
        if not self.low <= v <= self.high:
            raise ScenarioError(f"{v} is outside {self.low}..{self.high} (issue {self.name!r})")
        return v - self.low

    def numeric_values(self) -> np.ndarray:
        return np.arange(self.low, self.high + 1, dtype=float)


@dataclass(frozen=True, slots=True)
class RealIssue:
    """A continuous range ``[low, high]``. Not enumerable until discretised."""

    name: str
    low: float
    high: float

    def __post_init__(self) -> None:
        if not self.high >= self.low:
            raise ScenarioError(f"issue {self.name!r}: upper bound {self.high} < lower {self.low}")

    @property
    def cardinality(self) -> None:
        return None

    @property
    def is_numeric(self) -> bool:
        return True

    def discretize(self, n: int) -> DiscreteIssue:
        """``n`` evenly spaced values from ``low`` to ``high`` (both included)."""
        if n < 2:
            raise ScenarioError(f"issue {self.name!r}: discretisation needs at least 2 points")
        pts = np.linspace(self.low, self.high, n)
        return DiscreteIssue(self.name, tuple(float(x) for x in pts))

    def index_of(self, value: Any) -> int:
        raise ScenarioError(f"issue {self.name!r} is continuous: discretise it first")


Issue = DiscreteIssue | IntegerIssue | RealIssue
EnumerableIssue = DiscreteIssue | IntegerIssue
