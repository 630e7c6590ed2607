"""``accord report STORE``: leaderboard tables, ``--json`` (the library's ``to_dict``),
``--html`` (one offline file), ``--tournament``, and exit 2 with one line on bad input."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from accord.cli.main import app
from accord.storage import Store
from accord.tournaments import parse_config, run_tournament

runner = CliRunner()
CONFIG = {
    "name": "cli-report",
    "agents": ["boulware", "conceder", "hardliner"],
    "scenarios": ["job-offer"],
    "rounds": 30,
    "repetitions": 2,
    "seed": 4,
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "results.db"
    run_tournament(parse_config(CONFIG), path)
    run_tournament(parse_config({**CONFIG, "name": "cli-report-2", "repetitions": 1}), path)
    return path


def invoke(*args, **kwargs):
    return runner.invoke(app, ["report", *map(str, args)], **kwargs)


def test_json_has_the_counts_and_one_leaderboard_row_per_agent(store):
    r = invoke(store, "--json", "--tournament", "cli-report", "--resamples", "200")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    with Store(store) as db:
        row = db.tournament("cli-report")
        runs = list(db.runs(row.id))
    assert (data["planned"], data["completed"], data["failed"]) == (18, len(runs), 0)
    assert data["tournament"]["name"] == "cli-report" and data["tournament"]["id"] == row.id
    assert data["config"]["agents"] == CONFIG["agents"] and data["resamples"] == 200
    board = data["boards"][0]
    assert board["role"] == "agent"
    assert sorted(r["strategy"] for r in board["leaderboard"]) == sorted(CONFIG["agents"])
    for entry in board["leaderboard"]:
        mine = [r for r in runs if entry["strategy"] in r["participants"]]
        assert entry["runs"] == len(mine)
        rate = sum(r["agreed"] for r in mine) / len(mine)
        assert entry["agreement"]["mean"] == pytest.approx(rate)
        u = entry["utility"]
        assert u["low"] <= u["mean"] <= u["high"] and u["method"] in ("multinomial", "resample")
    assert "percentile bootstrap" in data["ci_method"]


def test_the_latest_tournament_by_default_and_another_by_id(store):
    latest = json.loads(invoke(store, "--json", "--resamples", "50").stdout)
    assert latest["tournament"]["name"] == "cli-report-2" and latest["planned"] == 9
    first = json.loads(invoke(store, "--json", "--tournament", "1", "--resamples", "50").stdout)
    assert first["tournament"]["name"] == "cli-report"


def test_text_output_shows_the_leaderboard_and_writes_html(store, tmp_path):
    page = tmp_path / "report.html"
    r = invoke(store, "--tournament", "cli-report", "--html", page, env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    for words in ("Agent leaderboard", "boulware", "hardliner", "95 % CI", "Scenarios"):
        assert words in r.stdout
    assert "18/18 runs stored" in r.stdout and str(page) in r.stdout
    assert max(len(line.rstrip()) for line in r.stdout.splitlines()) <= 80
    html = page.read_text(encoding="utf-8")
    assert "cli-report" in html and html.count('src="data:image/png;base64,') == 3
    assert not re.search(r"""(?:src|href)\s*=\s*(?!["']?data:)""", html)


def test_the_same_seed_gives_the_same_json(store):
    once = invoke(store, "--json", "--seed", "3", "--resamples", "100").stdout
    assert once == invoke(store, "--json", "--seed", "3", "--resamples", "100").stdout
    assert once != invoke(store, "--json", "--seed", "4", "--resamples", "100").stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no such store"),
        (lambda p: p.write_text("hello, I am not SQLite " * 50), "not an accord store"),
        (lambda p: p.mkdir(), "a folder"),
    ],
)
def test_bad_stores_exit_2_with_one_line(tmp_path, make, message):
    path = tmp_path / "bad.db"
    make(path)
    r = invoke(path, "--json")
    assert r.exit_code == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.output
    if message == "no such store":
        assert not path.exists()  # a report never creates a store


def test_an_unknown_tournament_and_an_unwritable_page_exit_2(store, tmp_path):
    r = invoke(store, "--tournament", "nope")
    assert r.exit_code == 2 and "no tournament 'nope'" in r.stderr
    r = invoke(store, "--html", tmp_path / "missing-folder" / "r.html")
    assert r.exit_code == 2 and "cannot write" in r.stderr
