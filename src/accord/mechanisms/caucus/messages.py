"""The messages of caucus (shuttle) mediation (:mod:`accord.mechanisms.caucus`).

The mediator meets each party privately and may only **ask** (a :class:`Query`): rate or rank
a few packages, name the most important issue, state a red line, or consider a proposal. The
party **discloses** only by answering (an :class:`Answer`). Every exchange travels in a
:class:`Message` that carries its provenance: who sent it, to whom, and ``derived_from`` —
the parties whose disclosures its content uses. Packages are outcome indices (Python ints:
spaces of 10^50 outcomes are addressed exactly).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

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
