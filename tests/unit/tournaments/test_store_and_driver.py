"""Running tournaments into a store: completeness, resume without duplicates, replay, failures,
exports, progress."""

from __future__ import annotations

import csv
import json
import sqlite3
import zlib

import pytest

import accord
from accord.errors import StorageError
from accord.storage import RUN_COLUMNS, Store, export
from accord.tournaments import Progress, make_plan, parse_config, replay, run_tournament

SMALL = {
    "name": "small",
    "agents": ["boulware", "conceder", "tit-for-tat"],
    "scenarios": ["job-offer", "river-basin"],
    "rounds": 30,
    "repetitions": 2,
    "seed": 11,
}


def records(path, *, keep_seconds=False):
    """Every stored run (without the duration unless asked), by id."""
    with Store(path) as db:
        out = list(db.runs(db.tournament().id))
    if not keep_seconds:
        for r in out:
            del r["seconds"]
    return out


def test_a_tournament_stores_every_planned_run_once(tmp_path):
    cfg = parse_config(SMALL)
    seen: list[Progress] = []
    summary = run_tournament(cfg, tmp_path / "r.db", progress=seen.append)
    planned = len(make_plan(cfg))
    assert summary.planned == summary.completed == summary.ran == planned == 3 * 3 * 2 + 27 * 2
    assert summary.failed == 0
    assert [p.done for p in seen] == sorted(p.done for p in seen) and seen[-1].done == planned
    rows = records(tmp_path / "r.db")
    assert [r["run_id"] for r in rows] == list(range(planned))
    assert {r["status"] for r in rows} == {"done"}
    plan = make_plan(cfg)
    for r in rows[:: max(1, planned // 10)]:
        spec = plan.spec(r["run_id"])
        assert (r["seed"], r["participants"], r["scenario"]) == (
            spec.seed,
            list(spec.parties),
            spec.scenario,
        )
        u = [x for x in r["utilities"]]
        assert r["welfare"] == pytest.approx(sum(u))
        assert r["pareto_distance"] >= 0 and r["nash_distance"] >= 0
    with Store(tmp_path / "r.db") as db:
        t = db.tournament()
        assert t.finished is not None and t.planned == planned and t.root_seed == 11
        assert t.config == cfg.to_dict()
    con = sqlite3.connect(tmp_path / "r.db")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_rerunning_skips_finished_runs_and_fills_the_gaps(tmp_path):
    cfg = parse_config(SMALL)
    full = tmp_path / "full.db"
    run_tournament(cfg, full)
    part = tmp_path / "part.db"
    run_tournament(cfg, part)
    con = sqlite3.connect(part)
    with con:
        con.execute("DELETE FROM runs WHERE run_id % 3 = 1 OR run_id > 60")
    con.close()
    missing = len(make_plan(cfg)) - len(records(part))
    again = run_tournament(cfg, part)
    assert again.ran == missing > 0
    assert again.completed == again.planned
    assert records(part) == records(full)
    assert run_tournament(cfg, part).ran == 0
    with Store(part) as db:
        assert len(db.tournaments()) == 1


def test_another_configuration_is_another_tournament_in_the_same_store(tmp_path):
    path = tmp_path / "r.db"
    run_tournament(parse_config(SMALL), path)
    run_tournament(parse_config({**SMALL, "seed": 12, "scenarios": ["job-offer"]}), path)
    with Store(path) as db:
        ts = db.tournaments()
        assert len(ts) == 2
        assert db.counts(ts[0].id)["completed"] == 72 and db.counts(ts[1].id)["completed"] == 18
        assert db.tournament("small").id == ts[1].id  # the latest of that name
        with pytest.raises(StorageError, match="no tournament 'nope'"):
            db.tournament("nope")


def test_the_same_config_gives_the_same_records(tmp_path):
    run_tournament(parse_config(SMALL), tmp_path / "a.db")
    run_tournament(parse_config(SMALL), tmp_path / "b.db")
    assert records(tmp_path / "a.db") == records(tmp_path / "b.db")
    run_tournament(parse_config({**SMALL, "seed": 12}), tmp_path / "c.db")
    assert records(tmp_path / "c.db") != records(tmp_path / "a.db")


def test_any_stored_run_replays_from_its_record(tmp_path):
    path = tmp_path / "r.db"
    run_tournament(parse_config(SMALL), path)
    for stored in records(path)[::17]:
        result = replay(path, stored["run_id"])
        assert result.seed == stored["seed"]
        assert [round(u, 12) for u in result.utilities] == [
            round(u, 12) for u in stored["utilities"]
        ]
        assert result.rounds == stored["rounds"] and result.outcome == stored["agreement"]


def test_traces_are_stored_when_asked(tmp_path):
    path = tmp_path / "r.db"
    run_tournament(parse_config({**SMALL, "traces": True, "scenarios": ["job-offer"]}), path)
    with Store(path) as db:
        run = db.run(db.tournament().id, 4)
    events = json.loads(zlib.decompress(run["trace"]))
    assert events and len([e for e in events if e["kind"] == "offer"]) >= 1
    assert max(e["round"] for e in events) <= run["rounds"]


def test_a_failing_agent_is_a_failed_run_not_a_failed_tournament(tmp_path):
    from accord.agents import AgentBase
    from accord.mechanisms import Response

    class Broken(AgentBase):
        def propose(self, view):
            raise ValueError("no offer today")

        def respond(self, view, offer, proposer):
            return Response.REJECT

    accord.register_agent("test-broken", Broken)
    try:
        cfg = parse_config(
            {**SMALL, "agents": ["boulware", "test-broken"], "scenarios": ["job-offer"]}
        )
        summary = run_tournament(cfg, tmp_path / "r.db")
    finally:
        from accord.registry import AGENTS

        AGENTS.remove("test-broken")
    rows = records(tmp_path / "r.db")
    broken = [r for r in rows if "test-broken" in r["participants"]]
    assert summary.completed == len(rows) == 8 and summary.failed == len(broken) == 6
    for r in broken:
        assert r["status"] == "failed" and r["failed"] == "test-broken"
        assert "ValueError" in r["error"] and "no offer today" in r["error"]
    assert all(r["status"] == "done" for r in rows if r not in broken)


def test_stores_that_are_not_ours_are_refused(tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE x (a)")
    con.close()
    with pytest.raises(StorageError, match="not an accord store"):
        Store(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StorageError, match="not an accord store"):
        Store(junk)
    newer = tmp_path / "newer.db"
    Store(newer).close()
    con = sqlite3.connect(newer)
    with con:
        con.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    con.close()
    with pytest.raises(StorageError, match="schema version 99"):
        Store(newer)


def test_exports_have_one_row_per_run(tmp_path):
    path = tmp_path / "r.db"
    run_tournament(parse_config(SMALL), path)
    n = export(path, tmp_path / "r.csv")
    with (tmp_path / "r.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == 72
    assert set(RUN_COLUMNS[:-1]) <= set(rows[0])
    assert json.loads(rows[5]["utilities"]) == records(path)[5]["utilities"]
    pq = pytest.importorskip("pyarrow.parquet")
    assert export(path, tmp_path / "r.parquet", to="parquet") == 72
    table = pq.read_table(tmp_path / "r.parquet")
    assert table.num_rows == 72
    assert table.column("participants")[3].as_py() == json.loads(rows[3]["participants"])
    with pytest.raises(StorageError, match="unknown export format"):
        export(path, tmp_path / "r.x", to="xlsx")


def test_strategies_only_this_process_knows_are_refused_for_worker_processes(tmp_path):
    from accord.agents.time_based import Boulware
    from accord.errors import ConfigError
    from accord.registry import AGENTS

    class Local(Boulware):
        """Registered at run time: worker processes never heard of it."""

    Local.__module__ = "__main__"
    accord.register_agent("test-local", Local)
    try:
        cfg = parse_config({**SMALL, "agents": ["boulware", "test-local"]})
        with pytest.raises(ConfigError, match="registered in this process only"):
            run_tournament(cfg, tmp_path / "r.db", executor="process", workers=1)
        assert not (tmp_path / "r.db").exists()
        assert run_tournament(cfg, tmp_path / "s.db").failed == 0  # serial: fine
    finally:
        AGENTS.remove("test-local")


def test_the_batch_size_does_not_make_another_tournament(tmp_path):
    path = tmp_path / "r.db"
    run_tournament(parse_config({**SMALL, "batch": 7}), path)
    again = run_tournament(parse_config({**SMALL, "batch": 50}), path)
    assert again.ran == 0 and again.completed == 72
