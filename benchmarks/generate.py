"""The benchmark scenarios of ``../shared/anchors/negmas/bench_pareto.py``, as GENIUS XML files.

Two parties, ``k`` discrete issues with 10 values each (``10**k`` outcomes). For each party the
draws are exactly the anchor's: ``r = numpy.random.default_rng(seed)`` (seed 1 for party A, 2
for party B), ``w = r.random(k); w /= w.sum()``, then one value table ``r.random(10)`` per issue;
reservation value 0, no discounting. The scenario is built in code from ``accord.outcomes`` /
``accord.preferences`` and written with ``accord.io.save(scenario, folder, "genius")``, which
writes each table as ``t / max(t)`` with weight ``w * max(t)`` (GENIUS divides evaluations by
their maximum), so both accord and NegMAS read back exactly the anchor's utilities.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from accord.io import save
from accord.outcomes import DiscreteIssue, OutcomeSpace
from accord.preferences import LinearAdditive, TableValue
from accord.scenario import Party, Scenario

NVALS = 10
PARTIES = (("A", 1), ("B", 2))


def utility(k: int, seed: int) -> LinearAdditive:
    """One party's linear-additive utility, drawn exactly as the anchor draws it."""
    r = np.random.default_rng(seed)
    w = r.random(k)
    w /= w.sum()
    tables = [r.random(NVALS) for _ in range(k)]
    values = tuple(TableValue({f"v{v}": float(t[v]) for v in range(NVALS)}) for t in tables)
    return LinearAdditive(tuple(float(x) for x in w), values)


def scenario(k: int) -> Scenario:
    space = OutcomeSpace(
        tuple(DiscreteIssue(f"i{j}", tuple(f"v{v}" for v in range(NVALS))) for j in range(k))
    )
    parties = tuple(Party(name, utility(k, seed), reservation=0.0) for name, seed in PARTIES)
    return Scenario(f"additive-1e{k}", space, parties)


def write_genius(k: int, root: Path) -> Path:
    """Write the ``10**k``-outcome scenario into ``root/additive-1e{k}`` (domain + 2 profiles)."""
    folder = root / f"additive-1e{k}"
    if folder.exists():
        for old in folder.glob("*.xml"):
            old.unlink()
    save(scenario(k), folder, "genius")
    return folder
