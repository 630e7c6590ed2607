"""What a participant may hold of the scenario: **its own** preferences, never the scenario.

Every protocol hands a party one of two read-only objects, built from that party alone (its
utility function, reservation value and discount, and the public outcome space):

* :class:`OwnUtility` — the party's utility of given outcomes, evaluated on demand, for spaces of
  any size (single-text voters, caucus parties);
* :class:`OwnPreferences` — the same plus the party's outcomes **presorted** by its utility, so
  that "the outcome nearest my target" is a binary search (alternating-offers agents). Computed
  once per (scenario, party) and shared by every negotiation on that scenario. A linear-additive
  utility on a space past ``STRUCTURED_ABOVE`` outcomes is ranked exactly from its issue tables
  instead (:mod:`accord.mechanisms.own_additive`): no outcome is enumerated, memory grows with
  the tables, and the same questions (rank of a target, outcome of a rank) are answered.

Neither keeps a reference to the scenario, another party or the mechanism: what a participant
can reach from them is its own preferences and the public space (a test walks the object graph
to prove it). Spaces too large to enumerate (the ANAC 2014 nonlinear domains have 10^10–10^50
outcomes) get a **candidate pool** instead of the full ranking: a seeded uniform sample plus the
party's own issue-wise best outcome where its utility is additive. :class:`ReadOnlyList` is how
a view shows a list the mechanism keeps (history, inbox): readable, never writable.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, TypeVar, overload

import numpy as np

from accord.mechanisms.own_additive import AdditiveRanking, RankedUtilities
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import HyperRectangleUtility, LinearAdditive, UtilityFunction
from accord.scenario import MAX_MATERIALISED, Party, Scenario

#: Size of the candidate pool used for spaces that are not enumerated.
POOL_SIZE = 200_000
#: Spaces up to this size are enumerated for agents (or ranked from the issue tables).
MAX_AGENT_ENUMERATION = 10_000_000
#: Linear-additive utilities on spaces larger than this (and up to ``MAX_AGENT_ENUMERATION``)
#: are ranked from their issue tables (:class:`~accord.mechanisms.own_additive.AdditiveRanking`)
#: instead of sorting every outcome. Measured (Boulware vs Conceder, 1000 rounds): at 10^6
#: outcomes sorting costs ~0.7 s and ~60 MB once per scenario, then ~0.01 s per negotiation,
#: the ranking ~0.05 s per negotiation and nothing to speak of once; at 10^7 sorting costs ~9 s
#: and ~700 MB. Up to 10^6 the sorted array (and its fast path) pays off within a tournament.
STRUCTURED_ABOVE = 1_000_000
#: Spaces up to this size also keep their look-up tables as tuples (see ``OwnPreferences``).
MAX_FAST = 20_000
#: Utilities of this many recent outcomes are memoised by :class:`OwnUtility`.
MEMO = 64

T = TypeVar("T")


class ReadOnlyList(Sequence[T]):
    """A read-only window on a list the mechanism keeps: index, slice, iterate, count; nothing
    that changes it."""

    __slots__ = ("_items",)

    def __init__(self, items: list[T]):
        self._items = items

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __reversed__(self) -> Iterator[T]:
        return reversed(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReadOnlyList):
            other = list(other)
        return isinstance(other, list | tuple) and list(self._items) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ReadOnlyList({self._items!r})"


def digits_of(space: OutcomeSpace, outcomes: Sequence[int]) -> np.ndarray:
    """Digits ``(n, issues)`` of outcome indices given as Python integers (any space size: an
    index of a 10^60-outcome space does not fit an integer array, its digits do)."""
    rows = [space.from_index(int(o)) for o in outcomes]
    return np.array(rows, dtype=np.int64).reshape(len(rows), len(space.issues))


def row_evaluator(scenario: Scenario, party_index: int) -> Callable[[Sequence[int]], float]:
    """A fast evaluator of one party's utility of one outcome given as digits (computed once
    per scenario). Bit-identical to ``party.utility.evaluate``: the same terms added in the same
    order; hyper-rectangle and linear-additive utilities skip numpy's per-call overhead. It holds
    only that party's utility and the space."""
    return scenario.derived(_build_row, party_index)


def _build_row(scenario: Scenario, party_index: int) -> Callable[[Sequence[int]], float]:
    function = scenario.parties[party_index].utility
    if isinstance(function, HyperRectangleUtility):
        return _RectangleRow(function, scenario.space)
    if isinstance(function, LinearAdditive):
        return _AdditiveRow(function, scenario.space)
    return _GenericRow(function, scenario.space)


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


