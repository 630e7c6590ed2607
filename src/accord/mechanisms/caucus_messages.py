"""Messages, views and roles of caucus (shuttle) mediation (:mod:`accord.mechanisms.caucus`).

The mediator meets each party privately and may only **ask** (a :class:`Query`): rate or rank
a few packages, name the most important issue, state a red line, or consider a proposal. The
party **discloses** only by answering (an :class:`Answer`). Every exchange travels in a
:class:`Message` that carries its provenance: who sent it, to whom, and ``derived_from`` —
the parties whose disclosures its content uses.

What each side sees is the point of the module:

* a **party** (:class:`PartyView`) sees its own preferences, the messages delivered to it
  (queries built from its own disclosures and the mediator's proposals), its own answers and
  public events — nothing that derives from another party's disclosure;
* a **mediator** (:class:`MediatorView`) sees the structure of the space (public), the
  budgets and the :class:`Notebook`: every exchange of every caucus. Coalition members share
  the one notebook, which is their common channel and model.

Packages are outcome indices (Python ints: spaces of 10^50 outcomes are addressed exactly).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol, runtime_checkable

import numpy as np

from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import UtilityFunction

QueryKind = Literal["rate", "rank", "top_issue", "red_line", "proposal"]
QUERY_KINDS: tuple[str, ...] = ("rate", "rank", "top_issue", "red_line", "proposal")
#: Most packages one ``rate`` or ``rank`` query may name ("a few").
MAX_PACKAGES = 5


@dataclass(frozen=True, slots=True)
class Query:
    """A question of the mediator. ``packages``: for ``rate``/``rank`` (1..MAX_PACKAGES) and
    ``proposal`` (exactly one); ``note``: free text the mediator adds (checked for leaks)."""

    kind: QueryKind
    packages: tuple[int, ...] = ()
    note: str = ""


def rate(*packages: int) -> Query:
    """Ask for the party's rating (its utility) of each package."""
    return Query("rate", tuple(int(p) for p in packages))


def rank(*packages: int) -> Query:
    """Ask the party to order the packages, best first."""
    return Query("rank", tuple(int(p) for p in packages))


def top_issue() -> Query:
    """Ask which issue matters most to the party."""
    return Query("top_issue")


def red_line() -> Query:
    """Ask the party for its red line: the least utility it would sign for."""
    return Query("red_line")


def proposal(package: int) -> Query:
    """Put a package to the party: would it sign this rather than have no agreement?"""
    return Query("proposal", (int(package),))


@dataclass(frozen=True, slots=True)
class Answer:
    """A party's reply to one query. Only the fields of the query's kind are set:
    ``ratings`` (rate), ``ranking`` (rank: the packages best first), ``issue`` (top_issue),
    ``threshold`` (red_line; ``None``: no red line), ``accept`` and the optional private
    ``reason`` (proposal). ``refused`` means the party declined to answer (it still counts
    against the budget)."""

    kind: QueryKind
    ratings: tuple[float, ...] = ()
    ranking: tuple[int, ...] = ()
    issue: str | None = None
    threshold: float | None = None
    accept: bool | None = None
    reason: str = ""
    refused: bool = False


def refusal(query: Query, reason: str = "") -> Answer:
    """The answer of a party that declines ``query``."""
    return Answer(query.kind, refused=True, reason=reason)


@dataclass(frozen=True, slots=True)
class Message:
    """One private message with its provenance.

    ``derived_from``: the parties whose disclosures the content uses. A query to a party may
    derive only from that party; a proposal (the mediator's package) may derive from anyone.
    """

    sender: str
    recipient: str
    derived_from: frozenset[str]
    body: Query | Answer
    round: int = -1  # set by the mechanism on delivery

    @property
    def kind(self) -> str:
        return self.body.kind


class Exchange(NamedTuple):
    """One question and its answer in a caucus."""

    round: int
    query: Message
    answer: Message


class Notebook:
    """Every exchange of every caucus, per party, oldest first: the mediators' shared channel.

    The mechanism writes it; mediators only read it.
    """

    __slots__ = ("_by_party",)

    def __init__(self, parties: Sequence[str]):
        self._by_party: dict[str, list[Exchange]] = {p: [] for p in parties}

    def of(self, party: str) -> Sequence[Exchange]:
        """The exchanges with one party (do not modify)."""
        return self._by_party[party]

    def add(self, party: str, exchange: Exchange) -> None:
        self._by_party[party].append(exchange)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_party.values())


class Clock:
    """Round counter shared by the mechanism and its views."""

    __slots__ = ("round", "rounds")

    def __init__(self, rounds: int):
        self.rounds = rounds
        self.round = 0


class MediatorView:
    """What a mediator may see: public structure, budgets, the notebook, the time.

    ``party_seed(p)`` is a seed reserved for choosing the queries put to ``p``: drawing from
    one generator for every party would let one party's answers steer another's questions.
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
    ):
        self.name = name
        self.coalition = coalition
        self.space = space
        self.parties = parties
        self.notebook = notebook
        self._budget = budget
        self._clock = clock
        self._seeds = seeds
        #: issue position -> value index that every proposal must keep (phase by phase)
        self.locked: dict[int, int] = {}

    @property
    def round(self) -> int:
        return self._clock.round

    @property
    def rounds(self) -> int:
        return self._clock.rounds

    def budget_left(self, party: str) -> int:
        """Queries the party will still answer."""
        return self._budget[party]

    def party_seed(self, party: str) -> int:
        return self._seeds[party]


class PartyView:
    """What a party may see: its own preferences, its inbox (queries derived from its own
    disclosures and the mediator's proposals), its own answers and public events."""

    __slots__ = (
        "_clock",
        "_utility",
        "delay_cost",
        "inbox",
        "name",
        "outbox",
        "public",
        "reservation",
        "rng",
        "space",
    )

    def __init__(
        self,
        name: str,
        space: OutcomeSpace,
        utility: UtilityFunction,
        reservation: float,
        clock: Clock,
        rng: np.random.Generator,
    ):
        self.name = name
        self.space = space
        self.reservation = reservation
        self.rng = rng
        self._utility = utility
        self._clock = clock
        self.delay_cost = 0.0  # utility lost per round of delay (set by the timeline's events)
        self.inbox: list[Message] = []
        self.outbox: list[Message] = []
        self.public: list[str] = []

    @property
    def round(self) -> int:
        return self._clock.round

    @property
    def rounds(self) -> int:
        return self._clock.rounds

    def utilities(self, packages: Sequence[int]) -> np.ndarray:
        """This party's utility of each package (evaluated on demand, never enumerates)."""
        digits = np.array([self.space.from_index(int(p)) for p in packages], dtype=np.int64)
        return self.evaluate(digits.reshape(len(packages), len(self.space.issues)))

    def evaluate(self, digits: np.ndarray) -> np.ndarray:
        """This party's utility of outcomes given as digits ``(n, issues)``."""
        return self._utility.evaluate(self.space, digits)


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
