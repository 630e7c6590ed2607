"""One accord measurement in a fresh process (run by ``.venv/bin/python``).

Usage: ``child_accord.py {frontier|analyze|corpus} FOLDER``. Prints one JSON line.

Timing starts before the imports (reported as ``import_s``); ``e2e_s`` runs from reading the
scenario files (``accord.io.load_path``) to the final result:

* ``frontier``: the Pareto frontier alone: ``accord.analysis.pareto_chunked`` over
  ``accord.analysis.utility_chunks(scenario)`` (utilities streamed in chunks).
* ``analyze``: ``accord.analysis.analyze`` — frontier, Nash, Kalai-Smorodinsky, egalitarian,
  utilitarian, ZOPA and opposition.
* ``corpus``: ``analyze`` on a corpus folder; then, outside the timed region, every point of the
  folder's reference ``pareto.xml`` (CSV lines ``u1, u2``) is checked: it is *reached* when an
  accord frontier point equals it within 1e-6 or dominates it.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import json  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from accord.analysis import analyze, pareto_chunked, utility_chunks  # noqa: E402
from accord.io import load_path  # noqa: E402

IMPORT_S = time.perf_counter() - T0
TOL = 1e-6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def utils_of(item: Any) -> list[float] | None:
    """The utility vector of a solution entry of ``Analysis.to_dict()`` (or None)."""
    if item is None:
        return None
    if isinstance(item, dict):
        for key in ("utilities", "utility", "utils"):
            if key in item:
                return [float(x) for x in item[key]]
        return None
    if isinstance(item, list | tuple) and item and isinstance(item[0], int | float):
        return [float(x) for x in item]
    return None


def frontier_points(pareto: Any) -> np.ndarray:
    """The frontier of ``Analysis.to_dict()`` as an ``(n, parties)`` array."""
    if isinstance(pareto, dict):
        for key in ("utilities", "points"):
            if key in pareto:
                return np.asarray(pareto[key], dtype=float)
    rows = [utils_of(p) for p in pareto]
    return np.asarray([r for r in rows if r is not None], dtype=float)


def frontier_only(folder: str) -> dict[str, Any]:
    t = time.perf_counter()
    scenario = load_path(folder)
    load_s = time.perf_counter() - t
    front, _ = pareto_chunked(utility_chunks(scenario))
    return {"frontier_size": len(front), "outcomes": str(scenario.space.size), "load_s": load_s}


def negmas_convention(scenario: Any, frontier: np.ndarray) -> dict[str, Any] | None:
    """Solutions on accord's frontier with NegMAS's disagreement point max(r, worst)."""
    from accord.analysis import bargaining as bs
    from accord.preferences import LinearAdditive

    funcs = [p.utility for p in scenario.parties]
    if not all(isinstance(f, LinearAdditive) for f in funcs) or len(frontier) == 0:
        return None
    worst = np.array([f.best_worst(scenario.space)[1] for f in funcs])
    d = np.maximum(np.asarray(scenario.reservations, dtype=float), worst)
    out: dict[str, Any] = {"d": d.tolist()}
    for name in ("nash", "egalitarian", "equal_gains", "utilitarian"):
        i = getattr(bs, name)(frontier, d)
        out[name] = None if i is None else frontier[i].tolist()
    return out


def full(folder: str) -> tuple[dict[str, Any], np.ndarray]:
    t = time.perf_counter()
    scenario = load_path(folder)
    load_s = time.perf_counter() - t
    result = analyze(scenario)
    d = result.to_dict()
    pts = frontier_points(d["pareto"])
    out: dict[str, Any] = {
        "load_s": load_s,
        "outcomes": str(d.get("outcomes", scenario.space.size)),
        "parties": list(d.get("parties", scenario.party_names)),
        "exact": d.get("exact"),
        "proven_gap": d.get("proven_gap"),
        "method": d.get("method"),
        "frontier_size": len(pts),
        "opposition": d.get("opposition"),
        "zopa_outcomes": str(d.get("zopa_outcomes")),
        "warnings": len(d.get("warnings") or ()),
        "timings": d.get("timings"),
    }
    for key in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        out[key] = utils_of(d.get(key))
    out["_scenario"] = scenario
    return out, pts


def reference_check(folder: str, pts: np.ndarray, parties: tuple[str, ...]) -> dict[str, Any]:
    """Does accord's frontier reach every point of the reference ``pareto.xml``?

    Its columns are profile 1, profile 2: accord's parties are put in that order by the number
    in their names (file order differs where a file name is misspelt, e.g. ``profiel-2.xml``).
    """
    ref = np.loadtxt(Path(folder) / "pareto.xml", delimiter=",", ndmin=2)
    numbers = [int(re.findall(r"\d+", name)[-1]) for name in parties]
    pts = pts[:, np.argsort(numbers, kind="stable")]
    if len(pts) == 0:
        return {"reference_points": len(ref), "reached": 0, "worst_gap": None}
    reached = np.zeros(len(ref), dtype=bool)
    gap = np.empty(len(ref))
    for i, r in enumerate(ref):
        # the shortfall of the best accord point: <= TOL means equal-or-dominating
        short = np.max(r[None, :] - pts[:, :2], axis=1)
        gap[i] = float(short.min())
        reached[i] = gap[i] <= TOL
    return {
        "reference_points": len(ref),
        "reached": int(reached.sum()),
        "worst_gap": float(gap.max()),
    }


def main() -> None:
    what, folder = sys.argv[1], sys.argv[2]
    base = peak_mb()
    t1 = time.perf_counter()
    pts = None
    if what == "frontier":
        out = frontier_only(folder)
    elif what in ("analyze", "corpus"):
        out, pts = full(folder)
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    e2e = time.perf_counter() - t1
    scenario = out.pop("_scenario", None)
    if what == "analyze" and pts is not None:
        out["negmas_convention"] = negmas_convention(scenario, pts)
    if what == "corpus" and pts is not None:
        out.update(reference_check(folder, pts, scenario.party_names))
    out.update(
        tool="accord",
        what=what,
        import_s=IMPORT_S,
        e2e_s=e2e,
        base_rss_mb=base,
        peak_rss_mb=peak_mb(),
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
