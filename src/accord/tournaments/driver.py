"""Running a tournament: plan, skip what the store already holds, ship batches to an executor,
store what comes back, report progress.

:func:`run_tournament` is what ``accord tournament`` calls. The store is written by this process
alone, one transaction per batch; a tournament interrupted at any moment (Ctrl-C, a crash, a
SIGKILL) continues where it stopped when run again with the same configuration and store, and
gives the records an uninterrupted run gives.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import AccordError, ConfigError
from accord.mechanisms.result import NegotiationResult
from accord.storage.store import Store
from accord.tournaments.config import TournamentConfig, load_config, worker_reachable
from accord.tournaments.executors import ProcessExecutor, SerialExecutor, WorkerDied
from accord.tournaments.plan import Plan, make_plan
from accord.tournaments.worker import error_row, run_batch

#: The executors by name.
EXECUTORS = ("serial", "process", "dask")


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a tournament is: runs ``done`` of ``total`` (``failed`` among them), and how
    many of them this call ran (``ran``) in ``seconds``."""

    done: int
    total: int
    failed: int
    ran: int
    seconds: float


@dataclass(frozen=True, slots=True)
class TournamentSummary:
    """What :func:`run_tournament` did: the tournament's id in the store, runs ``planned``,
    ``completed`` (stored, this call or before) and ``failed``, runs this call ran, time."""

    tournament: int
    name: str
    store: str
    planned: int
    completed: int
    failed: int
    ran: int
    seconds: float
    executor: str
    workers: int

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in TournamentSummary.__slots__}


def make_executor(kind: str, workers: int | None = None, address: str | None = None) -> Executor:
    """An executor by name: ``serial``, ``process`` (``workers`` processes, all cores by
    default) or ``dask`` (the cluster at ``address``, else a local one of ``workers``)."""
    if kind == "serial":
        return SerialExecutor()
    if kind == "process":
        return ProcessExecutor(workers)
    if kind == "dask":
        from accord.tournaments.cluster import DaskExecutor

        return DaskExecutor(address, workers)
    raise ConfigError(f"unknown executor {kind!r}; executors: {', '.join(EXECUTORS)}")


def run_tournament(
    config: TournamentConfig | str | Path,
    store: Store | str | Path,
    *,
    executor: str | Executor = "serial",
    workers: int | None = None,
    address: str | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> TournamentSummary:
    """Run (or continue) the tournament ``config`` describes, storing every run in ``store``.

    ``config``: a :class:`TournamentConfig` or a tournament file; ``store``: a
    :class:`~accord.storage.store.Store` or its path (created when missing); ``executor``: one
    of :data:`EXECUTORS` or an executor object; ``progress`` is called after every stored
    batch.
    """
    if isinstance(executor, str) and executor not in EXECUTORS:
        raise ConfigError(f"unknown executor {executor!r}; executors: {', '.join(EXECUTORS)}")
    t0 = time.perf_counter()
    cfg = config if isinstance(config, TournamentConfig) else load_config(config)
    if not (executor == "serial" or isinstance(executor, SerialExecutor)):
        worker_reachable(cfg)
    plan = make_plan(cfg)
    own_store = not isinstance(store, Store)
    db = Store(store) if not isinstance(store, Store) else store
    own_executor = isinstance(executor, str)
    pool = make_executor(executor, workers, address) if isinstance(executor, str) else executor
    name = executor if isinstance(executor, str) else type(executor).__name__
    size = int(getattr(pool, "workers", 1))
    try:
        tid = db.begin(cfg.name, cfg.digest(), cfg.to_dict(), cfg.seed, len(plan))
        pending = _pending(db, tid, len(plan))
        ran = _drive(plan, db, tid, pool, pending, size, progress, t0)
        counts = db.counts(tid)
        if counts["completed"] == len(plan):
            db.finish(tid)
    except BaseException:
        if own_executor:
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        if own_store:
            db.close()
    if own_executor:
        pool.shutdown()
    return TournamentSummary(
        tid,
        cfg.name,
        str(db.path),
        len(plan),
        counts["completed"],
        counts["failed"],
        ran,
        time.perf_counter() - t0,
        name,
        size,
    )


def _pending(db: Store, tid: int, size: int) -> np.ndarray:
    """The ids of the planned runs the store does not hold yet."""
    done = np.zeros(size, dtype=bool)
    for run_id in db.done(tid):
        if run_id < size:
            done[run_id] = True
    return np.flatnonzero(~done)


def _batches(pending: np.ndarray, size: int) -> Iterator[list[int]]:
    for start in range(0, len(pending), size):
        yield [int(i) for i in pending[start : start + size]]


def _drive(
    plan: Plan,
    db: Store,
    tid: int,
    pool: Executor,
    pending: np.ndarray,
    workers: int,
    progress: Callable[[Progress], None] | None,
    t0: float,
) -> int:
    """Keep the executor busy with batches (a few per worker in flight, so that memory stays
    flat however many runs there are) and store each batch as it comes back."""
    counts = db.counts(tid)
    done, failed, ran = counts["completed"], counts["failed"], 0
    per_batch = max(1, min(plan.config.batch, math.ceil(len(pending) / (4 * workers))))
    batches = _batches(pending, per_batch)
    in_flight: dict[Future[Any], list[int]] = {}

    def refill() -> None:
        while len(in_flight) < 3 * workers:
            batch = next(batches, None)
            if batch is None:
                return
            in_flight[pool.submit(run_batch, plan, batch)] = batch

    if progress is not None:
        progress(Progress(done, len(plan), failed, 0, time.perf_counter() - t0))
    refill()
    while in_flight:
        finished, _ = wait_for(list(in_flight), return_when=FIRST_COMPLETED)
        for future in finished:
            batch = in_flight.pop(future)
            rows = _rows(plan, pool, future, batch)
            new = db.add(tid, rows)
            done += new
            ran += len(rows)
            failed += sum(1 for r in rows if r[9] == "failed")
        refill()
        if progress is not None:
            progress(Progress(done, len(plan), failed, ran, time.perf_counter() - t0))
    return ran


def _rows(plan: Plan, pool: Executor, future: Future[Any], batch: list[int]) -> list[Any]:
    """A batch's rows; a batch that killed its workers is run again one run at a time, and the
    run that kills its worker is recorded as failed."""
    try:
        rows: list[Any] = future.result()
        return rows
    except WorkerDied:
        if len(batch) == 1:
            return [error_row(plan.run(batch[0]), "the worker running it died")]
    out: list[Any] = []
    for run_id in batch:
        single = pool.submit(run_batch, plan, [run_id])
        out.extend(_rows(plan, pool, single, [run_id]))
    return out


def replay(
    store: Store | str | Path, run_id: int, tournament: int | str | None = None
) -> NegotiationResult:
    """Run a stored run again from its record (the stored configuration and seed)."""
    from accord.runner import run

    db = store if isinstance(store, Store) else Store(store)
    try:
        row = db.tournament(tournament)
        record = db.run(row.id, run_id)
    finally:
        if db is not store:
            db.close()
    plan = make_plan(TournamentConfig.from_dict(row.config))
    spec = plan.spec(run_id)
    if spec.seed != record["seed"] or list(spec.parties) != record["participants"]:
        raise AccordError(f"run {run_id}: the stored record does not match its plan")
    return run(spec)
