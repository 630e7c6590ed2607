"""The roles of single-text mediation: what a mediator and a voter see, and what they must do.

The split of information is the point of the module:

* a **mediator** (:class:`MediatorView`) sees the structure of the outcome space (issues and
  their values, which are public), the current text, its own past proposals and every party's
  **vote** on them — never a utility number;
* a **voter** (:class:`VoterView`) sees only its own preferences
  (:class:`~accord.mechanisms.own.OwnUtility`), the party names and the time.

Outcomes are Python-int indices (spaces of 10^50 outcomes are addressed exactly); mediators
that mutate a text work in digits (``space.from_index`` / ``space.to_index``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np

from accord.agreement import UNANIMITY, AgreementRule
from accord.mechanisms.own import OwnUtility, ReadOnlyList
from accord.mechanisms.session import Clock
from accord.outcomes.space import OutcomeSpace


class ProposalRecord(NamedTuple):
    """One round as the mediator saw it: its proposal, the votes, whether the text moved."""

    round: int
    proposal: int
    votes: tuple[bool, ...]
    moved: bool


class TextState:
    """The negotiating text and the rounds so far: kept by the mechanism, read by the
    mediator's view."""

    __slots__ = ("history", "text")

    def __init__(self, text: int):
        self.text = text
        self.history: list[ProposalRecord] = []


class _TimedView:
    __slots__ = ("_clock", "parties", "rng")

    def __init__(self, parties: tuple[str, ...], clock: Clock, rng: np.random.Generator):
        self.parties = parties
        self.rng = rng
        self._clock = clock

    @property
    def rounds(self) -> int | None:
        """Number of rounds (one proposal and one vote of every party each)."""
        return self._clock.rounds

    @property
    def round(self) -> int:
        """The current round, from 0."""
        return self._clock.round

    @property
    def time(self) -> float:
        """Relative time in [0, 1]: rounds (or seconds) used over those available."""
        return self._clock.time


class MediatorView(_TimedView):
    """The read-only view a mediator gets: space structure, the text, proposals and votes.

    ``votes`` are the votes on the latest proposal, one per party in ``parties`` order
    (``True`` = accept). ``history`` lists every round so far (read-only). ``rule`` is the
    scenario's (public) agreement rule.
    """

    __slots__ = ("_history", "_state", "rule", "space")

    def __init__(
        self,
        space: OutcomeSpace,
        parties: tuple[str, ...],
        clock: Clock,
        rng: np.random.Generator,
        state: TextState,
        rule: AgreementRule = UNANIMITY,
    ):
        super().__init__(parties, clock, rng)
        self.space = space
        self.rule = rule
        self._state = state
        self._history = ReadOnlyList(state.history)

    @property
    def text(self) -> int:
        """The current single negotiating text (an outcome index)."""
        return self._state.text

    @property
    def history(self) -> Sequence[ProposalRecord]:
        return self._history

    @property
    def votes(self) -> tuple[bool, ...]:
        """The votes on the latest proposal (empty before the first vote)."""
        history = self._state.history
        return history[-1].votes if history else ()


class VoterView(_TimedView):
    """The read-only view a voting party gets: its own preferences and the time."""

    __slots__ = ("preferences",)

    def __init__(
        self,
        preferences: OwnUtility,
        parties: tuple[str, ...],
        clock: Clock,
        rng: np.random.Generator,
    ):
        super().__init__(parties, clock, rng)
        self.preferences = preferences

    @property
    def name(self) -> str:
        return self.preferences.name


@runtime_checkable
class SingleTextMediator(Protocol):
    """What single-text mediation needs from a mediator.

    ``propose`` returns a new candidate text (an outcome index), normally a change of
    ``view.text``. After the parties vote, ``observe`` is told whether the votes pass the
    agreement rule (``view.rule``: by default every party must accept; the votes themselves are
    in ``view.votes``); it returns whether the mediator adopts the proposal although they do not
    (a plain single-text mediator returns ``False``; votes that pass always move the text).
    """

    def start(self, view: MediatorView) -> None: ...

    def propose(self, view: MediatorView) -> int: ...

    def observe(self, view: MediatorView, accepted: bool) -> bool: ...


@runtime_checkable
class Voter(Protocol):
    """What single-text mediation needs from a party: a vote on replacing the text."""

    def start(self, view: VoterView) -> None: ...

    def vote(self, view: VoterView, current: int, proposal: int) -> bool: ...
