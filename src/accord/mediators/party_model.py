"""What a caucus mediator believes about one party: evidence read from the notebook and an
estimated additive utility fitted to it (:mod:`accord.mediators.model_mediator`).

The estimate is ``offset + Σ_i table_i[ω_i]``. Every issue gets a linear **basis** over the
values the party has been asked about: a small issue (or a categorical one) one column per
asked value, the values never asked taking the mean of the asked ones; a large numeric issue
piecewise-linear interpolation between the asked values (its *knots*). Ratings are rows of a
least-squares system; a ranking adds one row per consecutive pair (``û(a) - û(b) = 1``, so a
party that only ranks gets an estimate on an arbitrary scale); a rejected proposal the party
has not rated adds the row ``û = red line - margin``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from accord.mechanisms.caucus.messages import Answer, Exchange, Query
from accord.outcomes.issues import DiscreteIssue, IntegerIssue
from accord.outcomes.space import OutcomeSpace

#: Issues with at most this many values are asked about value by value.
SMALL_ISSUE = 25
#: A larger numeric issue is first asked at this many evenly spaced values.
GRID = 9

T = TypeVar("T")


def is_large(space: OutcomeSpace, issue: int) -> bool:
    """True for a numeric issue with more than :data:`SMALL_ISSUE` values (interpolated)."""
    obj = space.issues[issue]
    numeric = isinstance(obj, IntegerIssue) or (isinstance(obj, DiscreteIssue) and obj.is_numeric)
    return numeric and int(obj.cardinality or 0) > SMALL_ISSUE


@dataclass(slots=True)
class Evidence:
    """Everything one party has disclosed, in the order it did."""

    rated: dict[int, float] = field(default_factory=dict)
    rankings: list[tuple[int, ...]] = field(default_factory=list)
    threshold: float | None = None
    top_issue: str | None = None
    refused: set[str] = field(default_factory=set)
    asked: set[str] = field(default_factory=set)
    votes: dict[int, bool] = field(default_factory=dict)

    @property
    def rejected(self) -> list[int]:
        return [p for p, ok in self.votes.items() if not ok]


def solve_key(ev: Evidence) -> tuple:
    """Everything the least squares of :func:`solve` reads from ``ev``, hashable and in order:
    equal keys give equal solutions. The red line enters only as the target of rejected
    packages the party has not rated."""
    unrated = tuple(p for p in ev.rejected if p not in ev.rated)
    threshold = ev.threshold if unrated and ev.rated else None
    return (tuple(ev.rated.items()), tuple(ev.rankings), tuple(ev.rejected), threshold)


def evidence_key(ev: Evidence) -> tuple:
    """Everything :func:`fit` reads from ``ev``, hashable and in order: equal keys give equal
    estimates."""
    return (*solve_key(ev), ev.threshold, ev.top_issue)


def read_evidence(exchanges: Sequence[Exchange]) -> Evidence:
    """The evidence in one party's exchanges (the latest vote on a package counts)."""
    ev = Evidence()
    for exchange in exchanges:
        query, answer = exchange.query.body, exchange.answer.body
        if not isinstance(query, Query) or not isinstance(answer, Answer):
            continue
        ev.asked.add(query.kind)
        if answer.refused:
            ev.refused.add(query.kind)
        elif query.kind == "rate":
            ev.rated.update(zip(query.packages, answer.ratings, strict=True))
        elif query.kind == "rank":
            ev.rankings.append(answer.ranking)
        elif query.kind == "red_line":
            ev.threshold = answer.threshold
        elif query.kind == "top_issue":
            ev.top_issue = answer.issue
        if query.kind == "proposal":
            ev.votes[query.packages[0]] = bool(answer.accept) and not answer.refused
    return ev


@dataclass(frozen=True, slots=True)
class Estimate:
    """An estimated additive utility and red line of one party (``scaled``: in the party's
    own units, from ratings; otherwise on the arbitrary scale of its rankings)."""

    tables: tuple[np.ndarray, ...]
    offset: float
    reservation: float
    scaled: bool

    def evaluate(self, digits: np.ndarray) -> np.ndarray:
        d = np.atleast_2d(digits)
        out = np.full(d.shape[0], self.offset)
        for j, t in enumerate(self.tables):
            out += t[d[:, j]]
        return out

    @property
    def span(self) -> float:
        return float(sum(t.max() - t.min() for t in self.tables))