class _Frozen:
    """Attributes are set once, in ``__init__``; afterwards they are read-only (several
    negotiations share one object, so no participant may change it for the others)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def _init(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)


class OwnUtility(_Frozen):
    """One party's utility of specific outcomes, evaluated on demand (never enumerates).

    ``utility(outcome)`` decodes the index to digits and evaluates the party's own utility
    function on that one row; the last few answers are memoised (the current text or proposal
    is asked about again and again).
    """

    __slots__ = ("_function", "_memo", "_row", "discount", "name", "reservation", "space")

    name: str
    space: OutcomeSpace
    reservation: float
    discount: float | None
    _function: UtilityFunction
    _row: Callable[[Sequence[int]], float]
    _memo: dict[int, float]

    def __init__(self, scenario: Scenario, party_index: int):
        party: Party = scenario.parties[party_index]
        self._init(
            name=party.name,
            space=scenario.space,
            reservation=float(party.reservation),
            discount=party.discount,
            _function=party.utility,
            _row=row_evaluator(scenario, party_index),
            _memo={},
        )

    def utility(self, outcome: int) -> float:
        """This party's utility of the outcome with index ``outcome`` (exact, any space size)."""
        memo: dict[int, float] = self._memo
        cached = memo.get(outcome)
        if cached is not None:
            return cached
        value = self._row(self.space.from_index(outcome))
        if len(memo) >= MEMO:
            memo.clear()
        memo[outcome] = value
        return value

    def utilities(self, packages: Sequence[int]) -> np.ndarray:
        """This party's utility of each package (evaluated on demand, never enumerates)."""
        return self.evaluate(digits_of(self.space, packages))

    def evaluate(self, digits: np.ndarray) -> np.ndarray:
        """This party's utility of outcomes given as digits ``(n, issues)``."""
        return self._function.evaluate(self.space, digits)

    def best_worst(self) -> tuple[float, float] | None:
        """Exact best and worst utility when the utility function knows them (additive), else
        ``None``."""
        if not isinstance(self._function, LinearAdditive):
            return None
        best, worst = self._function.best_worst(self.space)
        return float(best), float(worst)


