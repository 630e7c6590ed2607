"""What an agent may see: its own preferences and the public state of the negotiation.

An agent never receives the mechanism or another party's preferences. Its
:class:`OwnPreferences` are computed once per (scenario, party) and shared by every negotiation
on that scenario: the utility of every outcome and the outcomes **presorted** by that utility,
so "the outcome nearest my target" is a binary search, not a scan.

Spaces too large to enumerate (the ANAC 2014 nonlinear domains have 10^10–10^50 outcomes) get a
**candidate pool** instead: a seeded uniform sample plus each issue-wise best outcome where the
utility is additive. Agents search that pool; their docs say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive
from accord.scenario import MAX_MATERIALISED, Party, Scenario

#: Size of the candidate pool used for spaces that are not enumerated.
POOL_SIZE = 200_000
#: Spaces up to this size are enumerated for agents.
MAX_AGENT_ENUMERATION = 10_000_000


class OwnPreferences:
    """One party's utility over the space, presorted (best first). Read-only arrays."""

    __slots__ = (
        "_ascending",
        "_scenario",
        "_utilities",
        "discount",
        "enumerated",
        "name",
        "party_index",
        "pool",
        "pool_digits",
        "reservation",
        "sorted_utilities",
        "space",
    )

    def __init__(self, scenario: Scenario, party_index: int, pool_seed: int = 0):
        party: Party = scenario.parties[party_index]
        self._scenario = scenario
        self.name = party.name
        self.party_index = party_index
        self.space: OutcomeSpace = scenario.space
        self.reservation = float(party.reservation)
        self.discount = party.discount
        size = scenario.space.size or 0
        self.enumerated = size <= min(MAX_AGENT_ENUMERATION, MAX_MATERIALISED)
        if self.enumerated:
            u = scenario.utilities()[:, party_index]
            self._utilities: np.ndarray | None = u
            order = np.argsort(-u, kind="stable")
            self.pool: np.ndarray | None = order
            self.pool_digits: np.ndarray | None = None
            self.sorted_utilities = u[order]
        else:
            self._utilities = None
            digits = _pool_digits(scenario, party, np.random.default_rng(pool_seed))
            u = party.utility.evaluate(scenario.space, digits)
            order = np.argsort(-u, kind="stable")
            self.pool_digits = digits[order]
            self.pool = None  # ids are computed on demand from pool_digits (huge spaces)
            self.sorted_utilities = u[order]
        self.sorted_utilities.setflags(write=False)
        self._ascending = self.sorted_utilities[::-1]  # a view, for bisection

    @property
    def best(self) -> float:
        return float(self.sorted_utilities[0])

    @property
    def worst(self) -> float:
        return float(self.sorted_utilities[-1])

    def utility(self, outcome: int) -> float:
        """This party's utility of an outcome (exact, also for huge spaces)."""
        if self._utilities is not None:
            return float(self._utilities[outcome])
        digits = np.array([self.space.from_index(outcome)])
        party = self._scenario.parties[self.party_index]
        return float(party.utility.evaluate(self.space, digits)[0])

    def at_least(self, target: float) -> int:
        """Position in the sorted pool of the worst outcome still worth ``>= target``
        (0, the best outcome, when none is). O(log n), no copy: bisection on an ascending view."""
        ascending = self._ascending
        count = len(ascending) - int(ascending.searchsorted(target, side="left"))
        return max(count - 1, 0)

    def outcome_at(self, position: int) -> int:
        if self.pool is not None:
            return int(self.pool[position])
        if self.pool_digits is None:
            raise ValueError("preferences have neither pool ids nor pool digits")
        return self.space.to_index(self.pool_digits[position])


def _pool_digits(scenario: Scenario, party: Party, rng: np.random.Generator) -> np.ndarray:
    space = scenario.space
    sample = space.sample(rng, POOL_SIZE)
    extra = []
    for p in scenario.parties:
        if isinstance(p.utility, LinearAdditive):
            extra.append([int(np.argmax(t)) for t in p.utility.issue_tables(space)])
    if extra:
        sample = np.vstack([np.array(extra, dtype=np.int64), sample])
    return sample


class OfferRecord(NamedTuple):
    round: int
    party: str
    outcome: int


class AgentView:
    """The read-only view an agent gets: own preferences, public history, time.

    The mechanism updates it between calls; agents only read it.
    """

    __slots__ = (
        "_clock",
        "_history",
        "_round",
        "_t0",
        "parties",
        "preferences",
        "rng",
        "rounds",
        "seconds",
    )

    def __init__(
        self,
        preferences: OwnPreferences,
        parties: tuple[str, ...],
        rounds: int | None,
        seconds: float | None,
        history: list[OfferRecord],
        rng: np.random.Generator,
        clock: list[float],
    ):
        self.preferences = preferences
        self.parties = parties
        self.rounds = rounds
        self.seconds = seconds
        self.rng = rng
        self._history = history
        self._round = 0
        self._clock = clock  # [start, now], shared with the mechanism

    @property
    def name(self) -> str:
        return self.preferences.name

    @property
    def round(self) -> int:
        """The current round, from 0."""
        return self._round

    @property
    def elapsed(self) -> float:
        return self._clock[1] - self._clock[0]

    @property
    def time(self) -> float:
        """Relative time in [0, 1]: the larger of rounds used and seconds used."""
        if not self.seconds:  # the common case, kept cheap: agents ask every turn
            return self._round / self.rounds if self.rounds else 0.0
        t = self._round / self.rounds if self.rounds else 0.0
        t = max(t, self.elapsed / self.seconds)
        return t if t < 1.0 else 1.0

    @property
    def history(self) -> Sequence[OfferRecord]:
        """All offers so far (public), oldest first. Do not modify."""
        return self._history

    def last_offer(self, party: str | None = None) -> OfferRecord | None:
        for rec in reversed(self._history):
            if party is None or rec.party == party:
                return rec
        return None

    def opponent_offers(self) -> list[OfferRecord]:
        return [r for r in self._history if r.party != self.preferences.name]
