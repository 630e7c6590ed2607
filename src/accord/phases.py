"""Phased agreements, contingent clauses and outside events.

Real deals are often phased and contingent: "at least 50 released over a 4-day pause, then one
more day of pause for every 10 more releases", with a ceasefire as precondition of what comes
next, while events outside the room (shelling, a ground invasion) shift what each side can
accept. This module holds the value objects and the arithmetic; mechanisms and analysis use
them through :class:`Timeline` and :func:`phased_utility`.

* :class:`Phase` — a named group of issues, an optional precondition (another phase that must
  hold first) and a probability that the phase breaks down once agreed.
* :class:`ExtensionRule` — "+``days`` per ``per`` additional units, up to ``cap``".
* :class:`Event` — at a round, changes reservation values, the cost of delay, breakdown risks,
  the deadline, a party's or the mediator's availability, or announces public information.

A phased package's utility for a party is its **expected value**: each phase's issues count
with the probability that the phase is reached and holds (the product of ``1 − risk`` along its
chain of preconditions). With constant risks this keeps an additive utility additive (its issue
weights are scaled), so the exact analysis applies unchanged. The **cost of delay** is a
per-round utility cost ``c``: a package agreed at round ``t`` is worth ``u − c·t``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from accord.clauses import ExtensionRule
from accord.errors import ScenarioError
from accord.preferences.utility import LinearAdditive, UtilityFunction

__all__ = ["Event", "ExtensionRule", "Phase", "State", "Timeline", "phased_utility"]


@dataclass(frozen=True, slots=True)
class Phase:
    """A phase of a deal: its issues, its precondition and its risk of breaking down."""

    name: str
    issues: tuple[str, ...]
    requires: str | None = None
    breakdown_risk: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.breakdown_risk <= 1.0:
            raise ScenarioError(f"phase {self.name!r}: breakdown risk must be in [0, 1]")


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happens outside the room, at a round, and what it changes.

    ``reservation`` and ``delay_cost`` map party names to **new** values; ``risk`` maps phase
    names to new breakdown risks; ``deadline`` sets a new deadline in rounds; ``unavailable``
    lists parties (or ``"mediator"``) who cannot meet from this round on, ``available`` those
    who can again. Every event is public: all parties see it in their history.
    """

    name: str
    round: int
    description: str = ""
    date: str | None = None
    reservation: Mapping[str, float] = field(default_factory=dict)
    delay_cost: Mapping[str, float] = field(default_factory=dict)
    risk: Mapping[str, float] = field(default_factory=dict)
    deadline: int | None = None
    unavailable: tuple[str, ...] = ()
    available: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.round < 0:
            raise ScenarioError(f"event {self.name!r}: round must be >= 0")
        for name, r in self.risk.items():
            if not 0.0 <= r <= 1.0:
                raise ScenarioError(f"event {self.name!r}: risk of {name!r} must be in [0, 1]")


@dataclass(frozen=True, slots=True)
class State:
    """The world at one point of the timeline (what the events have changed so far)."""

    reservation: Mapping[str, float]
    delay_cost: Mapping[str, float]
    risk: Mapping[str, float]
    deadline: int | None
    unavailable: frozenset[str]
    applied: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    """The phases of a deal and the events around it, applied deterministically in order."""

    phases: tuple[Phase, ...] = ()
    events: tuple[Event, ...] = ()
    delay_cost: Mapping[str, float] = field(default_factory=dict)
    deadline: int | None = None

    def __post_init__(self) -> None:
        names = [p.name for p in self.phases]
        if len(set(names)) != len(names):
            raise ScenarioError(f"phase names must be unique: {names}")
        for p in self.phases:
            if p.requires is not None and p.requires not in names:
                raise ScenarioError(f"phase {p.name!r} requires unknown phase {p.requires!r}")
            if p.requires is not None and names.index(p.requires) >= names.index(p.name):
                raise ScenarioError(f"phase {p.name!r} must come after {p.requires!r}")
        events = [e.name for e in self.events]
        if len(set(events)) != len(events):
            raise ScenarioError(f"event names must be unique: {events}")
        if any(a.round > b.round for a, b in zip(self.events, self.events[1:], strict=False)):
            raise ScenarioError("events must be listed in the order of their rounds")
        for e in self.events:
            unknown = set(e.risk) - set(names)
            if unknown:
                raise ScenarioError(
                    f"event {e.name!r} changes the risk of unknown phases {sorted(unknown)}"
                )

    @property
    def is_empty(self) -> bool:
        return not self.phases and not self.events and not self.delay_cost

    def event(self, name: str) -> Event:
        for e in self.events:
            if e.name == name:
                return e
        known = ", ".join(e.name for e in self.events) or "none"
        raise ScenarioError(f"no event named {name!r} (events: {known})")

    def state(
        self,
        reservations: Mapping[str, float],
        *,
        round: int | None = None,
        through: str | None = None,
    ) -> State:
        """The state after every event at or before ``round`` (or up to and including the
        event named ``through``); with neither, the initial state."""
        res = dict(reservations)
        cost = dict(self.delay_cost)
        risk = {p.name: p.breakdown_risk for p in self.phases}
        deadline = self.deadline
        away: set[str] = set()
        applied: list[str] = []
        stop = self.events.index(self.event(through)) if through is not None else None
        for i, e in enumerate(self.events):
            if stop is not None and i > stop:
                break
            if stop is None and (round is None or e.round > round):
                break
            res.update(e.reservation)
            cost.update(e.delay_cost)
            risk.update(e.risk)
            deadline = e.deadline if e.deadline is not None else deadline
            away |= set(e.unavailable)
            away -= set(e.available)
            applied.append(e.name)
        return State(res, cost, risk, deadline, frozenset(away), tuple(applied))

    def reach(self, risk: Mapping[str, float]) -> dict[str, float]:
        """Probability that each phase is reached and holds, given the risks."""
        out: dict[str, float] = {}
        for p in self.phases:
            before = out[p.requires] if p.requires is not None else 1.0
            out[p.name] = before * (1.0 - risk.get(p.name, p.breakdown_risk))
        return out


def phased_utility(
    utility: UtilityFunction,
    issue_names: tuple[str, ...],
    timeline: Timeline,
    risk: Mapping[str, float] | None = None,
) -> UtilityFunction:
    """The expected utility of phased packages: each phase's issue weights scaled by the
    probability that the phase is reached and holds. Issues in no phase count fully.

    Only additive utilities can be re-weighted exactly; any other utility with phases is an
    error rather than a silent approximation.
    """
    if not timeline.phases:
        return utility
    if not isinstance(utility, LinearAdditive):
        raise ScenarioError("phases with breakdown risk need linear-additive utilities")
    reach = timeline.reach(risk if risk is not None else {})
    factor = {name: 1.0 for name in issue_names}
    for p in timeline.phases:
        for issue in p.issues:
            if issue not in factor:
                raise ScenarioError(f"phase {p.name!r} names unknown issue {issue!r}")
            factor[issue] = reach[p.name]
    weights = tuple(w * factor[n] for w, n in zip(utility.weights, issue_names, strict=True))
    return replace(utility, weights=weights)