def value_order(space: OutcomeSpace, issue: int) -> tuple[np.ndarray, np.ndarray]:
    """Value indices of a numeric issue sorted by value, and the numeric values (by index)."""
    xs = space.values_of(issue, np.arange(int(space.radices[issue])))
    return np.argsort(xs, kind="stable"), xs


def _basis(space: OutcomeSpace, issue: int, seen: np.ndarray) -> np.ndarray:
    """(values, columns): how every value of ``issue`` depends on the seen values."""
    n = int(space.radices[issue])
    if seen.size == 0:
        return np.zeros((n, 0))
    if is_large(space, issue):
        _, xs = value_order(space, issue)
        knots = seen[np.argsort(xs[seen], kind="stable")]
        eye = np.eye(seen.size)
        cols = [np.interp(xs, xs[knots], eye[j]) for j in range(seen.size)]
        out = np.zeros((n, seen.size))
        out[:, np.searchsorted(seen, knots)] = np.stack(cols, axis=1)
        return out
    out = np.full((n, seen.size), 1.0 / seen.size)
    out[seen] = np.eye(seen.size)
    return out


def _digits(space: OutcomeSpace, packages: Sequence[int]) -> np.ndarray:
    """Digits ``(n, issues)`` of exact package indices: mixed-radix division done once per
    package with the radices read once (``space.from_index`` recomputes the space's size per
    call, which dominates on spaces of 10^60 outcomes)."""
    radices = [int(r) for r in space.radices][::-1]
    out = np.empty((len(packages), len(radices)), dtype=np.int64)
    for n, package in enumerate(packages):
        rest = int(package)
        row = []
        for r in radices:
            rest, d = divmod(rest, r)
            row.append(d)
        out[n] = row[::-1]
    return out


def _strides(space: OutcomeSpace) -> list[int]:
    """Exact (Python int) place values of the issues in an outcome index."""
    out, place = [], 1
    for r in reversed([int(x) for x in space.radices]):
        out.append(place)
        place *= r
    return out[::-1]


def fit(space: OutcomeSpace, ev: Evidence) -> Estimate:
    """Least-squares additive estimate of one party from its evidence, with its red line."""
    if not (ev.rated or ev.rankings or ev.rejected):
        return solve(space, ev)  # nothing disclosed: flat, at the red line if stated
    return with_reservation(solve(space, ev), ev, space)


def solve(space: OutcomeSpace, ev: Evidence) -> Estimate:
    """The least-squares additive estimate of one party (red line not yet set: see
    :func:`with_reservation`)."""
    ranked = [p for r in ev.rankings for p in r]
    packages = list(dict.fromkeys([*ev.rated, *ranked, *ev.rejected]))
    if not packages:
        zeros = tuple(np.zeros(int(r)) for r in space.radices)
        return Estimate(zeros, 0.0, ev.threshold or 0.0, ev.threshold is not None)
    digits = _digits(space, packages)
    bases = [_basis(space, i, np.unique(digits[:, i])) for i in range(len(space.issues))]
    feats = np.hstack(
        [np.ones((len(packages), 1))] + [b[digits[:, i]] for i, b in enumerate(bases)]
    )
    row = {p: k for k, p in enumerate(packages)}
    a_rows, b_vals = [], []
    for p, value in ev.rated.items():
        a_rows.append(feats[row[p]])
        b_vals.append(value)
    for ranking in ev.rankings:
        for hi, lo in itertools.pairwise(ranking):
            a_rows.append(feats[row[hi]] - feats[row[lo]])
            b_vals.append(1.0)
    scaled = bool(ev.rated)
    if ev.threshold is not None and scaled:
        margin = 0.02 * (max(ev.rated.values()) - min(ev.rated.values()) or 1.0)
        for p in ev.rejected:
            if p not in ev.rated:
                a_rows.append(feats[row[p]])
                b_vals.append(ev.threshold - margin)
    theta = np.linalg.lstsq(np.array(a_rows), np.array(b_vals), rcond=None)[0]
    tables, col = [], 1
    for b in bases:
        tables.append(b @ theta[col : col + b.shape[1]])
        col += b.shape[1]
    return Estimate(tuple(tables), float(theta[0]), 0.0, scaled)


