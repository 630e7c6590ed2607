"""``make bench``: accord and NegMAS side by side, in the same run, from the same files.

Scenarios: the anchor's two-party linear-additive domains (``generate.py``), 10 values per
issue, 1e3 ... 1e7 outcomes, written as GENIUS XML under ``benchmarks/out/scenarios``; both tools
read those files. Every measurement is one fresh child process per tool, size and repetition;
each child times its imports separately and then ``e2e`` from reading the files to the final
result, and reports its peak RSS (``ru_maxrss``). Interpreter start-up is measured on its own.

Negotiation section (``--only sao`` runs just it): one bilateral alternating-offers negotiation,
1000 rounds, on the 1e4 and 1e5 files: Boulware vs Conceder, Aspiration vs Aspiration and
hardliner vs hardliner (NegMAS ToughNegotiator), ``child_sao_accord.py`` / ``child_sao_negmas.py``
(the anchor's ``bench_sao.py`` measurement), several fresh processes per cell. A section that is
not run keeps its previous results from ``out/results.json``.

Also accord-only rows: 1e7, exact additive 10^20 ... 10^50, and every ANAC 2014 nonlinear domain
of ``../shared/scenarios`` (folders with a reference ``pareto.xml``). Then ``compare_negmas.py``
checks agreement on corpus domains. Results go to ``benchmarks/RESULTS.md`` (and stdout).

    .venv/bin/python benchmarks/run.py [--quick] [--reps 3] [--skip-negmas] [--skip-corpus] ...
    .venv/bin/python benchmarks/run.py --only sao [--sao-procs 3] [--sao-reps 10]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import generate
import report

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
SCEN = OUT / "scenarios"
NEGMAS_VENV = REPO / ".venv-negmas"
#: RESULTS.md keeps everything from this line on when it is rewritten.
KEPT = "<!-- kept across runs: measurements recorded by other commands -->"
NEGMAS_PY = NEGMAS_VENV / "bin" / "python"
ACCORD_PY = Path(sys.executable)
CORPUS = REPO.parent / "shared" / "scenarios"
NEGMAS_VERSION = "0.16.0"
SAO_PAIRS = ("boulware_conceder", "aspiration", "tough_tough")
ENV = {**os.environ, "NEGMAS_AUTO_INSTALL_CHROME": "0", "PYTHONHASHSEED": "0"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ensure_negmas() -> str:
    """Create ``.venv-negmas`` with negmas==0.16.0 if needed; return the installed version."""
    probe = [str(NEGMAS_PY), "-c", "import importlib.metadata as m; print(m.version('negmas'))"]
    if NEGMAS_PY.exists():
        p = subprocess.run(probe, capture_output=True, text=True, env=ENV)
        if p.returncode == 0 and p.stdout.strip() == NEGMAS_VERSION:
            return NEGMAS_VERSION
    log(f"creating {NEGMAS_VENV} with negmas=={NEGMAS_VERSION} ...")
    subprocess.run(["python3", "-m", "venv", str(NEGMAS_VENV)], check=True, env=ENV)
    pip = [str(NEGMAS_PY), "-m", "pip", "install", "--quiet", f"negmas=={NEGMAS_VERSION}"]
    subprocess.run(pip, check=True, env=ENV)
    return subprocess.run(probe, capture_output=True, text=True, env=ENV, check=True).stdout.strip()


def child(tool: str, what: str, folder: Path, timeout: float) -> dict[str, Any]:
    """One fresh process; its JSON line plus the wall time seen from here."""
    py, script = (
        (NEGMAS_PY, HERE / "child_negmas.py")
        if tool == "negmas"
        else (ACCORD_PY, HERE / "child_accord.py")
    )
    cmd = [str(py), str(script), what, str(folder)]
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=ENV)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout (> {timeout:g} s)"}
    wall = time.perf_counter() - t
    if p.returncode != 0:
        tail = (p.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {p.returncode}: {tail[-300:]}"}
    res: dict[str, Any] = json.loads(p.stdout.strip().splitlines()[-1])
    res["wall_s"] = wall
    return res


def summary(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def measure(tool: str, what: str, folder: Path, reps: int, timeout: float) -> dict[str, Any]:
    runs = []
    for _ in range(reps):
        r = child(tool, what, folder, timeout)
        if "error" in r:
            log(f"  {tool} {what} {folder.name}: {r['error']}")
            return {"error": r["error"], "runs": runs}
        runs.append(r)
    agg: dict[str, Any] = {"runs": runs, "first": runs[0]}
    for key in ("e2e_s", "import_s", "wall_s", "peak_rss_mb", "base_rss_mb"):
        agg[key] = summary([float(r[key]) for r in runs if key in r])
    log(
        f"  {tool:6s} {what:8s} {folder.name:32s} e2e {agg['e2e_s']['median']:.4g} s"
        f"  peak {agg['peak_rss_mb']['median']:.0f} MB"
    )
    return agg


def startup(py: Path, reps: int) -> dict[str, float] | None:
    """Bare interpreter start-up (``python -c pass``), for reference."""
    if not py.exists():
        return None
    walls = []
    for _ in range(reps):
        t = time.perf_counter()
        subprocess.run([str(py), "-c", "pass"], check=True, env=ENV)
        walls.append(time.perf_counter() - t)
    return summary(walls)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="3,4,5,6,7", help="exponents k of 10^k outcomes")
    ap.add_argument("--huge", default="20,30,40,50", help="exponents of the accord-only rows")
    ap.add_argument("--reps", type=int, default=3, help="repetitions per measurement")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="skip the long NegMAS runs (stats at 1e6, frontier at 1e7) and use 1 rep at 1e6",
    )
    ap.add_argument(
        "--negmas-max-pareto", type=int, default=7, help="largest k for NegMAS frontier"
    )
    ap.add_argument("--negmas-max-stats", type=int, default=6, help="largest k for NegMAS stats")
    ap.add_argument("--skip-negmas", action="store_true", help="accord rows only")
    ap.add_argument("--skip-corpus", action="store_true", help="no ANAC 2014 corpus rows")
    ap.add_argument("--skip-compare", action="store_true", help="do not run compare_negmas.py")
    ap.add_argument("--timeout", type=float, default=600.0, help="per child process, seconds")
    ap.add_argument("--corpus-timeout", type=float, default=120.0)
    ap.add_argument(
        "--only",
        choices=("all", "analysis", "sao"),
        default="all",
        help="run one section; the other keeps its previous results from out/results.json",
    )
    ap.add_argument("--skip-sao", action="store_true", help="same as --only analysis")
    ap.add_argument("--sao-sizes", default="4,5", help="exponents k for the negotiation rows")
    ap.add_argument("--sao-reps", type=int, default=10, help="timed negotiations per process")
    ap.add_argument("--sao-procs", type=int, default=3, help="fresh processes per cell")
    ap.add_argument("--rounds", type=int, default=1000, help="negotiation deadline in rounds")
    ap.add_argument("--output", default=str(HERE / "RESULTS.md"))
    a = ap.parse_args(argv)
    if a.skip_sao:
        if a.only == "sao":
            ap.error("--skip-sao contradicts --only sao")
        a.only = "analysis"
    if a.quick:
        a.negmas_max_pareto = min(a.negmas_max_pareto, 6)
        a.negmas_max_stats = min(a.negmas_max_stats, 5)
    return a


def negmas_reps(what: str, k: int, a: argparse.Namespace) -> int:
    """How many NegMAS repetitions at 10^k (0 = skip): long runs once at most."""
    limit = a.negmas_max_pareto if what == "pareto" else a.negmas_max_stats
    if a.skip_negmas or k > limit:
        return 0
    long_run = (what == "pareto" and k >= 7) or (what == "stats" and k >= 6)
    if long_run or (a.quick and k >= 6):
        return 1
    return a.reps


def bench_sizes(a: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    for k in [int(s) for s in a.sizes.split(",") if s]:
        folder = generate.write_genius(k, SCEN)
        log(f"10^{k} outcomes ({folder})")
        row: dict[str, Any] = {"k": k}
        row["accord_frontier"] = measure("accord", "frontier", folder, a.reps, a.timeout)
        row["accord_analyze"] = measure("accord", "analyze", folder, a.reps, a.timeout)
        for what in ("pareto", "stats"):
            n = negmas_reps(what, k, a)
            row[f"negmas_{what}"] = (
                measure("negmas", what, folder, n, a.timeout) if n else {"skipped": True}
            )
        rows.append(row)
    return rows


def bench_huge(a: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    for k in [int(s) for s in a.huge.split(",") if s]:
        folder = generate.write_genius(k, SCEN)
        log(f"10^{k} outcomes, accord only")
        rows.append({"k": k, "accord_analyze": measure("accord", "analyze", folder, a.reps, 120)})
    return rows


def corpus_folders() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p.parent for p in CORPUS.glob("*/*/pareto.xml"))


def bench_corpus(a: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    for folder in corpus_folders():
        r = child("accord", "corpus", folder, a.corpus_timeout)
        r["folder"] = f"{folder.parent.name}/{folder.name}"
        log(f"  corpus {r['folder']}: {r.get('e2e_s', r.get('error'))}")
        rows.append(r)
    return rows


def run_compare(a: argparse.Namespace) -> dict[str, Any] | None:
    if a.skip_negmas or a.skip_compare or not CORPUS.is_dir():
        return None
    log("compare_negmas.py ...")
    cmd = [str(ACCORD_PY), str(HERE / "compare_negmas.py"), "--json", "--all"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    if p.returncode not in (0, 1):
        return {"error": (p.stderr.strip().splitlines() or ["?"])[-1]}
    sys.stderr.write(p.stderr)
    result: dict[str, Any] = json.loads(p.stdout.strip().splitlines()[-1])
    return result


def sao_child(tool: str, folder: Path, pair: str, a: argparse.Namespace) -> dict[str, Any]:
    """One fresh process measuring ``pair`` on ``folder`` (cold + warm negotiations)."""
    py, script = (
        (NEGMAS_PY, HERE / "child_sao_negmas.py")
        if tool == "negmas"
        else (ACCORD_PY, HERE / "child_sao_accord.py")
    )
    cmd = [str(py), str(script), str(folder), pair, "--reps", str(a.sao_reps)]
    cmd += ["--rounds", str(a.rounds)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout, env=ENV)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout (> {a.timeout:g} s)"}
    if p.returncode != 0:
        tail = (p.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {p.returncode}: {tail[-300:]}"}
    res: dict[str, Any] = json.loads(p.stdout.strip().splitlines()[-1])
    return res


def sao_cell(tool: str, folder: Path, pair: str, a: argparse.Namespace) -> dict[str, Any]:
    """``--sao-procs`` processes; warm runs pooled (median of the per-process medians)."""
    procs = []
    for _ in range(a.sao_procs):
        r = sao_child(tool, folder, pair, a)
        if "error" in r:
            log(f"  {tool} {pair} {folder.name}: {r['error']}")
            return {"error": r["error"], "procs": procs}
        procs.append(r)
    cell: dict[str, Any] = {"procs": procs, "first": procs[0]}
    cell["cold_total_s"] = summary([float(r["cold"]["total_s"]) for r in procs])
    for variant in ("warm", "warm_no_per_call"):
        if variant not in procs[0]:
            continue
        cell[variant] = {
            key: summary([float(r[variant][key]["median"]) for r in procs])
            for key in (
                "setup_s",
                "run_s",
                "total_s",
                "trace_s",
                "rounds",
                "offers",
                "rounds_per_s",
                "offers_per_s",
                "rounds_per_s_with_trace",
            )
            if key in procs[0][variant]
        }
        cell[variant]["agreement_rate"] = min(r[variant]["agreement_rate"] for r in procs)
        cell[variant]["agreement_utils"] = procs[0][variant]["agreement_utils"]
    w = cell["warm"]
    log(
        f"  {tool:6s} {pair:18s} {folder.name:14s} warm {w['total_s']['median'] * 1e3:.3g} ms"
        f"  cold {cell['cold_total_s']['median'] * 1e3:.3g} ms"
        f"  {w['rounds']['median']:.0f} rounds  {w['rounds_per_s']['median']:.4g} rounds/s"
    )
    return cell


def bench_sao(a: argparse.Namespace) -> dict[str, Any]:
    """The negotiation rows: accord and NegMAS, per size and pair, same files, same deadline."""
    t = time.perf_counter()
    rows = []
    for k in [int(s) for s in a.sao_sizes.split(",") if s]:
        folder = generate.write_genius(k, SCEN)
        log(f"one negotiation, {a.rounds} rounds, 10^{k} outcomes ({folder})")
        for pair in SAO_PAIRS:
            row: dict[str, Any] = {"k": k, "pair": pair}
            row["accord"] = sao_cell("accord", folder, pair, a)
            row["negmas"] = (
                {"skipped": True} if a.skip_negmas else sao_cell("negmas", folder, pair, a)
            )
            rows.append(row)
    return {
        "command": " ".join([".venv/bin/python", "benchmarks/run.py", *sys.argv[1:]]),
        "date": report.utc_now(),
        "rev": report.git_rev(),
        "rounds": a.rounds,
        "reps": a.sao_reps,
        "procs": a.sao_procs,
        "rows": rows,
        "total_s": time.perf_counter() - t,
    }


def previous() -> dict[str, Any]:
    path = OUT / "results.json"
    if not path.exists():
        return {}
    try:
        old: dict[str, Any] = json.loads(path.read_text())
    except ValueError:
        return {}
    if "sizes" in old and "date" not in old:  # written before sections could run apart
        mtime = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
        old["date"] = f"{mtime:%Y-%m-%d %H:%M} UTC"
    return old


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    t_start = time.perf_counter()
    negmas_version = None if a.skip_negmas else ensure_negmas()
    data = previous()  # a section that is not run keeps its previous results
    if a.only in ("all", "analysis"):
        for key in report.ANALYSIS_KEYS:
            data.pop(key, None)
        data.update(
            {
                "command": " ".join([".venv/bin/python", "benchmarks/run.py", *sys.argv[1:]]),
                "negmas_version": negmas_version,
                "reps": a.reps,
                "rev_start": report.git_rev(),
                "date": report.utc_now(),
                "startup": {
                    "accord_python": startup(ACCORD_PY, 5),
                    "negmas_python": None if a.skip_negmas else startup(NEGMAS_PY, 5),
                },
            }
        )
        data["sizes"] = bench_sizes(a)
        data["huge"] = bench_huge(a)
        data["corpus"] = [] if a.skip_corpus else bench_corpus(a)
        data["corpus_present"] = CORPUS.is_dir()
        data["compare"] = run_compare(a)
        data["total_s"] = time.perf_counter() - t_start
        data["rev_end"] = report.git_rev()
    if a.only in ("all", "sao"):
        data["sao"] = bench_sao(a)
        data["sao"]["negmas_version"] = negmas_version
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(data, indent=1, default=str))
    text = report.render(data)
    output = Path(a.output)
    if output.exists():  # notes written by hand below the marker survive a rerun
        kept = output.read_text().partition(KEPT)[2]
        if kept:
            text = text.rstrip("\n") + "\n\n" + KEPT + kept
    output.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
