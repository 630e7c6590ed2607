"""The utility space of a case, ready to draw: outcome cloud, frontiers and reservation values
before and after the escalation, Nash points, numbered proposals and the agreement.

Utilities are expected (phased) utilities: of the start of the timeline for the cloud and the
first frontier, after the escalation for the second, and at their round for the proposals and
the agreement. With more than two parties the first two are drawn (a projection).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.analysis import analyze
from accord.plots import outcome_cloud
from accord.reports.case import CaseReport, escalation_row
from accord.scenario import Scenario

__all__ = ["Stage", "UtilitySpace", "utility_space"]

#: Outcomes drawn at most (a seeded sample beyond).
CLOUD_LIMIT = 8_000


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


def _stage(snap: Scenario, label: str) -> Stage:
    a = analyze(snap)
    front = np.asarray(a.frontier, dtype=float)[:, :2]
    front = front[np.argsort(front[:, 0])] if front.size else front.reshape(0, 2)
    r = a.reservations
    nash = None if a.nash is None else (a.nash.utilities[0], a.nash.utilities[1])
    return Stage(label, front, (r[0], r[1]), nash, a.zopa_outcomes)


def utility_space(scenario: Scenario, report: CaseReport) -> UtilitySpace:
    """Gather the points of the case figure (the scenario needs at least two parties)."""
    sc = scenario.discretized(11)
    start = sc.at()
    esc = escalation_row(list(report.timeline))
    after = None
    if esc is not None:
        after = _stage(sc.at(through=esc["name"]), f"after {esc['name']}")
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
        cloud=outcome_cloud(start, limit=CLOUD_LIMIT)[:, :2],
        before=_stage(start, "start"),
        after=after,
        proposals=tuple(
            (p.number, p.utilities[0], p.utilities[1], _package_text(p.package))
            for p in report.proposals
        ),
        agreement=agreement,
        agreement_text=package,
    )
