"""Agents that raise, hang, offer outside the space or allocate without bound are failed runs
with the reason; the rest of the tournament completes. Dead workers are replaced."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from accord.storage import Store
from accord.tournaments import make_plan, parse_config, run_tournament
from accord.tournaments.executors import ProcessExecutor

PLUGIN = str(Path(__file__).resolve().parents[2] / "fixtures" / "misbehaving_agents.py")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="isolation needs fork")


def rows(path):
    with Store(path) as db:
        return list(db.runs(db.tournament().id))


def test_isolated_misbehaving_agents_fail_with_their_reason(tmp_path):
    cfg = parse_config(
        {
            "name": "hostile",
            "agents": ["boulware", "test-raiser", "test-hanger", "test-outsider", "test-hog"],
            "scenarios": ["job-offer"],
            "rounds": 20,
            "rotate_roles": False,
            "self_play": False,
            "isolation": "process",
            "limits": {"seconds": 1.0, "memory_mb": 256},
            "plugins": [PLUGIN],
        }
    )
    summary = run_tournament(cfg, tmp_path / "r.db")
    got = {tuple(r["participants"]): r for r in rows(tmp_path / "r.db")}
    assert summary.completed == summary.planned == len(got) == 10
    # the first misbehaving agent asked for an offer is the one that fails
    expected = {
        ("boulware", "test-raiser"): ("test-raiser", "planted failure"),
        ("boulware", "test-hanger"): ("test-hanger", "RunTimeLimit"),
        ("boulware", "test-outsider"): ("test-outsider", "not an outcome"),
        ("boulware", "test-hog"): ("test-hog", "MemoryError"),
        ("test-raiser", "test-hanger"): ("test-raiser", "planted failure"),
        ("test-hanger", "test-hog"): ("test-hanger", "RunTimeLimit"),
        ("test-outsider", "test-hog"): ("test-outsider", "not an outcome"),
        ("test-hog", "test-outsider"): None,  # not a seating (combinations)
    }
    for seats, want in expected.items():
        if want is None:
            continue
        r = got[seats]
        assert r["status"] == "failed", (seats, r)
        assert r["failed"] == want[0], (seats, r)
        assert want[1] in r["error"], (seats, r)
    assert summary.failed == 10  # every pair holds a misbehaving agent


def test_without_isolation_raising_and_illegal_offers_still_fail_cleanly(tmp_path):
    cfg = parse_config(
        {
            "name": "hostile",
            "agents": ["boulware", "test-raiser", "test-outsider"],
            "scenarios": ["job-offer"],
            "rounds": 20,
            "plugins": [PLUGIN],
        }
    )
    summary = run_tournament(cfg, tmp_path / "r.db")
    stored = rows(tmp_path / "r.db")
    assert summary.completed == 9 and summary.failed == 8
    assert [r["status"] for r in stored if r["participants"] == ["boulware", "boulware"]] == [
        "done"
    ]
    assert {r["failed"] for r in stored if r["status"] == "failed"} == {
        "test-raiser",
        "test-outsider",
    }


def test_a_killed_worker_is_replaced_and_the_tournament_completes(tmp_path, monkeypatch):
    marker = tmp_path / "killed-once"
    monkeypatch.setenv("ACCORD_TEST_KILL_ONCE", str(marker))
    config = {
        "name": "killer",
        "agents": ["boulware", "conceder", "test-killer"],
        "scenarios": ["job-offer"],
        "rounds": 20,
        "repetitions": 4,
        "plugins": [PLUGIN],
    }
    pool = ProcessExecutor(2)
    try:
        summary = run_tournament(parse_config(config), tmp_path / "p.db", executor=pool)
        assert pool.replaced >= 1
    finally:
        pool.shutdown()
    assert marker.exists()  # a worker really was killed mid-batch
    serial = run_tournament(parse_config(config), tmp_path / "s.db")  # marker exists: no kill
    assert summary.completed == summary.planned == serial.completed == 36
    assert summary.failed == 0

    def strip(rs):
        return [{k: v for k, v in r.items() if k != "seconds"} for r in rs]

    assert strip(rows(tmp_path / "p.db")) == strip(rows(tmp_path / "s.db"))


def test_a_run_that_always_kills_its_worker_is_recorded_as_failed(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TEST_KILL_ALWAYS", "1")
    cfg = parse_config(
        {
            "name": "killer",
            "agents": ["boulware", "test-killer"],
            "scenarios": ["job-offer"],
            "rounds": 20,
            "rotate_roles": False,
            "plugins": [PLUGIN],
        }
    )
    pool = ProcessExecutor(2, max_attempts=1)
    try:
        summary = run_tournament(cfg, tmp_path / "r.db", executor=pool)
    finally:
        pool.shutdown()
    stored = {tuple(r["participants"]): r for r in rows(tmp_path / "r.db")}
    assert summary.completed == summary.planned == len(make_plan(cfg)) == 3
    assert stored[("boulware", "boulware")]["status"] == "done"
    for seats in (("boulware", "test-killer"), ("test-killer", "test-killer")):
        assert stored[seats]["status"] == "failed"
        assert "worker running it died" in stored[seats]["error"]


def test_a_call_a_worker_cannot_load_fails_that_call_only():
    from accord.errors import AccordError

    class Here:  # pickled as a call of this test module, which a worker cannot import
        def __reduce__(self):
            return (_nowhere, ())

    pool = ProcessExecutor(1)
    try:
        bad = pool.submit(len, Here())
        with pytest.raises(AccordError, match="could not load the call"):
            bad.result(timeout=60)
        assert pool.submit(len, [1, 2, 3]).result(timeout=60) == 3  # the worker lives on
        assert pool.replaced == 0
    finally:
        pool.shutdown()


def _nowhere():
    raise RuntimeError("not reached")
