"""Klein et al. (2003) reproduced: annealing vs hill-climbing single-text mediators on the ANAC
2014 nonlinear (hyper-rectangle) corpus domains.

For every folder under the scenario root that holds a ``pareto.xml`` (the ANAC 2014 and
``nonlinear-*`` GENIUS domains), runs single-text mediation with the ``hill-climbing`` and the
``annealing`` mediator, once with ``truthful`` voters and once with ``annealing-voter`` voters
(Klein's annealing agents), over ``--seeds`` seeds each. The same seed gives both mediators the
same random initial text, so seeds are paired. Social welfare is the sum of the parties'
(undiscounted) utilities of the result: of the final text when it is an agreement, the
reservation values otherwise. Writes a markdown table to ``docs/klein-reproduction.md``.

    .venv/bin/python benchmarks/klein_mediation.py [--seeds 20] [--rounds 5000] [--jobs 2]

Skips cleanly (exit 0) when the scenario root is absent.
"""

from __future__ import annotations

import argparse
import datetime
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from accord.io import load_path
from accord.mechanisms.single_text import run_single_text
from accord.registry import MEDIATORS, PARTY_STRATEGIES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIOS = ROOT.parent / "shared" / "scenarios"
MEDIATOR_IDS = ("hill-climbing", "annealing")
VOTER_IDS = ("truthful", "annealing-voter")


def domains(root: Path) -> list[Path]:
    """Folders under ``root`` holding a ``pareto.xml``, sorted by name."""
    return sorted((p.parent for p in root.rglob("pareto.xml")), key=lambda p: p.name)


def best_known_welfare(folder: Path) -> float | None:
    """Largest u1 + u2 on the reference frontier (``pareto.xml`` is CSV lines ``u1, u2``)."""
    best = None
    for line in (folder / "pareto.xml").read_text(encoding="utf-8").splitlines():
        parts = line.split(",")
        try:
            total = sum(float(x) for x in parts)
        except ValueError:
            continue
        if len(parts) >= 2:
            best = total if best is None else max(best, total)
    return best


def run_cell(job: tuple[str, str, str, int, int]) -> tuple[str, str, str, list[float], int]:
    """All seeds of one (domain, mediator, voter): welfare per seed and agreements."""
    folder, mediator, voter, seeds, rounds = job
    scenario = load_path(folder)
    welfare, agreed = [], 0
    for seed in range(seeds):
        result = run_single_text(
            scenario,
            MEDIATORS.make(mediator),
            [PARTY_STRATEGIES.make(voter) for _ in scenario.parties],
            rounds=rounds,
            seed=seed,
            mediator_id=mediator,
        )
        welfare.append(float(sum(result.utilities)))
        agreed += result.agreed
    return folder, mediator, voter, welfare, agreed


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact sign test p-value (ties dropped)."""
    n = wins + losses
    if n == 0:
        return 1.0
    k = min(wins, losses)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


def win_rate(a: list[float], b: list[float]) -> float:
    """Share of paired seeds where ``a`` beats ``b`` (ties count one half)."""
    x, y = np.asarray(a), np.asarray(b)
    return float(((x > y).sum() + 0.5 * (x == y).sum()) / len(x))


def table(voter: str, folders: list[Path], cells: dict, seeds: int) -> list[str]:
    hc_id, an_id = MEDIATOR_IDS
    lines = [
        f"### Voters: `{voter}`",
        "",
        "| domain | outcomes | best known SW | hill-climbing SW (mean ± sd) | annealing SW "
        "(mean ± sd) | Δ | annealing win rate | agreements HC / AN |",
        "|---|---|---|---|---|---|---|---|",
    ]
    better = worse = 0
    pooled_hc: list[float] = []
    pooled_an: list[float] = []
    for folder in folders:
        hc, hc_ok = cells[(str(folder), hc_id, voter)]
        an, an_ok = cells[(str(folder), an_id, voter)]
        pooled_hc += hc
        pooled_an += an
        delta = float(np.mean(an) - np.mean(hc))
        better += delta > 0
        worse += delta < 0
        best = best_known_welfare(folder)
        size = load_path(folder).space.size or 0
        lines.append(
            f"| {folder.name} | {size:.0e} | {best:.3f} | {np.mean(hc):.3f} ± {np.std(hc):.3f} "
            f"| {np.mean(an):.3f} ± {np.std(an):.3f} | {delta:+.3f} | {win_rate(an, hc):.2f} "
            f"| {hc_ok}/{seeds} / {an_ok}/{seeds} |"
        )
    lines += [
        f"| **all {len(folders)} domains** | | | {np.mean(pooled_hc):.3f} | "
        f"{np.mean(pooled_an):.3f} | {np.mean(pooled_an) - np.mean(pooled_hc):+.3f} | "
        f"{win_rate(pooled_an, pooled_hc):.2f} | |",
        "",
        f"Annealing has the higher mean on {better} of {len(folders)} domains, the lower on "
        f"{worse} (two-sided sign test over domains: p = {sign_test(better, worse):.3g}).",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", type=Path, default=DEFAULT_SCENARIOS)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--output", type=Path, default=ROOT / "docs" / "klein-reproduction.md")
    args = ap.parse_args(argv)
    if not args.scenarios.is_dir():
        print(f"skipped: no scenario corpus at {args.scenarios}")
        return 0
    folders = domains(args.scenarios)
    if not folders:
        print(f"skipped: no pareto.xml domains under {args.scenarios}")
        return 0
    jobs = [
        (str(f), m, v, args.seeds, args.rounds)
        for f in folders
        for v in VOTER_IDS
        for m in MEDIATOR_IDS
    ]
    started = time.perf_counter()
    cells = {}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for folder, mediator, voter, welfare, agreed in pool.map(run_cell, jobs):
            cells[(folder, mediator, voter)] = (welfare, agreed)
            print(f"{Path(folder).name:38} {mediator:14} {voter:16} {np.mean(welfare):.3f}")
    seconds = time.perf_counter() - started
    command = "python benchmarks/klein_mediation.py " + " ".join(argv or sys.argv[1:])
    args.output.write_text(render(folders, cells, args, command.strip(), seconds), "utf-8")
    print(f"wrote {args.output} ({seconds:.0f} s)")
    return 0


def render(folders: list[Path], cells: dict, args: argparse.Namespace, cmd: str, s: float) -> str:
    today = datetime.date.today().isoformat()
    head = [
        "# Klein et al. (2003) reproduced: annealing vs hill-climbing single-text mediation",
        "",
        f"Generated by `{cmd}` on {today} ({s:.0f} s, {args.jobs} processes): "
        f"{len(folders)} domains × {args.seeds} seeds × {args.rounds} rounds, "
        "mediators `hill-climbing` and `annealing` (defaults), voters `truthful` and "
        "`annealing-voter` (defaults). SW = sum of the two parties' undiscounted utilities of "
        "the result (reservation values when the final text is below one). Win rate: share of "
        "paired seeds (same initial text) where annealing ends higher; ties count one half.",
        "",
    ]
    body = [line for voter in VOTER_IDS for line in table(voter, folders, cells, args.seeds)]
    notes = [MARKER, "", "(interpretation: write it here; reruns keep everything from the marker)"]
    if args.output.exists():
        old = args.output.read_text(encoding="utf-8")
        if MARKER in old:
            notes = [old[old.index(MARKER) :].rstrip("\n")]
    return "\n".join(head + body + notes) + "\n"


#: Everything from this line on in the output file is kept when the tables are regenerated.
MARKER = "<!-- notes: kept across reruns -->"

if __name__ == "__main__":
    raise SystemExit(main())
