"""``negotiate`` and ``mediate`` on the run contract: default mediators, --parties."""

import json

from typer.testing import CliRunner

from accord.cli.main import app


def run_json(*args):
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_mediate_without_a_mediator_uses_the_scenarios_mediators_as_a_caucus_coalition():
    default = run_json("mediate", "hostage-release-2023")
    explicit = run_json("mediate", "hostage-release-2023", "--mediator", "caucus")
    assert default["agreement"] is not None
    assert default["agreement"] == explicit["agreement"]
    assert default["mediators"] == ["Qatar", "Egypt", "United States"]
    assert default["protocol"] == "caucus" and default["spec"]["mediators"] == ["caucus"] * 3
    plain = run_json("mediate", "job-offer")  # names no mediators: one caucus mediator
    assert plain["mediators"] == ["caucus"] and plain["protocol"] == "caucus"


def test_parties_selects_profiles_for_negotiate_and_mediate():
    three = run_json("negotiate", "river-basin", "-a", "boulware", "-a", "conceder", "-a", "linear")
    assert len(three["parties"]) == 3
    names = three["parties"]
    picked = ",".join([names[2], names[0]])
    two = run_json(
        "negotiate", "river-basin", "--parties", picked, "-a", "boulware", "-a", "linear"
    )
    assert two["parties"] == [names[2], names[0]]
    assert two["spec"]["profiles"] == [names[2], names[0]]
    mediated = run_json("mediate", "river-basin", "--parties", picked)
    assert mediated["parties"] == [names[2], names[0]]


def test_the_json_of_every_protocol_has_the_same_keys():
    ao = run_json("negotiate", "job-offer", "-a", "boulware", "-a", "conceder")
    st = run_json("mediate", "job-offer", "-m", "hill-climbing", "--rounds", "50")
    cc = run_json("mediate", "job-offer", "-m", "caucus")
    assert list(ao) == list(st) == list(cc)


def test_public_utilities_is_a_flag_of_negotiate_and_off_by_default():
    agents = ("-a", "boulware", "-a", "tit-for-tat")
    sealed = run_json("negotiate", "job-offer", *agents)
    public = run_json("negotiate", "job-offer", *agents, "--public-utilities")
    assert "public_utilities" not in sealed["spec"]["options"]  # a default run's spec is as it was
    assert public["spec"]["options"] == {"first": 0, "public_utilities": True}
    # neither agent reads other parties' utilities, so the negotiation itself is the same
    assert public["agreement"] == sealed["agreement"] and public["rounds"] == sealed["rounds"]
