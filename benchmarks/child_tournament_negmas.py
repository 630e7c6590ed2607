"""One NegMAS cartesian tournament in a fresh process (``.venv-negmas``).

Usage::

    child_tournament_negmas.py CONFIG SCENARIO_FOLDER... [--path DIR] [--repetitions 2]
        [--rounds 100]
    child_tournament_negmas.py check SCENARIO_FOLDER... --check OUTCOMES_JSON

Prints one JSON line. The measurement of ``../shared/anchors/negmas/bench_tournament.py``
(public API only) on the GENIUS files accord reads (``Scenario.from_genius_folder``, not
timed, reported as ``load_s``): ``negmas.tournaments.neg.cartesian_tournament`` with
BoulwareTB, ConcederTB, Aspiration and NaiveTitForTat negotiators, ``n_repetitions=2``,
``rotate_ufuns=True``, ``self_play=True``, ``n_steps=100``, everything else the library's
default (``normalize_ufuns=True``, ``save_stats=True``, …): 4 × 4 ordered pairs × 3 scenarios ×
2 seatings × 2 repetitions = 192 negotiations.

Configurations:

* ``serial_mem`` — ``njobs=-1``, ``path=None``: serial, in this process, nothing written;
* ``serial_disk_default`` — ``njobs=-1``, ``path=DIR``: the library's defaults on disk (results,
  statistics and scenario figures; the figures need a Chrome/Chromium, and
  ``NEGMAS_AUTO_INSTALL_CHROME=0`` keeps NegMAS from downloading one);
* ``process_mem`` — ``njobs=2``, ``path=None``: NegMAS's process pool with 2 workers.

``wall_s`` is the ``cartesian_tournament`` call; ``peak_rss_mb`` this process's ``ru_maxrss``,
``peak_rss_children_mb`` the largest ``ru_maxrss`` of a finished child. The agreement rate,
mean steps and per-pair agreement come from the returned ``details``; files written under
``DIR`` are counted.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("NEGMAS_AUTO_INSTALL_CHROME", "0")
T0 = time.perf_counter()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

warnings.filterwarnings("ignore")

from negmas.inout import Scenario  # noqa: E402
from negmas.sao.negotiators import (  # noqa: E402
    AspirationNegotiator,
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    NaiveTitForTatNegotiator,
)
from negmas.tournaments.neg import cartesian_tournament  # noqa: E402

IMPORT_S = time.perf_counter() - T0
#: NegMAS negotiator → the accord agent it stands beside
COMPETITORS = {
    BoulwareTBNegotiator: "boulware",
    ConcederTBNegotiator: "conceder",
    AspirationNegotiator: "aspiration",
    NaiveTitForTatNegotiator: "tit-for-tat",
}
CONFIGS: dict[str, dict[str, Any]] = {
    "serial_mem": {"njobs": -1, "disk": False},
    "serial_disk_default": {"njobs": -1, "disk": True},
    "process_mem": {"njobs": 2, "disk": False},
}


def load(folders: list[str]) -> list[Any]:
    out = []
    for folder in folders:
        sc = Scenario.from_genius_folder(folder, ignore_discount=True)
        if sc is None:
            raise SystemExit(f"NegMAS could not load {folder}")
        out.append(sc)
    return out


def check(folders: list[str], outcomes: list[list[int]]) -> dict[str, Any]:
    """Utilities ``[scenario][outcome][party]`` as NegMAS reads the files."""
    out = []
    for sc in load(folders):
        rows = []
        for o in outcomes:
            outcome = tuple(f"v{v}" for v in o)
            rows.append([float(u(outcome)) for u in sc.ufuns])
        out.append(rows)
    return {"tool": "negmas", "utilities": out}


def pair_stats(details: Any) -> dict[str, dict[str, float]]:
    """Agreement rate and mean steps per ordered pair (first seat, second seat)."""
    names = {cls.__name__: ident for cls, ident in COMPETITORS.items()}
    acc: dict[str, list[tuple[bool, float]]] = {}
    for partners, agreement, step in zip(
        details["partners"], details["agreement"].notna(), details["step"], strict=True
    ):
        key = "|".join(names.get(str(p), str(p)) for p in partners)
        acc.setdefault(key, []).append((bool(agreement), float(step)))
    return {
        key: {
            "n": len(v),
            "agreement_rate": sum(a for a, _ in v) / len(v),
            "mean_rounds": sum(s for _, s in v) / len(v),
        }
        for key, v in sorted(acc.items())
    }


def files(path: Path) -> dict[str, Any]:
    found = [f for f in path.rglob("*") if f.is_file()]
    by_ext: dict[str, int] = {}
    for f in found:
        by_ext[f.suffix] = by_ext.get(f.suffix, 0) + 1
    return {
        "n_files": len(found),
        "bytes": sum(f.stat().st_size for f in found),
        "files_by_ext": dict(sorted(by_ext.items())),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("config", choices=[*CONFIGS, "check"])
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--path", help="results folder of the on-disk configuration")
    ap.add_argument("--repetitions", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--check", help="JSON list of outcomes (value index per issue)")
    a = ap.parse_args()
    if a.config == "check":
        print(json.dumps(check(a.folders, json.loads(a.check or "[]"))))
        return
    cfg = CONFIGS[a.config]
    t = time.perf_counter()
    scenarios = load(a.folders)
    load_s = time.perf_counter() - t
    path = Path(a.path) if cfg["disk"] else None
    if cfg["disk"] and path is None:
        ap.error(f"{a.config} needs --path")
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
    t = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        res = cartesian_tournament(
            competitors=list(COMPETITORS),
            scenarios=scenarios,
            n_repetitions=a.repetitions,
            rotate_ufuns=True,
            self_play=True,
            n_steps=a.rounds,
            njobs=cfg["njobs"],
            path=path,
            verbosity=0,
        )
    wall = time.perf_counter() - t
    details = res.details
    n = len(details)
    out: dict[str, Any] = {
        "tool": "negmas",
        "config": a.config,
        "njobs": cfg["njobs"],
        "repetitions": a.repetitions,
        "rounds_limit": a.rounds,
        "import_s": IMPORT_S,
        "load_s": load_s,
        "wall_s": wall,
        "planned": n,
        "stored": n,
        "negotiations_per_s": n / wall,
        "agreement_rate": float(details["agreement"].notna().mean()),
        "mean_rounds": float(details["step"].mean()),
        "failed": int(details["has_error"].sum()),
        "pairs": pair_stats(details),
        "final_scores": {
            str(r["strategy"]): round(float(r["score"]), 4) for _, r in res.final_scores.iterrows()
        },
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "peak_rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0,
    }
    if path is not None:
        out.update(files(path))
        shutil.rmtree(path, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