class OwnPreferences(_Frozen):
    """One party's utility over the space, presorted (best first). Read-only arrays.

    Build it with :func:`own_preferences` (computed once per scenario and party). A *position*
    is a rank in that order (0: the best outcome). Three representations answer the same
    questions (:meth:`at_least`, :meth:`outcome_at`, :meth:`utility`, ``sorted_utilities``):

    * spaces up to ``STRUCTURED_ABOVE`` outcomes (and non-additive utilities up to
      ``MAX_AGENT_ENUMERATION``): every outcome's utility, argsorted (``pool`` holds the
      outcome ids best first); ties in index order;
    * linear-additive utilities on larger spaces up to ``MAX_AGENT_ENUMERATION``: an exact
      ranking from the issue tables (:class:`~accord.mechanisms.own_additive.AdditiveRanking`):
      ``pool`` is ``None`` and ``sorted_utilities`` a
      :class:`~accord.mechanisms.own_additive.RankedUtilities`, read by rank; memory grows with
      the issue tables, not the space; outcomes are ordered by sums of two partial sums, which
      may differ from their (exact, reported) utilities in the last bits; ties in a fixed order
      of their own;
    * larger spaces: a seeded candidate pool (``pool_digits``), not the whole space
      (``enumerated`` is false).

    ``structured_above`` overrides ``STRUCTURED_ABOVE`` (tests force the ranking on small
    spaces with it).
    """

    __slots__ = (
        "_ascending",
        "_fast",
        "_ranking",
        "_row",
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

    name: str
    party_index: int
    space: OutcomeSpace
    reservation: float
    discount: float | None
    #: every outcome is ranked (exactly), not only a candidate pool
    enumerated: bool
    pool: np.ndarray | None
    pool_digits: np.ndarray | None
    sorted_utilities: np.ndarray | RankedUtilities
    _utilities: np.ndarray | None
    _row: Callable[[Sequence[int]], float] | None
    _ascending: np.ndarray
    _ranking: AdditiveRanking | None
    #: small spaces: (utilities, pool, ascending utilities) as tuples of Python numbers, for
    #: the per-turn look-ups (a tuple index or a bisection beats a NumPy call on one value)
    _fast: tuple[tuple[float, ...], tuple[int, ...], tuple[float, ...]] | None

    def __init__(
        self,
        scenario: Scenario,
        party_index: int,
        pool_seed: int = 0,
        structured_above: int | None = None,
    ):
        party: Party = scenario.parties[party_index]
        space = scenario.space
        size = space.size or 0
        enumerated = size <= min(MAX_AGENT_ENUMERATION, MAX_MATERIALISED)
        above = STRUCTURED_ABOVE if structured_above is None else structured_above
        common = dict(
            name=party.name,
            party_index=party_index,
            space=space,
            reservation=float(party.reservation),
            discount=party.discount,
            enumerated=enumerated,
        )
        if enumerated and size > above and isinstance(party.utility, LinearAdditive):
            ranking = AdditiveRanking(party.utility, space)
            self._init(
                **common,
                pool=None,
                pool_digits=None,
                sorted_utilities=RankedUtilities(ranking),
                _utilities=None,
                _row=None,
                _ascending=np.empty(0),
                _ranking=ranking,
                _fast=None,
            )
            return
        utilities: np.ndarray | None = None
        pool: np.ndarray | None = None
        pool_digits: np.ndarray | None = None
        if enumerated:
            # a copy of this party's column: a strided view would keep the whole matrix
            # (every party's utilities) reachable through ``.base``
            utilities = np.ascontiguousarray(scenario.utilities()[:, party_index]).copy()
            utilities.setflags(write=False)
            order = np.argsort(-utilities, kind="stable")
            pool = order
            ranked = utilities[order]
        else:
            digits = _pool_digits(space, party, np.random.default_rng(pool_seed))
            u = party.utility.evaluate(space, digits)
            order = np.argsort(-u, kind="stable")
            pool_digits = digits[order]
            ranked = u[order]
        ranked.setflags(write=False)
        for array in (pool, pool_digits):
            if array is not None:
                array.setflags(write=False)
        self._init(
            **common,
            pool=pool,
            pool_digits=pool_digits,
            sorted_utilities=ranked,
            _utilities=utilities,
            _row=None if enumerated else row_evaluator(scenario, party_index),
            _ascending=ranked[::-1],  # a view, for bisection
            _ranking=None,
            _fast=(
                (tuple(utilities.tolist()), tuple(order.tolist()), tuple(ranked[::-1].tolist()))
                if utilities is not None and size <= MAX_FAST
                else None
            ),
        )

    @property
    def best(self) -> float:
        ranking = self._ranking
        return ranking.best if ranking is not None else float(self.sorted_utilities[0])

    @property
    def worst(self) -> float:
        ranking = self._ranking
        return ranking.worst if ranking is not None else float(self.sorted_utilities[-1])

    def utility(self, outcome: int) -> float:
        """This party's utility of an outcome (exact, also for huge spaces)."""
        fast = self._fast
        if fast is not None and type(outcome) is int and outcome >= 0:
            return fast[0][outcome]
        if self._utilities is not None:
            return float(self._utilities[outcome])
        if self._ranking is not None:
            return self._ranking.utility(outcome)
        row = self._row
        if row is None:
            raise ValueError("preferences without utilities or an evaluator")
        return float(row(self.space.from_index(outcome)))

    def at_least(self, target: float) -> int:
        """Position in the sorted pool of the worst outcome still worth ``>= target``
        (0, the best outcome, when none is). O(log n), no copy: bisection on an ascending view
        (or a count over the issue tables: :meth:`AdditiveRanking.at_least`)."""
        fast = self._fast
        if fast is not None:
            ascending_t = fast[2]
            count = len(ascending_t) - bisect_left(ascending_t, target)
            return count - 1 if count > 1 else 0
        if self._ranking is not None:
            return self._ranking.at_least(target)
        ascending = self._ascending
        count = len(ascending) - int(ascending.searchsorted(target, side="left"))
        return max(count - 1, 0)

    def at_least_many(self, targets: np.ndarray) -> np.ndarray:
        """:meth:`at_least` of every target (int64 positions); vectorised where the utilities
        are an array."""
        if self._ranking is not None:
            ranking = self._ranking
            return np.array([ranking.at_least(float(t)) for t in targets], dtype=np.int64)
        ascending = self._ascending
        count = len(ascending) - ascending.searchsorted(targets, side="left")
        return np.maximum(count - 1, 0).astype(np.int64)

    def outcome_at(self, position: int) -> int:
        """The outcome at a position of the sorted pool (negative: counted from the worst)."""
        fast = self._fast
        if fast is not None and type(position) is int and position >= 0:
            return fast[1][position]
        if self.pool is not None:
            return int(self.pool[position])
        if self._ranking is not None:
            return self._ranking.outcome(int(position))
        if self.pool_digits is None:
            raise ValueError("preferences have neither pool ids nor pool digits")
        return self.space.to_index(self.pool_digits[position])

    def outcome_at_least(self, target: float) -> int:
        """The outcome whose utility is the smallest still ``>= target`` (the best outcome when
        none is): ``outcome_at(at_least(target))``."""
        return self.outcome_at(self.at_least(target))

    def digits_at(self, positions: np.ndarray) -> np.ndarray:
        """Digits ``(len(positions), issues)`` of the outcomes at the given positions."""
        if self.pool_digits is not None:
            return self.pool_digits[positions]
        if self.pool is not None:
            return self.space.digits(self.pool[positions])
        if self._ranking is None:
            raise ValueError("preferences have neither pool ids nor pool digits")
        return self.space.digits(self._ranking.outcomes(np.asarray(positions)))


def own_preferences(scenario: Scenario, party_index: int) -> OwnPreferences:
    """The (cached, shared) presorted preferences of one party."""
    return scenario.derived(OwnPreferences, party_index)


def _pool_digits(space: OutcomeSpace, party: Party, rng: np.random.Generator) -> np.ndarray:
    """A seeded sample of the space, plus the party's own issue-wise best outcome (additive)."""
    sample = space.sample(rng, POOL_SIZE)
    if isinstance(party.utility, LinearAdditive):
        best = [int(np.argmax(t)) for t in party.utility.issue_tables(space)]
        sample = np.vstack([np.array([best], dtype=np.int64), sample])
    return sample
