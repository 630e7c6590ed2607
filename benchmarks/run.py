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

Tournament section (``--only tournament``): NegMAS's ``cartesian_tournament`` and accord's
``run_tournament`` side by side on the anchor's three 1,000-outcome scenarios (192
negotiations, ``child_tournament_negmas.py`` / ``child_tournament_accord.py``), then accord
alone at 100,032 and 1,000,032 negotiations (``--quick``: 1,008 and 10,032), every one stored
in a fresh SQLite store; the process tree's memory is sampled from here every 0.5 s.

Also accord-only rows: 1e7, exact additive 10^20 ... 10^50, and every ANAC 2014 nonlinear domain
of ``../shared/scenarios`` (folders with a reference ``pareto.xml``). Then ``compare_negmas.py``
checks agreement on corpus domains. Results go to ``benchmarks/RESULTS.md`` (and stdout).

Consensus section (``--only consensus``): ``consensus.py`` in a child process, accord alone —
caucus mediation on the six scorable games, share of deals passing each game's agreement rule,
beside the study's published pass rates (skipped without ``../shared/scenarios/scorable-games``).

    .venv/bin/python benchmarks/run.py [--quick] [--reps 3] [--skip-negmas] [--skip-corpus] ...
    .venv/bin/python benchmarks/run.py --only corpus   # the ANAC 2014 rows alone
    .venv/bin/python benchmarks/run.py --only mechanisms   # huge_negotiation/mediation.py
    .venv/bin/python benchmarks/run.py --only sao [--sao-procs 3] [--sao-reps 10]
    .venv/bin/python benchmarks/run.py --only tournament [--quick] [--tournament-procs 3]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import consensus
import generate
import mechanisms_section
import numpy as np
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
#: the anchor's tournament scenarios (bench_tournament.py): seeds of party A and B, k = 3
TOUR_SEEDS = ((1, 2), (3, 4), (5, 6))
TOUR_K = 3
TOUR_NEGMAS = ("serial_mem", "serial_disk_default", "process_mem")
#: repetitions of the accord-only tournaments: 16 pairs x 3 scenarios x r = 100,032 / 1,000,032
TOUR_REPS = (2084, 20834)
TOUR_REPS_QUICK = (21, 209)  # 1,008 / 10,032
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20
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
        choices=("all", "analysis", "corpus", "mechanisms", "sao", "tournament", "consensus"),
        default="all",
        help="run one section; the others keep their previous results from out/results.json",
    )
    ap.add_argument("--skip-sao", action="store_true", help="same as --only analysis")
    ap.add_argument("--skip-tournament", action="store_true", help="all sections but this one")
    ap.add_argument("--skip-consensus", action="store_true", help="no consensus section")
    ap.add_argument("--consensus-seeds", type=int, default=20, help="seeds per game and setting")
    ap.add_argument(
        "--tournament-procs",
        type=int,
        default=None,
        help="fresh processes per 192-negotiation cell (3; --quick: 1)",
    )
    ap.add_argument(
        "--tournament-large-procs",
        type=int,
        default=1,
        help="fresh processes per accord-only cell (100,032 / 1,000,032 negotiations)",
    )
    ap.add_argument(
        "--tournament-reps",
        default=None,
        help="repetitions of the two accord-only tournaments (16 x 3 x r runs each): "
        "2084,20834 = 100,032 / 1,000,032 negotiations; --quick: 21,209 = 1,008 / 10,032",
    )
    ap.add_argument("--tournament-timeout", type=float, default=3600.0, help="per child, s")
    ap.add_argument(
        "--tournament-retries", type=int, default=2, help="restarts of a failed child process"
    )
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
    if a.tournament_procs is None:
        a.tournament_procs = 1 if a.quick else 3
    reps = a.tournament_reps or ",".join(map(str, TOUR_REPS_QUICK if a.quick else TOUR_REPS))
    try:
        a.tournament_reps = tuple(int(x) for x in reps.split(","))
    except ValueError:
        ap.error(f"--tournament-reps takes two integers, got {reps!r}")
    if len(a.tournament_reps) != 2 or min(a.tournament_reps) < 1:
        ap.error(f"--tournament-reps takes two positive integers, got {reps!r}")
    if a.skip_tournament and a.only == "tournament":
        ap.error("--skip-tournament contradicts --only tournament")
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


