"""Every built-in agent is registered, documented with a reference, and constructible."""

import ast
from pathlib import Path

import pytest

import accord.agents.builtin as builtin
from accord.errors import AgentError
from accord.mechanisms import Agent
from accord.registry import agents, make_agent

AGENTS_DIR = Path(builtin.__file__).parent
EXPECTED = {
    "aspiration": "aspiration:curve=linear",
    "boa": "boa:bidding=conceder,acceptance=const,opponent=none,alpha=0.8",
    "boulware": "boulware:e=0.1",
    "conceder": "conceder:e=3",
    "hardliner": "hardliner",
    "linear": "linear:k=0.1",
    "micro": "micro",
    "nash-seeking": "nash-seeking:e=0.5,window=64",
    "random": "random:p_accept=0.2",
    "tit-for-tat": "tit-for-tat:factor=0.5",
    "tit-for-tat-absolute": "tit-for-tat-absolute:factor=2",
}


def test_every_expected_builtin_is_registered():
    registry = agents()
    missing = set(EXPECTED) - set(registry)
    assert not missing
    assert all(registry[a].builtin for a in EXPECTED)


def test_every_module_that_registers_agents_is_imported_by_builtin():
    for path in AGENTS_DIR.glob("*.py"):
        if "@register_agent(" in path.read_text(encoding="utf-8"):
            assert path.stem in builtin.__all__, f"{path.name} is not imported in builtin.py"


def _registered_ids_in_source() -> set[str]:
    ids = set()
    for path in AGENTS_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for d in node.decorator_list:
                    if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "register_agent":
                        ids.add(d.args[0].value)  # type: ignore[attr-defined]
    return ids


def test_registry_matches_the_decorators_in_the_source():
    builtins = {k for k, v in agents().items() if v.builtin}
    assert builtins == _registered_ids_in_source()
    assert set(EXPECTED) == builtins, "add new built-ins to EXPECTED with a parameter string"


@pytest.mark.parametrize("agent_id", sorted(EXPECTED))
def test_documented_with_summary_and_reference(agent_id):
    info = agents()[agent_id]
    assert info.summary and len(info.summary) < 100
    assert any(line.startswith("Reference:") for line in info.doc.splitlines()), info.doc


@pytest.mark.parametrize(("agent_id", "spec"), sorted(EXPECTED.items()))
def test_constructible_plainly_and_with_parameters(agent_id, spec):
    assert isinstance(make_agent(agent_id), Agent)
    assert isinstance(make_agent(spec), Agent)


def test_parameters_reach_the_agent():
    a = make_agent("boa:bidding=linear,acceptance=time,T=0.5,opponent=none")
    assert (a.bidding, a.acceptance, a.T, a.e, a.models if hasattr(a, "models") else None) == (
        "linear",
        "time",
        0.5,
        1.0,
        None,
    )
    assert make_agent("aspiration:curve=2.5").beta == 2.5


@pytest.mark.parametrize(
    "spec",
    ["boa:bidding=nope", "boa:acceptance=sometimes", "boa:opponent=oracle", "aspiration:curve=x"],
)
def test_bad_component_names_are_agent_errors(spec):
    with pytest.raises(AgentError):
        make_agent(spec)
