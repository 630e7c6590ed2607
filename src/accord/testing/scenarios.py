"""Scenarios for conformance tests: the packaged examples plus seeded generated ones, among them
spaces far too large to enumerate (an additive space of 10^30 outcomes and an ANAC 2014-style
hyper-rectangle space of 10^20)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np

from accord.outcomes.issues import IntegerIssue
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import (
    Bound,
    HyperRectangle,
    HyperRectangleUtility,
    LinearAdditive,
)
from accord.preferences.values import TableValue
from accord.scenario import Party, Scenario


def additive_scenario(
    radices: tuple[int, ...],
    *,
    parties: int = 2,
    seed: int = 0,
    reservation: float = 0.0,
    opposed: bool = False,
    name: str | None = None,
) -> Scenario:
    """Random linear-additive scenario: integer issues ``0..r-1``, value tables scaled to [0, 1],
    Dirichlet weights. ``opposed``: every other party's value tables are the first party's,
    reversed (``1 − v``), so gains are traded only through the weights. Deterministic for a
    given seed."""
    rng = np.random.default_rng(seed)
    space = OutcomeSpace(tuple(IntegerIssue(f"i{j}", 0, r - 1) for j, r in enumerate(radices)))
    out = []
    first: list[np.ndarray] = []
    for k in range(parties):
        weights = rng.dirichlet(np.ones(len(radices)))
        values = []
        for j, r in enumerate(radices):
            t = rng.random(r)
            t = (t - t.min()) / (t.max() - t.min()) if r > 1 else np.ones(1)
            if k == 0:
                first.append(t)
            elif opposed:
                t = 1.0 - first[j]
            values.append(TableValue({v: float(x) for v, x in enumerate(t)}))
        utility = LinearAdditive(tuple(float(w) for w in weights), tuple(values))
        out.append(Party(f"p{k}", utility, reservation=reservation))
    size = int(np.prod([float(r) for r in radices]))
    kind = "opposed" if opposed else "additive"
    label = name or f"{kind}-{len(radices)}x{max(radices)}-{size:.0e}-s{seed}"
    return Scenario(label, space, tuple(out))


def hyper_rectangle_scenario(
    issues: int = 20, values: int = 10, rectangles: int = 40, *, seed: int = 0
) -> Scenario:
    """An ANAC 2014-style nonlinear scenario: integer issues ``0..values-1`` and, per party,
    ``rectangles`` random hyper-rectangles over 1–4 issues each. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    space = OutcomeSpace(tuple(IntegerIssue(f"i{j}", 0, values - 1) for j in range(issues)))
    parties = []
    for k in range(2):
        rects = []
        for _ in range(rectangles):
            chosen = rng.choice(issues, size=int(rng.integers(1, 5)), replace=False)
            bounds = []
            for j in sorted(int(c) for c in chosen):
                lo = int(rng.integers(0, values))
                hi = int(rng.integers(lo, values))
                bounds.append(Bound(j, float(lo), float(hi)))
            rects.append(HyperRectangle(float(rng.integers(1, 100)), tuple(bounds)))
        total = sum(r.utility for r in rects)
        parties.append(Party(f"p{k}", HyperRectangleUtility(tuple(rects), total)))
    return Scenario(f"hyper-rectangles-{issues}x{values}-s{seed}", space, tuple(parties))


def packaged_scenarios() -> list[Scenario]:
    """The example scenarios shipped with accord (real issues discretised at 11 points)."""
    from accord.io.yaml_format import load_yaml

    folder = resources.files("accord") / "scenarios"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            with resources.as_file(entry) as path:
                out.append(load_yaml(path).discretized())
    return out


@cache
def conformance_scenarios() -> tuple[Scenario, ...]:
    """The default scenario set of :func:`accord.testing.check_agent` (built once, cached)."""
    return (
        *packaged_scenarios(),
        additive_scenario((10, 10, 10, 10), seed=1, reservation=0.1),
        additive_scenario((10,) * 30, seed=2),
        hyper_rectangle_scenario(seed=3),
    )
