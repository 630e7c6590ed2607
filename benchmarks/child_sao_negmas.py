"""One bilateral SAO negotiation in NegMAS, in a fresh process (``.venv-negmas``).

Usage: ``child_sao_negmas.py FOLDER PAIR [--reps N] [--rounds 1000]``. Prints one JSON line.

Exactly the measurement of ``../shared/anchors/negmas/bench_sao.py`` (public API only), except
that the utility functions come from the same GENIUS files accord reads
(``negmas.inout.Scenario.from_genius_folder``, not timed, reported as ``load_s``). Per
negotiation: ``SAOMechanism(outcome_space=os, n_steps=1000)`` + two ``add()`` with fresh
negotiators (``setup_s``), ``mechanism.run()`` (``run_s``); ``total_s = setup_s + run_s``.
``cold`` is the first negotiation of the process (the anchor's untimed warm-up, reported), then
``--reps`` timed ones. One step = one round in which each negotiator acts once; ``offers`` is
``len(mechanism.full_trace)``, taken after the run as in the anchor.

Pairs: ``boulware_conceder`` = BoulwareTBNegotiator vs ConcederTBNegotiator, ``aspiration`` =
AspirationNegotiator vs AspirationNegotiator, ``tough_tough`` = ToughNegotiator vs
ToughNegotiator (never agrees: the bare protocol rate).
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import warnings  # noqa: E402
from typing import Any  # noqa: E402

warnings.filterwarnings("ignore")

from negmas.inout import Scenario  # noqa: E402
from negmas.sao import SAOMechanism  # noqa: E402
from negmas.sao.negotiators import (  # noqa: E402
    AspirationNegotiator,
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    ToughNegotiator,
)

IMPORT_S = time.perf_counter() - T0
PAIRS = {
    "boulware_conceder": (BoulwareTBNegotiator, ConcederTBNegotiator),
    "aspiration": (AspirationNegotiator, AspirationNegotiator),
    "tough_tough": (ToughNegotiator, ToughNegotiator),
}


def one(os_: Any, ua: Any, ub: Any, a_cls: Any, b_cls: Any, n_steps: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    m = SAOMechanism(outcome_space=os_, n_steps=n_steps)
    m.add(a_cls(name="a"), ufun=ua)
    m.add(b_cls(name="b"), ufun=ub)
    t1 = time.perf_counter()
    s = m.run()
    t2 = time.perf_counter()
    agr = s.agreement
    return {
        "setup_s": t1 - t0,
        "run_s": t2 - t1,
        "total_s": t2 - t0,
        "rounds": int(s.step),
        "offers": len(m.full_trace),
        "agreement": agr is not None,
        "agreement_utils": [round(float(ua(agr)), 4), round(float(ub(agr)), 4)]
        if agr is not None
        else None,
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
    for key in ("setup_s", "run_s", "total_s", "rounds", "offers"):
        agg[key] = summarize([float(r[key]) for r in runs])
    agg["rounds_per_s"] = summarize([r["rounds"] / r["run_s"] for r in runs])
    agg["offers_per_s"] = summarize([r["offers"] / r["run_s"] for r in runs])
    return agg


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("pair", choices=sorted(PAIRS))
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=1000)
    a = ap.parse_args()
    t = time.perf_counter()
    scenario = Scenario.from_genius_folder(a.folder, ignore_discount=True)
    if scenario is None:
        raise SystemExit(f"NegMAS could not load {a.folder}")
    ua, ub = scenario.ufuns
    os_ = scenario.outcome_space
    load_s = time.perf_counter() - t
    a_cls, b_cls = PAIRS[a.pair]
    cold = one(os_, ua, ub, a_cls, b_cls, a.rounds)
    warm = [one(os_, ua, ub, a_cls, b_cls, a.rounds) for _ in range(a.reps)]
    out = {
        "tool": "negmas",
        "pair": a.pair,
        "agents": [a_cls.__name__, b_cls.__name__],
        "outcomes": int(os_.cardinality),
        "rounds_limit": a.rounds,
        "import_s": IMPORT_S,
        "load_s": load_s,
        "cold": cold,
        "warm": aggregate(warm),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
