"""The agent's role in alternating offers: its interface and the sealed view it is handed.

An agent is told ``start(view)`` once, then asked ``propose(view)`` for an offer (an outcome
index, or ``None`` to walk away) and ``respond(view, offer, proposer)`` for a response to a
standing offer. Its :class:`AgentView` holds its own presorted preferences
(:class:`~accord.mechanisms.own.OwnPreferences`), the public offer history (read-only), the
party names, the time and its seeded generator — never the scenario, the mechanism or another
party's preferences. Only a run that opts in to "utilities public, reservations private"
(protocol option ``public_utilities``) adds the other parties' utility functions
(:attr:`AgentView.public_utilities`), never their reservation values.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np

from accord.mechanisms.alternating_offers.public import PublicUtility
from accord.mechanisms.own import OwnPreferences, ReadOnlyList
from accord.mechanisms.session import Clock


class Response(enum.Enum):
    ACCEPT = "accept"
    REJECT = "reject"
    END = "end"


class OfferRecord(NamedTuple):
    round: int
    party: str
    outcome: int


class AgentView:
    """The read-only view an agent gets: own preferences, public history, time.

    The mechanism advances the shared clock and appends to the history between calls; the
    agent only reads them.
    """

    __slots__ = (
        "_clock",
        "_history",
        "_public",
        "_rng",
        "_seed",
        "parties",
        "preferences",
        "rounds",
        "seconds",
    )

    def __init__(
        self,
        preferences: OwnPreferences,
        parties: tuple[str, ...],
        clock: Clock,
        history: list[OfferRecord],
        seed: np.random.SeedSequence,
        public_utilities: Mapping[str, PublicUtility] | None = None,
    ):
        self.preferences = preferences
        self.parties = parties
        self.rounds = clock.rounds
        self.seconds = clock.seconds
        self._seed = seed
        self._rng: np.random.Generator | None = None
        self._history = ReadOnlyList(history)
        self._clock = clock
        self._public = public_utilities

    @property
    def public_utilities(self) -> Mapping[str, PublicUtility] | None:
        """The other parties' utility functions, by party name, without their reservation
        values — only under the regime "utilities public, reservations private" (protocol
        option ``public_utilities``); ``None`` otherwise (the default)."""
        return self._public

    @property
    def rng(self) -> np.random.Generator:
        """The agent's own random generator (seeded by the run's seed layout; made on first
        use: most agents never draw)."""
        if self._rng is None:
            self._rng = np.random.default_rng(self._seed)
        return self._rng

    @property
    def name(self) -> str:
        return self.preferences.name

    @property
    def round(self) -> int:
        """The current round, from 0."""
        return self._clock.round

    @property
    def elapsed(self) -> float:
        return self._clock.elapsed

    @property
    def time(self) -> float:
        """Relative time in [0, 1]: the larger of rounds used and seconds used."""
        if not self.seconds:  # the common case, kept cheap: agents ask every turn
            return self._clock.round / self.rounds if self.rounds else 0.0
        return self._clock.time

    @property
    def history(self) -> Sequence[OfferRecord]:
        """All offers so far (public), oldest first; read-only."""
        return self._history

    def last_offer(self, party: str | None = None) -> OfferRecord | None:
        for rec in reversed(self._history):
            if party is None or rec.party == party:
                return rec
        return None

    def opponent_offers(self) -> list[OfferRecord]:
        return [r for r in self._history if r.party != self.preferences.name]


@runtime_checkable
class Agent(Protocol):
    """What alternating offers needs from a negotiating agent."""

    def start(self, view: AgentView) -> None: ...

    def propose(self, view: AgentView) -> int | None: ...

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response: ...
