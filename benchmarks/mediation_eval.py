"""Mediation on the corpus: caucus, single text, alternating offers -> docs/mediation-comparison.md

On every domain folder of ``../shared/scenarios`` that loads as exactly two parties with at most
10^5 outcomes and a positive maximum Nash product (``accord.analysis.analyze``), run:

* ``caucus``: the model-based caucus mediator with truthful parties (50 queries per party);
* ``hill-climbing`` / ``annealing``: single-text mediation with truthful voters (1000 rounds);
* ``boulware-conceder``: alternating offers between time-based agents (1000 rounds).

Per method: agreement rate, mean Nash-product ratio (product of gains over reservation values
at the outcome / the maximum; 0 without agreement), share of domains within 2% of the maximum,
mean social welfare (sum of utilities, reservation values when there is no agreement), mean
rounds and mean queries per party (caucus: answered queries; single text: proposals voted on).
Not a test; exits cleanly when the corpus is absent.

    .venv/bin/python benchmarks/mediation_eval.py [--jobs 8] [--limit N] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "scenarios"
DOC = REPO / "docs" / "mediation-comparison.md"
MAX_OUTCOMES = 100_000
BUDGET = 50
WITHIN = 0.98
METHODS = ("caucus", "caucus-guarded", "hill-climbing", "annealing", "boulware-conceder")


def _single_text_available() -> bool:
    try:
        import accord.mechanisms.single_text  # noqa: F401
    except ImportError:
        return False
    return True


def _run(scenario: Any, method: str) -> Any:
    from accord import negotiate
    from accord.mechanisms.caucus import run_caucus
    from accord.registry import MEDIATORS, PARTY_STRATEGIES

    truthful = [PARTY_STRATEGIES.make("truthful") for _ in scenario.parties]
    if method.startswith("caucus"):
        med = MEDIATORS.make("caucus")
        if method == "caucus-guarded":
            truthful = [PARTY_STRATEGIES.make("guarded") for _ in scenario.parties]
        return run_caucus(scenario, med, truthful, seed=0, query_budget=BUDGET)
    if method in ("hill-climbing", "annealing"):
        from accord.mechanisms.single_text import run_single_text

        return run_single_text(scenario, MEDIATORS.make(method), truthful, seed=0)
    return negotiate(scenario, ["boulware", "conceder"], seed=0)


def _queries(method: str, res: Any) -> float | None:
    if method.startswith("caucus"):
        return float(np.mean(list(res.details["queries"].values())))
    if method in ("hill-climbing", "annealing"):
        return float(res.details["proposals"])
    return None


def _disagreement(scenario: Any) -> np.ndarray:
    """Reservation values; a party without one (-inf, NegMAS YAML) gets its worst utility."""
    r = scenario.reservations.copy()
    worst = scenario.utilities().min(axis=0)
    return np.where(np.isfinite(r), r, worst)


def evaluate(folder: str) -> dict[str, Any] | None:
    """All methods on one corpus folder (None when it is not eligible)."""
    from accord.analysis import analyze, nash
    from accord.errors import AccordError
    from accord.io import load_path

    try:
        sc = load_path(CORPUS / folder)
    except AccordError:
        return None
    size = sc.space.size
    if len(sc.parties) != 2 or size is None or size > MAX_OUTCOMES:
        return None
    r = _disagreement(sc)
    front = analyze(sc).frontier
    at = nash(front, r)
    best = float(np.prod(front[at] - r)) if at is not None else 0.0
    if best <= 1e-12:
        return {"folder": folder, "eligible": False}
    out: dict[str, Any] = {"folder": folder, "eligible": True, "outcomes": size}
    single_text = ("hill-climbing", "annealing")
    methods = [m for m in METHODS if _single_text_available() or m not in single_text]
    for method in methods:
        res = _run(sc, method)
        gains = np.array(res.utilities) - r
        ratio = float(np.prod(gains)) / best if res.agreed else 0.0
        out[method] = {
            "agreed": res.agreed,
            "ratio": ratio,
            "welfare": float(sum(res.utilities)) if res.agreed else float(r.sum()),
            "rounds": res.rounds,
            "queries": _queries(method, res),
            "failed": res.failed,
        }
    return out


def _folders() -> list[str]:
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keep = []
    for row in rows:
        n = row["n_outcomes"]
        if n.isdigit() and int(n) <= MAX_OUTCOMES:
            keep.append(f"{row['source']}/{row['folder']}")
    return keep


def _mean(xs: list[float]) -> float:
    return float(np.mean(xs)) if xs else float("nan")


def summarise(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for method in METHODS:
        runs = [r[method] for r in results if method in r]
        if not runs:
            continue
        queries = [x["queries"] for x in runs if x["queries"] is not None]
        rows.append(
            {
                "method": method,
                "domains": len(runs),
                "agreement": _mean([float(x["agreed"]) for x in runs]),
                "ratio": _mean([x["ratio"] for x in runs]),
                "within": _mean([float(x["ratio"] >= WITHIN) for x in runs]),
                "welfare": _mean([x["welfare"] for x in runs]),
                "rounds": _mean([float(x["rounds"]) for x in runs]),
                "queries": _mean(queries) if queries else None,
                "max_queries": max(queries) if queries else None,
                "failures": sum(x["failed"] is not None for x in runs),
            }
        )
    return rows


def markdown(rows: list[dict[str, Any]], results: list[dict[str, Any]], command: str) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        "# Mediation on the corpus: caucus, single text, alternating offers",
        "",
        f"Generated by `{command}` on {today} (`benchmarks/mediation_eval.py`).",
        "",
        f"Domains: every folder of the shared corpus that loads as exactly two parties with at "
        f"most {MAX_OUTCOMES:,} outcomes and a positive maximum Nash product "
        f"({len(results)} domains). Nash-product ratio: the product of gains over the "
        "reservation values at the outcome divided by the maximum (from `accord.analysis."
        "analyze`; a party without a reservation value, as in the NegMAS YAML folders, counts "
        "from its worst utility), 0 without agreement; *within 2%*: share of domains with "
        "ratio >= 0.98. "
        "Social welfare: sum of the two utilities (the disagreement point without agreement). "
        "Queries: per party (caucus: answered queries, budget "
        f"{BUDGET}; single text: proposals voted on). Seed 0 everywhere.",
        "",
        "| method | protocol | agreement | Nash ratio | within 2% | welfare | rounds "
        "| queries/party (max) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    protocol = {
        "caucus": "caucus mediator + truthful parties",
        "caucus-guarded": "caucus mediator + guarded parties (rank only, no red line)",
        "hill-climbing": "single text, hill-climbing mediator + truthful voters",
        "annealing": "single text, annealing mediator + truthful voters",
        "boulware-conceder": "alternating offers, Boulware vs Conceder",
    }
    for r in rows:
        q = "—" if r["queries"] is None else f"{r['queries']:.1f} ({r['max_queries']:.0f})"
        lines.append(
            f"| {r['method']} | {protocol[r['method']]} | {r['agreement']:.1%} | "
            f"{r['ratio']:.3f} | {r['within']:.1%} | {r['welfare']:.3f} | {r['rounds']:.1f} | {q} |"
        )
    lines += [
        "",
        "Notes. A caucus query may name up to 5 packages (`MAX_PACKAGES`); every answered query "
        "(ratings, red line, proposals) counts against the budget. Every profile of these "
        "domains is linear-additive (the one nonlinear domain this small has four parties), so "
        "a truthful party's ratings of one-issue-at-a-time variations identify its utility "
        "exactly (large numeric issues are interpolated from a grid and "
        "refined at kinks): that is why caucus with truthful parties lands on the Nash package. "
        "With *guarded* parties (rankings only, no red line) the mediator's model is ordinal "
        "and coarse, and the Nash ratio drops. Single-text mediators never see a utility, only "
        "votes; the time-based agents negotiate without a mediator.",
        "",
        "The single-text rows are one seeded draw per domain (the random initial text and the "
        "mediator's changes): they move when the draws do. Since the run contract's single "
        "seed layout (child i of the seed goes to party i, child n to the mechanism — here the "
        "initial text —, child n + 1 to the mediator) they differ from the runs before it "
        "(initial text from child 0, mediator child 1, voters after), which gave for "
        "hill-climbing / annealing: agreement 96.3% / 96.6%, Nash ratio 0.600 / 0.658, within "
        "2% 6.4% / 8.2%, welfare 1.311 / 1.371 (2026-11-25). The caucus and "
        "alternating-offers rows draw as before. The many-seed comparison of the two "
        "single-text mediators is in [the Klein reproduction](klein-reproduction.md).",
    ]
    missed = [x for x in results if x["caucus"]["ratio"] < WITHIN]
    lines += ["", f"Domains where caucus ends more than 2% below the maximum ({len(missed)}):", ""]
    lines += [f"- `{x['folder']}`: ratio {x['caucus']['ratio']:.3f}" for x in missed] or ["- none"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    if not (CORPUS / "catalog.csv").is_file():
        print(f"scenario corpus not found at {CORPUS}: nothing to evaluate")
        return 0
    folders = _folders()[: args.limit]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        found = [r for r in pool.map(evaluate, folders, chunksize=4) if r is not None]
    results = [r for r in found if r["eligible"]]
    rows = summarise(results)
    command = "python benchmarks/mediation_eval.py " + " ".join(argv or sys.argv[1:])
    text = markdown(rows, results, command.strip())
    print(text)
    if not args.no_write:
        DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
