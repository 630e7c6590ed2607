"""The outcome space: the Cartesian product of the issues.

Inside the engine an outcome is either an integer **index** (mixed radix, the last issue varying
fastest, as ``numpy.unravel_index`` in C order) or, for spaces too large for 64-bit indices, a
row of **digits** (one value index per issue). Value dicts exist only at the edges.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.errors import ScenarioError
from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Issue, RealIssue, Value

#: Largest space whose outcomes can be addressed by int64 indices.
MAX_INDEXABLE = 2**62


@dataclass(frozen=True, slots=True)
class Discretisation:
    """Records that real issues were replaced by evenly spaced points."""

    issue: str
    points: int
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class OutcomeSpace:
    """An ordered tuple of issues with mixed-radix encoding of outcomes."""

    issues: tuple[Issue, ...]
    discretisations: tuple[Discretisation, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.issues:
            raise ScenarioError("an outcome space needs at least one issue")
        names = [i.name for i in self.issues]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ScenarioError(f"issue names must be unique; repeated: {sorted(dup)}")

    # ----------------------------------------------------------------- structure
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.issues)

    @property
    def is_continuous(self) -> bool:
        return any(isinstance(i, RealIssue) for i in self.issues)

    @property
    def radices(self) -> np.ndarray:
        if self.is_continuous:
            raise ScenarioError("a continuous space has no radices: discretise it first")
        return np.array([i.cardinality for i in self.issues], dtype=np.int64)

    @property
    def size(self) -> int | None:
        """Number of outcomes (an exact Python int, possibly huge); ``None`` if continuous."""
        if self.is_continuous:
            return None
        total = 1
        for issue in self.issues:
            total *= int(issue.cardinality or 0)
        return total

    @property
    def is_indexable(self) -> bool:
        """True when every outcome fits in an int64 index."""
        size = self.size
        return size is not None and size <= MAX_INDEXABLE

    def issue_index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise ScenarioError(f"no issue named {name!r}") from None

    def discretize(self, points: int = 11) -> OutcomeSpace:
        """A copy whose real issues are replaced by ``points`` evenly spaced values."""
        if not self.is_continuous:
            return self
        issues: list[Issue] = []
        notes = list(self.discretisations)
        for issue in self.issues:
            if isinstance(issue, RealIssue):
                issues.append(issue.discretize(points))
                notes.append(Discretisation(issue.name, points, issue.low, issue.high))
            else:
                issues.append(issue)
        return OutcomeSpace(tuple(issues), tuple(notes))

    # ------------------------------------------------------------- conversions
    def _strides(self) -> np.ndarray:
        r = self.radices
        strides = np.ones(len(r), dtype=np.int64)
        for j in range(len(r) - 2, -1, -1):
            strides[j] = strides[j + 1] * r[j + 1]
        return strides

    def digits(self, indices: np.ndarray) -> np.ndarray:
        """Value indices (n, k) of the outcomes with the given int64 indices."""
        if not self.is_indexable:
            raise ScenarioError("space too large for integer indices; use digits directly")
        idx = np.asarray(indices, dtype=np.int64)
        r = self.radices
        out = np.empty((idx.size, len(r)), dtype=np.int64)
        rest = idx.reshape(-1).copy()
        for j in range(len(r) - 1, -1, -1):
            rest, out[:, j] = np.divmod(rest, r[j])
        return out

    def index(self, digits: np.ndarray) -> np.ndarray:
        """Int64 indices of digit rows (inverse of :meth:`digits`)."""
        d = np.atleast_2d(np.asarray(digits, dtype=np.int64))
        return d @ self._strides()

    def to_index(self, digits: np.ndarray | tuple[int, ...] | list[int]) -> int:
        """Exact (Python int) index of one digit row; works for spaces of any size."""
        out = 0
        for issue, d in zip(self.issues, digits, strict=True):
            out = out * int(issue.cardinality or 0) + int(d)
        return out

    def from_index(self, index: int) -> tuple[int, ...]:
        """Digits of one exact (Python int) index; works for spaces of any size."""
        size = self.size
        if size is None or not 0 <= index < size:
            raise ScenarioError(f"outcome index {index} is outside the space")
        out = []
        rest = int(index)
        for issue in reversed(self.issues):
            rest, d = divmod(rest, int(issue.cardinality or 0))
            out.append(d)
        return tuple(reversed(out))

    def encode(self, outcome: Mapping[str, Any]) -> tuple[int, ...]:
        """Digits of an outcome given as ``{issue: value}``."""
        missing = [n for n in self.names if n not in outcome]
        if missing:
            raise ScenarioError(f"outcome lacks issues {missing}")
        return tuple(issue.index_of(outcome[issue.name]) for issue in self.issues)

    def decode(self, digits: np.ndarray | tuple[int, ...] | list[int]) -> dict[str, Value]:
        """``{issue: value}`` for one row of digits."""
        out: dict[str, Value] = {}
        for issue, d in zip(self.issues, digits, strict=True):
            if isinstance(issue, RealIssue):
                raise ScenarioError(f"issue {issue.name!r} is continuous: discretise it first")
            out[issue.name] = issue.value_at(int(d))
        return out

    def values_of(self, column: int, digits: np.ndarray) -> np.ndarray:
        """Numeric values of issue ``column`` for an array of its value indices."""
        issue = self.issues[column]
        if isinstance(issue, IntegerIssue):
            return digits.astype(float) + issue.low
        if isinstance(issue, DiscreteIssue):
            return issue.numeric_values()[digits]
        raise ScenarioError(f"issue {issue.name!r} is continuous: discretise it first")

    # ------------------------------------------------------------- enumeration
    def chunks(self, chunk: int = 1 << 20) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(first_index, digits)`` blocks covering the whole space in index order."""
        size = self.size
        if size is None or not self.is_indexable:
            raise ScenarioError(f"space of {size} outcomes cannot be enumerated")
        for start in range(0, size, chunk):
            stop = min(size, start + chunk)
            yield start, self.digits(np.arange(start, stop, dtype=np.int64))

    def all_digits(self) -> np.ndarray:
        """Digits of every outcome, in index order (n, k)."""
        size = self.size
        if size is None or not self.is_indexable:
            raise ScenarioError(f"space of {size} outcomes cannot be enumerated")
        return self.digits(np.arange(size, dtype=np.int64))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` outcomes drawn uniformly (with replacement) as digits (n, k)."""
        r = self.radices
        return np.stack([rng.integers(0, int(c), size=n) for c in r], axis=1).astype(np.int64)