def with_reservation(est: Estimate, ev: Evidence, space: OutcomeSpace) -> Estimate:
    """The stated red line, or (none stated) a floor raised past every rejected proposal."""
    tables = list(est.tables)
    if ev.top_issue is not None and not est.scaled:
        top = space.names.index(ev.top_issue)
        ranges = [float(t.max() - t.min()) for t in tables]
        if ranges[top] < max(ranges):  # the party said which issue matters most: believe it
            tables[top] = tables[top] * (1.25 * max(ranges) / max(ranges[top], 1e-9))
    est = Estimate(tuple(tables), est.offset, 0.0, est.scaled)
    if ev.threshold is not None:
        return Estimate(est.tables, est.offset, float(ev.threshold), est.scaled)
    floor = est.offset + sum(float(t.min()) for t in tables)
    rejected = ev.rejected
    if rejected:
        margin = 0.02 * (est.span or 1.0)
        floor = max(floor, float(est.evaluate(_digits(space, rejected)).max()) + margin)
    return Estimate(est.tables, est.offset, floor, est.scaled)


def probe_plan(space: OutcomeSpace, base: tuple[int, ...]) -> list[list[int]]:
    """Per issue, the packages that change only that issue of ``base`` (large numeric
    issues at :data:`GRID` evenly spaced values), ``base`` itself first in each list."""
    plan = []
    anchor = space.to_index(base)
    strides = _strides(space)
    for i, n in enumerate(int(r) for r in space.radices):
        values: Sequence[int] = range(n)
        if is_large(space, i):
            positions = np.unique(np.linspace(0, n - 1, GRID).round().astype(int))
            values = [int(v) for v in value_order(space, i)[0][positions]]
        row = [anchor]
        for v in values:
            if int(v) != base[i]:
                row.append(anchor + (int(v) - int(base[i])) * strides[i])
        plan.append(row)
    return plan


def interleave(rows: Sequence[Sequence[T]]) -> list[T]:
    """The items of ``rows`` taken in turn: every row's first item, then every row's second
    (rows that have run out are skipped)."""
    longest = max((len(r) for r in rows), default=0)
    return [r[k] for k in range(longest) for r in rows if k < len(r)]


def refinements(
    space: OutcomeSpace, est: Estimate, base: tuple[int, ...], ev: Evidence
) -> list[int]:
    """Packages worth rating next on large numeric issues: the midpoints of the segments next
    to a kink of the interpolated value function, biggest kink first."""
    out: list[tuple[float, int]] = []
    tol = 1e-3 * (est.span or 1.0)
    rated = _digits(space, list(ev.rated)) if ev.rated else np.zeros((0, len(base)), dtype=int)
    for i in range(len(space.issues)):
        if not is_large(space, i):
            continue
        order, xs = value_order(space, i)
        position = np.argsort(order)
        others = np.delete(rated, i, axis=1) == np.delete(np.array(base), i)
        knots = np.unique(position[rated[others.all(axis=1), i]])  # sorted positions
        if knots.size < 3:
            continue
        x, t = xs[order[knots]], est.tables[i][order[knots]]
        slopes = np.diff(t) / np.where(np.diff(x) > 0, np.diff(x), 1.0)
        kinks = np.abs(np.diff(slopes)) * np.minimum(np.diff(x)[:-1], np.diff(x)[1:])
        for j in np.flatnonzero(kinks > tol):
            for lo, hi in ((knots[j], knots[j + 1]), (knots[j + 1], knots[j + 2])):
                if hi - lo > 1:
                    d = list(base)
                    d[i] = int(order[(lo + hi) // 2])
                    out.append((float(kinks[j]) * float(hi - lo), space.to_index(d)))
    out.sort(key=lambda x: -x[0])
    return list(dict.fromkeys(p for _, p in out if p not in ev.rated))