def write_tournament_scenarios(root: Path) -> list[Path]:
    """The anchor's three tournament scenarios as GENIUS XML (``generate.py``'s approach):
    ``generate.utility(3, seed)`` for party A and B, 10 values per issue, reservation 0."""
    from accord.io import save
    from accord.outcomes import DiscreteIssue, OutcomeSpace
    from accord.scenario import Party, Scenario

    values = tuple(f"v{v}" for v in range(generate.NVALS))
    space = OutcomeSpace(tuple(DiscreteIssue(f"i{j}", values) for j in range(TOUR_K)))
    folders = []
    for i, seeds in enumerate(TOUR_SEEDS, 1):
        parties = tuple(
            Party(name, generate.utility(TOUR_K, seed), reservation=0.0)
            for name, seed in zip("AB", seeds, strict=True)
        )
        folder = root / f"tournament-{i}"
        if folder.exists():
            for old in folder.glob("*.xml"):
                old.unlink()
        save(Scenario(f"tournament-{i}", space, parties), folder, "genius")
        folders.append(folder)
    return folders


def utility_check(folders: list[Path], skip_negmas: bool) -> dict[str, Any]:
    """Both tools read the same utilities: a few outcomes' utilities as accord and NegMAS read
    the files, against the anchor's formula computed here (``sum_j w_j * table_j[v_j]``)."""
    outcomes = [[0, 0, 0], [9, 9, 9], [0, 1, 2]]
    outcomes += np.random.default_rng(0).integers(0, generate.NVALS, (7, TOUR_K)).tolist()
    ref = []
    for seeds in TOUR_SEEDS:
        tables = []
        for seed in seeds:  # the anchor's draws, as bench_tournament.py makes them
            r = np.random.default_rng(seed)
            w = r.random(TOUR_K)
            w /= w.sum()
            tables.append((w, [r.random(generate.NVALS) for _ in range(TOUR_K)]))
        ref.append(
            [
                [float(sum(w[j] * t[j][o[j]] for j in range(TOUR_K))) for w, t in tables]
                for o in outcomes
            ]
        )
    out: dict[str, Any] = {"outcomes": len(outcomes), "values": len(outcomes) * 2 * len(folders)}
    got: dict[str, Any] = {}
    for tool, py, script in (
        ("accord", ACCORD_PY, "child_tournament_accord.py"),
        ("negmas", NEGMAS_PY, "child_tournament_negmas.py"),
    ):
        if tool == "negmas" and skip_negmas:
            continue
        cmd = [str(py), str(HERE / script), *(["check"] if tool == "negmas" else [])]
        cmd += [*map(str, folders), "--check", json.dumps(outcomes)]
        p = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300)
        if p.returncode != 0:
            out[f"{tool}_error"] = (p.stderr.strip().splitlines() or ["?"])[-1][-300:]
            continue
        got[tool] = np.array(json.loads(p.stdout.strip().splitlines()[-1])["utilities"])
        out[f"{tool}_vs_anchor"] = float(np.max(np.abs(got[tool] - np.array(ref))))
    if len(got) == 2:
        out["accord_vs_negmas"] = float(np.max(np.abs(got["accord"] - got["negmas"])))
    out["sample"] = {k: [round(float(x), 6) for x in v[0][1]] for k, v in got.items()}
    out["sample"]["anchor"] = [round(x, 6) for x in ref[0][1]]
    return out


