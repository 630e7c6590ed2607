"""``accord serve`` as a user runs it: a real server process on 127.0.0.1 that prints the
trainer's link, answers it, never writes a participant's token to its output, and continues a
session after it is killed and started again on the same store."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

ACCORD = Path(sys.executable).with_name("accord")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(db: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [str(ACCORD), "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    link = ""
    while time.monotonic() < deadline and not link:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        found = re.search(r"(http://\S+/t/\S+/)", line)
        link = found.group(1) if found else ""
    assert link, "the server printed no trainer's link"
    while time.monotonic() < deadline:
        try:
            if httpx.get(link, timeout=2).status_code == 200:
                return proc, link
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the server did not answer")


def _stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=30)
    return out


@pytest.mark.skipif(not ACCORD.exists(), reason="the accord command is not installed")
def test_serve_prints_the_link_keeps_tokens_out_of_its_log_and_survives_a_kill(tmp_path):
    db = tmp_path / "class.db"
    port = _free_port()
    proc, link = _start(db, port)
    base = f"http://127.0.0.1:{port}"
    admin = link.rstrip("/").rsplit("/", 1)[1]
    try:
        made = httpx.post(
            f"{base}/api/sessions",
            headers={"Authorization": f"Bearer {admin}"},
            json={"scenario": "job-offer", "parties": ["person", "boulware"], "seed": 1},
        ).json()
        token = made["seats"][0]["token"]
        me = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{base}/s/{token}").status_code == 200
        reply = httpx.post(f"{base}/api/seat/move", headers=me, json={"act": "offer", "outcome": 3})
        assert reply.status_code == 200
        assert httpx.get(f"{base}/s/{token}/nothing-here").status_code == 404
    finally:
        out = _stop(proc, signal.SIGKILL)
    assert token not in out  # never logged, not even in a 404

    proc, _ = _start(db, port)  # killed mid-session, started again
    try:
        seat = httpx.get(f"{base}/api/seat", headers=me).json()
        assert seat["moves"] == 1 and seat["seen"]["history"][0]["outcome"] == 3
        assert seat["my_turn"]
    finally:
        out = _stop(proc)
    assert token not in out
