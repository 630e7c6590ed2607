"""The NegMAS bridge: exact ufuns, outcome conversions, ``negmas:`` specs everywhere an agent
spec goes, failures as records, and accord without NegMAS."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

negmas = pytest.importorskip("negmas")

from negmas.preferences import ExpDiscountedUFun, LinearAdditiveUtilityFunction  # noqa: E402
from negmas.sao import (  # noqa: E402
    AspirationNegotiator,
    ResponseType,
    SAOMechanism,
    SAONegotiator,
    SAOResponse,
    SAOState,
)
from typer.testing import CliRunner  # noqa: E402

import accord  # noqa: E402
from accord.cli.main import app  # noqa: E402
from accord.io import load_path  # noqa: E402
from accord.negmas import (  # noqa: E402
    AccordUtility,
    negotiator,
    outcome_space,
    to_index,
    to_outcome,
    ufuns,
)
from accord.testing.conformance import check_agent  # noqa: E402

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "scenarios"
#: 20 corpus folders across the sources: linear-additive (tables, integer issues, discounts,
#: reservations, 2–4 parties) and one hyper-rectangle (nonlinear-simple).
CORPUS_FOLDERS = (
    "genius-svn-history/CarLinear",
    "genius-svn-history/nonlinear-simple",
    "genius10.4/ANAC2016-AgentSmith",
    "genius10.4/ANAC2015-group2-dinner",
    "genius10.4/ANAC2015-group9-vacation",
    "genius10.4/anac-y2011-Laptop",
    "genius10.4/anac-y2012-Barter-A",
    "genius10.4/anac-y2012-FlightBooking-A",
    "genius10.4/anac-y2013-Coffee",
    "genius10.4/anac-y2013-Kitchen",
    "negolog/domain0",
    "negolog/domain10",
    "geniusweb-anl2023/domain00",
    "geniusweb-ppo/domain01",
    "geniusweb-cse3210/domain01",
    "geniusweb-anl2021/jobs",
    "negmas-tests/anac-y2012-FlightBookingB",
    "negmas-yaml/anl2025-0000192JapnTrip",
    "negmas-yaml/anl2025-0001152Animal",
    "negmas-yaml/anl2025-0003840Lunch",
)
#: Packaged scenarios with a real issue, and the points per real issue used here.
DISCRETISED = {"supply-contract": 11}
ASPIRATION = "negmas:negmas.sao.AspirationNegotiator"


def packaged(name: str) -> accord.Scenario:
    sc = accord.load(name)
    return sc.discretized(DISCRETISED[name]) if name in DISCRETISED else sc


def assert_exact(sc: accord.Scenario) -> None:
    """Every party's NegMAS utility equals accord's on every outcome (to 1e-12)."""
    us = ufuns(sc)
    assert len(us) == len(sc.parties)
    outcomes = list(us[0].outcome_space.enumerate())
    assert len(outcomes) == sc.space.size
    expected = sc.utilities()
    for i, (party, u) in enumerate(zip(sc.parties, us, strict=True)):
        got = np.array([u(o) for o in outcomes])
        assert np.max(np.abs(got - expected[:, i])) <= 1e-12, (sc.name, party.name)
        assert u.reserved_value == pytest.approx(party.reservation, abs=0)


@pytest.mark.parametrize("name", [s.name for s in accord.list_scenarios()])
def test_ufuns_are_exact_on_every_packaged_scenario(name):
    assert_exact(packaged(name))


@pytest.mark.corpus
@pytest.mark.parametrize("folder", CORPUS_FOLDERS)
def test_ufuns_are_exact_on_corpus_scenarios(folder):
    if not (CORPUS / folder).is_dir():
        pytest.skip(f"corpus folder {folder} not found")
    assert_exact(load_path(CORPUS / folder))


def test_linear_parties_become_negmas_linear_ufuns_and_others_evaluate_through_accord():
    us = ufuns(accord.load("job-offer"))
    assert all(isinstance(u, LinearAdditiveUtilityFunction) for u in us)
    supply = ufuns(packaged("supply-contract"))  # the supplier's utility is not additive
    assert any(isinstance(u, AccordUtility) for u in supply)


def test_a_discount_is_negmas_exponential_discounting_by_relative_time():
    sc = accord.load("job-offer")
    d = 0.5
    party = sc.parties[0]
    discounted = accord.Scenario(
        sc.name,
        sc.space,
        (type(party)(party.name, party.utility, party.reservation, d), sc.parties[1]),
    )
    u = ufuns(discounted)[0]
    assert isinstance(u, ExpDiscountedUFun) and u.discount == d
    outcome = to_outcome(sc, 7)
    base = sc.utilities()[7, 0]
    state = SAOState(relative_time=0.25)
    assert u.eval_on_state(outcome, None, state) == pytest.approx(base * d**0.25, abs=1e-15)
    assert u(outcome) == base  # without a negotiation: undiscounted


def test_outcome_conversions_are_the_mixed_radix_map():
    sc = accord.load("job-offer")
    os = outcome_space(sc)
    assert [i.name for i in os.issues] == list(sc.space.names)
    for k, outcome in enumerate(os.enumerate()):
        assert to_index(sc, outcome) == k
        assert to_outcome(sc, k) == tuple(outcome)
    assert to_outcome(sc, 0) == ("60k", 0, "in 2 weeks", "none", "Engineer")


def test_real_issues_must_be_discretised_first():
    with pytest.raises(accord.ScenarioError, match="discretise"):
        outcome_space(accord.load("supply-contract"))


# -- NegMAS negotiators in accord -----------------------------------------------------------
def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_negotiate_with_a_negmas_agent_ends_validly():
    r = invoke("negotiate", "job-offer", "--agent", ASPIRATION, "--agent", "boulware", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["agents"] == [ASPIRATION, "boulware"]
    assert out["failure"] is None
    assert out["reason"] in ("agreement", "deadline")
    if out["reason"] == "agreement":
        assert 0 <= out["agreement_index"] < 1440


def _module(monkeypatch, name, **classes):
    """A module ``name`` holding ``classes``, importable for the test's duration."""
    module = types.ModuleType(name)
    for key, cls in classes.items():
        setattr(module, key, cls)
    monkeypatch.setitem(sys.modules, name, module)
    return name


