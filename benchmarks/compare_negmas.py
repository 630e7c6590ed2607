"""Do accord and NegMAS 0.16.0 give the same frontier and bargaining solutions?

Run by ``make bench`` (through ``run.py``) or alone:
``.venv/bin/python benchmarks/compare_negmas.py``.
Needs ``.venv-negmas`` (``run.py`` creates it) and ``../shared/scenarios``; ``make test`` never
runs this.

Sample: two-party linear-additive corpus domains that NegMAS can read (GENIUS XML, GeniusWeb
JSON) with at most 1e5 outcomes, spread over every source (``--all`` takes every candidate).
Each tool loads the corpus folder itself; NegMAS runs in its own interpreter
(``--negmas-side``) and hands its numbers over as JSON.

Compared, after the same normalisation — each party's utility mapped by its own tool to
``(u - worst) / (best - worst)`` over all outcomes — as the largest absolute difference:

* the utility of every outcome (do both read the same preferences?),
* the Pareto frontier (distinct utility vectors; same count, then point by point),
* the bargaining solutions, under the name mapping printed by ``--mapping``.

Conventions that differ are not hidden: NegMAS measures gains from ``max(reservation, worst
outcome)`` (``ranges`` in ``nash_points`` & co.) while accord measures them from the
reservation value. Where the two differ, accord's ``analyze`` answer is reported separately
and the agreement is checked by re-running accord's bargaining functions with NegMAS's
disagreement point on accord's frontier.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = REPO.parent / "shared" / "scenarios"
NEGMAS_PY = REPO / ".venv-negmas" / "bin" / "python"
MAX_OUTCOMES = 100_000
TARGET = 1e-12

#: (NegMAS name, what NegMAS computes, accord name)
MAPPING = [
    (
        "pareto_frontier / ScenarioStats.pareto_utils",
        "non-dominated outcomes (NegMAS lists every outcome; accord one per utility vector)",
        "Analysis.frontier",
    ),
    ("nash_points", "max Π(u_i − d_i)", "Analysis.nash (bargaining.nash)"),
    (
        "kalai_points",
        "max min_i(u_i − d_i): the egalitarian point, NOT Kalai–Smorodinsky",
        "Analysis.egalitarian (bargaining.egalitarian)",
    ),
    (
        "ks_points",
        "min (max_i − min_i) of (u_i − d_i)/(best_i − d_i): closest to the KS line",
        "bargaining.equal_gains; Analysis.kalai_smorodinsky is max min_i of those gains",
    ),
    ("max_welfare_points", "max Σ u_i", "Analysis.utilitarian (bargaining.utilitarian)"),
    (
        "disagreement point d_i",
        "max(reservation_i, worst utility_i over all outcomes)",
        "reservation_i (Analysis); d_i passed explicitly to bargaining.*",
    ),
    (
        "opposition_level",
        "min distance of any outcome from the ideal point (best_1, best_2)",
        "not reproduced (Analysis.opposition follows GeniusWeb)",
    ),
]


# --------------------------------------------------------------------------- sample
def candidates() -> list[tuple[str, str]]:
    """(source, folder) of two-party linear-additive domains NegMAS reads, <= 1e5 outcomes."""
    out = []
    with open(CORPUS / "catalog.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["format"] not in ("genius-xml", "geniusweb-json") or r["n_profiles"] != "2":
                continue
            if not r["n_outcomes"].isdigit() or int(r["n_outcomes"]) > MAX_OUTCOMES:
                continue
            if r["profile_kinds"] != "linear-additive:2" or "real" in r["issue_types"]:
                continue
            out.append((r["source"], r["folder"]))
    return sorted(out)


def sample(per_source: int) -> list[tuple[str, str]]:
    """Up to ``per_source`` evenly spaced domains of every source (deterministic)."""
    by: dict[str, list[str]] = {}
    for s, f in candidates():
        by.setdefault(s, []).append(f)
    out = []
    for s, folders in sorted(by.items()):
        n = len(folders)
        step = max(1, n // per_source)
        out += [(s, f) for f in folders[::step][:per_source]]
    return out


# --------------------------------------------------------------------------- NegMAS side
def negmas_side(folders: list[str]) -> None:
    """Runs under .venv-negmas: print one JSON line per folder."""
    import warnings

    warnings.filterwarnings("ignore")
    from negmas.inout import Scenario
    from negmas.preferences import calc_scenario_stats

    for folder in folders:
        t = time.perf_counter()
        try:
            sc = Scenario.load(folder, ignore_discount=True, load_stats=False, load_info=False)
            if sc is None:
                raise ValueError("Scenario.load returned None")
            ufuns = list(sc.ufuns)
            outcomes = list(sc.outcome_space.enumerate())
            utils = [[float(u(o)) for u in ufuns] for o in outcomes]
            st = calc_scenario_stats(ufuns)
        except Exception as e:
            print(json.dumps({"folder": folder, "error": f"{type(e).__name__}: {e}"[:300]}))
            continue

        def pts(x: Any) -> list[list[float]]:
            return [[float(v) for v in p] for p in x]

        print(
            json.dumps(
                {
                    "folder": folder,
                    "parties": [u.name for u in ufuns],
                    "issues": [i.name for i in sc.outcome_space.issues],
                    "reserved": [float(u.reserved_value) for u in ufuns],
                    "outcomes": [[str(v) for v in o] for o in outcomes],
                    "utilities": utils,
                    "pareto": pts(st.pareto_utils),
                    "nash": pts(st.nash_utils),
                    "kalai": pts(st.kalai_utils),
                    "ks": pts(st.ks_utils),
                    "max_welfare": pts(st.max_welfare_utils),
                    "opposition": float(st.opposition),
                    "seconds": time.perf_counter() - t,
                }
            )
        )
        sys.stdout.flush()


# --------------------------------------------------------------------------- accord side
def accord_side(folder: str, neg: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    from accord.analysis import analyze
    from accord.analysis import bargaining as bs
    from accord.io import load_path

    sc = load_path(folder)
    order = [n for n in neg["parties"] if n in sc.party_names]
    if len(order) != len(neg["parties"]):
        order = list(sc.party_names)  # names differ: same (file) order
    sc = sc.with_parties(order)
    an = analyze(sc)
    # utilities of NegMAS's outcomes, aligned by value
    space = sc.space
    if list(space.names) != neg["issues"]:
        raise ValueError(f"issue order differs: {space.names} vs {neg['issues']}")
    lookup = [{str(v): i for i, v in enumerate(issue.values)} for issue in space.issues]
    digits = np.array([[lk[v] for lk, v in zip(lookup, o, strict=True)] for o in neg["outcomes"]])
    ua = sc.evaluate(digits)
    un = np.asarray(neg["utilities"], dtype=float)
    lo_a, hi_a = sc.utilities().min(axis=0), sc.utilities().max(axis=0)
    lo_n, hi_n = un.min(axis=0), un.max(axis=0)

    def na(x: Any) -> Any:
        return (np.asarray(x, dtype=float) - lo_a) / (hi_a - lo_a)

    def nn(x: Any) -> Any:
        return (np.asarray(x, dtype=float) - lo_n) / (hi_n - lo_n)

    res: dict[str, Any] = {"outcomes": len(un), "parties": order}
    res["utilities"] = float(np.max(np.abs(na(ua) - nn(un))))
    res["raw_utilities"] = float(np.max(np.abs(ua - un)))
    fa = na(an.frontier)
    fn = np.unique(nn(neg["pareto"]), axis=0)
    fa_sorted = fa[np.lexsort((fa[:, 1], fa[:, 0]))]
    fn_sorted = fn[np.lexsort((fn[:, 1], fn[:, 0]))]
    res["frontier_sizes"] = [len(fa_sorted), len(fn_sorted)]
    res["frontier"] = (
        float(np.max(np.abs(fa_sorted - fn_sorted))) if len(fa) == len(fn) else float("inf")
    )
    r = np.asarray(sc.reservations, dtype=float)
    d = np.where(np.isfinite(r), np.maximum(r, lo_a), lo_a)  # NegMAS's disagreement point
    res["same_disagreement"] = bool(np.all(d == r))

    def diff(point: Any, negs: list[list[float]]) -> float:
        if point is None or not negs:
            return 0.0 if point is None and not negs else float("inf")
        p = na(point)
        return float(min(np.max(np.abs(p - nn(q))) for q in negs))

    def at(i: int | None) -> Any:
        return None if i is None else an.frontier[i]

    front = an.frontier
    pairs = {
        "nash": (bs.nash, "nash", an.nash),
        "egalitarian": (bs.egalitarian, "kalai", an.egalitarian),
        "equal_gains": (bs.equal_gains, "ks", None),
        "utilitarian": (bs.utilitarian, "max_welfare", an.utilitarian),
    }
    for name, (fn_, neg_key, sol) in pairs.items():
        res[name] = diff(at(fn_(front, d)), neg[neg_key])  # with NegMAS's d
        if sol is not None:
            res[f"analyze_{name}"] = diff(sol.utilities, neg[neg_key])  # accord's own d = r
    ks = an.kalai_smorodinsky
    res["analyze_kalai_smorodinsky_vs_ks_points"] = diff(
        None if ks is None else ks.utilities, neg["ks"]
    )
    res["negmas_s"] = neg["seconds"]
    return res


# --------------------------------------------------------------------------- report
HEADLINE = ("utilities", "frontier", "nash", "egalitarian", "equal_gains", "utilitarian")


def run_negmas(folders: list[Path]) -> dict[str, dict[str, Any]]:
    cmd = [str(NEGMAS_PY), str(Path(__file__).resolve()), "--negmas-side"]
    cmd += [str(f) for f in folders]
    env = {"NEGMAS_AUTO_INSTALL_CHROME": "0", "PATH": "/usr/bin:/bin"}
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"NegMAS side failed: {p.stderr[-2000:]}")
    out = {}
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            out[d["folder"]] = d
    return out


def fmt(x: float) -> str:
    return "∞" if x == float("inf") else f"{x:.1e}"


def markdown(rows: list[dict[str, Any]], summary: dict[str, Any]) -> list[str]:
    lines = [
        "Each tool loads the corpus folder itself. Max |Δ| after mapping each party's utility "
        "by its own tool to (u − worst)/(best − worst) over all outcomes. *d* = NegMAS's",
        "disagreement point max(reservation, worst); the `analyze` column is accord's own answer",
        "(gains from the reservation), shown where it differs from the d-column.",
        "",
        "| domain | outcomes | frontier pts | utilities | frontier | Nash | egalitarian ↔ "
        "`kalai_points` | equal_gains ↔ `ks_points` | utilitarian | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['domain']} | — | — | — | — | — | — | — | — | {r['error'][:90]} |")
            continue
        note = r.get("note", "")
        lines.append(
            f"| {r['domain']} | {r['outcomes']} | {r['frontier_sizes'][0]}/"
            f"{r['frontier_sizes'][1]} | "
            + " | ".join(fmt(r[k]) for k in HEADLINE[:5])
            + f" | {fmt(r['utilitarian'])} | {note} |"
        )
    lines += [
        "",
        f"**Agreement:** {summary['compared']} domains with the same preferences in both tools; "
        f"largest difference {fmt(summary['max_abs_diff'])} (target {TARGET:g}): "
        f"{'met' if summary['met'] else '**NOT met**'}. "
        f"{summary['convention_domains']} of them have reservation < worst outcome, where "
        f"accord's `analyze` (gains from the reservation) legitimately differs from NegMAS "
        f"(gains from the worst outcome); on the others `analyze` differs by at most "
        f"{fmt(summary['analyze_max_abs_diff'])}. `Analysis.kalai_smorodinsky` (max-min of "
        f"normalised gains) vs NegMAS `ks_points` (min spread): largest difference "
        f"{fmt(summary['ks_vs_ks_points'])}.",
        "",
        "Convention mapping (NegMAS 0.16.0 → accord):",
        "",
        "| NegMAS | what it computes | accord |",
        "|---|---|---|",
        *[f"| `{a}` | {b} | {c} |" for a, b, c in MAPPING],
    ]
    return lines


def compare(folders: list[tuple[str, str]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    paths = [CORPUS / s / f for s, f in folders]
    neg = run_negmas(paths)
    rows: list[dict[str, Any]] = []
    for (s, f), path in zip(folders, paths, strict=True):
        name = f"{s}/{f}"
        n = neg.get(str(path), {"error": "no NegMAS output"})
        if "error" in n:
            rows.append({"domain": name, "error": f"NegMAS: {n['error']}"})
            continue
        try:
            r = accord_side(str(path), n)
        except Exception as e:  # a failure is a finding, reported, not a crash
            rows.append({"domain": name, "error": f"accord: {type(e).__name__}: {e}"})
            continue
        r["domain"] = name
        if r["utilities"] > TARGET:
            r["note"] = f"different preferences (raw max |Δu| {r['raw_utilities']:.2g})"
        elif not r["same_disagreement"]:
            r["note"] = "reservation < worst: analyze " + ", ".join(
                f"{k} {fmt(r[f'analyze_{k}'])}" for k in ("nash", "egalitarian", "utilitarian")
            )
        rows.append(r)
        print(f"{name}: {r.get('note') or 'ok'}", file=sys.stderr)
    same = [r for r in rows if "error" not in r and r["utilities"] <= TARGET]
    worst = max((max(r[k] for k in HEADLINE) for r in same), default=float("nan"))
    plain = [r for r in same if r["same_disagreement"]]
    summary = {
        "sampled": len(rows),
        "compared": len(same),
        "errors": sum("error" in r for r in rows),
        "different_preferences": sum("error" not in r and r["utilities"] > TARGET for r in rows),
        "max_abs_diff": worst,
        "met": len(same) >= 20 and worst <= TARGET,
        "convention_domains": len(same) - len(plain),
        "analyze_max_abs_diff": max(
            (max(r[f"analyze_{k}"] for k in ("nash", "egalitarian", "utilitarian")) for r in plain),
            default=float("nan"),
        ),
        "ks_vs_ks_points": max(
            (r["analyze_kalai_smorodinsky_vs_ks_points"] for r in same), default=float("nan")
        ),
    }
    return rows, summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--negmas-side", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--per-source", type=int, default=8, help="domains per corpus source")
    ap.add_argument("--all", action="store_true", help="every candidate domain")
    ap.add_argument("--json", action="store_true", help="last stdout line: JSON for run.py")
    ap.add_argument("--mapping", action="store_true", help="print the convention table only")
    a = ap.parse_args()
    if a.negmas_side is not None:
        negmas_side(a.negmas_side)
        return 0
    if a.mapping:
        for row in MAPPING:
            print(" | ".join(row))
        return 0
    if not CORPUS.is_dir() or not NEGMAS_PY.exists():
        print("compare_negmas: ../shared/scenarios or .venv-negmas missing; skipped")
        return 0
    folders = candidates() if a.all else sample(a.per_source)
    rows, summary = compare(folders)
    md = markdown(rows, summary)
    print("\n".join(md))
    if a.json:
        print(json.dumps({**summary, "rows": rows, "markdown": md}, default=str))
    return 0 if summary["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
