"""The case report of a mediated, phased negotiation: what the analysis says at each point of the
timeline, what the mediator proposed round by round, and the package agreed, phase by phase.

Both :func:`timeline_rows` and :func:`case_report` take the scenario's
:class:`~accord.analysis.TimelineAnalysis` (computed once by
:func:`~accord.analysis.analyze_timeline`); :func:`case_report` adds a mediation result (its
trace). Both are plain data (JSON-able through ``to_dict``); rendering lives in
:mod:`accord.reports.html`, :mod:`accord.reports.png` and the CLI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.analysis import TimelineAnalysis, analyze_timeline
from accord.errors import ScenarioError
from accord.mechanisms.result import NegotiationResult
from accord.phases import Event
from accord.reports.trace_rows import ProposalRow, applied_events, proposal_rows
from accord.scenario import Scenario

__all__ = ["CaseReport", "PartyOutcome", "PhaseShare", "case_report", "timeline_rows"]

#: Caveat printed with every case report.
CAVEAT = (
    "Priorities, weights, reservation values, risks and event effects in a scenario are "
    "modelling assumptions. The analysis shows what follows from them, not what any party "
    "actually values."
)


def _plain(value: Any) -> Any:
    """A JSON-able copy of a package value (numpy scalars become Python numbers)."""
    return value.item() if isinstance(value, np.generic) else value


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _changes(ev: Event) -> str:
    """What an event changes, in words (``public information only`` when nothing)."""
    parts = []
    for key, label in (
        ("reservation", "reservation"),
        ("risk", "breakdown risk"),
        ("delay_cost", "cost of delay"),
    ):
        mapping = getattr(ev, key)
        if mapping:
            parts.append(f"{label}: " + ", ".join(f"{k} {v:.3g}" for k, v in mapping.items()))
    if ev.deadline is not None:
        parts.append(f"deadline: round {ev.deadline}")
    if ev.unavailable:
        parts.append("unavailable: " + ", ".join(ev.unavailable))
    if ev.available:
        parts.append("available again: " + ", ".join(ev.available))
    return "; ".join(parts) or "public information only"


def timeline_rows(timeline: TimelineAnalysis) -> list[dict[str, Any]]:
    """One row for the start and one after each event: reservation values, risks and costs of
    delay then in force, the ZOPA size, and the Nash point (utilities and package)."""
    t = timeline.scenario.timeline
    start = {p.name: p.reservation for p in timeline.scenario.parties}
    rows: list[dict[str, Any]] = []
    for snap in timeline.snapshots:
        ev = snap.event
        state = t.state(start, through=None if ev is None else ev.name)
        nash = snap.analysis.nash
        rows.append(
            {
                "name": snap.name,
                "event": ev is not None,
                "round": snap.round,
                "date": None if ev is None else ev.date,
                "description": "Before any event." if ev is None else ev.description.strip(),
                "changes": "" if ev is None else _changes(ev),
                "reservations": {p.name: float(p.reservation) for p in snap.scenario.parties},
                "risks": {k: float(v) for k, v in state.risk.items()},
                "delay_cost": {k: float(v) for k, v in state.delay_cost.items()},
                "unavailable": sorted(state.unavailable),
                "zopa": snap.analysis.zopa_outcomes,
                "nash_utilities": None if nash is None else [_num(u) for u in nash.utilities],
                "nash_package": None
                if nash is None
                else {k: _plain(v) for k, v in nash.outcome.items()},
            }
        )
    return rows


def escalation_row(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The event row with the smallest ZOPA (the earliest on ties), or ``None`` without events
    (or when no ZOPA is known)."""
    events = [r for r in rows if r["event"] and r["zopa"] is not None]
    if not events:
        return None
    return min(events, key=lambda r: r["zopa"])


@dataclass(frozen=True, slots=True)
class PhaseShare:
    """One phase of the agreed package: its issues and values, the probability that it is
    reached and holds, and each party's utility from it (weighted issue values, then times
    that probability)."""

    name: str
    requires: str | None
    breakdown_risk: float
    reach: float
    package: dict[str, Any]
    utilities: dict[str, float | None]
    expected: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requires": self.requires,
            "breakdown_risk": self.breakdown_risk,
            "reach": self.reach,
            "package": dict(self.package),
            "utilities": {k: _num(v) for k, v in self.utilities.items()},
            "expected": {k: _num(v) for k, v in self.expected.items()},
        }


