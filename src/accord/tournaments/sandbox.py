"""Isolation for untrusted participants: a run in a process of its own, with limits.

``isolation: process`` in a tournament runs every run that involves a participant not built
into accord in a forked child process:

* **memory** — the child's address space may grow by at most ``limits.memory_mb`` beyond what it
  starts with (``RLIMIT_AS``): an allocation past it raises ``MemoryError`` inside the
  participant's call, which the run records as that participant's failure;
* **time** — a timer interrupts the child after ``limits.seconds``: inside a participant's call
  the interruption is that participant's failure (``RunTimeLimit``); a child that does not
  answer within the limit and a grace period (stuck in native code) is killed, and the run is
  failed run with the reason;
* a child that dies (a crash in native code, a signal) is a failed run with the reason.

The parent process, and with it the tournament, never runs the participant's code. POSIX only.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from accord.errors import AccordError
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.spec import RunSpec
from accord.scenario import Scenario

#: Seconds the parent waits past the time limit before it kills the child.
GRACE = 2.0


class RunTimeLimit(Exception):
    """Raised inside an isolated run when its time limit has passed."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise RunTimeLimit("the run's time limit passed")


def _limit_memory(memory_mb: int) -> None:
    import resource

    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc (not Linux): the limit counts from the largest resident set
        current = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    limit = current + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@dataclass(frozen=True, slots=True)
class Isolated:
    """What a call in an isolated child process came to: ``kind`` is ``ok`` (``value`` is its
    return value), ``raised`` (``value`` is the exception, or its ``repr`` when it does not
    pickle), ``timeout``, ``memory`` (``MemoryError`` past the limit), ``killed`` (no answer
    within the limit and the grace period) or ``died`` (``value`` says how)."""

    kind: str
    value: Any = None


def _child(fn: Callable[[], Any], seconds: float, memory_mb: int, out: int) -> None:
    try:
        _limit_memory(memory_mb)
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            value = fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        answer = Isolated("ok", value)
    except RunTimeLimit:
        answer = Isolated("timeout")
    except MemoryError:
        answer = Isolated("memory")
    except BaseException as exc:
        answer = Isolated("raised", exc)
    try:
        payload = pickle.dumps(answer)
    except Exception:  # an answer that does not pickle: say what it was
        payload = pickle.dumps(Isolated(answer.kind, repr(answer.value)))
    view = memoryview(payload)
    while view:
        view = view[os.write(out, view) :]


def call_isolated(fn: Callable[[], Any], *, seconds: float, memory_mb: int) -> Isolated:
    """Call ``fn()`` in a forked child process, its address space allowed to grow by
    ``memory_mb`` and interrupted after ``seconds`` (killed ``GRACE`` seconds later)."""
    if not hasattr(os, "fork"):
        raise AccordError("isolation needs a POSIX system (fork)")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: call, write the answer, leave without cleanup
        code = 0
        try:
            os.close(read)
            _child(fn, seconds, memory_mb, write)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    try:
        data, timed_out = _read(read, seconds + GRACE)
    finally:
        os.close(read)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return Isolated("killed", f"no answer within {seconds:g} s (+{GRACE:g} s grace)")
    if not data:
        if os.WIFSIGNALED(status):
            return Isolated("died", f"signal {os.WTERMSIG(status)}")
        return Isolated("died", f"exit code {os.waitstatus_to_exitcode(status)}")
    answer: Isolated = pickle.loads(data)
    return answer


def run_isolated(
    spec: RunSpec, scenario: Scenario, *, seconds: float, memory_mb: int
) -> NegotiationResult:
    """Run ``spec`` in a forked child process within the limits (see the module)."""
    from accord.runner import run

    answer = call_isolated(
        partial(run, spec, scenario=scenario), seconds=seconds, memory_mb=memory_mb
    )
    if answer.kind == "ok":
        result: NegotiationResult = answer.value
        return result
    reason = {
        "timeout": f"the run exceeded its time limit of {seconds:g} s",
        "memory": f"the run exceeded its memory limit of {memory_mb} MB",
        "raised": f"the run raised {answer.value!r}",
        "killed": f"killed: {answer.value}",
        "died": f"the isolated run died ({answer.value})",
    }[answer.kind]
    raise AccordError(reason)


def _read(fd: int, timeout: float) -> tuple[bytes, bool]:
    """Everything written to ``fd`` until it closes, or what came before ``timeout``."""
    chunks: list[bytes] = []
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return b"".join(chunks), True
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
