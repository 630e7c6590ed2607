"""The top-level API: its results' to_dict() is what the CLI prints with --json."""

import json

from typer.testing import CliRunner

import accord
from accord.cli.main import app


def cli_json(*args: str):
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_analyze_matches_cli_except_timings():
    api = accord.analyze(accord.load("job-offer")).to_dict()
    cli = cli_json("analyze", "job-offer")
    api.pop("timings"), cli.pop("timings")
    assert api == cli


def test_negotiate_and_mediate_match_cli_except_seconds():
    api = accord.negotiate("job-offer", ["boulware", "conceder"], seed=3).to_dict()
    cli = cli_json("negotiate", "job-offer", "-a", "boulware", "-a", "conceder", "--seed", "3")
    api.pop("seconds"), cli.pop("seconds")
    assert api == cli
    api = accord.mediate("job-offer", "caucus", seed=1).to_dict()
    cli = cli_json("mediate", "job-offer", "-m", "caucus", "--seed", "1")
    api.pop("seconds"), cli.pop("seconds")
    assert api == cli
