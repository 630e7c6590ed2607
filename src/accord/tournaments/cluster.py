"""Tournaments on a Dask distributed cluster (``pip install accord[dask]``).

:class:`DaskExecutor` submits batches to a running cluster (``address="tcp://HOST:PORT"``, the
scheduler's address) or, without an address, to a ``LocalCluster`` of ``workers`` processes it
starts and stops itself. Every worker imports accord (and the tournament's ``plugins:``), loads
each scenario once and keeps it; the results come back to the process that runs the tournament,
which alone writes the store. The same configuration gives the same records as the serial and
process executors.

Dask counts a worker's death against every batch assigned to that worker; a batch counted more
than ``distributed.scheduler.allowed-failures`` times (3 by default) fails with Dask's
``KilledWorker``, which becomes :class:`~accord.tournaments.executors.WorkerDied`, as on local
processes: the tournament then runs that batch's runs one by one and records the one that kills
its worker as failed, instead of stopping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

from accord.errors import AccordError
from accord.tournaments.executors import WorkerDied


class DaskExecutor(Executor):
    """An :class:`~concurrent.futures.Executor` over a Dask distributed client."""

    def __init__(self, address: str | None = None, workers: int | None = None):
        try:
            from distributed import Client, KilledWorker, LocalCluster
        except ImportError:
            raise AccordError(
                "the dask executor needs Dask distributed: pip install 'accord[dask]'"
            ) from None
        self._cluster: Any = None
        if address is None:
            self._cluster = _local_cluster(LocalCluster, workers or 2)
            self._client: Any = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout=30)
            except OSError as exc:
                raise AccordError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        self._pending: dict[int, Any] = {}  # Dask futures are cancelled once unreferenced
        self._lock = threading.Lock()
        self._next = 0
        self._killed: type[Exception] = KilledWorker

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()
        remote = self._client.submit(fn, *args, pure=False, **kwargs)
        with self._lock:
            key = self._next
            self._next += 1
            self._pending[key] = remote

        def done(finished: Any) -> None:
            with self._lock:
                self._pending.pop(key, None)
            try:
                future.set_result(finished.result())
            except self._killed as exc:
                future.set_exception(WorkerDied(f"the batch killed its Dask workers: {exc}"))
            except BaseException as exc:
                future.set_exception(exc)

        remote.add_done_callback(done)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            pending = list(self._pending.values())
        if cancel_futures and pending:
            self._client.cancel(pending)
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _local_cluster(cls: Any, workers: int) -> Any:
    """A cluster of ``workers`` single-threaded worker processes on this machine, without a
    dashboard. ``worker-saturation`` 1: once a tournament has more batches in flight than twice
    the workers (Dask then queues them on the scheduler), a worker holds only the batch it runs,
    so that a worker's death is counted against the batch that killed it alone."""
    import dask

    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
        return cls(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # the scheduler's HTTP server (always started) on a free port of this host only
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        )
