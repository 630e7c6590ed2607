"""Contract: every registered mediator and party strategy passes its public conformance suite,
and the suites catch mediators and party strategies that break the rules."""

import random as global_random
import time
from dataclasses import replace

import pytest

import accord
from accord.mechanisms import Trace, TraceEvent
from accord.mechanisms.caucus import Answer, proposal, to_party
from accord.registry import MEDIATORS, PARTY_STRATEGIES
from accord.testing import (
    additive_scenario,
    check_mediator,
    check_party,
    conformance_scenarios,
)
from accord.testing.role_conformance import _lock_breaks

# Mean seconds per call per run, far above what the built-ins take (under 15 ms for the caucus
# mediator on a 10^30 space, under 3 ms for a party strategy) and robust to a loaded machine.
MEDIATOR_BOUND = 0.25
PARTY_BOUND = 0.05
ROUNDS = 12


@pytest.mark.parametrize("mediator_id", sorted(MEDIATORS.all()))
def test_registered_mediator_conforms(mediator_id):
    report = check_mediator(mediator_id, rounds=ROUNDS, max_mean_call=MEDIATOR_BOUND)
    assert report.passed, "\n".join(report.problems)
    assert report.role == "mediator"
    for protocol in MEDIATORS.get(mediator_id).protocols:
        partners = {p for p, e in PARTY_STRATEGIES.all().items() if protocol in e.protocols}
        runs = [r for r in report.runs if r.protocol == protocol]
        assert {r.partner for r in runs} == partners
        assert {r.scenario for r in runs} == {s.name for s in conformance_scenarios()}
        assert all(r.calls > 0 for r in runs)
    if "caucus" in MEDIATORS.get(mediator_id).protocols:
        phased = {r.scenario for r in report.runs if r.phased}
        assert phased == {"harbour-strike", "hostage-release-2023"}


@pytest.mark.parametrize("party_id", sorted(PARTY_STRATEGIES.all()))
def test_registered_party_strategy_conforms(party_id):
    report = check_party(party_id, rounds=ROUNDS, max_mean_call=PARTY_BOUND)
    assert report.passed, "\n".join(report.problems)
    for protocol in PARTY_STRATEGIES.get(party_id).protocols:
        mediators = {m for m, e in MEDIATORS.all().items() if protocol in e.protocols}
        assert {r.partner for r in report.runs if r.protocol == protocol} == mediators
    assert all(r.calls > 0 for r in report.runs)


def test_suites_cover_huge_spaces_and_phases():
    scenarios = conformance_scenarios()
    assert max(s.space.size or 0 for s in scenarios) >= 10**30
    assert sum(bool(s.timeline.phases) for s in scenarios) >= 2


# -- broken mediators ------------------------------------------------------------------------


class Raising:
    def start(self, view):
        pass

    def propose(self, view):
        raise RuntimeError("mediator bug")

    def observe(self, view, accepted):
        return False


class Sleepy(Raising):
    def propose(self, view):
        time.sleep(0.2)
        return view.text


class OutOfSpace(Raising):
    def propose(self, view):
        return view.space.size


class Unseeded(Raising):
    """Uses the global RNG instead of view.rng: not reproducible."""

    def propose(self, view):
        return global_random.randrange(view.space.size)


class CaucusOutOfSpace:
    def start(self, view):
        pass

    def next_message(self, view, party):
        return to_party(view, party, proposal(view.space.size + 3))


class LockBreaker(CaucusOutOfSpace):
    """Always proposes the last value of every issue: legal, unless issues are locked."""

    def next_message(self, view, party):
        if view.round > 0:
            return None
        return to_party(view, party, proposal(view.space.size - 1))


SMALL = [additive_scenario((4, 5, 3), seed=11)]


def _caught(report, check, words):
    assert not report.passed
    hits = [p for p in report.problems if f": {check}: " in p]
    assert hits, report.problems
    assert all(any(w in p for w in words) for p in hits), hits
    assert "FAILED" in report.summary()


@pytest.mark.parametrize(
    ("bad", "check", "words"),
    [
        (Raising, "failure", ["raised RuntimeError('mediator bug') in propose"]),
        (Sleepy, "failure", ["over the 0.05 s limit per call"]),
        (OutOfSpace, "failure", ["outside the space"]),
        (Unseeded, "deterministic", ["same seed"]),
    ],
)
def test_mediator_suite_catches_a_broken_single_text_mediator(bad, check, words):
    report = check_mediator(
        bad,
        protocols=["single-text"],
        partners=["truthful"],
        scenarios=SMALL,
        rounds=5,
        per_call=0.05,
    )
    _caught(report, check, words)


