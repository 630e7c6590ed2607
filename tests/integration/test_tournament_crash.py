"""A tournament SIGKILLed at a random point loses nothing committed, duplicates nothing, and
once resumed holds exactly the records of an uninterrupted run."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accord.storage import Store
from accord.tournaments import load_config, make_plan, run_tournament

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tournament.yaml"
CLI = [sys.executable, "-c", "from accord.cli.main import app; app()"]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and process groups")


def stored(path: Path) -> int:
    if not path.exists():
        return 0
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return int(con.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        con.close()


def records(path: Path) -> list[dict]:
    with Store(path) as db:
        rows = list(db.runs(db.tournament().id))
    for r in rows:
        del r["seconds"]
    return rows


def gone(pgid: int, within: float) -> bool:
    """Whether every process of the group has exited within ``within`` seconds."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> list[dict]:
    path = tmp_path_factory.mktemp("reference") / "ref.db"
    run_tournament(load_config(EXAMPLE), path)
    return records(path)


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_sigkill_at_a_random_point_then_resume(tmp_path, reference, executor):
    planned = len(make_plan(load_config(EXAMPLE)))
    seed = random.SystemRandom().randrange(2**32)
    # well before the end, so that the kill lands while runs are left even on a loaded machine
    threshold = random.Random(seed).randint(1, planned - 400)
    config = tmp_path / "tournament.yaml"  # the example, stored 50 runs at a time
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + "batch: 50\n", encoding="utf-8")
    db = tmp_path / "r.db"
    proc = subprocess.Popen(
        [
            *CLI,
            "tournament",
            str(config),
            "--store",
            str(db),
            "--executor",
            executor,
            "--workers",
            "2",
            "--quiet",
        ],
        start_new_session=True,
    )
    try:
        while stored(db) < threshold and proc.poll() is None:
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # the driver's workers notice and leave: nothing is left running
        assert gone(proc.pid, within=15), f"orphans left (seed {seed})"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    before = stored(db)
    assert proc.returncode == -signal.SIGKILL, f"finished before the kill (seed {seed})"
    assert threshold <= before < planned, (seed, before)
    # resume from the store alone (its stored configuration)
    done = subprocess.run(
        [*CLI, "tournament", "--resume", "--store", str(db), "--quiet", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    after = records(db)
    assert len(after) == planned == len({r["run_id"] for r in after})
    assert after == reference, f"records differ from an uninterrupted run (seed {seed})"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
