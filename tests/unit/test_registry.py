"""The typed registry: every entry declares id, role, protocols and parameters; make() checks
the built object against the role's interface; plug-ins register at run time."""

import json

import pytest
from typer.testing import CliRunner

import accord
from accord.cli.main import app
from accord.mechanisms import PROTOCOLS
from accord.registry import AGENTS, MEDIATORS, PARTY_STRATEGIES, REGISTRIES


@pytest.fixture
def clean():
    before = {role: set(r.all()) for role, r in REGISTRIES.items()}
    yield
    for role, registry in REGISTRIES.items():
        for added in set(registry.all()) - before[role]:
            registry.remove(added)


def test_every_entry_declares_role_protocols_and_an_implementation():
    entries = accord.strategies()
    assert {e.role for e in entries} == {"agent", "mediator", "party"}
    for e in entries:
        assert e.protocols, e.id
        for protocol in e.protocols:
            info = PROTOCOLS[protocol]
            assert isinstance(REGISTRIES[e.role].make(e.id, protocol), info.interface(e.role))


def test_parameters_are_declared_with_types_and_defaults():
    (boulware,) = accord.strategy("boulware")
    assert boulware.role == "agent" and boulware.protocols == ("alternating-offers",)
    params = {p.name: p for p in boulware.params}
    assert params["e"].type == "float" and params["e"].default == 0.2
    assert params["k"].default == 0.0 and not params["e"].required
    (truthful,) = accord.strategy("truthful")
    assert set(truthful.protocols) == {"single-text", "caucus"}
    (annealing,) = accord.strategy("annealing")
    assert {p.name: p.default for p in annealing.params} == {"t0": 0.3, "cooling": 0.8}


def test_make_converts_parameters_and_refuses_the_wrong_protocol():
    agent = AGENTS.make("boulware:e=0.5")
    assert agent.e == 0.5
    with pytest.raises(accord.AgentError, match="supports single-text, not caucus"):
        PARTY_STRATEGIES.make("hard", "caucus")
    with pytest.raises(accord.AgentError, match="no parameter"):
        AGENTS.make("boulware:speed=3")
    with pytest.raises(accord.AgentError, match="not a float"):
        AGENTS.make("boulware:e=fast")


class Incomplete:
    """Proposes but cannot respond."""

    def start(self, view):
        pass

    def propose(self, view):
        return None


class Halfway:
    """Walks away at once."""

    def __init__(self, patience: int = 3):
        self.patience = patience

    def start(self, view):
        pass

    def propose(self, view):
        return None

    def respond(self, view, offer, proposer):
        return accord.mechanisms.Response.END


def test_register_at_run_time_and_run_through_the_registry(clean):
    entry = accord.register_agent("walker", Halfway)
    assert entry.role == "agent" and [p.name for p in entry.params] == ["patience"]
    result = accord.negotiate("job-offer", ["walker:patience=5", "conceder"], rounds=10)
    assert result.reason == "ended by candidate" and result.agents[0] == "walker:patience=5"
    with pytest.raises(accord.AgentError, match="already registered"):
        accord.register_agent("walker", Halfway)
    with pytest.raises(accord.AgentError, match="already registered"):
        accord.register_agent("boulware", Halfway)  # built-ins are loaded first


def test_make_checks_the_built_object_against_the_role_interface(clean):
    accord.register_agent("incomplete", Incomplete)
    with pytest.raises(accord.AgentError, match="does not implement"):
        AGENTS.make("incomplete")


def test_mediators_and_parties_must_declare_a_known_protocol(clean):
    with pytest.raises(accord.AgentError, match="declare the protocols"):
        accord.register_mediator("nowhere", Halfway)
    with pytest.raises(accord.AgentError, match="unknown protocol"):
        accord.register_party("lost", Halfway, protocols=("auction",))
    with pytest.raises(accord.AgentError, match="no mediator role"):
        accord.register_mediator("odd", Halfway, protocols=("alternating-offers",))


def test_the_mediate_api_picks_the_protocol_from_the_declaration():
    assert accord.mediation("job-offer", "annealing").protocol == "single-text"
    assert accord.mediation("job-offer", "caucus").protocol == "caucus"
    assert accord.mediation("job-offer").mediators == ("caucus",)
    assert accord.mediation("hostage-release-2023").mediators == ("caucus",) * 3
    with pytest.raises(accord.ProtocolError, match="do not share a protocol"):
        accord.mediation("job-offer", ["caucus", "annealing"])


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def test_accord_agents_lists_every_role():
    r = invoke("agents", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {row["role"] for row in rows} == {"agent", "mediator", "party"}
    assert {row["id"] for row in rows} >= {"boulware", "caucus", "annealing", "truthful"}
    text = invoke("agents").stdout
    for title in ("Agents", "Mediators", "Party strategies"):
        assert title in text
    only = json.loads(invoke("agents", "--role", "mediator", "--json").stdout)
    assert {row["role"] for row in only} == {"mediator"}
    assert len(only) == len(MEDIATORS.all())


def test_accord_agents_id_shows_parameters_and_documentation():
    r = invoke("agents", "aspiration")
    assert r.exit_code == 0, r.output
    assert "curve" in r.stdout and "'boulware'" in r.stdout and "Pruitt" in r.stdout
    data = json.loads(invoke("agents", "pressured", "--json").stdout)
    assert data[0]["role"] == "party" and data[0]["params"][0]["name"] == "e"
    bad = invoke("agents", "nobody")
    assert bad.exit_code == 2 and "unknown strategy" in bad.stderr


def test_accord_agents_never_cuts_an_id_at_80_columns():
    r = CliRunner().invoke(app, ["agents"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for entry in accord.strategies():
        assert any(f"│ {entry.id} " in line for line in lines), entry.id