def test_mediator_suite_catches_a_package_outside_the_space():
    report = check_mediator(
        CaucusOutOfSpace, protocols=["caucus"], partners=["truthful"], scenarios=SMALL, rounds=3
    )
    _caught(report, "failure", ["is not an outcome index"])


def test_mediator_suite_catches_a_proposal_that_breaks_the_locked_issues():
    hostage = [s for s in conformance_scenarios() if s.name == "hostage-release-2023"]
    report = check_mediator(
        LockBreaker, protocols=["caucus"], partners=["truthful"], scenarios=hostage, rounds=3
    )
    whole, phased = sorted(report.runs, key=lambda r: r.phased)
    assert whole.passed, whole.problems  # the same proposal is legal without phases
    assert not phased.passed
    _caught(report, "failure", ["changes a locked issue"])


def test_the_trace_is_checked_for_locked_issues_too():
    """The mechanism refuses such proposals; the suite's own check of the trace sees one too."""
    sc = next(s for s in conformance_scenarios() if s.name == "hostage-release-2023")
    result = accord.mediate(sc, mediator="caucus", phased=True, rounds=ROUNDS, seed=0)
    assert result.agreed and _lock_breaks(result, sc) == []
    last = (sc.space.size or 0) - 1  # every issue at its last value, later phases' too
    forged = TraceEvent(0, 0.0, "Qatar", "proposal", last, "", sc.party_names[0])
    (problem,) = _lock_breaks(replace(result, trace=Trace((forged, *result.trace))), sc)
    assert problem.startswith(f"locked: proposal {last} in round 0 (phase 'first phase')")


def test_mediator_suite_reports_a_crash_and_a_wrong_interface_without_raising():
    def explodes():
        raise ValueError("cannot build")

    class NoPropose:
        def start(self, view):
            pass

    for bad, check in ((explodes, "crash"), (NoPropose, "interface")):
        report = check_mediator(
            bad, protocols=["single-text"], partners=["truthful"], scenarios=SMALL
        )
        _caught(report, check, ["cannot build", "SingleTextMediator"])


# -- broken party strategies -----------------------------------------------------------------


class RaisingParty:
    def start(self, view):
        pass

    def vote(self, view, current, proposal):
        raise RuntimeError("party bug")

    def answer(self, view, query):
        raise RuntimeError("party bug")


class IllegalParty(RaisingParty):
    def vote(self, view, current, proposal):
        return "yes"

    def answer(self, view, query):
        return Answer("top_issue" if query.kind != "top_issue" else "rate", issue="i0")


class SleepyParty(RaisingParty):
    def vote(self, view, current, proposal):
        time.sleep(0.2)
        return True

    def answer(self, view, query):
        time.sleep(0.2)
        return Answer("red_line", threshold=None)


class SluggishParty(RaisingParty):
    """Legal but slow: 3 ms of busy work per call."""

    def vote(self, view, current, proposal):
        until = time.perf_counter() + 0.003
        while time.perf_counter() < until:
            pass
        return True


BOTH = ["single-text", "caucus"]


@pytest.mark.parametrize(
    ("bad", "protocols", "check", "words"),
    [
        (RaisingParty, BOTH, "failure", ["raised RuntimeError('party bug')"]),
        (IllegalParty, BOTH, "failure", ["illegal vote 'yes'", "illegal answer"]),
        (SleepyParty, BOTH, "failure", ["over the 0.05 s limit per call"]),
        (SluggishParty, ["single-text"], "speed", ["ms per call > 1 ms"]),
    ],
)
def test_party_suite_catches_a_broken_party_strategy(bad, protocols, check, words):
    partners = ["hill-climbing", "caucus"]
    report = check_party(
        bad,
        protocols=protocols,
        partners=partners,
        scenarios=SMALL,
        rounds=5,
        per_call=0.05,
        max_mean_call=0.001,
    )
    _caught(report, check, words)
    assert {r.protocol for r in report.runs} == set(protocols)
    assert all(not r.passed for r in report.runs)


def test_checks_need_to_know_the_protocols_of_a_factory():
    with pytest.raises(Exception, match="which protocols"):
        check_mediator(Raising)
    with pytest.raises(Exception, match="not a mediated protocol"):
        check_party(RaisingParty, protocols=["alternating-offers"])
