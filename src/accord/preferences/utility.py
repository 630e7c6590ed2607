"""Utility functions over an outcome space, vectorised over digit arrays.

A utility function is evaluated on **digits** (an ``(n, k)`` int array, one value index per
issue), so the same code serves enumerated spaces (all outcomes at once, in chunks) and huge
spaces (samples, search). Two families exist:

* :class:`LinearAdditive` — ``u(ω) = offset + Σ_i w_i · v_i(ω_i)``: per-issue table look-ups.
* :class:`HyperRectangleUtility` — the ANAC 2014 nonlinear ("constraint") utilities: the sum of
  the utilities of the hyper-rectangles that contain the outcome, divided by ``max_utility``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from accord.errors import ScenarioError
from accord.outcomes.space import OutcomeSpace
from accord.preferences.values import ValueFunction


@runtime_checkable
class UtilityFunction(Protocol):
    """Anything that maps outcome digits to utilities."""

    def evaluate(self, space: OutcomeSpace, digits: np.ndarray) -> np.ndarray:
        """Utilities of the outcomes given as digits ``(n, k)``; returns shape ``(n,)``."""
        ...


@dataclass(frozen=True, slots=True)
class LinearAdditive:
    """``offset + Σ_i weights[i] · values[i](ω_i)``; one value function per issue, in order."""

    weights: tuple[float, ...]
    values: tuple[ValueFunction, ...]
    offset: float = 0.0
    _cache: list[tuple[OutcomeSpace, tuple[np.ndarray, ...]]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if len(self.weights) != len(self.values):
            raise ScenarioError(
                f"{len(self.weights)} weights for {len(self.values)} value functions"
            )

    def issue_tables(self, space: OutcomeSpace) -> tuple[np.ndarray, ...]:
        """Weighted utility contribution of every value of every issue (cached per space)."""
        for cached_space, cached in self._cache:
            if cached_space is space:
                return cached
        if len(space.issues) != len(self.values):
            raise ScenarioError(
                f"utility has {len(self.values)} issues, the space {len(space.issues)}"
            )
        tables = tuple(
            float(w) * vf.table(issue)
            for w, vf, issue in zip(self.weights, self.values, space.issues, strict=True)
        )
        for t in tables:
            t.setflags(write=False)
        self._cache[:] = [(space, tables)]
        return tables

    def evaluate(self, space: OutcomeSpace, digits: np.ndarray) -> np.ndarray:
        d = np.atleast_2d(digits)
        tables = self.issue_tables(space)
        out = np.full(d.shape[0], float(self.offset))
        for j, t in enumerate(tables):
            out += t[d[:, j]]
        return out

    def best_worst(self, space: OutcomeSpace) -> tuple[float, float]:
        """Exact maximum and minimum utility over the (enumerable) space."""
        tables = self.issue_tables(space)
        hi = self.offset + sum(float(t.max()) for t in tables)
        lo = self.offset + sum(float(t.min()) for t in tables)
        return hi, lo


@dataclass(frozen=True, slots=True)
class Bound:
    """One constraint of a hyper-rectangle: issue position and inclusive value range."""

    issue: int
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class HyperRectangle:
    """Adds ``utility`` when every ``includes`` holds and no ``excludes`` range holds."""

    utility: float
    includes: tuple[Bound, ...]
    excludes: tuple[Bound, ...] = ()


#: Largest score a hyper-rectangle utility may reach (the readers' bound on any number).
MAX_SCORE = 1e12


@dataclass(frozen=True, slots=True)
class HyperRectangleUtility:
    """Sum of the utilities of the rectangles containing an outcome, divided by ``max_utility``.

    Values are compared numerically (integer issues: ``low + digit``).
    """

    rectangles: tuple[HyperRectangle, ...]
    max_utility: float = 1.0
    _cache: list[tuple[OutcomeSpace, list[list[tuple[int, np.ndarray]]]]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.max_utility > 0:
            raise ScenarioError(f"max utility must be positive, got {self.max_utility}")
        total = sum(abs(r.utility) for r in self.rectangles)
        if total > MAX_SCORE * self.max_utility:  # no division: it would overflow
            raise ScenarioError(
                f"max utility {self.max_utility:g} is too small for its rectangles (their "
                f"utilities add up to {total:g}): scores would exceed {MAX_SCORE:g}"
            )

    def masks(self, space: OutcomeSpace) -> list[list[tuple[int, np.ndarray]]]:
        """For each rectangle: ``(issue, allowed-value mask)`` per constrained issue (cached
        per space, like :meth:`LinearAdditive.issue_tables`)."""
        for cached_space, cached in self._cache:
            if cached_space is space:
                return cached
        out = []
        for rect in self.rectangles:
            per_issue: dict[int, np.ndarray] = {}
            for b in rect.includes:
                vals = space.values_of(b.issue, np.arange(space.radices[b.issue]))
                m = (vals >= b.low) & (vals <= b.high)
                per_issue[b.issue] = per_issue.get(b.issue, True) & m
            for b in rect.excludes:
                vals = space.values_of(b.issue, np.arange(space.radices[b.issue]))
                m = ~((vals >= b.low) & (vals <= b.high))
                per_issue[b.issue] = per_issue.get(b.issue, True) & m
            out.append(sorted(per_issue.items()))
        for masks in out:
            for _, m in masks:
                m.setflags(write=False)
        self._cache[:] = [(space, out)]
        return out

    def evaluate(self, space: OutcomeSpace, digits: np.ndarray) -> np.ndarray:
        d = np.atleast_2d(digits)
        total = np.zeros(d.shape[0])
        for rect, masks in zip(self.rectangles, self.masks(space), strict=True):
            inside = np.ones(d.shape[0], dtype=bool)
            for issue, mask in masks:
                inside &= mask[d[:, issue]]
            total += rect.utility * inside
        return total / self.max_utility
