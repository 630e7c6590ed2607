"""``accord tournament`` and ``accord export``: summary, resume, errors as one line."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from accord.cli.main import app

CONFIG = """\
name: cli
agents: [boulware, conceder]
scenarios: [job-offer]
rounds: 20
repetitions: 3
"""


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_tournament_json_summary_then_resume_and_export(tmp_path):
    cfg = tmp_path / "t.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    db = tmp_path / "r.db"
    r = invoke("tournament", cfg, "--store", db, "--json")
    assert r.exit_code == 0, r.output
    first = json.loads(r.stdout)
    assert first["planned"] == first["completed"] == first["ran"] == 12
    assert first["failed"] == 0 and first["executor"] == "serial"
    r = invoke("tournament", "--resume", "--store", db, "--json")
    assert r.exit_code == 0, r.output
    again = json.loads(r.stdout)
    assert (
        again["ran"] == 0
        and again["completed"] == 12
        and again["tournament"] == first["tournament"]
    )
    r = invoke("export", db, "--to", "csv", "-o", tmp_path / "out.csv", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["runs"] == 12
    with (tmp_path / "out.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 12


def test_the_default_store_is_named_after_the_tournament(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(CONFIG, encoding="utf-8")
    r = invoke("tournament", "t.yaml", "--quiet")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "cli.db").exists()
    assert "12/12 runs stored in cli.db (0 failed)" in " ".join(r.stdout.split())


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(CONFIG.replace("conceder", "nobody"), encoding="utf-8")
    r = invoke("tournament", bad, "--store", tmp_path / "r.db")
    assert r.exit_code == 2
    assert r.stderr.strip().count("\n") == 0
    assert f"{bad}:2: agents[1]" in r.stderr
    r = invoke("tournament", "--store", tmp_path / "r.db")
    assert r.exit_code == 2 and "--resume" in r.stderr
    r = invoke("tournament", bad, "--executor", "threads")
    assert r.exit_code == 2
    r = invoke("export", tmp_path / "absent.db")
    assert r.exit_code == 2 and "no such store" in r.stderr
    (tmp_path / "t.yaml").write_text(CONFIG, encoding="utf-8")
    r = invoke(
        "tournament", tmp_path / "t.yaml", "--executor", "threads", "--store", tmp_path / "x.db"
    )
    assert r.exit_code == 2 and "unknown executor" in r.stderr
