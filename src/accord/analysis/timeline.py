"""The analysis of a scenario along its timeline, computed once: at the start and right after
each event (:meth:`Scenario.at <accord.scenario.Scenario.at>`), each snapshot with its
:class:`~accord.analysis.report.Analysis`.

Reports, figures and the CLI take a :class:`TimelineAnalysis` instead of re-running
:func:`~accord.analysis.analyze` on snapshots: whoever calls them computes it once with
:func:`analyze_timeline` and passes it on. A scenario without a timeline has one snapshot,
the scenario itself.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from accord.analysis.report import Analysis, analyze
from accord.errors import ScenarioError
from accord.phases import Event
from accord.scenario import Scenario

__all__ = ["Snapshot", "TimelineAnalysis", "analyze_timeline"]


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """The scenario at one point of its timeline and its analysis.

    ``event`` is ``None`` for the start (round 0); otherwise ``scenario`` is
    ``scenario.at(through=event.name)``: every event up to and including this one applied.
    """

    name: str
    round: int
    event: Event | None
    scenario: Scenario
    analysis: Analysis


@dataclass(frozen=True, slots=True, eq=False)
class TimelineAnalysis:
    """``snapshots``: the start, then one per event in timeline order. ``scenario`` is the
    analysed scenario (real issues discretised), with its timeline."""

    scenario: Scenario
    snapshots: tuple[Snapshot, ...]

    @property
    def start(self) -> Snapshot:
        """The snapshot before any event."""
        return self.snapshots[0]

    @property
    def events(self) -> tuple[Snapshot, ...]:
        """The snapshots right after each event, in order."""
        return self.snapshots[1:]

    def after(self, event: str) -> Snapshot:
        """The snapshot right after the event named ``event``."""
        for snap in self.events:
            if snap.name == event:
                return snap
        known = ", ".join(s.name for s in self.events) or "none"
        raise ScenarioError(f"no event named {event!r} (events: {known})")

    def at(self, round: int) -> Snapshot:
        """The snapshot in force at ``round``: right after the latest event at or before it
        (the start when there is none); its scenario is ``scenario.at(round=round)``."""
        rounds = [s.round for s in self.events]
        return self.snapshots[bisect_right(rounds, round)]


def analyze_timeline(
    scenario: Scenario, *, discretize: int = 11, time_limit: float = 60.0
) -> TimelineAnalysis:
    """Analyse ``scenario`` at the start of its timeline and right after each event, once.

    Real issues are discretised at ``discretize`` evenly spaced points first (as
    :func:`~accord.analysis.analyze` does), so that every snapshot shares one outcome space.
    The result is kept with the scenario object: asking again (a report, the CLI, the Nash
    comparison of :func:`accord.mediate`) costs nothing. ``time_limit`` is each analysis's
    (see :func:`~accord.analysis.analyze`).
    """
    return scenario.derived(_analyze_timeline, discretize, time_limit)


def _analyze_timeline(scenario: Scenario, discretize: int, time_limit: float) -> TimelineAnalysis:
    sc = scenario.discretized(discretize)
    start = sc.at()

    def one(snap: Scenario) -> Analysis:
        return analyze(snap, discretize=discretize, time_limit=time_limit)

    snapshots = [Snapshot("start", 0, None, start, one(start))]
    for ev in sc.timeline.events:
        snap = sc.at(through=ev.name)
        snapshots.append(Snapshot(ev.name, ev.round, ev, snap, one(snap)))
    return TimelineAnalysis(sc, tuple(snapshots))