def _tournament(tmp_path, agents: str, settings: str) -> dict:
    """``accord tournament --json`` on job-offer between ``agents`` (a YAML list's items);
    its summary."""
    cfg = tmp_path / "t.yaml"
    cfg.write_text(
        f"name: bridge\nagents: [{agents}]\nscenarios: [job-offer]\n{settings}",
        encoding="utf-8",
    )
    r = invoke("tournament", cfg, "--store", tmp_path / "r.db", "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_cli_tournament_with_a_negmas_agent(tmp_path):
    summary = _tournament(tmp_path, f'"{ASPIRATION}", boulware', "rounds: 30\nrepetitions: 1\n")
    assert summary["planned"] == summary["completed"] == 4 and summary["failed"] == 0


def test_negmas_spec_parameters_and_bad_specs():
    spec = f"{ASPIRATION}:max_aspiration=0.8,aspiration_type='linear'"
    result = accord.negotiate("job-offer", [spec, "conceder"], rounds=40, seed=1)
    assert result.failure is None and result.agents[0] == spec
    for bad, message in (
        ("negmas:negmas.sao.Nope", "not a NegMAS SAO negotiator class"),
        ("negmas:nowhere.Class", "cannot import"),
        ("negmas:AspirationNegotiator", "negmas:<module>.<Class>"),
        (f"{ASPIRATION}:bogus=1", "bad parameters"),
    ):
        with pytest.raises(accord.AgentError, match=message):
            accord.negotiate("job-offer", [bad, "boulware"], rounds=10)


class Raising(SAONegotiator):
    """A bad NegMAS negotiator: it raises when asked to offer."""

    def propose(self, state, dest=None):
        raise RuntimeError("broken on purpose")


@pytest.fixture
def bad_module(monkeypatch):
    return f"negmas:{_module(monkeypatch, 'accord_test_bad_negmas', Raising=Raising)}.Raising"


def test_a_raising_negmas_negotiator_is_a_recorded_failure(bad_module):
    spec = accord.negotiation("job-offer", [bad_module, "boulware"], rounds=20, seed=0)
    result = accord.run(spec)
    assert result.failure is not None
    assert result.failure.participant == bad_module and result.failure.role == "agent"
    assert "broken on purpose" in result.failure.reason
    assert result.reason.startswith("failure")


def test_a_raising_negmas_negotiator_fails_only_its_runs_in_a_tournament(bad_module, tmp_path):
    summary = _tournament(
        tmp_path,
        f'"{bad_module}", boulware, conceder',
        "rounds: 20\nrepetitions: 1\nself_play: false\n",
    )
    assert summary["completed"] == summary["planned"] == 6
    assert summary["failed"] == 4  # every ordered pair with the bad agent; the other 2 ran


class Hanging(SAONegotiator):
    """A bad NegMAS negotiator: it never answers when asked to offer."""

    def propose(self, state, dest=None):
        while True:
            time.sleep(0.05)


def test_a_hanging_negmas_negotiator_is_a_failed_run_under_process_isolation(monkeypatch, tmp_path):
    name = _module(monkeypatch, "accord_test_hanging_negmas", Hanging=Hanging)
    summary = _tournament(
        tmp_path,
        f'"negmas:{name}.Hanging", boulware, conceder',
        "rounds: 20\nrepetitions: 1\nself_play: false\n"
        "isolation: process\nlimits: {seconds: 1, memory_mb: 400}\n",
    )
    assert summary["completed"] == summary["planned"] == 6
    assert summary["failed"] == 4  # the runs with the hanging agent; boulware-conceder ran


class NoDest(SAONegotiator):
    """A NegMAS negotiator whose ``__call__`` takes no ``dest`` (as some ANL agents write it):
    it offers its best outcome and accepts nothing."""

    def __call__(self, state):
        best = self.ufun.best()
        return SAOResponse(ResponseType.REJECT_OFFER, best)


class BrokenStart(SAONegotiator):
    """A NegMAS negotiator that fails while starting (NegMAS records it in the state)."""

    def on_preferences_changed(self, changes):
        raise RuntimeError("cannot read my preferences")


def test_a_negotiator_without_dest_is_called_without_it(monkeypatch):
    name = _module(monkeypatch, "accord_test_nodest", NoDest=NoDest)
    result = accord.negotiate("job-offer", [f"negmas:{name}.NoDest", "conceder"], rounds=30)
    assert result.failure is None, result.reason
    assert [e.kind for e in result.trace].count("offer") >= 2


def test_a_start_up_error_is_the_negotiators_recorded_failure(monkeypatch):
    name = _module(monkeypatch, "accord_test_broken_start", BrokenStart=BrokenStart)
    result = accord.negotiate("job-offer", [f"negmas:{name}.BrokenStart", "boulware"], rounds=30)
    assert result.failure is not None
    assert "cannot read my preferences" in result.failure.reason


def test_a_bridged_negmas_agent_passes_the_conformance_suite():
    scenarios = [accord.load("job-offer"), accord.load("river-basin")]
    report = check_agent(
        ASPIRATION, partners=("boulware", "random"), scenarios=scenarios, max_mean_call=0.05
    )
    assert report.passed, report.problems


def test_missing_negmas_is_a_one_line_agent_error(monkeypatch):
    for name in [m for m in sys.modules if m == "accord.negmas" or m.startswith("accord.negmas.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "negmas", None)
    with pytest.raises(accord.AgentError) as info:
        accord.negotiate("job-offer", [ASPIRATION, "boulware"], rounds=10)
    message = str(info.value)
    assert "\n" not in message and "pip install 'accord[negmas]'" in message
    assert ASPIRATION in message


def test_accord_never_imports_negmas_by_itself():
    code = (
        "import sys, accord\n"
        "sc = accord.load('job-offer')\n"
        "accord.negotiate(sc, ['boulware', 'conceder'], rounds=20)\n"
        "accord.analyze(sc)\n"
        "accord.strategies()\n"
        "from accord.cli.main import app\n"
        "prefixes = ('negmas.', 'accord.negmas')\n"
        "bad = [m for m in sys.modules if m == 'negmas' or m.startswith(prefixes)]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# -- accord agents in NegMAS ----------------------------------------------------------------
def test_an_accord_agent_plays_in_a_negmas_mechanism():
    sc = accord.load("job-offer")
    us = ufuns(sc)
    mechanism = SAOMechanism(outcome_space=us[0].outcome_space, n_steps=100)
    mechanism.add(negotiator("conceder"), ufun=us[0])
    mechanism.add(AspirationNegotiator(), ufun=us[1])
    state = mechanism.run()
    assert not state.has_error, state.error_details
    assert state.agreement is not None or state.timedout
    if state.agreement is not None:
        assert 0 <= to_index(sc, state.agreement) < sc.space.size


def test_an_unknown_accord_spec_fails_when_the_negotiator_is_made():
    with pytest.raises(accord.AgentError, match="unknown agent"):
        negotiator("nobody")


def test_spaces_too_large_to_enumerate_are_a_recorded_failure_not_a_hang():
    from accord.testing.scenarios import conformance_scenarios

    sc = next(s for s in conformance_scenarios() if (s.space.size or 0) > 10**12)
    result = accord.negotiate(sc, [ASPIRATION, "boulware"], rounds=10, seed=0)
    assert result.failure is not None and "too many" in result.failure.reason
