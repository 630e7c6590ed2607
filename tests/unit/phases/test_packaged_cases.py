"""The packaged phased cases: the analysis moves the way the model says it should."""

import json

import pytest
from typer.testing import CliRunner

import accord
from accord.cli.main import app

CASES = ["hostage-release-2023"]


@pytest.mark.parametrize("name", CASES)
def test_escalation_shrinks_the_zopa(name):
    sc = accord.load(name)
    before = accord.analyze(sc).zopa_outcomes
    after = accord.analyze(sc.at(through="escalation")).zopa_outcomes
    assert before is not None and after is not None
    assert 0 < after < before


@pytest.mark.parametrize("name", CASES)
def test_phase_risk_discounts_the_later_phase(name):
    sc = accord.load(name)
    calm = sc.at()
    tense = sc.at(through="escalation")
    best = calm.space.all_digits()
    # every party's expected utility of every package is lower when risks are higher
    assert (tense.evaluate(best) <= calm.evaluate(best) + 1e-12).all()


def test_analyze_at_an_event_from_the_cli():
    r = CliRunner().invoke(app, ["analyze", "hostage-release-2023", "--at", "escalation", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["at"] == "escalation"
    assert [p["reservation"] for p in data["parties"]] == [0.42, 0.40]
    r = CliRunner().invoke(app, ["analyze", "hostage-release-2023", "--at", "nothing"])
    assert r.exit_code == 2 and "no event named" in r.stderr


def test_nash_point_has_the_structure_of_the_public_deal():
    nash = accord.analyze(accord.load("hostage-release-2023")).nash
    assert nash is not None
    o = nash.outcome
    assert o["phase1_releases"] >= 30 and o["pause_days"] >= 2
    assert o["prisoners_per_hostage"] >= 1 and o["aid_trucks_per_day"] >= 100
    assert o["extension"] != "none"