@dataclass(frozen=True, slots=True)
class PartyOutcome:
    """One party's view of the agreement: the mechanism's utility, the expected (phased)
    utility at the round of agreement, the reservation value and the Nash point then."""

    name: str
    utility: float
    expected: float
    reservation: float
    nash: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "utility": _num(self.utility),
            "expected": _num(self.expected),
            "reservation": _num(self.reservation),
            "nash": _num(self.nash),
        }


@dataclass(frozen=True, slots=True)
class CaseReport:
    """Everything a reader of a mediated case needs, as plain data (see :func:`case_report`)."""

    name: str
    description: str
    caveat: str
    mediators: tuple[str, ...]
    mediator: str | None
    parties: tuple[str, ...]
    phases: tuple[dict[str, Any], ...]
    timeline: tuple[dict[str, Any], ...]
    proposals: tuple[ProposalRow, ...]
    events: tuple[dict[str, Any], ...]
    reason: str
    rounds: int
    agreement_round: int | None
    outcome: int | None
    by_phase: tuple[PhaseShare, ...]
    outcomes: tuple[PartyOutcome, ...]
    distance_to_nash: float | None
    #: The timeline analysis the report was made from (the figures draw it; not in to_dict).
    analysis: TimelineAnalysis = field(compare=False, repr=False)

    @property
    def agreed(self) -> bool:
        return self.outcome is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form of the whole report."""
        return {
            "scenario": self.name,
            "description": self.description,
            "caveat": self.caveat,
            "mediators": list(self.mediators),
            "mediator": self.mediator,
            "parties": list(self.parties),
            "phases": [dict(p) for p in self.phases],
            "timeline": [dict(r) for r in self.timeline],
            "proposals": [p.to_dict() for p in self.proposals],
            "events": [dict(e) for e in self.events],
            "reason": self.reason,
            "rounds": self.rounds,
            "agreement_round": self.agreement_round,
            "agreement_index": self.outcome,
            "agreement_by_phase": [s.to_dict() for s in self.by_phase],
            "agreement_utilities": [o.to_dict() for o in self.outcomes],
            "distance_to_nash": _num(self.distance_to_nash),
        }


def _phase_groups(scenario: Scenario) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """``(name, requires, issues)`` of every phase, then the issues in no phase (if any)."""
    phases = scenario.timeline.phases
    groups = [(p.name, p.requires, p.issues) for p in phases]
    placed = {i for p in phases for i in p.issues}
    rest = tuple(n for n in scenario.space.names if n not in placed)
    if rest:
        groups.append(("not phased" if phases else "package", None, rest))
    return groups


def _contributions(scenario: Scenario, digits: tuple[int, ...]) -> list[list[float] | None]:
    """Per party, the weighted utility of each issue's agreed value (``None`` when the utility
    is not additive)."""
    out: list[list[float] | None] = []
    for party in scenario.parties:
        tables = getattr(party.utility, "issue_tables", None)
        if tables is None:
            out.append(None)
            continue
        out.append([float(t[d]) for t, d in zip(tables(scenario.space), digits, strict=True)])
    return out


def _by_phase(timeline: TimelineAnalysis, rnd: int, outcome: int) -> tuple[PhaseShare, ...]:
    """The agreed package grouped by phase, with raw and expected (at round ``rnd``) utility
    per party."""
    scenario = timeline.scenario
    snap = timeline.at(rnd).scenario
    digits = scenario.space.from_index(outcome)
    package = scenario.space.decode(digits)
    names = scenario.space.names
    raw, exp = _contributions(scenario, digits), _contributions(snap, digits)
    start = {p.name: p.reservation for p in scenario.parties}
    risk = scenario.timeline.state(start, round=rnd).risk
    reach = scenario.timeline.reach(risk)
    shares = []
    for name, requires, issues in _phase_groups(scenario):
        cols = [names.index(i) for i in issues]

        def total(rows: list[float] | None, cols: list[int] = cols) -> float | None:
            return None if rows is None else float(sum(rows[c] for c in cols))

        shares.append(
            PhaseShare(
                name=name,
                requires=requires,
                breakdown_risk=float(risk.get(name, 0.0)),
                reach=float(reach.get(name, 1.0)),
                package={i: _plain(package[i]) for i in issues},
                utilities={p.name: total(r) for p, r in zip(scenario.parties, raw, strict=True)},
                expected={p.name: total(r) for p, r in zip(scenario.parties, exp, strict=True)},
            )
        )
    return tuple(shares)


def _agreement_round(result: NegotiationResult) -> int | None:
    if result.agreement is None:
        return None
    rounds = [e.round for e in result.trace if e.kind == "agreement"]
    return rounds[-1] if rounds else result.rounds


def _outcomes(
    timeline: TimelineAnalysis, result: NegotiationResult, rnd: int
) -> tuple[tuple[PartyOutcome, ...], float | None]:
    """Each party's utilities of the agreement at round ``rnd`` and the distance to the Nash
    point of that moment (expected utilities, reservations then in force)."""
    if result.agreement is None:
        return (), None
    then = timeline.at(rnd)
    snap = then.scenario
    expected = snap.evaluate(np.array([snap.space.from_index(result.agreement)]))[0]
    nash = then.analysis.nash
    outs = tuple(
        PartyOutcome(
            name=p.name,
            utility=float(result.utilities[i]),
            expected=float(expected[i]),
            reservation=float(p.reservation),
            nash=None if nash is None else float(nash.utilities[i]),
        )
        for i, p in enumerate(snap.parties)
    )
    dist = (
        None
        if nash is None
        else float(np.linalg.norm(np.asarray(expected) - np.asarray(nash.utilities)))
    )
    return outs, dist


def _timeline_of(scenario: Scenario, timeline: TimelineAnalysis | None) -> TimelineAnalysis:
    """``timeline`` after checking that it is this scenario's (computed when ``None``)."""
    if timeline is None:
        return analyze_timeline(scenario)
    analysed = timeline.scenario
    if (analysed.name, analysed.party_names) != (scenario.name, scenario.party_names):
        raise ScenarioError(
            f"the timeline analysis is of {analysed.name!r} {list(analysed.party_names)}, "
            f"not of {scenario.name!r} {list(scenario.party_names)}"
        )
    return timeline


