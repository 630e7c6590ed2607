"""The roles of caucus mediation: what a mediator and a party see, and what they must do.

What each side sees is the point of the module:

* a **party** (:class:`PartyView`) sees its own preferences
  (:class:`~accord.mechanisms.own.OwnUtility`), its red line and cost of delay as they stand,
  the messages delivered to it, its own answers and public events — never another party's
  answers, and nothing from which the mechanism can tell that they were copied;
* a **mediator** (:class:`MediatorView`) sees the structure of the space (public), the
  budgets, the issues locked by earlier phases and the :class:`Notebook`: every exchange of
  every caucus — what the parties disclosed, never their utility functions. Coalition members
  share the one notebook, which is their common channel and model.

Views are read-only: the mechanism keeps the lists and numbers they show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Protocol, runtime_checkable

import numpy as np

from accord.agreement import UNANIMITY, AgreementRule
from accord.mechanisms.caucus.messages import Answer, Exchange, Message, Query
from accord.mechanisms.own import OwnUtility, ReadOnlyList
from accord.mechanisms.session import Clock
from accord.outcomes.space import OutcomeSpace


class Notebook:
    """Every exchange of every caucus, per party, oldest first: the mediators' shared channel.

    The mechanism keeps the exchanges; mediators only read them.
    """

    __slots__ = ("_by_party",)

    def __init__(self, exchanges: Mapping[str, list[Exchange]]):
        self._by_party = {p: ReadOnlyList(x) for p, x in exchanges.items()}

    def of(self, party: str) -> Sequence[Exchange]:
        """The exchanges with one party (read-only)."""
        return self._by_party[party]

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_party.values())


class MediatorView:
    """What a mediator may see: public structure, budgets, the notebook, the time.

    ``party_seed(p)`` is a seed reserved for choosing the queries put to ``p``: drawing from
    one generator for every party would let one party's answers steer another's questions.
    ``locked`` maps issue positions to the value index every proposal must keep (issues
    settled in an earlier phase, or left for a later one). ``rng`` is the mediator's own
    generator (seed layout of :mod:`accord.mechanisms.session`). ``rule`` is the scenario's
    (public) agreement rule: which sets of accepting parties pass a package.
    """

    __slots__ = (
        "_budget",
        "_clock",
        "_seeds",
        "coalition",
        "locked",
        "name",
        "notebook",
        "parties",
        "rng",
        "rule",
        "space",
    )

    def __init__(
        self,
        name: str,
        coalition: tuple[str, ...],
        space: OutcomeSpace,
        parties: tuple[str, ...],
        notebook: Notebook,
        budget: Mapping[str, int],
        clock: Clock,
        seeds: Mapping[str, int],
        locked: Mapping[int, int],
        rng: np.random.Generator,
        rule: AgreementRule = UNANIMITY,
    ):
        self.name = name
        self.rule = rule
        self.coalition = coalition
        self.space = space
        self.parties = parties
        self.notebook = notebook
        self.rng = rng
        self.locked: Mapping[int, int] = MappingProxyType(dict(locked))
        self._budget = MappingProxyType(budget)
        self._clock = clock
        self._seeds = MappingProxyType(dict(seeds))

    @property
    def round(self) -> int:
        return self._clock.round

    @property
    def rounds(self) -> int:
        return self._clock.rounds or 0

    def budget_left(self, party: str) -> int:
        """Queries the party will still answer."""
        return self._budget[party]

    def party_seed(self, party: str) -> int:
        return self._seeds[party]


class PartyState:
    """A party's preferences, red line and cost of delay as they stand: kept by the mechanism
    (outside events change them), read by the party's view."""

    __slots__ = ("delay_cost", "preferences")

    def __init__(self, preferences: OwnUtility, delay_cost: float):
        self.preferences = preferences
        self.delay_cost = delay_cost


class PartyView:
    """What a party may see: its own preferences, its inbox (the queries and proposals the
    mechanism delivered to it), its own answers, public events and the time."""

    __slots__ = ("_clock", "_inbox", "_outbox", "_public", "_state", "name", "rng", "space")

    def __init__(
        self,
        state: PartyState,
        clock: Clock,
        rng: np.random.Generator,
        inbox: list[Message],
        outbox: list[Message],
        public: list[str],
    ):
        self.name = state.preferences.name
        self.space = state.preferences.space
        self.rng = rng
        self._state = state
        self._clock = clock
        self._inbox = ReadOnlyList(inbox)
        self._outbox = ReadOnlyList(outbox)
        self._public = ReadOnlyList(public)

    @property
    def round(self) -> int:
        return self._clock.round

    @property
    def rounds(self) -> int:
        return self._clock.rounds or 0

    @property
    def preferences(self) -> OwnUtility:
        """Its own preferences as they stand (outside events may change them)."""
        return self._state.preferences

    @property
    def reservation(self) -> float:
        """Its red line as it stands."""
        return self._state.preferences.reservation

    @property
    def delay_cost(self) -> float:
        """Utility it loses per round of delay (set by the timeline's events)."""
        return self._state.delay_cost

    @property
    def inbox(self) -> Sequence[Message]:
        return self._inbox

    @property
    def outbox(self) -> Sequence[Message]:
        return self._outbox

    @property
    def public(self) -> Sequence[str]:
        """Public announcements: events and the rounds' openings."""
        return self._public

    def utilities(self, packages: Sequence[int]) -> np.ndarray:
        """This party's utility of each package (evaluated on demand, never enumerates)."""
        return self._state.preferences.utilities(packages)

    def evaluate(self, digits: np.ndarray) -> np.ndarray:
        """This party's utility of outcomes given as digits ``(n, issues)``."""
        return self._state.preferences.evaluate(digits)


@runtime_checkable
class CaucusMediator(Protocol):
    """A caucus mediator. ``next_message(view, party)`` is called repeatedly while the
    mediator meets ``party``; it returns the next :class:`Message` for that party (built with
    :func:`to_party`) or ``None`` to end the caucus."""

    def start(self, view: MediatorView) -> None: ...

    def next_message(self, view: MediatorView, party: str) -> Message | None: ...


@runtime_checkable
class CaucusParty(Protocol):
    """A party in caucus mediation: it answers the mediator's queries."""

    def start(self, view: PartyView) -> None: ...

    def answer(self, view: PartyView, query: Query) -> Answer: ...


def to_party(view: MediatorView, party: str, query: Query, *others: str) -> Message:
    """A message from the acting mediator to ``party``; ``others`` name further parties whose
    disclosures the content uses (allowed for proposals only)."""
    return Message(view.name, party, frozenset((party, *others)), query)
