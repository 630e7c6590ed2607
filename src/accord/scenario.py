"""Scenario: an outcome space, the parties with their private preferences, and (later issues)
mediators, events and phases."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from accord.agreement import UNANIMITY, AgreementRule
from accord.errors import ScenarioError
from accord.outcomes.issues import Value
from accord.outcomes.space import OutcomeSpace
from accord.phases import Timeline, phased_utility
from accord.preferences.uncertainty import PartyUncertainty
from accord.preferences.utility import UtilityFunction

#: Largest space whose utilities :meth:`Scenario.utilities` will materialise at once.
MAX_MATERIALISED = 50_000_000

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Party:
    """A negotiating party: its private utility, its red line and its time preference.

    ``reservation`` is the utility of no agreement (GENIUS's reservation value, undiscounted);
    ``discount`` is GENIUS's discount factor ``d`` (utility ``u·d^t`` at normalised time t), or
    ``None`` when the party does not discount. ``uncertainty`` says how imprecisely an analyst
    knows the weights and the reservation value (see :mod:`accord.analysis.robustness`).
    """

    name: str
    utility: UtilityFunction
    reservation: float = 0.0
    discount: float | None = None
    source: str | None = None
    uncertainty: PartyUncertainty | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ScenarioError("a party needs a name")
        if math.isnan(self.reservation):
            raise ScenarioError(f"party {self.name!r}: reservation value is not a number")
        if self.discount is not None and not 0.0 < self.discount <= 1.0:
            raise ScenarioError(
                f"party {self.name!r}: discount factor must be in (0, 1], got {self.discount}"
            )


@dataclass(frozen=True, slots=True)
class Scenario:
    """Issues + parties. Utility arrays are computed once and cached (read-only).

    ``rule`` says which sets of accepting parties pass a package (:mod:`accord.agreement`;
    default unanimity); ``opening`` is a starting text (one value per issue, in issue order),
    e.g. the proposal a party tables first, or ``None``.
    """

    name: str
    space: OutcomeSpace
    parties: tuple[Party, ...]
    description: str = ""
    warnings: tuple[str, ...] = ()
    source: str | None = None
    load_seconds: float | None = field(default=None, compare=False)
    timeline: Timeline = field(default_factory=Timeline)
    mediators: tuple[str, ...] = ()
    rule: AgreementRule = UNANIMITY
    opening: tuple[Value, ...] | None = None
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.parties) < 1:
            raise ScenarioError(f"scenario {self.name!r} has no parties")
        names = [p.name for p in self.parties]
        if len(set(names)) != len(names):
            raise ScenarioError(f"scenario {self.name!r}: party names must be unique: {names}")
        self.rule.check(names)
        if self.opening is not None:
            if len(self.opening) != len(self.space.issues):
                raise ScenarioError(
                    f"scenario {self.name!r}: the opening text has {len(self.opening)} values "
                    f"for {len(self.space.issues)} issues"
                )
            self.space.encode(dict(zip(self.space.names, self.opening, strict=True)))

    @property
    def opening_index(self) -> int | None:
        """The opening text as an outcome index (``None`` without one)."""
        if self.opening is None:
            return None
        values = dict(zip(self.space.names, self.opening, strict=True))
        return self.space.to_index(self.space.encode(values))

    @property
    def party_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parties)

    @property
    def reservations(self) -> np.ndarray:
        return np.array([p.reservation for p in self.parties], dtype=float)

    def party(self, name: str) -> Party:
        for p in self.parties:
            if p.name == name:
                return p
        raise ScenarioError(f"scenario {self.name!r} has no party {name!r}")

    def evaluate(self, digits: np.ndarray) -> np.ndarray:
        """Utilities ``(n, parties)`` of outcomes given as digits ``(n, k)``."""
        d = np.atleast_2d(digits)
        return np.stack([p.utility.evaluate(self.space, d) for p in self.parties], axis=1)

    def derived(self, factory: Callable[..., T], *args: Hashable) -> T:
        """``factory(self, *args)``, computed once per scenario object and kept with it.

        For data derived from a scenario and shared by every negotiation on it (a party's
        presorted utilities, a fast evaluator): the key is the factory and its arguments, so
        two consumers never collide. Keep only read-only values here.
        """
        key = (factory, args)
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = factory(self, *args)
            return value

    def utilities(self) -> np.ndarray:
        """Utility of every outcome for every party, ``(n, parties)``, in index order.

        Computed once and cached read-only; only for enumerable spaces up to
        :data:`MAX_MATERIALISED` outcomes.
        """
        cached = self._cache.get("utilities")
        if cached is not None:
            return cached
        size = self.space.size
        if size is None:
            raise ScenarioError(f"scenario {self.name!r} is continuous: discretise it first")
        if size > MAX_MATERIALISED:
            raise ScenarioError(
                f"scenario {self.name!r} has {size:.3g} outcomes, too many to materialise"
            )
        out = np.empty((size, len(self.parties)))
        for start, digits in self.space.chunks():
            out[start : start + len(digits)] = self.evaluate(digits)
        out.setflags(write=False)
        self._cache["utilities"] = out
        return out

    def with_parties(self, names: list[str] | tuple[str, ...]) -> Scenario:
        """The same scenario restricted to the named parties (in that order)."""
        return replace(
            self, parties=tuple(self.party(n) for n in names), rule=self.rule.restricted(names)
        )

    def discretized(self, points: int = 11) -> Scenario:
        """A copy whose real issues are enumerated at ``points`` evenly spaced values."""
        if not self.space.is_continuous:
            return self
        note = f"real issues discretised at {points} evenly spaced points each"
        return replace(self, space=self.space.discretize(points), warnings=(*self.warnings, note))

    def at(self, *, round: int | None = None, through: str | None = None) -> Scenario:
        """A snapshot of the scenario at a point of its timeline: reservation values after the
        events so far (at or before ``round``, or up to and including the event ``through``)
        and phased expected utilities under the breakdown risks then in force. The snapshot is
        a plain scenario (no timeline); without a timeline the scenario itself is returned."""
        if self.timeline.is_empty:
            return self
        reservations = {p.name: p.reservation for p in self.parties}
        st = self.timeline.state(reservations, round=round, through=through)
        unknown = set(st.reservation) - set(reservations)
        if unknown:
            raise ScenarioError(
                f"events change the reservation of unknown parties {sorted(unknown)}"
            )
        parties = tuple(
            replace(
                p,
                reservation=float(st.reservation[p.name]),
                utility=phased_utility(p.utility, self.space.names, self.timeline, st.risk),
            )
            for p in self.parties
        )
        return replace(self, parties=parties, timeline=Timeline())
