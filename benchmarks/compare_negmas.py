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
        "non-dominated outcomes among those with u_i >= reservation_i only; every outcome of a"
        " tied vector; keeps points dominated by less than its eps (float noise)",
        "Analysis.frontier (all outcomes, one per distinct vector, exact comparisons) restricted"
        " to u_i >= r_i",
    ),
    ("nash_points", "max Π(u_i − d_i)", "Analysis.nash (bargaining.nash)"),
    (
        "kalai_points",
        "max min_i(u_i − d_i): the egalitarian point, NOT Kalai–Smorodinsky",
        "Analysis.egalitarian (bargaining.egalitarian)",
    ),
    (
        "ks_points",
        "min (max_i − min_i) of (u_i − d_i)/(best_i − d_i), best_i over ALL outcomes: the"
        " frontier point closest to the KS line",
        "bargaining.equal_gains (best_i over individually rational points); "
        "Analysis.kalai_smorodinsky is max min_i of those gains — a different point in general",
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


# --------------------------------------------------------------------------- NegMAS side
def _genius_normal_form(ufun: Any) -> Any | None:
    """The ufun as GENIUS (and accord) read the file, built with NegMAS's own API.

    NegMAS 0.16 keeps GENIUS discrete evaluations raw (``1000/160/299`` stay so; GENIUS divides
    them by the issue's largest evaluation) and keeps weights summing to more than 1 (accord
    divides those by their sum). Only for all-table linear-additive ufuns; else ``None``.
    """
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    if type(ufun) is not LinearAdditiveUtilityFunction:
        return None
    if not all(isinstance(v, TableFun) for v in ufun.values):
        return None
    values = []
    for v in ufun.values:
        top = max(float(x) for x in v.mapping.values())
        values.append(
            TableFun({k: float(x) / top if top > 0 else float(x) for k, x in v.mapping.items()})
        )
    total = float(sum(ufun.weights))
    # GENIUS keeps weights as given; when they would push utilities above 1 (it caps there)
    # accord divides them by their sum instead. With tables of maximum 1 that is total > 1.
    scale = total if total > 1.0 + 1e-6 else 1.0
    weights = [float(w) / scale for w in ufun.weights]
    return LinearAdditiveUtilityFunction(
        values=values,
        weights=weights,
        outcome_space=ufun.outcome_space,
        reserved_value=ufun.reserved_value,
        name=ufun.name,
    )


def _negmas_one(folder: str) -> dict[str, Any]:
    from negmas.inout import Scenario
    from negmas.preferences import calc_scenario_stats

    t = time.perf_counter()
    sc = Scenario.load(folder, ignore_discount=True, load_stats=False, load_info=False)
    if sc is None:
        raise ValueError("Scenario.load returned None")
    ufuns = list(sc.ufuns)
    patched = [u.reserved_value is None for u in ufuns]
    for u, none in zip(ufuns, patched, strict=True):
        if none:  # GeniusWeb profile without reservationBid: NegMAS leaves None and
            u.reserved_value = 0.0  # calc_scenario_stats raises; 0 is the GeniusWeb meaning
    outcomes = list(sc.outcome_space.enumerate())
    raw = [[float(u(o)) for u in ufuns] for o in outcomes]
    normal = "raw"
    if any(Path(folder).glob("*.xml")):
        nf = [_genius_normal_form(u) for u in ufuns]
        if all(u is not None for u in nf):
            ufuns, normal = nf, "genius-normal-form"
        else:
            normal = "raw (not all-table linear-additive: no normal form)"
    utils = [[float(u(o)) for u in ufuns] for o in outcomes]
    st = calc_scenario_stats(ufuns)

    def pts(x: Any) -> list[list[float]]:
        return [[float(v) for v in p] for p in x]

    return {
        "folder": folder,
        "parties": [u.name for u in ufuns],
        "issues": [i.name for i in sc.outcome_space.issues],
        "reserved": [float(u.reserved_value) for u in ufuns],
        "reserved_none_patched": any(patched),
        "normal": normal,
        "outcomes": [[str(v) for v in o] for o in outcomes],
        "raw_utilities": raw,
        "utilities": utils,
        "pareto": pts(st.pareto_utils),
        "nash": pts(st.nash_utils),
        "kalai": pts(st.kalai_utils),
        "ks": pts(st.ks_utils),
        "max_welfare": pts(st.max_welfare_utils),
        "opposition": float(st.opposition),
        "seconds": time.perf_counter() - t,
    }


def negmas_side(folders: list[str], probe: bool = False) -> None:
    """Runs under .venv-negmas: one JSON line per folder (``probe``: can NegMAS load it?)."""
    import warnings

    warnings.filterwarnings("ignore")
    from negmas.inout import Scenario

    for folder in folders:
        try:
            if probe:
                sc = Scenario.load(folder, ignore_discount=True, load_stats=False, load_info=False)
                ok = sc is not None and len(sc.ufuns) == 2
                out: dict[str, Any] = {"folder": folder, "loads": ok}
                if ok:
                    o = next(iter(sc.outcome_space.enumerate()))
                    [u(o) for u in sc.ufuns]
            else:
                out = _negmas_one(folder)
        except Exception as e:
            out = {"folder": folder, "loads": False, "error": f"{type(e).__name__}: {e}"[:300]}
        print(json.dumps(out))
        sys.stdout.flush()


# --------------------------------------------------------------------------- accord side
SOLUTIONS = {  # accord bargaining function -> NegMAS ScenarioStats field
    "nash": "nash",
    "egalitarian": "kalai",
    "equal_gains": "ks",
    "utilitarian": "max_welfare",
}


def _pts(x: Any) -> Any:
    import numpy as np

    return np.asarray(x, dtype=float).reshape(-1, 2)


def frontier_diff(fa: Any, fn: Any) -> tuple[float, int]:
    """Largest distance (max-norm) between the two frontiers, matching point to point.

    A NegMAS point that matches no accord point but is dominated by one within 1e-12 is float
    noise kept by NegMAS's tolerance (e.g. (0.675, 0.9299999999999998) beside (0.68, 0.93) in
    anac-y2012-Barbecue-C, where accord computes both u2 as 0.93 exactly): counted, not a
    difference.
    """
    import numpy as np

    if len(fa) == 0 or len(fn) == 0:
        return (0.0 if len(fa) == len(fn) else float("inf")), 0
    dist = np.max(np.abs(fa[:, None, :] - fn[None, :, :]), axis=2)  # (accord, negmas)
    worst = float(dist.min(axis=1).max())  # every accord point found by NegMAS
    noise = 0
    for j in np.flatnonzero(dist.min(axis=0) > TARGET):
        if np.any(np.max(fn[j] - fa, axis=1) <= TARGET):
            noise += 1
        else:
            worst = max(worst, float(dist[:, j].min()))
    return worst, noise


def accord_side(folder: str, neg: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    from accord.analysis import analyze
    from accord.analysis import bargaining as bs
    from accord.io import load_path

    sc = load_path(folder)
    order = [n for n in neg["parties"] if n in sc.party_names]
    sc = sc.with_parties(order if len(order) == len(neg["parties"]) else list(sc.party_names))
    an = analyze(sc)
    space = sc.space
    # NegMAS's lenient GENIUS parser adds a one-value DUMMY_ISSUE to some domains: drop it
    keep = [j for j, n in enumerate(neg["issues"]) if n != "DUMMY_ISSUE"]
    if [neg["issues"][j] for j in keep] != list(space.names):
        raise ValueError(f"issue order differs: {space.names} vs {neg['issues']}")
    lookup = [{str(v): i for i, v in enumerate(issue.values)} for issue in space.issues]
    outcomes = [[o[j] for j in keep] for o in neg["outcomes"]]
    digits = np.array([[lk[v] for lk, v in zip(lookup, o, strict=True)] for o in outcomes])
    ua = sc.evaluate(digits)
    un, raw = _pts(neg["utilities"]), _pts(neg["raw_utilities"])
    lo_a, hi_a = ua.min(axis=0), ua.max(axis=0)
    lo_n, hi_n = un.min(axis=0), un.max(axis=0)

    def na(x: Any) -> Any:  # the same normalisation, each tool by its own range
        return (_pts(x) - lo_a) / (hi_a - lo_a)

    def nn(x: Any) -> Any:
        return (_pts(x) - lo_n) / (hi_n - lo_n)

    res: dict[str, Any] = {"outcomes": len(un), "parties": list(sc.party_names)}
    res["normal"] = neg["normal"]
    res["reading_raw"] = float(np.max(np.abs(ua - raw)))
    res["utilities"] = float(np.max(np.abs(na(ua) - nn(un))))
    r = np.asarray(sc.reservations, dtype=float)
    res["reservations"] = [float(np.max(np.abs(r - np.asarray(neg["reserved"]))))]
    # NegMAS's frontier holds only individually rational outcomes (u_i >= r_i)
    ir = an.frontier[(an.frontier >= r).all(axis=1)]
    fa, fn = na(ir), nn(neg["pareto"])
    res["frontier_sizes"] = [len(an.frontier), len(fa), len(np.unique(fn, axis=0))]
    res["frontier"], res["negmas_noise_points"] = frontier_diff(fa, fn)
    d = np.where(np.isfinite(r), np.maximum(r, lo_a), lo_a)  # NegMAS's disagreement point
    res["same_disagreement"] = bool(np.all(d == r))

    def diff(point: Any, negs: list[list[float]]) -> float:
        if point is None or not negs:
            return 0.0 if point is None and not negs else float("inf")
        p = na(point)[0]
        return float(min(np.max(np.abs(p - q)) for q in nn(negs)))

    front = an.frontier
    for name, key in SOLUTIONS.items():
        i = getattr(bs, name)(front, d)
        res[name] = diff(None if i is None else front[i], neg[key])
        sol = getattr(an, name, None)
        if sol is not None or name != "equal_gains":
            res[f"analyze_{name}"] = diff(None if sol is None else sol.utilities, neg[key])
    ks = an.kalai_smorodinsky
    res["analyze_ks_vs_ks_points"] = diff(None if ks is None else ks.utilities, neg["ks"])
    i = bs.kalai_smorodinsky(front, d)
    res["kalai_smorodinsky_vs_ks_points"] = diff(None if i is None else front[i], neg["ks"])
    # NegMAS normalises KS gains by the best utility over ALL outcomes, accord (and the
    # textbook) by the best over individually rational ones: equal only if those coincide
    ideal = bs.ideal_point(front, d)
    res["same_ideal"] = ideal is not None and bool(np.all(ideal == hi_a))
    res["negmas_s"] = neg["seconds"]
    return res


# --------------------------------------------------------------------------- driver
HEADLINE = ("utilities", "frontier", "nash", "egalitarian", "equal_gains", "utilitarian")


def run_negmas(folders: list[Path], probe: bool = False) -> dict[str, dict[str, Any]]:
    cmd = [str(NEGMAS_PY), str(Path(__file__).resolve())]
    cmd += ["--negmas-probe" if probe else "--negmas-side", *map(str, folders)]
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


def sample(per_source: int | None) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Candidates NegMAS loads; ``per_source`` evenly spaced ones per source (None = all)."""
    cands = candidates()
    probe = run_negmas([CORPUS / s / f for s, f in cands], probe=True)
    by: dict[str, list[str]] = {}
    unreadable: dict[str, int] = {}
    for s, f in cands:
        if probe.get(str(CORPUS / s / f), {}).get("loads"):
            by.setdefault(s, []).append(f)
        else:
            unreadable[s] = unreadable.get(s, 0) + 1
    out = []
    for s, folders in sorted(by.items()):
        step = 1 if per_source is None else max(1, len(folders) // per_source)
        out += [(s, f) for f in folders[::step][:per_source]]
    return out, unreadable


def fmt(x: float) -> str:
    return "∞" if x == float("inf") else f"{x:.1e}"


def note_of(r: dict[str, Any]) -> str:
    notes = []
    if r["normal"] != "raw" and r["reading_raw"] > TARGET:
        notes.append(f"NegMAS raw reading off by {r['reading_raw']:.2g} (normal form applied)")
    elif r["reading_raw"] > TARGET:
        notes.append(f"NegMAS reads other utilities (max |Δu| {r['reading_raw']:.2g})")
    if r["negmas_noise_points"]:
        notes.append(f"{r['negmas_noise_points']} NegMAS pts dominated within 1e-12")
    if r["frontier_sizes"][0] != r["frontier_sizes"][1]:
        notes.append(f"{r['frontier_sizes'][0] - r['frontier_sizes'][1]} frontier pts below r")
    if not r["same_ideal"]:
        notes.append("best IR utility < best utility: KS ideal differs")
    if not r["same_disagreement"]:
        notes.append(
            "r < worst; analyze: "
            + ", ".join(f"{k} {fmt(r[f'analyze_{k}'])}" for k in ("nash", "egalitarian"))
        )
    return "; ".join(notes)


def markdown(
    rows: list[dict[str, Any]], summary: dict[str, Any], unreadable: dict[str, int]
) -> list[str]:
    lines = [
        "Each tool loads the corpus folder itself. Max |Δ| after the same normalisation (each",
        "party's utility mapped by its own tool to (u − worst)/(best − worst) over all outcomes).",
        "Solutions: accord's bargaining functions on accord's frontier with NegMAS's",
        "disagreement point d = max(reservation, worst); where d ≠ reservation the note gives",
        "accord's own `analyze` answer (gains from the reservation) too. frontier pts: accord",
        "all / accord individually rational / NegMAS. NegMAS 0.16 reads GENIUS discrete",
        "evaluations raw (GENIUS divides them by the issue's largest evaluation) and keeps weights",
        "that do not sum to 1: for all-table GENIUS profiles NegMAS's own ufuns are rebuilt in",
        "that normal form (with NegMAS's API) before NegMAS computes; the note gives how far the",
        "raw reading was. Integer/real evaluators are not rebuilt (NegMAS ignores GENIUS's",
        "lower bound and clipping there), so such domains stay 'different preferences'.",
        "",
        "| domain | outcomes | frontier pts | utilities | frontier | Nash | egalitarian ↔ "
        "`kalai_points` | equal_gains ↔ `ks_points` | utilitarian | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['domain']} | — | — | — | — | — | — | — | — | {r['error'][:90]} |")
            continue
        sizes = "/".join(map(str, r["frontier_sizes"]))
        cells = " | ".join(fmt(r[k]) for k in HEADLINE)
        lines.append(f"| {r['domain']} | {r['outcomes']} | {sizes} | {cells} | {note_of(r)} |")
    skipped = ", ".join(f"{s} {n}" for s, n in sorted(unreadable.items())) or "none"
    lines += [
        "",
        f"**Agreement:** {summary['compared']} domains compared (of {summary['sampled']} "
        f"sampled: {summary['errors']} failed, {summary['different_preferences']} read as "
        f"different preferences by NegMAS even after the normal form); largest difference over "
        f"utilities, frontier and the four solutions {fmt(summary['max_abs_diff'])} "
        f"(target {TARGET:g}; equal_gains ↔ `ks_points` only where the KS ideal agrees): "
        f"{'met' if summary['met'] else '**NOT met**'}. accord's own `analyze` answers on the "
        f"{summary['plain']} domains where d = reservation: largest difference "
        f"{fmt(summary['analyze_max_abs_diff'])}. accord's `kalai_smorodinsky` (max-min of "
        f"normalised gains, NegMAS's d) vs NegMAS `ks_points` (min spread), where the ideal "
        f"agrees: largest difference "
        f"{fmt(summary['ks_vs_ks_points'])}. Candidates NegMAS cannot load (not sampled): "
        f"{skipped}.",
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
        except Exception as e:  # a failure is a finding: reported, not a crash
            rows.append({"domain": name, "error": f"accord: {type(e).__name__}: {e}"})
            continue
        r["domain"] = name
        rows.append(r)
        print(f"{name}: {note_of(r) or 'ok'}", file=sys.stderr)
    ok = [r for r in rows if "error" not in r and r["utilities"] <= TARGET]
    worst = max(
        (max(r[k] for k in HEADLINE if k != "equal_gains" or r["same_ideal"]) for r in ok),
        default=float("nan"),
    )
    plain = [r for r in ok if r["same_disagreement"]]
    summary = {
        "sampled": len(rows),
        "compared": len(ok),
        "errors": sum("error" in r for r in rows),
        "different_preferences": sum("error" not in r and r["utilities"] > TARGET for r in rows),
        "max_abs_diff": worst,
        "met": len(ok) >= 20 and worst <= TARGET,
        "plain": len(plain),
        "analyze_max_abs_diff": max(
            (max(r[f"analyze_{k}"] for k in ("nash", "egalitarian", "utilitarian")) for r in plain),
            default=float("nan"),
        ),
        "ks_vs_ks_points": max(
            (r["kalai_smorodinsky_vs_ks_points"] for r in ok if r["same_ideal"]),
            default=float("nan"),
        ),
    }
    return rows, summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--negmas-side", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--negmas-probe", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--per-source", type=int, default=12, help="domains per corpus source")
    ap.add_argument("--all", action="store_true", help="every candidate NegMAS loads")
    ap.add_argument("--json", action="store_true", help="last stdout line: JSON for run.py")
    ap.add_argument("--mapping", action="store_true", help="print the convention table only")
    a = ap.parse_args()
    if a.negmas_side is not None or a.negmas_probe is not None:
        negmas_side(a.negmas_side or a.negmas_probe, probe=a.negmas_probe is not None)
        return 0
    if a.mapping:
        for row in MAPPING:
            print(" | ".join(row))
        return 0
    if not CORPUS.is_dir() or not NEGMAS_PY.exists():
        print("compare_negmas: ../shared/scenarios or .venv-negmas missing; skipped")
        return 0
    folders, unreadable = sample(None if a.all else a.per_source)
    rows, summary = compare(folders)
    md = markdown(rows, summary, unreadable)
    print("\n".join(md))
    if a.json:
        print(json.dumps({**summary, "rows": rows, "markdown": md}, default=str))
    return 0 if summary["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
