"""One bilateral alternating-offers negotiation in accord, in a fresh process (``.venv``).

Usage: ``child_sao_accord.py FOLDER PAIR [--reps N] [--rounds 1000]``. Prints one JSON line.

The counterpart of ``child_sao_negmas.py`` and of ``../shared/anchors/negmas/bench_sao.py``:
the scenario is read from the GENIUS files once (``accord.io.load_path``, not timed, reported as
``load_s``); then, per negotiation, fresh agents from the registry (``make_agent``, timed as
``setup_s``) and ``run_alternating_offers(..., deadline=Deadline(rounds=1000))`` (``run_s``);
``total_s = setup_s + run_s`` is the wall time per negotiation.

* ``cold``: the first negotiation of the process. It includes what accord computes once per
  scenario and caches on it: every outcome's utility and each party's outcomes presorted by
  utility (NegMAS's time-based negotiators sort at their first step, in every negotiation).
* ``warm``: the next ``--reps`` negotiations with the default deadline a user gets
  (``Deadline(rounds=1000)``, i.e. ``per_call=5.0``: every ``propose``/``respond`` call is timed
  against a 5 s limit), then ``--reps`` more with ``per_call=None`` (no per-call check).

A round is one action of each party (the first mover proposes; the other accepts or rejects
and counter-offers), the same as one NegMAS SAO step with two negotiators. ``rounds`` is the
result's ``rounds`` (the round in which agreement came, counted from 1; 1000 without one);
``offers`` counts offer events. The trace is recorded during the run as plain tuples and
becomes ``TraceEvent`` objects on first access: that conversion is timed apart (``trace_s``)
and is not in ``total_s``, just as NegMAS's ``full_trace`` is built after ``run()`` in the
anchor.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
from typing import Any  # noqa: E402

from accord.io import load_path  # noqa: E402
from accord.mechanisms import Deadline, run_alternating_offers  # noqa: E402
from accord.registry import make_agent  # noqa: E402
from accord.scenario import Scenario  # noqa: E402

IMPORT_S = time.perf_counter() - T0
PAIRS = {
    "boulware_conceder": ("boulware", "conceder"),
    "aspiration": ("aspiration", "aspiration"),
    "tough_tough": ("hardliner", "hardliner"),
}


def one(scenario: Scenario, specs: tuple[str, str], deadline: Deadline) -> dict[str, Any]:
    t0 = time.perf_counter()
    agents = [make_agent(s) for s in specs]
    t1 = time.perf_counter()
    r = run_alternating_offers(scenario, agents, agent_ids=specs, deadline=deadline, seed=0)
    t2 = time.perf_counter()
    n_events = len(r.trace)  # builds the TraceEvent objects
    t3 = time.perf_counter()
    return {
        "setup_s": t1 - t0,
        "run_s": t2 - t1,
        "total_s": t2 - t0,
        "trace_s": t3 - t2,
        "rounds": r.rounds,
        "offers": len(r.trace.offers()),
        "events": n_events,
        "agreement": r.agreement is not None,
        "agreement_utils": [round(float(u), 4) for u in r.utilities] if r.agreed else None,
    }


def summarize(vals: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(vals),
        "min": min(vals),
        "max": max(vals),
        "n": len(vals),
    }


def aggregate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    agg: dict[str, Any] = {
        "agreement_rate": sum(r["agreement"] for r in runs) / len(runs),
        "agreement_utils": runs[0]["agreement_utils"],
    }
    for key in ("setup_s", "run_s", "total_s", "trace_s", "rounds", "offers"):
        agg[key] = summarize([float(r[key]) for r in runs])
    agg["rounds_per_s"] = summarize([r["rounds"] / r["run_s"] for r in runs])
    agg["offers_per_s"] = summarize([r["offers"] / r["run_s"] for r in runs])
    # as above, plus building the trace's TraceEvent objects
    agg["rounds_per_s_with_trace"] = summarize(
        [r["rounds"] / (r["run_s"] + r["trace_s"]) for r in runs]
    )
    return agg


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("pair", choices=sorted(PAIRS))
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=1000)
    a = ap.parse_args()
    specs = PAIRS[a.pair]
    t = time.perf_counter()
    scenario = load_path(a.folder)
    load_s = time.perf_counter() - t
    default = Deadline(rounds=a.rounds)  # what a user gets: per_call=5.0
    unchecked = Deadline(rounds=a.rounds, per_call=None)
    cold = one(scenario, specs, default)
    warm = [one(scenario, specs, default) for _ in range(a.reps)]
    bare = [one(scenario, specs, unchecked) for _ in range(a.reps)]
    out = {
        "tool": "accord",
        "pair": a.pair,
        "agents": list(specs),
        "outcomes": int(scenario.space.size or 0),
        "rounds_limit": a.rounds,
        "per_call_default": default.per_call,
        "import_s": IMPORT_S,
        "load_s": load_s,
        "cold": cold,
        "warm": aggregate(warm),
        "warm_no_per_call": aggregate(bare),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
