"""``--trace FILE`` streams the trace: the same lines as the run's trace, and Ctrl-C leaves a
file of whole events (exit 130)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from accord.cli.main import app

WITHOUT_TIME = ("round", "kind", "party", "outcome", "note", "recipient")


def _events(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize(
    "args",
    [
        ["negotiate", "job-offer", "-a", "boulware", "-a", "conceder", "--rounds", "200"],
        ["mediate", "job-offer", "-m", "hill-climbing", "--rounds", "40"],
        ["mediate", "hostage-release-2023", "--phased"],
    ],
    ids=["negotiate", "single-text", "caucus-phased"],
)
def test_trace_file_holds_the_runs_trace(args, tmp_path):
    path = tmp_path / "t.jsonl"
    r = CliRunner().invoke(app, [*args, "--trace", str(path), "--json"])
    assert r.exit_code == 0, r.output
    shown = json.loads(r.stdout)["trace"]
    written = _events(path)
    assert written == shown and len(written) > 3  # --json reads the streamed file back
    plain = CliRunner().invoke(app, [*args, "--json", "--trace", str(tmp_path / "again.jsonl")])
    assert plain.exit_code == 0
    again = _events(tmp_path / "again.jsonl")
    strip = [{k: e.get(k) for k in WITHOUT_TIME} for e in written]
    assert strip == [{k: e.get(k) for k in WITHOUT_TIME} for e in again]
    text = CliRunner().invoke(app, [*args, "--trace", str(path)])
    assert text.exit_code == 0 and f"trace written to {path}" in text.stdout.replace("\n", "")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_leaves_a_file_of_whole_events_and_exits_130(tmp_path):
    path = tmp_path / "t.jsonl"
    code = "from accord.cli.main import app; app()"
    cmd = [sys.executable, "-c", code, "negotiate", "job-offer", "-a", "hardliner"]
    cmd += ["-a", "hardliner", "--rounds", "10000000", "--trace", str(path)]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (path.exists() and path.stat().st_size > 200_000):
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    assert "interrupted" in err and str(path) in err.replace("\n", "")
    data = path.read_bytes()
    assert data.endswith(b"\n")
    events = [json.loads(line) for line in data.decode().splitlines()]  # every line parses
    assert len(events) > 2000 and events[-1]["kind"] in ("offer", "reject")
    assert [e["round"] for e in events] == sorted(e["round"] for e in events)
    assert os.path.getsize(path) == len(data)
