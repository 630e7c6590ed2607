"""The information regime "utilities public, reservations private" (option ``public_utilities``).

By default an alternating-offers agent holds its own preferences and nothing of anyone
else's. A run opts in to this regime with the protocol option ``public_utilities: true`` (in
``RunSpec.options``, a tournament file's ``options:``): each agent's view then also holds
:class:`PublicUtility` objects, one per other party (``view.public_utilities``, by party name).
This is what the ANAC Automated Negotiation League 2024 gave its agents (NegMAS's
``private_info["opponent_ufun"]``: the opponent's utility function with its reservation value
hidden as 0).

A :class:`PublicUtility` holds a **copy** of the party's utility function and the public
outcome space, nothing else: never the party, its reservation value, its discount, its
presorted preferences, the scenario or the mechanism. A linear-additive utility is shown as its
model — ``weights``, the unweighted per-issue ``values`` tables and the ``offset`` — as
read-only arrays; any other utility (the hyper-rectangle ones) as a private deep copy that
only answers utilities. Utilities are undiscounted. The object is read-only, and pickles as its
public data only (see :meth:`PublicUtility.__reduce__`). It is built afresh for each run, when
the option is on, and only then: without the option no view holds anything it could be built
from.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, NoReturn

import numpy as np

from accord.mechanisms.own import digits_of
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive, UtilityFunction
from accord.scenario import Scenario

#: The protocol option that turns the regime on.
PUBLIC_UTILITIES = "public_utilities"


def _read_only(values: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.array(values, dtype=float)  # a copy, never a view on the party's tables
    array.setflags(write=False)
    return array


def _weighted(weights: tuple[float, ...], values: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """``weights[i] · values[i]``: the products accord's ``LinearAdditive.issue_tables`` makes
    (so that the sums, in issue order after the offset, are accord's utilities bit for bit)."""
    out = []
    for w, v in zip(weights, values, strict=True):
        table = w * v
        table.setflags(write=False)
        out.append(table)
    return tuple(out)


def _restore(
    name: str,
    space: OutcomeSpace,
    weights: tuple[float, ...] | None,
    values: tuple[np.ndarray, ...] | None,
    offset: float | None,
    function: UtilityFunction | None,
) -> PublicUtility:
    """A :class:`PublicUtility` from its pickled public data."""
    out = object.__new__(PublicUtility)
    set_ = object.__setattr__
    values = None if values is None else tuple(_read_only(v) for v in values)
    for slot, value in (
        ("name", name),
        ("space", space),
        ("weights", weights),
        ("values", values),
        ("offset", offset),
        ("_function", function),
        ("_tables", None if weights is None or values is None else _weighted(weights, values)),
    ):
        set_(out, slot, value)
    return out


class PublicUtility:
    """Another party's utility function, without its reservation value (read-only).

    ``utility(outcome)`` is that party's (undiscounted) utility of an outcome index, exactly as
    accord computes it; ``utilities(outcomes)`` and ``evaluate(digits)`` the same for many.
    ``weights``, ``values`` and ``offset`` give a linear-additive function's model
    (``offset + Σ_i weights[i] · values[i][digit_i]``); they are ``None`` for other functions.
    """

    __slots__ = ("_function", "_tables", "name", "offset", "space", "values", "weights")

    name: str
    space: OutcomeSpace
    weights: tuple[float, ...] | None
    values: tuple[np.ndarray, ...] | None
    offset: float | None
    _tables: tuple[np.ndarray, ...] | None  # weighted, as accord adds them
    _function: UtilityFunction | None  # a private copy, for non-additive functions

    def __init__(self, name: str, space: OutcomeSpace, function: UtilityFunction):
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "space", space)
        if isinstance(function, LinearAdditive):
            values = tuple(
                _read_only(vf.table(issue))
                for vf, issue in zip(function.values, space.issues, strict=True)
            )
            weights = tuple(float(w) for w in function.weights)
            set_(self, "weights", weights)
            set_(self, "values", values)
            set_(self, "offset", float(function.offset))
            set_(self, "_tables", _weighted(weights, values))
            set_(self, "_function", None)
        else:
            set_(self, "weights", None)
            set_(self, "values", None)
            set_(self, "offset", None)
            set_(self, "_tables", None)
            set_(self, "_function", copy.deepcopy(function))

    @property
    def additive(self) -> bool:
        """Whether the function is linear-additive (``weights``/``values``/``offset`` set)."""
        return self._tables is not None

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("PublicUtility is read-only")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("PublicUtility is read-only")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (and copied) as its public data: the name, the space, the model (or the
        copied non-additive function); nothing else."""
        state = (self.name, self.space, self.weights, self.values, self.offset, self._function)
        return (_restore, state)

    def utility(self, outcome: int) -> float:
        """The party's utility of the outcome with index ``outcome``."""
        digits = self.space.from_index(outcome)
        if self._tables is None:
            return float(self.evaluate(np.array([digits], dtype=np.int64))[0])
        total = float(self.offset)  # type: ignore[arg-type]
        for table, d in zip(self._tables, digits, strict=True):
            total += float(table[d])
        return total

    def utilities(self, outcomes: Sequence[int]) -> np.ndarray:
        """The party's utility of each outcome index."""
        return self.evaluate(digits_of(self.space, outcomes))

    def evaluate(self, digits: np.ndarray) -> np.ndarray:
        """The party's utility of outcomes given as digits ``(n, issues)``."""
        d = np.atleast_2d(np.asarray(digits, dtype=np.int64))
        if self._function is not None:
            return np.asarray(self._function.evaluate(self.space, d), dtype=float)
        assert self._tables is not None and self.offset is not None
        out = np.full(d.shape[0], self.offset)
        for j, table in enumerate(self._tables):
            out += table[d[:, j]]
        return out

    def __repr__(self) -> str:
        kind = "linear-additive" if self.additive else type(self._function).__name__
        return f"PublicUtility({self.name!r}, {kind})"


def public_utilities(scenario: Scenario, me: int) -> Mapping[str, PublicUtility]:
    """Every party's :class:`PublicUtility` but party ``me``'s, by name (read-only mapping),
    built afresh: each view gets its own copies."""
    return MappingProxyType(
        {
            party.name: PublicUtility(party.name, scenario.space, party.utility)
            for j, party in enumerate(scenario.parties)
            if j != me
        }
    )
