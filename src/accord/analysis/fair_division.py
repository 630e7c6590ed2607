"""Adjusted Winner (Brams & Taylor 1996): a fair division of divisible items between two parties.

Each party spreads 100 points over the items. The procedure

1. gives every item to the party that gives it more points;
2. **ties** (equal points, including items worth 0 to both) go to the party that is behind after
   step 1 (the first party when both are level) — a tied item has ratio 1, the smallest
   possible, so it is the first item to move back if that makes its new holder the leader;
3. moves items from the party ahead (the *leader*) to the other, in increasing order of the
   ratio ``leader's points / other's points`` (ties in ratio: the order of the input), until
   the totals are equal, splitting the one item whose transfer would overshoot.

The result is **equitable** (both parties get the same number of their own points),
**envy-free** (each gets at least 50 of its points, so values its bundle at least as much as the
other's) and **efficient** (no other division of the items gives one party more points without
giving the other fewer); at most one item is split. Items the other party values at 0 have an
infinite ratio and never move: the totals meet before they would be needed.

:func:`divide` takes a parsed division (what the division reader makes of the YAML form,
``parties: [A, B]`` and ``items: {name: [points_A, points_B]}``, see ``docs/fair-division.md``)
and does no IO; ``accord.divide`` reads files, packaged names and mappings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from accord.errors import ScenarioError

__all__ = ["TOTAL_POINTS", "Division", "ParsedDivision", "adjusted_winner", "divide"]

#: The points each party spreads over the items.
TOTAL_POINTS = 100.0
_TOLERANCE = 1e-9


class ParsedDivision(Protocol):
    """What :func:`divide` needs of a parsed division: two parties, ``{item: (points_1,
    points_2)}``, a name, and where it came from (for ``file:line`` errors)."""

    @property
    def name(self) -> str: ...
    @property
    def parties(self) -> tuple[str, str]: ...
    @property
    def items(self) -> Mapping[str, tuple[float, float]]: ...
    @property
    def source(self) -> str | None: ...
    @property
    def items_line(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Division:
    """An Adjusted Winner division.

    ``shares[i]`` is the fraction of item ``i`` that goes to the first party (the second gets
    ``1 - shares[i]``); ``points`` each party's total of its own points; ``split`` the item that
    is divided (``None`` when every item goes whole to one party); ``transfers`` the items that
    moved from the first winner, in order (the split one last).
    """

    name: str
    parties: tuple[str, str]
    items: tuple[str, ...]
    valuations: tuple[tuple[float, float], ...]
    shares: tuple[float, ...]
    points: tuple[float, float]
    split: str | None
    transfers: tuple[str, ...]

    def bundle(self, party: str) -> dict[str, float]:
        """``{item: fraction}`` of everything ``party`` receives (fractions > 0 only)."""
        if party not in self.parties:
            raise ScenarioError(f"no party {party!r} in this division ({', '.join(self.parties)})")
        first = party == self.parties[0]
        out = {}
        for item, share in zip(self.items, self.shares, strict=True):
            fraction = share if first else 1.0 - share
            if fraction > 0.0:
                out[item] = fraction
        return out

    def to_dict(self) -> dict[str, Any]:
        a, b = self.parties
        return {
            "name": self.name,
            "method": "adjusted-winner",
            "parties": [a, b],
            "items": [
                {
                    "name": item,
                    "points": {a: pa, b: pb},
                    "shares": {a: share, b: 1.0 - share},
                }
                for item, (pa, pb), share in zip(
                    self.items, self.valuations, self.shares, strict=True
                )
            ],
            "points": {a: self.points[0], b: self.points[1]},
            "split": self.split,
            "transfers": list(self.transfers),
        }


def _validate(
    parties: Sequence[str], items: Mapping[Any, Sequence[float]]
) -> tuple[tuple[str, str], list[str], list[tuple[float, float]]]:
    names = tuple(str(p) for p in parties)
    if len(names) != 2:
        raise ScenarioError(f"Adjusted Winner needs exactly two parties, got {len(names)}")
    if names[0] == names[1] or not all(names):
        raise ScenarioError(f"the two parties need distinct, non-empty names, got {list(names)}")
    if not items:
        raise ScenarioError("there are no items to divide")
    labels, rows = [], []
    for item, pts in items.items():
        if len(pts) != 2:
            raise ScenarioError(f"item {item!r}: give two point values (one per party)")
        a, b = float(pts[0]), float(pts[1])
        if not (math.isfinite(a) and math.isfinite(b)) or a < 0 or b < 0:
            raise ScenarioError(f"item {item!r}: points must be non-negative numbers, got {a}, {b}")
        labels.append(str(item))
        rows.append((a, b))
    if len(set(labels)) != len(labels):
        raise ScenarioError("item names must be unique")
    for k, party in enumerate(names):
        total = math.fsum(r[k] for r in rows)
        if abs(total - TOTAL_POINTS) > _TOLERANCE:
            raise ScenarioError(
                f"party {party!r} spreads {total:g} points; it must spread exactly 100"
            )
    return (names[0], names[1]), labels, rows


def _ratio(lead: float, other: float) -> float:
    return lead / other if other > 0 else math.inf


def adjusted_winner(
    parties: Sequence[str], items: Mapping[Any, Sequence[float]], *, name: str = "division"
) -> Division:
    """Divide ``items`` (``{item: (points of party 1, points of party 2)}``) by Adjusted Winner.

    Raises :class:`~accord.errors.ScenarioError` unless there are exactly two parties and each
    gives every item a non-negative number of points, 100 in total (±1e-9).
    """
    (pa, pb), names, rows = _validate(parties, items)
    share = [1.0 if a > b else 0.0 for a, b in rows]
    ahead = math.fsum(a for a, b in rows if a > b) - math.fsum(b for a, b in rows if b > a)
    for i, (a, b) in enumerate(rows):
        if a == b:  # ties go to whoever is behind (the first party when level)
            share[i] = 1.0 if ahead <= 0 else 0.0
    totals = _totals(rows, share)
    leader = 0 if totals[0] > totals[1] else 1
    held = [i for i in range(len(rows)) if share[i] == (1.0 if leader == 0 else 0.0)]
    held.sort(key=lambda i: _ratio(rows[i][leader], rows[i][1 - leader]))
    transfers: list[str] = []
    split = None
    gap = abs(totals[0] - totals[1])
    for i in held:
        if gap <= 0 or rows[i][1 - leader] <= 0:
            break
        a, b = rows[i]
        fraction = gap / (a + b)  # of item i moving to the other party
        moved = min(1.0, fraction)
        share[i] = 1.0 - moved if leader == 0 else moved
        transfers.append(names[i])
        if fraction < 1.0:
            # a gap of a rounding error moves no representable share: nothing is split then
            split = names[i] if 0.0 < share[i] < 1.0 else None
            break
        gap -= a + b
    final = _totals(rows, share)
    return Division(
        name,
        (pa, pb),
        tuple(names),
        tuple(rows),
        tuple(share),
        final,
        split,
        tuple(transfers),
    )


def _totals(rows: list[tuple[float, float]], share: list[float]) -> tuple[float, float]:
    a = math.fsum(s * r[0] for r, s in zip(rows, share, strict=True))
    b = math.fsum((1.0 - s) * r[1] for r, s in zip(rows, share, strict=True))
    return a, b


def divide(division: ParsedDivision) -> Division:
    """Adjusted Winner division of a parsed division (no IO).

    Errors found by the arithmetic checks name the division's source and the line of its
    ``items`` (``file:line: reason``) when it came from a file.
    """
    try:
        return adjusted_winner(division.parties, division.items, name=division.name)
    except ScenarioError as exc:
        raise ScenarioError(exc.reason, division.source, division.items_line) from None
