"""What a mediator and a voting party see in single-text mediation, and what they must do.

Owned by the single-text mediation work (:mod:`accord.mechanisms.single_text`); other mediated
protocols may import from here. The split of information is the point of the module:

* a **mediator** (:class:`MediatorView`) sees the structure of the outcome space (issues and
  their values, which are public), the current text, its own past proposals and every party's
  **vote** on them — never a utility number;
* a **voter** (:class:`VoterView`) sees only its own preferences (:class:`OwnUtility`), the
  current text and the proposal put to it.

Outcomes are Python-int indices (spaces of 10^50 outcomes are addressed exactly); mediators
that mutate a text work in digits (``space.from_index`` / ``space.to_index``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, runtime_checkable

import numpy as np

from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import HyperRectangleUtility, LinearAdditive, UtilityFunction
from accord.scenario import Scenario

#: Seconds one call of a mediator or party may take before it is recorded as failed.
PER_CALL_SECONDS = 5.0

A = TypeVar("A")


class ActorFailure(Exception, Generic[A]):
    """A mediator or party misbehaved (raised, or took too long); the mechanism records it as a
    failure of ``actor`` instead of crashing."""

    def __init__(self, actor: A, reason: str):
        super().__init__(reason)
        self.actor = actor
        self.reason = reason


def checked_call(actor: A, what: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``; an exception or a call over :data:`PER_CALL_SECONDS` becomes an
    :class:`ActorFailure` of ``actor`` naming ``what`` was being done."""
    started = time.perf_counter()
    try:
        out = fn(*args)
    except Exception as exc:
        raise ActorFailure(actor, f"raised {exc!r} in {what}") from exc
    took = time.perf_counter() - started
    if took > PER_CALL_SECONDS:
        raise ActorFailure(actor, f"took {took:.3f} s in {what}, over {PER_CALL_SECONDS} s")
    return out


class OwnUtility:
    """One party's utility of specific outcomes, evaluated on demand (never enumerates).

    Works for spaces of any size: ``utility(outcome)`` decodes the index to digits and evaluates
    the party's utility function on that one row. The last few answers are memoised (the current
    text is asked about every round).
    """

    __slots__ = ("_memo", "_row", "discount", "name", "reservation", "space")

    def __init__(self, scenario: Scenario, party_index: int):
        party = scenario.parties[party_index]
        self.name = party.name
        self.space: OutcomeSpace = scenario.space
        self.reservation = float(party.reservation)
        self.discount = party.discount
        self._row = row_evaluator(scenario, party_index)
        self._memo: dict[int, float] = {}

    def utility(self, outcome: int) -> float:
        """This party's utility of the outcome with index ``outcome``."""
        cached = self._memo.get(outcome)
        if cached is not None:
            return cached
        value = self._row(self.space.from_index(outcome))
        if len(self._memo) >= 64:
            self._memo.clear()
        self._memo[outcome] = value
        return value


def row_evaluator(scenario: Scenario, party_index: int) -> Callable[[Sequence[int]], float]:
    """A fast evaluator of one party's utility of one outcome given as digits (cached on the
    scenario). Bit-identical to ``party.utility.evaluate``: the same terms added in the same
    order; hyper-rectangle and linear-additive utilities skip numpy's per-call overhead."""
    key = f"row-evaluator:{party_index}"
    cached = scenario._cache.get(key)
    if cached is None:
        function = scenario.parties[party_index].utility
        if isinstance(function, HyperRectangleUtility):
            cached = _RectangleRow(function, scenario.space)
        elif isinstance(function, LinearAdditive):
            cached = _AdditiveRow(function, scenario.space)
        else:
            cached = _GenericRow(function, scenario.space)
        scenario._cache[key] = cached
    return cached


class _GenericRow:
    __slots__ = ("function", "space")

    def __init__(self, function: UtilityFunction, space: OutcomeSpace):
        self.function = function
        self.space = space

    def __call__(self, digits: Sequence[int]) -> float:
        row = np.array([digits], dtype=np.int64)
        return float(self.function.evaluate(self.space, row)[0])


