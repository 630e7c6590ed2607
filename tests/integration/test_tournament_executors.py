"""The same tournament gives the same records on every executor: serial, local processes, a
real Dask cluster (a scheduler and two workers started here as separate processes, as on
separate machines) and a ``LocalCluster`` that accord starts and stops itself.

Every process the tests start runs in a process group of its own and is killed with its group
on teardown, whether the test passed or not; teardown fails if any of them outlives it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed", reason="the Dask executor needs distributed")
import dask
import psutil  # a dependency of distributed
from distributed import Client

from accord.registry import AGENTS
from accord.storage import Store
from accord.tournaments import make_plan, parse_config, run_tournament

#: 5 agents on 2 two-party scenarios, every ordered pair with self-play (25 seatings), each
#: side moving first in turn, twice: 200 runs of at most 60 rounds, with their traces.
STUDY = {
    "name": "executors",
    "agents": ["boulware", "conceder", "random", "micro", "aspiration"],
    "scenarios": ["job-offer", "supply-contract"],
    "rounds": 60,
    "repetitions": 2,
    "alternate_first": True,
    "traces": True,
    "seed": 11,
    "batch": 10,
}
RUNS = 5 * 5 * 2 * 2 * 2
#: Seconds to wait for the cluster to come up and to go down.
START_TIMEOUT = 45.0
STOP_TIMEOUT = 10.0


def records(path: Path) -> list[dict[str, Any]]:
    """Every stored run of the store's tournament, all columns but the duration (``seconds``);
    traces decoded, without their wall-clock times."""
    with Store(path) as store:
        tid = store.tournament().id
        out = []
        for row in store.runs(tid, with_trace=True):
            del row["seconds"]
            events = json.loads(zlib.decompress(row.pop("trace")))
            row["trace"] = [{k: v for k, v in e.items() if k != "time"} for e in events]
            out.append(row)
    return out


@pytest.fixture(scope="module")
def config():
    cfg = parse_config(STUDY)
    assert len(make_plan(cfg)) == RUNS
    return cfg


@pytest.fixture(scope="module")
def serial_records(config, tmp_path_factory):
    path = tmp_path_factory.mktemp("serial") / "serial.db"
    summary = run_tournament(config, path, executor="serial")
    assert (summary.completed, summary.failed) == (RUNS, 0)
    rows = records(path)
    assert len({r["agreed"] for r in rows}) == 2  # some runs agree, some do not
    assert len({r["seed"] for r in rows}) == RUNS
    # the seeds matter: a repetition of a seating with the random agent negotiates otherwise
    by_seating: dict[str, list[Any]] = {}
    for r in rows:
        key = json.dumps([r["scenario"], r["participants"], r["options"]])
        by_seating.setdefault(key, []).append(r["trace"])
    assert any(a != b for a, b in by_seating.values())
    return rows


# -- a Dask cluster of separate processes --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Processes:
    """Processes started in process groups of their own, logging to files; :meth:`stop` kills
    each group and checks that nothing of it is left."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.folder,
            start_new_session=True,  # its own process group: killed with its children
        )
        log.close()
        self.started.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.folder.glob("*.log"))
        )

    def stop(self) -> None:
        family: list[psutil.Process] = []
        for process in reversed(self.started):  # workers first, the scheduler last
            try:
                family += [psutil.Process(process.pid)]
                family += psutil.Process(process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
            _kill_group(process, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _kill_group(process, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT)
        _, alive = psutil.wait_procs(family, timeout=STOP_TIMEOUT)
        for leftover in alive:
            leftover.kill()
        left = [p.pid for p in alive if _running(p)]
        assert not left, f"processes outlived the cluster: {left}"


def _kill_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)  # start_new_session: the group id is the leader's pid


def _ours(process: psutil.Process) -> bool:
    """A running process, not multiprocessing's resource tracker (one per process that uses
    multiprocessing, it lives as long as this process does)."""
    try:
        return _running(process) and "resource_tracker" not in " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return False


def _running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A scheduler on a free port of 127.0.0.1 and two single-threaded workers, each in a
    process of its own (and a nanny); yields the scheduler's address."""
    folder = tmp_path_factory.mktemp("cluster")
    address = f"tcp://127.0.0.1:{free_port()}"
    processes = Processes(folder)
    try:
        processes.start(
            "scheduler",
            "distributed.cli.dask_scheduler",  # the `dask scheduler` command
            "--host",
            "127.0.0.1",
            "--port",
            address.rsplit(":", 1)[1],
            "--no-dashboard",
            "--dashboard-address",
            "127.0.0.1:0",  # the HTTP server starts anyway: a free port, not 8787
            "--idle-timeout",
            "300s",  # gone by itself should this test process be killed
        )
        for i in range(2):
            processes.start(
                f"worker-{i}",
                "distributed.cli.dask_worker",  # the `dask worker` command
                address,
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                "--local-directory",
                str(folder / f"worker-{i}"),
                "--death-timeout",
                "60s",
            )
        try:
            with Client(address, timeout=START_TIMEOUT) as client:
                client.wait_for_workers(2, timeout=START_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            pytest.fail(f"the Dask cluster did not start: {exc!r}\n{processes.logs()}")
        yield address
    finally:
        processes.stop()


# -- the tests -----------------------------------------------------------------------------------


def test_local_processes_give_the_serial_records(config, serial_records, tmp_path):
    summary = run_tournament(config, tmp_path / "process.db", executor="process", workers=2)
    assert (summary.completed, summary.ran, summary.workers) == (RUNS, RUNS, 2)
    assert records(tmp_path / "process.db") == serial_records


def test_a_dask_cluster_gives_the_serial_records(config, serial_records, dask_cluster, tmp_path):
    with Client(dask_cluster, timeout=START_TIMEOUT) as observer:
        observer.get_task_stream()  # the scheduler records the tasks from now on
        summary = run_tournament(
            config, tmp_path / "dask.db", executor="dask", address=dask_cluster
        )
        ran_on = {task["worker"] for task in observer.get_task_stream()}
    assert (summary.completed, summary.ran, summary.workers) == (RUNS, RUNS, 2)
    assert len(ran_on) == 2, f"the batches ran on {ran_on}, not on both workers"
    assert records(tmp_path / "dask.db") == serial_records


def test_dask_without_an_address_starts_and_stops_a_local_cluster(config, serial_records, tmp_path):
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    summary = run_tournament(config, tmp_path / "local.db", executor="dask", workers=2)
    assert (summary.completed, summary.workers) == (RUNS, 2)
    assert records(tmp_path / "local.db") == serial_records
    deadline = time.monotonic() + STOP_TIMEOUT
    while True:
        left = [p for p in me.children(recursive=True) if p.pid not in before and _ours(p)]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not left, f"the local cluster left processes behind: {[p.cmdline() for p in left]}"


KILLER = """
import os
import signal

import accord
from accord.agents import AgentBase
from accord.mechanisms import Response


class KillsItsWorker(AgentBase):
    def propose(self, view):
        os.kill(os.getpid(), signal.SIGKILL)

    def respond(self, view, offer, proposer):
        return Response.REJECT


if "kills-its-worker" not in {s.id for s in accord.strategies("agent")}:
    accord.register_agent("kills-its-worker", KillsItsWorker)
"""


@pytest.fixture
def killer_plugin(tmp_path):
    path = tmp_path / "killer.py"
    path.write_text(KILLER, encoding="utf-8")
    yield str(path)
    if "kills-its-worker" in AGENTS.all():
        AGENTS.remove("kills-its-worker")


def test_a_run_that_kills_its_dask_worker_is_a_failed_run(killer_plugin, tmp_path):
    """Not an error that ends the tournament (Dask's ``KilledWorker``). One run only: Dask
    counts a worker's death against every batch assigned to that worker, so which of several
    batches is blamed depends on scheduling."""
    cfg = parse_config(
        {
            "name": "killer",
            "agents": ["kills-its-worker"],
            "scenarios": ["job-offer"],
            "rounds": 20,
            "plugins": [killer_plugin],
        }
    )
    # the local cluster's scheduler runs in this process: the batch fails with its first death
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        summary = run_tournament(cfg, tmp_path / "k.db", executor="dask", workers=2)
    assert (summary.planned, summary.completed, summary.failed) == (1, 1, 1)
    with Store(tmp_path / "k.db") as store:
        (run,) = store.runs(summary.tournament)
    assert run["status"] == "failed" and "worker running it died" in run["error"]
