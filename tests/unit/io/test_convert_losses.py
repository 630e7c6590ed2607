"""Lossless or loud conversion: :func:`accord.convert` and ``accord convert`` refuse to lose
anything the target format cannot hold unless asked (``lossy``/``--lossy``), never overwrite
without ``force``/``--force``, and write nothing when they refuse."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import accord
from accord.cli.main import app
from accord.errors import ScenarioError
from accord.io import load_path, save
from accord.io.save import Loss, check_save, find_losses


def cli(*args: str):
    return CliRunner().invoke(app, ["convert", *args], env={"COLUMNS": "200"})


def same_utilities(a: accord.Scenario, b: accord.Scenario) -> None:
    assert a.party_names == b.party_names
    np.testing.assert_allclose(b.utilities(), a.utilities(), rtol=0, atol=1e-12)
    for pa, pb in zip(a.parties, b.parties, strict=True):
        assert pb.reservation == pytest.approx(pa.reservation, abs=1e-12)
        assert pb.discount == pa.discount


# ------------------------------------------------------------------------- the losses
def test_reservation_geniusweb_cannot_hold_is_a_loss():
    losses = find_losses(accord.load("river-basin"), "geniusweb")
    assert [(x.what, x.party) for x in losses] == [("reservation", "midstream")]
    assert losses[0].droppable
    assert losses[0].to_dict() == {
        "what": "reservation",
        "party": "midstream",
        "issue": None,
        "reason": losses[0].reason,
        "droppable": True,
    }
    assert "0.25" in losses[0].describe()


def test_discount_timeline_and_unwritable_utilities_are_losses():
    scenario = accord.load("job-offer")
    buyer = replace(scenario.parties[0], discount=0.9)
    discounted = replace(scenario, parties=(buyer, *scenario.parties[1:]))
    assert [(x.what, x.party) for x in find_losses(discounted, "geniusweb")] == [
        ("discount", "candidate")
    ]
    assert find_losses(discounted, "genius") == ()  # GENIUS holds a discount factor
    kinds = {x.what for x in find_losses(accord.load("hostage-release-2023"), "genius")}
    assert {"timeline", "mediators"} <= kinds
    unwritable = find_losses(accord.load("supply-contract"), "geniusweb")
    assert ("issue", "unit_price") in [(x.what, x.issue) for x in unwritable]
    assert any(x.what == "utility" and not x.droppable for x in unwritable)


def test_the_packaged_examples_convert_to_yaml_without_loss():
    for info in accord.list_scenarios():
        assert find_losses(accord.load(info.name), "yaml") == (), info.name


def test_check_save_plans_without_writing(tmp_path):
    plan = check_save(accord.load("job-offer"), tmp_path / "out", "genius")
    assert [p.name for p in plan.paths] == ["job-offer.xml", "candidate.xml", "employer.xml"]
    assert plan.losses == () and plan.format == "genius"
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------- the API
def test_convert_refuses_a_loss_and_writes_nothing(tmp_path):
    dst = tmp_path / "rb"
    with pytest.raises(ScenarioError) as err:
        accord.convert("river-basin", dst, to="geniusweb")
    message = str(err.value)
    assert message.startswith("river-basin → geniusweb: cannot hold the reservation value")
    assert "'midstream'" in message and "lossy" in message and "\n" not in message
    assert not dst.exists()


def test_convert_lossy_writes_and_lists_the_losses(tmp_path):
    result = accord.convert("river-basin", tmp_path / "rb", to="geniusweb", lossy=True)
    assert [(x.what, x.party) for x in result.losses] == [("reservation", "midstream")]
    assert all(p.is_file() for p in result.paths) and len(result.paths) == 4
    back = load_path(tmp_path / "rb")
    assert back.party("midstream").reservation == 0.0  # what the loss said
    data = result.to_dict()
    assert data["format"] == "geniusweb" and len(data["written"]) == 4
    assert data["losses"][0]["party"] == "midstream"


def test_convert_never_writes_what_no_format_can_hold_even_lossy(tmp_path):
    with pytest.raises(ScenarioError, match="--lossy cannot help"):
        accord.convert("supply-contract", tmp_path / "sc", to="geniusweb", lossy=True)
    assert not (tmp_path / "sc").exists()


def test_convert_refuses_to_overwrite_unless_forced(tmp_path):
    dst = tmp_path / "jo.yaml"
    accord.convert("job-offer", dst)
    dst.write_text("mine", encoding="utf-8")
    with pytest.raises(ScenarioError, match="already exists; --force"):
        accord.convert("job-offer", dst)
    assert dst.read_text(encoding="utf-8") == "mine"
    accord.convert("job-offer", dst, force=True)
    assert load_path(dst).name == "job-offer"


def test_convert_refuses_a_missing_parent_folder(tmp_path):
    with pytest.raises(ScenarioError, match="does not exist"):
        accord.convert("job-offer", tmp_path / "no" / "such" / "out", to="genius")
    assert not (tmp_path / "no").exists()
    save(accord.load("job-offer"), tmp_path / "no" / "out", "genius")  # save still creates it
    assert (tmp_path / "no" / "out" / "job-offer.xml").is_file()


def test_convert_refuses_a_file_where_the_folder_goes(tmp_path):
    (tmp_path / "out").write_text("", encoding="utf-8")
    with pytest.raises(ScenarioError, match="folder"):
        accord.convert("job-offer", tmp_path / "out", to="genius", force=True)


def test_lossless_conversions_round_trip_every_outcome(tmp_path):
    original = accord.load("job-offer")
    yaml_file = accord.convert(original, tmp_path / "jo.yaml").paths[0]
    via_yaml = load_path(yaml_file)
    same_utilities(original, via_yaml)
    for fmt in ("genius", "geniusweb"):
        result = accord.convert(via_yaml, tmp_path / fmt, to=fmt)
        assert result.losses == ()
        back = load_path(tmp_path / fmt)
        same_utilities(original, back)
        again = accord.convert(back, tmp_path / f"{fmt}.yaml")
        same_utilities(original, load_path(again.paths[0]))


# ------------------------------------------------------------------------- the CLI
def test_cli_refuses_a_loss_with_exit_2_and_one_line(tmp_path):
    r = cli("river-basin", str(tmp_path / "rb"), "--to", "geniusweb")
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "river-basin → geniusweb: cannot hold the reservation value of 'midstream'" in lines[0]
    assert "--lossy" in lines[0]
    assert not (tmp_path / "rb").exists()


def test_cli_lossy_lists_every_loss_then_what_it_wrote(tmp_path):
    r = cli("river-basin", str(tmp_path / "rb"), "--to", "geniusweb", "--lossy")
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("lost: cannot hold the reservation value of 'midstream'")
    assert lines[1].startswith("wrote river-basin (3 parties) as geniusweb")
    assert sum("midstream.json" in line for line in lines[2:]) == 1
    assert (tmp_path / "rb" / "midstream.json").is_file()


def test_cli_json(tmp_path):
    r = cli("river-basin", str(tmp_path / "rb"), "--to", "geniusweb", "--lossy", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) == {"written", "losses", "format"}
    assert data["format"] == "geniusweb"
    assert [x["what"] for x in data["losses"]] == ["reservation"]
    assert len(data["written"]) == 4 and all(Path(p).is_file() for p in data["written"])
    clean = cli("job-offer", str(tmp_path / "jo"), "--to", "genius", "--json")
    assert clean.exit_code == 0 and json.loads(clean.stdout)["losses"] == []


def test_cli_does_not_overwrite_without_force(tmp_path):
    dst = str(tmp_path / "jo")
    assert cli("job-offer", dst, "--to", "genius").exit_code == 0
    again = cli("job-offer", dst, "--to", "genius")
    assert again.exit_code == 2 and "already exists" in again.stderr and "--force" in again.stderr
    assert cli("job-offer", dst, "--to", "genius", "--force").exit_code == 0


def test_cli_loss_is_not_listed_when_there_is_none(tmp_path):
    r = cli("job-offer", str(tmp_path / "jo.yaml"))
    assert r.exit_code == 0 and "lost:" not in r.stdout


def test_loss_describe_names_party_and_issue():
    loss = Loss("issue", "why", party=None, issue="price", droppable=False)
    assert loss.describe() == "cannot hold the real issue 'price' (why)"


def test_no_reservation_round_trips_through_yaml_and_genius(tmp_path):
    scenario = accord.load("job-offer")
    none = replace(scenario.parties[0], reservation=-np.inf)  # "no reservation" in GENIUS/NegMAS
    scenario = replace(scenario, parties=(none, *scenario.parties[1:]))
    assert accord.convert(scenario, tmp_path / "s.yaml").losses == ()
    assert accord.load(tmp_path / "s.yaml").party("candidate").reservation == -np.inf
    assert accord.convert(scenario, tmp_path / "g", to="genius").losses == ()
    assert load_path(tmp_path / "g").party("candidate").reservation == -np.inf
    (tmp_path / "bad.yaml").write_text(
        (tmp_path / "s.yaml").read_text(encoding="utf-8").replace("-.inf", ".inf"), encoding="utf-8"
    )
    with pytest.raises(ScenarioError, match=r"bad\.yaml:\d+: .*reservation value is finite"):
        accord.load(tmp_path / "bad.yaml")


def test_the_older_geniusweb_spelling_is_written_on_request_and_read_back(tmp_path):
    import json

    accord.convert("job-offer", tmp_path / "old", to="geniusweb", geniusweb_dialect="1")
    accord.convert("job-offer", tmp_path / "new", to="geniusweb")
    old_profile = json.loads((tmp_path / "old" / "candidate.json").read_text(encoding="utf-8"))
    new_profile = json.loads((tmp_path / "new" / "candidate.json").read_text(encoding="utf-8"))
    old_issue = next(iter(old_profile["LinearAdditiveUtilitySpace"]["issueUtilities"].values()))
    new_issue = next(iter(new_profile["LinearAdditiveUtilitySpace"]["issueUtilities"].values()))
    assert list(old_issue) == ["discreteutils"] and list(new_issue) == ["DiscreteValueSetUtilities"]
    a, b = load_path(tmp_path / "old"), load_path(tmp_path / "new")
    assert np.array_equal(a.utilities(), b.utilities())
    r = CliRunner().invoke(
        app,
        [
            "convert",
            "job-offer",
            str(tmp_path / "x"),
            "--to",
            "geniusweb",
            "--geniusweb-dialect",
            "3",
        ],
    )
    assert r.exit_code == 2 and "unknown GeniusWeb dialect" in r.stderr
    assert not (tmp_path / "x").exists()
