"""The utility space of a case, ready to draw: outcome cloud, frontiers and reservation values
before and after the escalation, Nash points, numbered proposals and the agreement.

Utilities are expected (phased) utilities: of the start of the timeline for the cloud and the
first frontier, after the escalation for the second, and at their round for the proposals and
the agreement. With more than two parties the first two are drawn (a projection). The
frontiers and Nash points are those of the report's timeline analysis (nothing is re-analysed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.analysis import Snapshot
from accord.reports.case import CaseReport, escalation_row
from accord.scenario import Scenario

__all__ = ["MAX_CLOUD", "Stage", "UtilitySpace", "outcome_cloud", "utility_space"]

#: Outcomes drawn at most by default (a seeded sample beyond).
MAX_CLOUD = 20_000
#: Outcomes drawn at most in a case figure.
CLOUD_LIMIT = 8_000


def outcome_cloud(scenario: Scenario, limit: int = MAX_CLOUD, seed: int = 0) -> np.ndarray:
    """Utilities of all outcomes when there are at most ``limit``, else of a seeded sample."""
    size = scenario.space.size
    if size is not None and size <= limit:
        return scenario.evaluate(scenario.space.all_digits())
    rng = np.random.default_rng(seed)
    return scenario.evaluate(scenario.space.sample(rng, limit))


@dataclass(frozen=True, slots=True)
class Stage:
    """The analysis at one point of the timeline, in the first two parties' utilities."""

    label: str
    frontier: np.ndarray
    reservation: tuple[float, float]
    nash: tuple[float, float] | None
    zopa: int | None


@dataclass(frozen=True, slots=True, eq=False)
class UtilitySpace:
    """What a case figure shows (see the module docstring)."""

    title: str
    axes: tuple[str, str]
    projected: bool
    cloud: np.ndarray
    before: Stage
    after: Stage | None
    proposals: tuple[tuple[int, float, float, str], ...]  # number, u0, u1, package text
    agreement: tuple[float, float] | None
    agreement_text: str


def _package_text(package: dict[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in package.items())


def _stage(snap: Snapshot, label: str) -> Stage:
    a = snap.analysis
    front = np.asarray(a.frontier, dtype=float)[:, :2]
    front = front[np.argsort(front[:, 0])] if front.size else front.reshape(0, 2)
    r = a.reservations
    nash = None if a.nash is None else (a.nash.utilities[0], a.nash.utilities[1])
    return Stage(label, front, (r[0], r[1]), nash, a.zopa_outcomes)


def utility_space(report: CaseReport) -> UtilitySpace:
    """Gather the points of the case figure from the report and the timeline analysis it was
    made from (the scenario needs at least two parties)."""
    timeline = report.analysis
    sc = timeline.scenario
    esc = escalation_row(list(report.timeline))
    after = None
    if esc is not None:
        after = _stage(timeline.after(esc["name"]), f"after {esc['name']}")
    agreement = None
    if report.outcomes:
        agreement = (report.outcomes[0].expected, report.outcomes[1].expected)
    package = ""
    if report.by_phase:
        package = "; ".join(_package_text(s.package) for s in report.by_phase)
    return UtilitySpace(
        title=sc.name,
        axes=(sc.parties[0].name, sc.parties[1].name),
        projected=len(sc.parties) > 2,
        cloud=outcome_cloud(timeline.start.scenario, limit=CLOUD_LIMIT)[:, :2],
        before=_stage(timeline.start, "start"),
        after=after,
        proposals=tuple(
            (p.number, p.utilities[0], p.utilities[1], _package_text(p.package))
            for p in report.proposals
        ),
        agreement=agreement,
        agreement_text=package,
    )
