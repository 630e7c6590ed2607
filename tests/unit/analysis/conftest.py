"""Scenario builders for the analysis tests (generated in code, no corpus files).

Exposed through the session fixture ``build`` (the tests run with ``--import-mode=importlib``).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from accord.outcomes import DiscreteIssue, IntegerIssue, OutcomeSpace
from accord.preferences import (
    Bound,
    HyperRectangle,
    HyperRectangleUtility,
    LinearAdditive,
    TableValue,
)
from accord.scenario import Party, Scenario


def additive_scenario(
    radices: list[int],
    parties: int = 2,
    seed: int = 0,
    reservations: list[float] | None = None,
    levels: int | None = None,
) -> Scenario:
    """Random linear-additive parties; ``levels`` rounds table entries to create ties."""
    rng = np.random.default_rng(seed)
    space = OutcomeSpace(
        tuple(
            DiscreteIssue(f"i{j}", tuple(f"v{x}" for x in range(r))) for j, r in enumerate(radices)
        )
    )
    out = []
    for p in range(parties):
        weights = rng.random(len(radices)) + 0.05
        weights /= weights.sum()
        values = []
        for r in radices:
            t = rng.random(r)
            if levels is not None:
                t = np.round(t * levels) / levels
            values.append(TableValue({f"v{x}": float(t[x]) for x in range(r)}))
        res = 0.0 if reservations is None else reservations[p]
        out.append(Party(f"p{p}", LinearAdditive(tuple(weights), tuple(values)), res))
    return Scenario("generated", space, tuple(out))


def all_utilities(scenario: Scenario) -> np.ndarray:
    return scenario.evaluate(scenario.space.all_digits())


def rectangle_scenario(
    issues: int, high: int, rects: int, seed: int, negative: bool = True
) -> Scenario:
    """Two parties with random hyper-rectangle utilities over integer issues 0..high."""
    rng = np.random.default_rng(seed)
    space = OutcomeSpace(tuple(IntegerIssue(f"x{j}", 0, high) for j in range(issues)))
    parties = []
    for p in range(2):
        out = []
        for _ in range(rects):
            k = int(rng.integers(1, min(3, issues) + 1))
            chosen = rng.choice(issues, size=k, replace=False)
            bounds = []
            for j in chosen:
                lo, hi = sorted(int(v) for v in rng.integers(0, high + 1, size=2))
                bounds.append(Bound(int(j), lo, hi))
            u = float(rng.integers(1, 50))
            if negative and rng.random() < 0.2:
                out.append(HyperRectangle(u, ()))
                out.append(HyperRectangle(-u, tuple(bounds)))
            elif rng.random() < 0.15:
                out.append(HyperRectangle(u, (), (bounds[0],)))
            else:
                out.append(HyperRectangle(u, tuple(bounds)))
        parties.append(Party(f"p{p}", HyperRectangleUtility(tuple(out), 100.0)))
    return Scenario("rects", space, tuple(parties))


@pytest.fixture(scope="session")
def build() -> SimpleNamespace:
    return SimpleNamespace(
        additive=additive_scenario, rectangles=rectangle_scenario, all_utilities=all_utilities
    )