def case_report(
    scenario: Scenario, result: NegotiationResult, timeline: TimelineAnalysis | None = None
) -> CaseReport:
    """Gather the case: timeline with the analysis after each event, the mediator's proposals
    and the responses (from the trace), the events applied, and the agreed package by phase.

    ``timeline`` is ``analyze_timeline(scenario)``, computed once by the caller and shared with
    the other reports (computed here when not given). Utilities of proposals and of the
    agreement are expected (phased) utilities under the risks and reservation values in force
    at their round; the mechanism's own figure is kept too.
    """
    analysis = _timeline_of(scenario, timeline)
    sc = analysis.scenario
    rnd = _agreement_round(result)
    by_phase: tuple[PhaseShare, ...] = ()
    if result.agreement is not None and rnd is not None:
        by_phase = _by_phase(analysis, rnd, result.agreement)
    outs, dist = _outcomes(analysis, result, rnd or 0)
    return CaseReport(
        name=sc.name,
        description=sc.description.strip(),
        caveat=CAVEAT,
        mediators=tuple(sc.mediators),
        mediator=result.mediator,
        parties=sc.party_names,
        phases=tuple(
            {
                "name": p.name,
                "issues": list(p.issues),
                "requires": p.requires,
                "breakdown_risk": float(p.breakdown_risk),
            }
            for p in sc.timeline.phases
        ),
        timeline=tuple(timeline_rows(analysis)),
        proposals=tuple(proposal_rows(sc, result.trace)),
        events=tuple(applied_events(sc, result.trace)),
        reason=result.reason,
        rounds=result.rounds,
        agreement_round=rnd,
        outcome=result.agreement,
        by_phase=by_phase,
        outcomes=outs,
        distance_to_nash=dist,
        analysis=analysis,
    )
