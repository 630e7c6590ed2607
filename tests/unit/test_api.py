"""The top-level API: its results' to_dict() is what the CLI prints with --json."""

import json

import pytest
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


def test_list_scenarios_is_what_the_cli_lists():
    infos = accord.list_scenarios()
    assert [i.to_dict() for i in infos] == cli_json("scenarios")
    job = next(i for i in infos if i.name == "job-offer")
    assert job.parties == ("candidate", "employer") and job.outcomes == 1440
    assert "\n" not in job.description and job.description.endswith(".")
    assert next(i for i in infos if i.name == "supply-contract").outcomes is None


def test_convert_writes_what_load_reads(tmp_path):
    written = accord.convert("river-basin", tmp_path / "rb.yaml", parties=["delta", "upstream"])
    assert written.paths == (tmp_path / "rb.yaml",)
    back = accord.load(tmp_path / "rb.yaml")
    assert back.party_names == ("delta", "upstream")
    folder = accord.convert(back, tmp_path / "genius", to="genius")
    assert all(p.parent == tmp_path / "genius" for p in folder.paths)
    assert accord.load(tmp_path / "genius").party_names == back.party_names
    with pytest.raises(accord.ScenarioError, match="unknown format 'pdf'"):
        accord.convert("job-offer", tmp_path / "x", to="pdf")


def test_robustness_is_the_cli_uncertainty():
    sc = accord.load("job-offer")
    api = accord.robustness(sc, 40, 3, analysis=accord.analyze(sc)).to_dict()
    assert (
        api == cli_json("analyze", "job-offer", "--uncertainty", "40", "--seed", "3")["uncertainty"]
    )
