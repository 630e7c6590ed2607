"""Caucus mediation on spaces of 10^60 outcomes (issue #14), end to end through the CLI.

Two two-party cases of 60 issues x 10 values: linear-additive with opposed preferences
(``additive_scenario((10,) * 60, opposed=True, seed=0)``) and sums of hyper-rectangle
constraints over 1-4 issues each, ANAC 2014 style (``hyper_rectangle_scenario(60, 10,
rectangles, seed=0)``). Each is written to a YAML file and mediated ``--runs`` times by

    .venv/bin/accord mediate FILE --mediator caucus --json

in a fresh process (import, load, the mediation and the Nash comparison ``accord.mediate``
adds). Reported per case: the median wall seconds, the child's CPU seconds (user + sys), its
peak resident memory, the agreement's utilities and the Nash point's (from the result's
details), and a breakdown of one more child run into import, load, mediation and the
post-run analysis. NegMAS has no caucus (shuttle) mediator, so there is nothing to run side by
side: the table says so rather than inventing a comparison. Prints a markdown table and writes
``benchmarks/out/huge_mediation.json``.

    .venv/bin/python benchmarks/huge_mediation.py [--runs 3] [--rectangles 80]

Machines here are shared: compare CPU seconds and medians, not single wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from accord.io import save
from accord.testing.scenarios import additive_scenario, hyper_rectangle_scenario

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
ACCORD = Path(sys.executable).with_name("accord")
TIME = Path("/usr/bin/time")
NEGMAS = "no equivalent in NegMAS (it has no caucus mediator)"

# One child run timed phase by phase: what the CLI does, without the rendering.
# Peak RSS is read after the mediation, before the analysis (Linux reports KB).
BREAKDOWN = """
import json, resource, sys, time
t0 = time.perf_counter()
import accord
from accord.runner import NASH_SECONDS, mediation, run
t1 = time.perf_counter()
sc = accord.load(sys.argv[1])
t2 = time.perf_counter()
result = run(mediation(sc, ["caucus"], None), scenario=sc)
t3 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
accord.analyze_timeline(sc, time_limit=NASH_SECONDS)  # the Nash comparison's budget
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "mediation_s": t3 - t2,
                  "analysis_s": t4 - t3, "peak_mb_through_mediation": peak}))
"""


def write_cases(folder: Path, rectangles: int) -> dict[str, Path]:
    """The two scenarios as YAML files under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = {
        "additive-opposed-60x10": additive_scenario((10,) * 60, opposed=True, seed=0),
        f"hyper-rectangles-60x10-r{rectangles}": hyper_rectangle_scenario(
            issues=60, values=10, rectangles=rectangles, seed=0
        ),
    }
    paths = {}
    for name, scenario in cases.items():
        paths[name] = folder / f"{name}.yaml"
        save(scenario, paths[name], "yaml")
    return paths


def child_env(blas_threads: int | None) -> dict[str, str]:
    """The children's environment; ``blas_threads`` caps the BLAS thread pools (on a small,
    loaded machine a multi-threaded BLAS spins on the mediator's small least squares)."""
    env = dict(os.environ)
    if blas_threads is not None:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = str(blas_threads)
    return env


def run_child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run one child; its wall and CPU seconds, peak RSS (MB, from ``/usr/bin/time -v`` when
    present) and stdout."""
    use_time = TIME.exists()
    cmd = [str(TIME), "-v", *args] if use_time else args
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    peak = None
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    if found:
        peak = int(found.group(1)) / 1024
    elif sys.platform.startswith("linux"):
        peak = after.ru_maxrss / 1024  # the largest child so far: an upper bound
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak, "stdout": done.stdout}


def measure(path: Path, runs: int, env: dict[str, str]) -> dict[str, Any]:
    """``runs`` CLI mediations of ``path`` and one phase-by-phase breakdown."""
    walls, cpus, peaks, result = [], [], [], {}
    cli = [str(ACCORD), "mediate", str(path), "--mediator", "caucus", "--json"]
    for _ in range(runs):
        child = run_child(cli, env)
        walls.append(child["wall_s"])
        cpus.append(child["cpu_s"])
        peaks.append(child["peak_mb"])
        result = json.loads(child["stdout"])
    split = run_child([sys.executable, "-c", BREAKDOWN, str(path)], env)
    details = result.get("details", {})
    return {
        "runs": runs,
        "median_wall_s": statistics.median(walls),
        "wall_s": walls,
        "median_cpu_s": statistics.median(cpus),
        "peak_mb": max((p for p in peaks if p is not None), default=None),
        "reason": result.get("reason"),
        "rounds": result.get("rounds"),
        "agreement_index": result.get("agreement_index"),
        "utilities": result.get("utilities"),
        "nash_utilities": details.get("nash_utilities"),
        "distance_to_nash": details.get("distance_to_nash"),
        "queries": details.get("queries"),
        "breakdown_s": json.loads(split["stdout"].strip().splitlines()[-1]),
        "negmas": NEGMAS,
    }


def _fmt(values: Any) -> str:
    return "—" if not values else ", ".join(f"{v:.3f}" for v in values)


def table(rows: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| case | median wall s | median CPU s | peak MB (through mediation) | import / load / "
        "mediation / analysis s | agreement utilities | Nash utilities | NegMAS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        b = r["breakdown_s"]
        split = " / ".join(
            f"{b[k]:.2f}" for k in ("import_s", "load_s", "mediation_s", "analysis_s")
        )
        peak = "—" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}"
        peak += f" ({b['peak_mb_through_mediation']:.0f})"
        lines.append(
            f"| {name} | {r['median_wall_s']:.2f} | {r['median_cpu_s']:.2f} | {peak} | {split} "
            f"| {_fmt(r['utilities'])} | {_fmt(r['nash_utilities'])} | {r['negmas']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="CLI runs per case (median)")
    parser.add_argument("--rectangles", type=int, default=80, help="rectangles per party")
    parser.add_argument("--out", type=Path, default=OUT / "huge_mediation.json")
    parser.add_argument(
        "--blas-threads", type=int, default=None, help="cap the children's BLAS threads"
    )
    args = parser.parse_args(argv)
    if not ACCORD.exists():
        print(f"no accord CLI at {ACCORD}: install the project first", file=sys.stderr)
        return 2
    paths = write_cases(OUT / "huge_mediation", args.rectangles)
    env = child_env(args.blas_threads)
    rows = {name: measure(path, args.runs, env) for name, path in paths.items()}
    meta = {
        "runs": args.runs,
        "blas_threads": args.blas_threads,
        "rectangles": args.rectangles,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "peak_rss_from": "/usr/bin/time -v" if TIME.exists() else "getrusage(RUSAGE_CHILDREN)",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    print(table(rows))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
