"""One accord tournament in a fresh process (``.venv``), stored in a fresh SQLite store.

Usage::

    child_tournament_accord.py SCENARIO_FOLDER... --store FILE --repetitions R
        [--executor serial|process] [--workers 2] [--alternate-first] [--rounds 100]
    child_tournament_accord.py SCENARIO_FOLDER... --check OUTCOMES_JSON

Prints one JSON line. The counterpart of ``child_tournament_negmas.py``: agents ``boulware``,
``conceder``, ``aspiration``, ``tit-for-tat``; every ordered pair (``rotate_roles``,
``self_play``) on every scenario, ``repetitions`` times; ``--alternate-first`` plays each
pair once with each first mover (NegMAS's ``rotate_ufuns`` swaps the seats the same way).

The configuration is validated by ``accord.tournaments.parse_config`` (``config_s``, not in the
timed call: it loads each scenario to check it). ``wall_s`` is the ``run_tournament`` call:
plan, start the workers (process executor), run, store, stop the workers. Afterwards, untimed:
the store is opened again and must hold exactly the planned runs (``stored``), and the
agreement rate, mean rounds and per-pair agreement are read from it.

Memory: ``peak_rss_mb`` is this process's ``ru_maxrss``; ``peak_rss_children_mb`` the largest
``ru_maxrss`` of a finished child (a worker); ``cpu_s`` / ``cpu_children_s`` the CPU time of
this process (the driver: planning, shipping batches, storing) and of its finished workers,
including import and configuration. The progress callback records the resident set
of this process and of its child processes (``/proc``) when 10 %, 20 %, … of the runs are
stored, to show whether memory grows with the number of runs. (The parent, ``run.py``, samples
the whole process tree every 0.5 s for the peak of the sum.)

``--check``: no tournament; the utility of each party for each outcome in ``OUTCOMES_JSON``
(value indices per issue) in each scenario, as accord reads the files.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sqlite3  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from accord.io import load_path  # noqa: E402
from accord.tournaments import Progress, parse_config, run_tournament  # noqa: E402

IMPORT_S = time.perf_counter() - T0
AGENTS = ("boulware", "conceder", "aspiration", "tit-for-tat")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_mb(pid: int) -> float:
    """Resident set of process ``pid`` in MB (0 when it has gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_MB
    except (OSError, IndexError, ValueError):
        return 0.0


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid`` (the process executor's workers)."""
    out = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


class Milestones:
    """A progress callback: resident sets when each tenth of the runs is stored."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.calls = 0
        self._next = 1

    def __call__(self, p: Progress) -> None:
        self.calls += 1
        if p.total <= 0:
            return
        while self._next <= 10 and p.done * 10 >= self._next * p.total:
            driver = rss_mb(os.getpid())
            workers = [rss_mb(c) for c in child_pids(os.getpid())]
            self.rows.append(
                {
                    "fraction": self._next / 10,
                    "done": p.done,
                    "seconds": round(p.seconds, 3),
                    "driver_mb": round(driver, 1),
                    "workers_mb": [round(w, 1) for w in workers],
                    "total_mb": round(driver + sum(workers), 1),
                }
            )
            self._next += 1


def check(folders: list[str], outcomes: list[list[int]]) -> dict[str, Any]:
    """Utilities ``[scenario][outcome][party]`` as accord reads the files."""
    out = []
    for folder in folders:
        sc = load_path(folder)
        digits = np.array(
            [sc.space.encode({f"i{j}": f"v{v}" for j, v in enumerate(o)}) for o in outcomes]
        )
        out.append(sc.evaluate(digits).tolist())
    return {"tool": "accord", "utilities": out}


def verify(store: Path, tournament: int) -> dict[str, Any]:
    """What the store holds afterwards (read with plain SQL, untimed)."""
    db = sqlite3.connect(store)
    try:
        stored, failed, agreed, rounds = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(status='failed'), 0), AVG(agreed), AVG(rounds) "
            "FROM runs WHERE tournament=?",
            (tournament,),
        ).fetchone()
        pairs = db.execute(
            "SELECT participants, COUNT(*), AVG(agreed), AVG(rounds) FROM runs "
            "WHERE tournament=? GROUP BY participants",
            (tournament,),
        ).fetchall()
        tournaments = db.execute("SELECT COUNT(*) FROM tournaments").fetchone()[0]
    finally:
        db.close()
    return {
        "stored": int(stored),
        "failed": int(failed),
        "tournaments_in_store": int(tournaments),
        "agreement_rate": float(agreed or 0.0),
        "mean_rounds": float(rounds or 0.0),
        "pairs": {
            "|".join(json.loads(p)): {"n": n, "agreement_rate": a, "mean_rounds": r}
            for p, n, a, r in pairs
        },
    }


def fresh(store: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.parent.mkdir(parents=True, exist_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--store")
    ap.add_argument("--repetitions", type=int, default=2)
    ap.add_argument("--executor", choices=("serial", "process"), default="serial")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--alternate-first", action="store_true")
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--keep-store", action="store_true", help="do not delete the store after")
    ap.add_argument("--check", help="JSON list of outcomes (value index per issue)")
    a = ap.parse_args()
    if a.check:
        print(json.dumps(check(a.folders, json.loads(a.check))))
        return
    if not a.store:
        ap.error("--store is required")
    store = Path(a.store)
    fresh(store)
    t = time.perf_counter()
    config = parse_config(
        {
            "name": "bench",
            "scenarios": [str(Path(f).resolve()) for f in a.folders],
            "agents": list(AGENTS),
            "rounds": a.rounds,
            "repetitions": a.repetitions,
            "rotate_roles": True,
            "self_play": True,
            "alternate_first": a.alternate_first,
            "seed": 0,
        },
        base=".",
    )
    config_s = time.perf_counter() - t
    milestones = Milestones()
    t = time.perf_counter()
    summary = run_tournament(
        config, store, executor=a.executor, workers=a.workers, progress=milestones
    )
    wall = time.perf_counter() - t
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    held = verify(store, summary.tournament)
    store_bytes = sum(
        Path(f"{store}{s}").stat().st_size for s in ("", "-wal") if Path(f"{store}{s}").exists()
    )
    if not a.keep_store:
        fresh(store)
    out = {
        "tool": "accord",
        "executor": a.executor,
        "workers": summary.workers,
        "alternate_first": a.alternate_first,
        "repetitions": a.repetitions,
        "rounds_limit": a.rounds,
        "import_s": IMPORT_S,
        "config_s": config_s,
        "wall_s": wall,
        "summary_s": summary.seconds,
        "planned": summary.planned,
        "completed": summary.completed,
        "ran": summary.ran,
        "negotiations_per_s": summary.planned / wall,
        "store_ok": held["stored"] == summary.planned == summary.completed
        and held["tournaments_in_store"] == 1,
        "store_bytes": store_bytes,
        "peak_rss_mb": me.ru_maxrss / 1024.0,
        "peak_rss_children_mb": kids.ru_maxrss / 1024.0,
        "cpu_s": me.ru_utime + me.ru_stime,
        "cpu_children_s": kids.ru_utime + kids.ru_stime,
        "progress_calls": milestones.calls,
        "milestones": milestones.rows,
        **held,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
