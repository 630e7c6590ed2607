"""analyze_timeline: one analysis per point of the timeline, equal to analysing each snapshot,
and the snapshot in force at any round is the scenario at that round."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import accord
from accord.analysis import analyze, analyze_timeline
from accord.errors import ScenarioError
from accord.phases import Event, Timeline


def _same(a: accord.Analysis, b: accord.Analysis) -> None:
    assert a.reservations == b.reservations and a.zopa_outcomes == b.zopa_outcomes
    assert np.array_equal(a.frontier, b.frontier)
    assert (a.nash is None) == (b.nash is None)
    if a.nash is not None and b.nash is not None:
        assert a.nash.outcome == b.nash.outcome and a.nash.utilities == b.nash.utilities


@pytest.fixture(scope="module")
def job_with_events() -> accord.Scenario:
    """Two events at round 2 (the later one wins), one at round 5."""
    sc = accord.load("job-offer")
    events = (
        Event("rumour", 2, reservation={"candidate": 0.5}),
        Event("offer elsewhere", 2, reservation={"candidate": 0.6}),
        Event("budget cut", 5, reservation={"employer": 0.55}),
    )
    return dataclasses.replace(sc, timeline=Timeline(events=events))


def test_one_snapshot_per_event_each_analysed_once(job_with_events):
    t = analyze_timeline(job_with_events)
    assert [s.name for s in t.snapshots] == ["start", "rumour", "offer elsewhere", "budget cut"]
    assert [s.round for s in t.snapshots] == [0, 2, 2, 5]
    assert t.start.event is None and [s.event.name for s in t.events] == [
        "rumour",
        "offer elsewhere",
        "budget cut",
    ]
    _same(t.start.analysis, analyze(job_with_events))
    for snap in t.events:
        _same(snap.analysis, analyze(job_with_events.at(through=snap.name)))
    assert t.after("budget cut").analysis.zopa_outcomes < t.start.analysis.zopa_outcomes


def test_at_is_the_latest_event_at_or_before_the_round(job_with_events):
    t = analyze_timeline(job_with_events)
    assert t.at(0) is t.at(1) is t.start
    assert t.at(2) is t.at(4) is t.after("offer elsewhere")  # both round-2 events applied
    assert t.at(5) is t.at(1000) is t.after("budget cut")
    for r in range(8):
        expected = job_with_events.at(round=r)
        assert t.at(r).scenario.reservations.tolist() == expected.reservations.tolist()
        _same(t.at(r).analysis, analyze(expected))


def test_without_a_timeline_the_start_is_the_scenario():
    sc = accord.load("river-basin")
    t = analyze_timeline(sc)
    assert len(t.snapshots) == 1 and t.events == ()
    assert t.at(50) is t.start and t.start.scenario is sc
    _same(t.start.analysis, analyze(sc))
    with pytest.raises(ScenarioError, match="no event named 'storm'"):
        t.after("storm")


def test_real_issues_are_discretised_once_for_every_snapshot():
    sc = accord.load("supply-contract")
    t = analyze_timeline(sc, discretize=5)
    assert not t.scenario.space.is_continuous
    assert t.start.scenario.space == t.scenario.space
    _same(t.start.analysis, analyze(sc, discretize=5))
