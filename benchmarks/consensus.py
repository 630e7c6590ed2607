"""Consensus building on the six scorable games: how often accord's mediated deals pass the rule.

The games (``../shared/scenarios/scorable-games``: ``base``, ``base_7players``,
``base_rewritten``, ``game1``, ``game2``, ``game3``) were published with S. Abdelnabi,
A. Gomaa, S. Sivaprasad, L. Schönherr, M. Fritz, "Cooperation, Competition, and Maliciousness:
LLM-Stakeholders Interactive Negotiation", NeurIPS 2024 Datasets & Benchmarks (arXiv
2309.17234). A deal passes when at least n − 1 of the n parties accept it (its points for them
are at or above their minimum) and the two veto holders ``p1`` and ``p2`` are among them;
``accord.load(<game folder>)`` gives that rule as ``scenario.rule``.

Per game, caucus mediation (``accord.mediate``, default mediator) over ``--seeds`` seeds, once
with truthful parties (the default) and once with every party playing a strategic party
strategy (``--strategic``, default ``pressured``). Measured here, per game and setting:

* **passes**: share of runs whose deal passes the rule, computed from the deal itself: the
  parties whose utility of the deal is at least their reservation form the accepting set, and
  ``scenario.rule.passes_names(accepting, scenario.party_names)`` decides (a run without a deal
  does not pass);
* **points**: mean points per party (utility × 100) over the runs with a deal;
* **distance**: mean Euclidean distance, in points, between the deal's per-party points and
  the *best passing package*'s (``accord.analyze(...).consensus.best``: the passing outcome
  with the most accepting parties, ties broken by the highest Nash product of gains (utility −
  reservation) over its accepting parties, then by the lexicographically largest utilities);
  runs without a deal are counted apart;
* rounds and wall seconds per run (one ``accord.mediate`` call, the Nash-point annotation
  included).

The study's own pass rates of its language-model agents stand beside accord's **as published**
(numbers and sources in :data:`PUBLISHED`); they are not re-measured here.

Not a test. ``make bench`` runs it as the ``consensus`` section (``run.py --only consensus``
runs just it and writes ``RESULTS.md``); alone it prints the table and writes nothing:

    .venv/bin/python benchmarks/consensus.py [--seeds 20] [--games DIR] [--strategic pressured]
    .venv/bin/python benchmarks/consensus.py --self-test     # a hand-made 4-party game

It exits cleanly (with a message) when the games folder is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GAMES_DIR = REPO.parent / "shared" / "scenarios" / "scorable-games"
GAMES = ("base", "base_7players", "base_rewritten", "game1", "game2", "game3")
TRUTHFUL = "truthful"
STRATEGIC = "pressured"
#: utilities are points / 100: a sum like 0.14 + 0.41 may land a hair under 0.55
TOL = 1e-9

PAPER = (
    "Abdelnabi, Gomaa, Sivaprasad, Schönherr, Fritz, *Cooperation, Competition, and "
    "Maliciousness: LLM-Stakeholders Interactive Negotiation*, NeurIPS 2024 D&B, arXiv 2309.17234"
)
REPO_URL = "github.com/S-Abdelnabi/LLM-Deliberation"
#: The study's published pass rates, as printed in the outputs of the evaluation notebooks the
#: authors committed to their repository (the tables of the paper itself could not be read from
#: here). Their metric: the *final* deal p1 proposes passes (≥ n − 1 parties strictly above their
#: minimum, p1 and p2 among them; p1 may count with a +10 bonus); "any" = some deal p1 proposed
#: during the session passed; "all" = the final deal is accepted by every party.
PUBLISHED: dict[str, list[dict[str, str]]] = {
    "base": [
        {
            "who": "GPT-4, all parties cooperative",
            "final": "83.3 %",
            "other": "any round 83.3 %, all 6 accept 66.7 %",
            "source": f"{REPO_URL} @03ee884 `evaluation/evaluate_deals.ipynb` (2024-08-22), "
            "output of the metrics cell for `base/output/all_coop`",
        },
        {
            "who": "base game, 21 sessions, run folder `output_dir/` (model and incentives "
            "not stated there; `logs/output_base_best_allcoop_gpt4.zip` holds 21 runs)",
            "final": "80.95 %",
            "other": "any round 100 %, all 6 accept 33.3 %",
            "source": f"{REPO_URL} @9bd6a78 `deals_evaluation.ipynb` (2023-10-06), "
            "output of the metrics cell (`get_scores('base')`)",
        },
    ],
    "base_7players": [
        {
            "who": "GPT-4, all parties cooperative, 66 sessions",
            "final": "63.6 %",
            "other": "any round 97.0 %, all 7 accept 21.2 %",
            "source": f"{REPO_URL} @16c74ba (= main @78e11e0) `evaluation/evaluate_deals.ipynb`, "
            "output of the metrics cell for `base_7players/output/all_coop_7players`",
        },
    ],
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- the measure -------------------------------------------------------------------------------
def accepting(scenario: Any, utilities: np.ndarray) -> list[str]:
    """The parties whose utility of a deal is at least their reservation value."""
    res = scenario.reservations
    return [n for n, u, r in zip(scenario.party_names, utilities, res, strict=True) if u >= r - TOL]


def best_package(scenario: Any) -> dict[str, Any] | None:
    """The best passing package as accord's analysis defines it
    (:mod:`accord.analysis.consensus`: the most accepting parties, then the highest Nash
    product of their gains, ties to the lexicographically largest utilities); ``None`` when
    nothing passes."""
    import accord

    analysis = accord.analyze(scenario)
    consensus = analysis.consensus
    best = None if consensus is None else consensus.best
    if best is None:
        return None
    return {
        "outcome": {k: str(v) for k, v in best.outcome.items()},
        "accepting": len(best.accepted_by),
        "points": [float(x) * 100 for x in best.utilities],
        "passing_outcomes": analysis.passing_outcomes,
        "outcomes": analysis.outcomes,
    }


def one_run(scenario: Any, strategy: str | None, seed: int, best: dict[str, Any] | None) -> dict:
    """One caucus mediation and what it says about the rule."""
    import accord

    parties = None if strategy in (None, TRUTHFUL) else [strategy]
    t = time.perf_counter()
    r = accord.mediate(scenario, parties=parties, seed=seed)
    seconds = time.perf_counter() - t
    row: dict[str, Any] = {
        "seed": seed,
        "seconds": seconds,
        "rounds": int(r.rounds),
        "reason": r.reason,
        "failure": None if r.failure is None else r.failure.describe(),
        "deal": r.agreement is not None,
    }
    if r.agreement is None:
        return row
    u = np.asarray(r.utilities, dtype=float)
    table = np.asarray(scenario.utilities())[int(r.agreement)]
    if not np.allclose(u, table, atol=1e-9):  # the result's utilities are the deal's own
        row["utility_mismatch"] = float(np.max(np.abs(u - table)))
    who = accepting(scenario, u)
    row.update(
        agreement=int(r.agreement),
        points=[float(x) * 100 for x in u],
        accepting=len(who),
        passes=scenario.rule.passes_names(who, scenario.party_names),
    )
    if best is not None:
        row["distance"] = float(np.linalg.norm(u * 100 - np.asarray(best["points"])))
    return row


def mean(xs: list[float]) -> float | None:
    return statistics.fmean(xs) if xs else None


def summarise(rows: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any]:
    deals = [r for r in rows if r["deal"]]
    out: dict[str, Any] = {
        "runs": len(rows),
        "deals": len(deals),
        "no_deal": len(rows) - len(deals),
        "failures": sum(r["failure"] is not None for r in rows),
        "passes": sum(bool(r.get("passes")) for r in rows),
        "pass_share": sum(bool(r.get("passes")) for r in rows) / len(rows) if rows else None,
        "mean_accepting": mean([r["accepting"] for r in deals]),
        "mean_points": {n: mean([r["points"][i] for r in deals]) for i, n in enumerate(names)},
        "mean_points_all": mean([statistics.fmean(r["points"]) for r in deals]),
        "mean_distance": mean([r["distance"] for r in deals if "distance" in r]),
        "mean_rounds": mean([r["rounds"] for r in rows]),
        "mean_seconds": mean([r["seconds"] for r in rows]),
        "reasons": sorted({r["reason"] for r in rows}),
        "utility_mismatches": sum("utility_mismatch" in r for r in rows),
    }
    return out


def measure(
    scenario: Any, label: str, settings: list[str], seeds: int, done: list[int], total: int
) -> dict[str, Any]:
    """Every setting of one game, ``seeds`` runs each; progress on stderr."""
    best = best_package(scenario)
    roles = {"p1": None, "p2": None}
    if scenario.rule.veto:
        roles = {"p1": scenario.rule.veto[0], "p2": scenario.rule.veto[-1]}
    game: dict[str, Any] = {
        "game": label,
        "parties": list(scenario.party_names),
        "reservations": [float(r) * 100 for r in scenario.reservations],
        "outcomes": scenario.space.size,
        "rule": scenario.rule.describe(scenario.party_names),
        "rule_dict": scenario.rule.to_dict(),
        "veto": list(scenario.rule.veto),
        "roles": roles,
        "best": best,
        "settings": {},
    }
    for setting in settings:
        rows = []
        t0 = time.perf_counter()
        for seed in range(seeds):
            rows.append(one_run(scenario, setting, seed, best))
            done[0] += 1
            if done[0] % 5 == 0 or seed == seeds - 1:
                log(
                    f"  [{done[0]:4d}/{total}] {label:16s} {setting:10s} seed {seed:3d}  "
                    f"{time.perf_counter() - t0:7.1f} s"
                )
        s = summarise(rows, scenario.party_names)
        s["rows"] = rows
        game["settings"][setting] = s
    return game


# -- scenarios -------------------------------------------------------------------------------------
def load_games(folder: Path, only: list[str] | None) -> tuple[list[tuple[str, Any]], list[str]]:
    """The games that load (name, scenario) and one line per game that does not."""
    import accord

    names = only or [g for g in GAMES if (folder / g).is_dir()]
    loaded, problems = [], []
    for name in names:
        try:
            sc = accord.load(folder / name)
        except Exception as exc:  # reported per game; the others still run
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        loaded.append((name, sc))
    return loaded, problems


def self_test_scenario() -> Any:
    """A hand-made 4-party, 3-issue scorable game: points / 100, minimum / 100, at least
    3 of 4 including the veto holders ``P1`` and ``P2`` (the scorable-games convention)."""
    from accord import AgreementRule, Party, Scenario
    from accord.outcomes.issues import DiscreteIssue
    from accord.outcomes.space import OutcomeSpace
    from accord.preferences.utility import LinearAdditive
    from accord.preferences.values import TableValue

    issues = (
        DiscreteIssue("A", ("A1", "A2", "A3")),
        DiscreteIssue("B", ("B1", "B2", "B3", "B4")),
        DiscreteIssue("C", ("C1", "C2", "C3")),
    )
    points = {  # per issue, per option; minimum last
        "P1": ([40, 25, 0], [0, 10, 20, 30], [30, 15, 0], 55),
        "P2": ([0, 20, 35], [25, 20, 10, 0], [0, 15, 40], 50),
        "Q": ([10, 30, 0], [0, 30, 40, 20], [20, 10, 0], 40),
        "R": ([0, 10, 50], [40, 20, 0, 0], [10, 0, 10], 60),
    }
    parties = []
    for name, (*tables, minimum) in points.items():
        values = tuple(
            TableValue({v: p / 100 for v, p in zip(issue.values, t, strict=True)})
            for issue, t in zip(issues, tables, strict=True)
        )
        parties.append(Party(name, LinearAdditive((1.0, 1.0, 1.0), values), minimum / 100))
    return Scenario(
        "self-test-4-party",
        OutcomeSpace(issues),
        tuple(parties),
        rule=AgreementRule(all_but=1, veto=("P1", "P2")),
    )


# -- rendering -------------------------------------------------------------------------------------
def fmt(x: float | None, f: str = ".1f") -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, f)


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f} %"


def references() -> list[tuple[int, str, dict[str, str]]]:
    """Every published number, numbered in game order: (number, game, entry)."""
    refs = [(g, p) for g in GAMES for p in PUBLISHED.get(g, [])]
    return [(k + 1, g, p) for k, (g, p) in enumerate(refs)]


def published_cell(game: str) -> str:
    cells = [f"{p['final']} ({p['who']}) [{k}]" for k, g, p in references() if g == game]
    return "; ".join(cells) or "not found"


def table_lines(data: dict[str, Any]) -> list[str]:
    out = [
        "| game | parties · outcomes | rule | best passing package (points) | setting "
        "| runs | deal | **passes (accord)** | accepting | mean points / party | "
        "distance to best | rounds | s / run | study's published final-deal pass rate "
        "(their LLM agents, not re-measured) |",
        "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for g in data["games"]:
        best = g["best"]
        best_txt = (
            "none passes"
            if best is None
            else f"{best['accepting']}/{len(g['parties'])} accept, "
            + "/".join(f"{p:.0f}" for p in best["points"])
        )
        first = True
        for setting, s in g["settings"].items():
            lead = (
                [
                    g["game"],
                    f"{len(g['parties'])} · {g['outcomes']}",
                    g["rule"],
                    best_txt,
                ]
                if first
                else ["", "", "", ""]
            )
            no_deal = f" ({s['no_deal']} no deal)" if s["no_deal"] else ""
            fail = f", {s['failures']} failed" if s["failures"] else ""
            out.append(
                "| "
                + " | ".join(
                    [
                        *lead,
                        setting,
                        str(s["runs"]),
                        f"{s['deals']}{fail}",
                        f"**{pct(s['pass_share'])}** ({s['passes']}/{s['runs']})",
                        fmt(s["mean_accepting"]),
                        fmt(s["mean_points_all"]),
                        fmt(s["mean_distance"]) + no_deal,
                        fmt(s["mean_rounds"]),
                        fmt(s["mean_seconds"], ".3f"),
                        published_cell(g["game"]) if first else "″",
                    ]
                )
                + " |"
            )
            first = False
    return out


def party_lines(data: dict[str, Any]) -> list[str]:
    out = []
    for g in data["games"]:
        res = dict(zip(g["parties"], g["reservations"], strict=True))
        veto = set(g["veto"])
        head = [f"{n}{' (veto)' if n in veto else ''} ≥{res[n]:.0f}" for n in g["parties"]]
        out += [f"`{g['game']}` — mean points of the deal per party (minimum after ≥):", ""]
        out += ["| setting | " + " | ".join(head) + " |", "|---|" + "---:|" * len(head)]
        for setting, s in g["settings"].items():
            cells = [fmt(s["mean_points"][n]) for n in g["parties"]]
            out.append(f"| {setting} | " + " | ".join(cells) + " |")
        out.append("")
    return out


def sources_lines() -> list[str]:
    out = []
    for k, game, p in references():
        line = f"[{k}] `{game}`: {p['who']}: final {p['final']}, {p['other']}."
        out.append(f"{line} {p['source']}.")
    return out


def section(data: dict[str, Any] | None) -> list[str]:
    """The ``RESULTS.md`` section (``run.py`` appends it; ``data`` is this script's JSON)."""
    title = "## Consensus building: the six scorable games (`benchmarks/consensus.py`)"
    if not data:
        return [title, "", "- not run yet (`benchmarks/run.py --only consensus`)", ""]
    if data.get("skipped"):
        return [title, "", f"- skipped: {data['skipped']}", ""]
    import report  # benchmarks/report.py: the same date / machine lines as the other sections

    out = [
        title,
        "",
        *report.machine(None, data.get("rev_start"), data.get("rev_end"), data.get("date")),
        f"- command: `{data['command']}` (total {data['total_s']:.0f} s)",
        "",
        f"Games: {PAPER} (`../shared/scenarios/scorable-games`, read by `accord.load`). "
        f"Caucus mediation (`accord.mediate`, default mediator), {data['seeds']} seeds "
        "(0 … seeds − 1) per game and setting: `truthful` parties (the default) and every "
        f"party `{data['strategic']}` (a strategic caucus party strategy). A run's deal "
        "*passes* when the parties whose utility of it is at least their reservation (minimum "
        "points / 100) satisfy `scenario.rule` (`rule.passes_names`); a run without a deal "
        "does not pass. *Mean points / party*: utility × 100, averaged over the parties and the "
        "runs with a deal. *Distance to best*: Euclidean distance in points between the deal's "
        "per-party points and the best passing package's (most accepting parties, then the "
        "highest Nash product of gains over them), over the runs with a deal; runs without one "
        "are counted in brackets. Seconds: one `accord.mediate` call, wall time.",
        "",
        "The last column is **the study's own number for its language-model agents, as "
        "published, not measured here**. Their metric differs from accord's: the final deal "
        "proposed by p1 after a 24-round (28 for 7 players) LLM conversation, accepted when a "
        "party's score is *strictly above* its minimum, p1 also with a +10 bonus for its own "
        "proposal; no mediator. Sources below the table; the paper's own tables could not be "
        "read from this machine, so only the numbers printed in the authors' committed "
        "notebooks are quoted, and none was found for the other games.",
        "",
        *table_lines(data),
        "",
        *sources_lines(),
        "",
    ]
    if data.get("problems"):
        out += ["Games that did not load:", ""] + [f"- {p}" for p in data["problems"]] + [""]
    mism = sum(s["utility_mismatches"] for g in data["games"] for s in g["settings"].values())
    if mism:
        out += [f"- {mism} runs reported utilities that differ from the scenario's table", ""]
    out += [*party_lines(data)]
    return out


# -- main ------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seeds", type=int, default=20, help="runs per game and setting (>= 1)")
    ap.add_argument("--games", type=Path, default=GAMES_DIR, help="folder of the game folders")
    ap.add_argument("--only", default=None, help="comma-separated game names (default: all six)")
    ap.add_argument("--strategic", default=STRATEGIC, help="party strategy of the second setting")
    ap.add_argument("--self-test", action="store_true", help="a hand-made 4-party game instead")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON line")
    a = ap.parse_args(argv)
    if a.seeds < 1:
        ap.error("--seeds must be >= 1")
    return a


def check_strategy(spec: str) -> None:
    import accord

    known = {s.id: s for s in accord.strategies() if s.role == "party"}
    base = spec.split(":", 1)[0]
    if base not in known:
        raise SystemExit(f"unknown party strategy {spec!r}; party strategies: {sorted(known)}")
    if "caucus" not in known[base].protocols:
        caucus = sorted(k for k, s in known.items() if "caucus" in s.protocols)
        raise SystemExit(f"{spec!r} does not play caucus mediation; caucus ones: {caucus}")


def run(a: argparse.Namespace) -> dict[str, Any]:
    import report

    t = time.perf_counter()
    data: dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "benchmarks/consensus.py", *(a.argv or [])]),
        "date": report.utc_now(),
        "rev_start": report.git_rev(),
        "seeds": a.seeds,
        "strategic": a.strategic,
        "games": [],
        "problems": [],
    }
    if a.self_test:
        games = [("self-test (4 parties)", self_test_scenario())]
    elif not a.games.is_dir():
        data["skipped"] = f"no games folder {a.games}"
        log(f"consensus: {data['skipped']}; nothing to do")
        return data
    else:
        only = a.only.split(",") if a.only else None
        games, data["problems"] = load_games(a.games, only)
        for p in data["problems"]:
            log(f"consensus: did not load {p}")
        if not games:
            data["skipped"] = "no game loaded: " + "; ".join(data["problems"])
            return data
    check_strategy(a.strategic)
    settings = [TRUTHFUL, a.strategic]
    total = len(games) * len(settings) * a.seeds
    log(f"consensus: {len(games)} games x {len(settings)} settings x {a.seeds} seeds = {total}")
    done = [0]
    for label, sc in games:
        data["games"].append(measure(sc, label, settings, a.seeds, done, total))
    data["total_s"] = time.perf_counter() - t
    data["rev_end"] = report.git_rev()
    return data


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))  # report.py, when run from elsewhere
    a = parse_args(argv)
    a.argv = list(sys.argv[1:] if argv is None else argv)
    data = run(a)
    if a.json:
        print(json.dumps(data, default=str))
    else:
        print("\n".join(section(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