class _AdditiveRow:
    __slots__ = ("offset", "tables")

    def __init__(self, function: LinearAdditive, space: OutcomeSpace):
        self.offset = float(function.offset)
        self.tables = [t.tolist() for t in function.issue_tables(space)]

    def __call__(self, digits: Sequence[int]) -> float:
        total = self.offset
        for table, d in zip(self.tables, digits, strict=True):
            total += table[d]
        return total


class _RectangleRow:
    """``allow[issue, value, rectangle]``: does the rectangle admit that value of that issue."""

    __slots__ = ("allow", "issues", "max_utility", "utilities")

    def __init__(self, function: HyperRectangleUtility, space: OutcomeSpace):
        radices = space.radices
        n = len(function.rectangles)
        self.allow = np.ones((len(radices), int(radices.max()), n), dtype=bool)
        for r, masks in enumerate(function.masks(space)):
            for issue, mask in masks:
                self.allow[issue, : len(mask), r] = mask
        self.utilities = np.array([rect.utility for rect in function.rectangles], dtype=float)
        self.issues = np.arange(len(radices))
        self.max_utility = float(function.max_utility)

    def __call__(self, digits: Sequence[int]) -> float:
        inside = self.allow[self.issues, np.asarray(digits, dtype=np.int64)].all(axis=0)
        total = 0.0
        for u in self.utilities[inside].tolist():
            total += u
        return total / self.max_utility


class ProposalRecord(NamedTuple):
    """One round as the mediator saw it: its proposal, the votes, whether the text moved."""

    round: int
    proposal: int
    votes: tuple[bool, ...]
    moved: bool


class _Clock:
    """Round counter shared by the mechanism and the views it hands out."""

    __slots__ = ("round", "rounds")

    def __init__(self, rounds: int):
        self.rounds = rounds
        self.round = 0


class _TimedView:
    __slots__ = ("_clock", "parties", "rng")

    def __init__(self, parties: tuple[str, ...], clock: _Clock, rng: np.random.Generator):
        self.parties = parties
        self.rng = rng
        self._clock = clock

    @property
    def rounds(self) -> int:
        """Number of rounds (one proposal and one vote of every party each)."""
        return self._clock.rounds

    @property
    def round(self) -> int:
        """The current round, from 0."""
        return self._clock.round

    @property
    def time(self) -> float:
        """Relative time in [0, 1]: rounds used over rounds available."""
        return min(self._clock.round / self._clock.rounds, 1.0) if self._clock.rounds else 1.0


class MediatorView(_TimedView):
    """The read-only view a mediator gets: space structure, the text, proposals and votes.

    ``votes`` are the votes on the latest proposal, one per party in ``parties`` order
    (``True`` = accept). ``history`` lists every round so far (do not modify).
    """

    __slots__ = ("_history", "_text", "space")

    def __init__(
        self,
        space: OutcomeSpace,
        parties: tuple[str, ...],
        clock: _Clock,
        rng: np.random.Generator,
        text: int,
    ):
        super().__init__(parties, clock, rng)
        self.space = space
        self._text = text
        self._history: list[ProposalRecord] = []

    @property
    def text(self) -> int:
        """The current single negotiating text (an outcome index)."""
        return self._text

    @property
    def history(self) -> Sequence[ProposalRecord]:
        return self._history

    @property
    def votes(self) -> tuple[bool, ...]:
        """The votes on the latest proposal (empty before the first vote)."""
        return self._history[-1].votes if self._history else ()


class VoterView(_TimedView):
    """The read-only view a voting party gets: its own preferences and the time."""

    __slots__ = ("preferences",)

    def __init__(
        self,
        preferences: OwnUtility,
        parties: tuple[str, ...],
        clock: _Clock,
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
    ``view.text``. After the parties vote, ``observe`` is told whether every party accepted (the
    votes themselves are in ``view.votes``); it returns whether the mediator adopts the proposal
    **without** unanimity (a plain single-text mediator returns ``False``; a unanimous
    acceptance always moves the text).
    """

    def start(self, view: MediatorView) -> None: ...

    def propose(self, view: MediatorView) -> int: ...

    def observe(self, view: MediatorView, accepted: bool) -> bool: ...


@runtime_checkable
class Voter(Protocol):
    """What single-text mediation needs from a party: a vote on replacing the text."""

    def start(self, view: VoterView) -> None: ...

    def vote(self, view: VoterView, current: int, proposal: int) -> bool: ...