def tree_rss_mb(root: int) -> tuple[float, int]:
    """Resident set (MB) summed over ``root`` and all its descendants, and how many they are."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                ppid = int(f.read().rpartition(")")[2].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, count, todo = 0.0, 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_MB
            count += 1
        except (OSError, IndexError, ValueError):
            continue
    return total, count


def tour_child(cmd: list[str], timeout: float) -> dict[str, Any]:
    """One fresh process (its own session); its JSON line, the wall time seen from here and
    the peak of its process tree's summed RSS, sampled every 0.5 s."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=ENV, start_new_session=True)
        peak, most, samples = 0.0, 0, 0
        while True:
            try:
                p.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                rss, n = tree_rss_mb(p.pid)
                peak, most, samples = max(peak, rss), max(most, n), samples + 1
                if time.perf_counter() - t > timeout:
                    os.killpg(p.pid, signal.SIGKILL)  # the child and its workers
                    p.wait()
                    return {"error": f"timeout (> {timeout:g} s)"}
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if p.returncode != 0:
        tail = (stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {p.returncode}: {tail[-300:]}"}
    res: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    res.update(process_s=wall, tree_peak_mb=peak, tree_processes=most, tree_samples=samples)
    return res


TOUR_KEYS = (
    "wall_s",
    "negotiations_per_s",
    "process_s",
    "import_s",
    "peak_rss_mb",
    "peak_rss_children_mb",
    "tree_peak_mb",
)


def tour_cells(
    cells: dict[str, list[str]], procs: int, timeout: float, retries: int
) -> dict[str, Any]:
    """``procs`` fresh processes per cell, the cells interleaved (a noisy machine drifts);
    medians per cell. A process that fails is started again up to ``retries`` times (NegMAS's
    figure export through Chromium fails now and then); the failures are recorded."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in cells}
    failures: dict[str, list[str]] = {name: [] for name in cells}
    given_up: set[str] = set()
    for _ in range(procs):
        for name, cmd in cells.items():
            while name not in given_up:
                r = tour_child(cmd, timeout)
                if "error" not in r:
                    break
                log(f"  {name}: {r['error']}")
                failures[name].append(r["error"])
                if len(failures[name]) > retries or r["error"].startswith("timeout"):
                    given_up.add(name)
            if name in given_up:
                continue
            runs[name].append(r)
            log(
                f"  {name:28s} {r['planned']:>9,} runs  {r['wall_s']:8.3f} s  "
                f"{r['negotiations_per_s']:10,.0f} /s  agreement {r['agreement_rate']:.4f}  "
                f"tree peak {r['tree_peak_mb']:.0f} MB"
            )
    out: dict[str, Any] = {}
    for name, rs in runs.items():
        cell: dict[str, Any] = {"runs": rs, "failures": failures[name]}
        if name in given_up:
            cell["error"] = failures[name][-1]
        else:
            cell["first"] = rs[0]
            for key in TOUR_KEYS:
                cell[key] = summary([float(r[key]) for r in rs if key in r])
        out[name] = cell
    return out


def bench_tournament(a: argparse.Namespace) -> dict[str, Any]:
    """NegMAS vs accord on the anchor's 192-negotiation tournament, then accord alone on
    100,032 and 1,000,032 negotiations (each stored in a fresh SQLite store)."""
    t = time.perf_counter()
    folders = write_tournament_scenarios(SCEN)
    work = OUT / "tournament"
    log(f"tournament: scenarios {', '.join(f.name for f in folders)} ({SCEN})")
    check = utility_check(folders, a.skip_negmas)
    log(f"  utilities: {check}")
    scen = [str(f) for f in folders]
    accord = [str(ACCORD_PY), str(HERE / "child_tournament_accord.py"), *scen]

    def acc(name: str, executor: str, reps: int, alternate: bool) -> list[str]:
        cmd = [*accord, "--store", str(work / f"{name}.db"), "--repetitions", str(reps)]
        cmd += ["--executor", executor, "--workers", "2"]
        return cmd + (["--alternate-first"] if alternate else [])

    small: dict[str, list[str]] = {}
    if not a.skip_negmas:
        for cfg in TOUR_NEGMAS:
            small[f"negmas_{cfg}"] = [
                str(NEGMAS_PY),
                str(HERE / "child_tournament_negmas.py"),
                cfg,
                *scen,
                "--path",
                str(work / "negmas-disk"),
            ]
    small["accord_serial"] = acc("small-serial", "serial", 2, True)
    small["accord_process"] = acc("small-process", "process", 2, True)
    log(f"192 negotiations, {a.tournament_procs} fresh processes per cell")
    cells = tour_cells(small, a.tournament_procs, a.tournament_timeout, a.tournament_retries)
    r1, r2 = a.tournament_reps
    n1, n2 = 16 * len(folders) * r1, 16 * len(folders) * r2
    log(f"accord only: {n1:,} negotiations, serial and 2 processes")
    large = tour_cells(
        {
            "serial": acc("large-serial", "serial", r1, False),
            "process": acc("large-process", "process", r1, False),
        },
        a.tournament_large_procs,
        a.tournament_timeout,
        a.tournament_retries,
    )
    log(f"accord only: {n2:,} negotiations, 2 processes")
    huge = tour_cells(
        {"process": acc("huge-process", "process", r2, False)},
        a.tournament_large_procs,
        a.tournament_timeout,
        a.tournament_retries,
    )
    return {
        "command": " ".join([".venv/bin/python", "benchmarks/run.py", *sys.argv[1:]]),
        "date": report.utc_now(),
        "rev": report.git_rev(),
        "quick": a.tournament_reps != TOUR_REPS,
        "procs": a.tournament_procs,
        "large_procs": a.tournament_large_procs,
        "rounds": 100,
        "scenarios": [f.name for f in folders],
        "utility_check": check,
        "small": cells,
        "large": {"repetitions": r1, "planned": n1, **large},
        "huge": {"repetitions": r2, "planned": n2, **huge},
        "total_s": time.perf_counter() - t,
    }


def bench_consensus(a: argparse.Namespace) -> dict[str, Any]:
    """``consensus.py`` in a fresh process (progress on stderr); its JSON line."""
    cmd = [str(ACCORD_PY), str(HERE / "consensus.py"), "--seeds", str(a.consensus_seeds), "--json"]
    log(f"consensus: {' '.join(cmd[1:])}")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=ENV)
    if p.returncode != 0:
        return {"skipped": f"consensus.py exited with {p.returncode}"}
    res: dict[str, Any] = json.loads(p.stdout.strip().splitlines()[-1])
    return res


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
    negmas_version = None if a.skip_negmas or a.only == "consensus" else ensure_negmas()
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
    if a.only == "corpus":  # the ANAC 2014 rows alone, dated apart
        data["corpus"] = bench_corpus(a)
        data["corpus_present"] = CORPUS.is_dir()
        data["corpus_run"] = {"date": report.utc_now(), "rev": report.git_rev()}
    if a.only in ("all", "mechanisms"):
        log("huge spaces in the mechanisms ...")
        data["mechanisms"] = dict(
            mechanisms_section.run(ACCORD_PY), date=report.utc_now(), rev=report.git_rev()
        )
    if a.only in ("all", "sao"):
        data["sao"] = bench_sao(a)
        data["sao"]["negmas_version"] = negmas_version
    if a.only == "tournament" or (a.only == "all" and not a.skip_tournament):
        data["tournament"] = bench_tournament(a)
        data["tournament"]["negmas_version"] = negmas_version
    if a.only == "consensus" or (a.only == "all" and not a.skip_consensus):
        data["consensus"] = bench_consensus(a)
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(data, indent=1, default=str))
    text = (
        report.render(data).rstrip("\n")
        + "\n\n"
        + "\n".join(mechanisms_section.section(data.get("mechanisms")))
        + "\n"
        + "\n".join(consensus.section(data.get("consensus")))
    )
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
