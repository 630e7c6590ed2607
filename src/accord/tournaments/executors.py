"""Where a tournament's batches run, behind one :class:`concurrent.futures.Executor` interface.

* :class:`SerialExecutor` — in this process, one batch after another;
* :class:`ProcessExecutor` — a supervised pool of local worker processes: a worker that dies
  (killed, out of memory, a crash in native code) is replaced and the batch it was running is
  given to another worker; a batch that has killed ``max_attempts`` workers fails with
  :class:`WorkerDied` (the tournament then runs its runs one by one, so that only the culprit
  is recorded as failed);
* :class:`~accord.tournaments.cluster.DaskExecutor` — a Dask distributed cluster
  (``pip install accord[dask]``).

Workers are fresh Python processes (:mod:`accord.tournaments.process_worker`) that import
nothing of the program that started them: what they can run is what they can import — built-in
strategies, entry-point plug-ins and the tournament's ``plugins:``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from accord.errors import AccordError

#: Seconds a new worker process may take to import accord and say it is ready.
START_TIMEOUT = 120.0


class WorkerDied(AccordError):
    """A batch killed every worker that ran it."""


class SerialExecutor(Executor):
    """Runs each submitted call at once, in this process."""

    workers = 1

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@dataclass
class _Task:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    attempts: int = 0


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    task: int | None = None


@dataclass
class _State:
    queue: deque[int] = field(default_factory=deque)
    tasks: dict[int, _Task] = field(default_factory=dict)
    next_id: int = 0


def multiprocessing_pipe() -> tuple[Connection, Connection]:
    """A one-way pipe the supervisor waits on beside its workers (to wake it up)."""
    from multiprocessing import Pipe

    return Pipe(duplex=False)


class ProcessExecutor(Executor):
    """A pool of ``workers`` local processes, supervised by a thread of this process."""

    def __init__(self, workers: int | None = None, *, max_attempts: int = 3):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.max_attempts = max_attempts
        self.replaced = 0  # workers that died and were replaced
        self._lock = threading.Lock()
        self._state = _State()
        started = [self._spawn() for _ in range(self.workers)]  # all start at once
        self._pool: list[_Worker] = [self._connect(*pair) for pair in started]
        self._wake_read, self._wake_write = multiprocessing_pipe()
        self._closing = False
        self._thread = threading.Thread(target=self._supervise, name="accord-supervisor")
        self._thread.daemon = True
        self._thread.start()

    def _start(self) -> _Worker:
        """Start a worker and wait until it has imported accord."""
        return self._connect(*self._spawn())

    def _spawn(self) -> tuple[subprocess.Popen[bytes], Connection]:
        """Start a worker process, connected to this one by a socket pair of its own."""
        mine, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(
                [sys.executable, "-m", "accord.tournaments.process_worker", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
            )
        return process, Connection(mine.detach())

    def _connect(self, process: subprocess.Popen[bytes], conn: Connection) -> _Worker:
        """Wait for a started worker to say it is ready."""
        try:
            if not conn.poll(START_TIMEOUT):  # stuck at start: never wait on it for ever
                process.kill()
                raise EOFError
            conn.recv()  # ("ready", pid)
        except (EOFError, OSError):
            conn.close()
            process.wait()
            raise WorkerDied(
                f"a worker process did not start (code {process.returncode})"
            ) from None
        return _Worker(process, conn)

    def pids(self) -> list[int]:
        """The process ids of the current workers."""
        return [w.process.pid for w in self._pool]

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("cannot submit after shutdown")
            task = self._state.next_id
            self._state.next_id += 1
            self._state.tasks[task] = _Task(future, fn, args, kwargs)
            self._state.queue.append(task)
        self._wake_write.send(None)
        return future

    def _dispatch(self) -> None:
        """Give queued tasks to idle workers."""
        with self._lock:
            for worker in self._pool:
                if worker.task is not None or not self._state.queue:
                    continue
                task_id = self._state.queue.popleft()
                task = self._state.tasks[task_id]
                if not task.future.running() and not task.future.set_running_or_notify_cancel():
                    del self._state.tasks[task_id]
                    continue
                worker.task = task_id
                try:  # the call travels pickled apart: a worker that cannot load it says so
                    call = pickle.dumps((task.fn, task.args, task.kwargs))
                    worker.conn.send((task_id, call))
                except Exception as exc:  # the call itself does not pickle
                    worker.task = None
                    del self._state.tasks[task_id]
                    task.future.set_exception(exc)

    def _supervise(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # never leave a caller waiting on a future forever
            with self._lock:
                self._fail_all(WorkerDied(f"the supervisor failed: {exc!r}"))

    def _fail_all(self, error: BaseException) -> None:
        """Close and fail every task not done (the lock is held)."""
        self._closing = True
        lost = [self._state.tasks.pop(t).future for t in list(self._state.tasks)]
        self._state.queue.clear()
        for future in lost:
            if not future.done():
                future.set_exception(error)

    def _loop(self) -> None:
        while True:
            self._dispatch()
            with self._lock:
                if self._closing and not self._state.tasks:
                    return
                waiting: list[Any] = [self._wake_read]
                waiting += [w.conn for w in self._pool if not w.conn.closed]
            ready = wait(waiting, timeout=1.0)
            if self._wake_read in ready:
                while self._wake_read.poll():
                    self._wake_read.recv()
            for index, worker in enumerate(list(self._pool)):
                if worker.conn in ready and not self._answer(worker):
                    self._replace(index, worker)

    def _answer(self, worker: _Worker) -> bool:
        """Take a worker's answer; ``False`` when the worker has died (its connection closed)."""
        try:
            task_id, ok, value = worker.conn.recv()
        except (EOFError, OSError):
            return False
        with self._lock:
            worker.task = None
            task = self._state.tasks.pop(task_id)
        if ok:
            task.future.set_result(value)
        else:
            task.future.set_exception(value)
        return True

    def _replace(self, index: int, dead: _Worker) -> None:
        """A worker died: start another and give its task back to the queue (or fail it)."""
        try:
            code: int | None = dead.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            dead.process.kill()
            code = dead.process.wait()
        dead.conn.close()
        with self._lock:
            if self._closing:
                if dead.task is not None:
                    lost = self._state.tasks.pop(dead.task).future
                    lost.set_exception(WorkerDied("the executor was shut down"))
                return
            self.replaced += 1
            try:
                self._pool[index] = self._start()
            except WorkerDied as exc:  # workers cannot start any more: nothing can run
                self._fail_all(exc)
                return
            if dead.task is None:
                return
            task = self._state.tasks[dead.task]
            task.attempts += 1
            if task.attempts < self.max_attempts:
                self._state.queue.appendleft(dead.task)
                return
            del self._state.tasks[dead.task]
        why = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        task.future.set_exception(
            WorkerDied(f"the batch killed {task.attempts} workers (last: {why})")
        )

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closing = True
            if cancel_futures:
                for task_id in list(self._state.queue):
                    self._state.tasks.pop(task_id).future.cancel()
                self._state.queue.clear()
        self._wake_write.send(None)
        if wait:
            self._thread.join()
        for worker in self._pool:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self._pool:
            try:
                worker.process.wait(timeout=5.0 if wait else 0.1)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.conn.close()
