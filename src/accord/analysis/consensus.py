"""Analysis under an agreement rule: which packages pass, who is pivotal, who can block.

A party *accepts* an outcome when its utility is at least its reservation value (``u_i >= r_i``,
the same test as "individually rational"); an outcome *passes* when the set of parties accepting
it passes the scenario's :class:`~accord.agreement.AgreementRule`. The rule is monotone, so an
outcome that Pareto-dominates a passing outcome passes too.

Definitions (``g_i = max(u_i - r_i, 0)``: a party that does not accept gains nothing):

=====================  ========================================================================
``passing_outcomes``   number of outcomes that pass (under unanimity: the individually rational
                       outcomes, ``u >= r``; ``zopa_outcomes`` stays strict, ``u > r``)
``support``            ``support[k]`` = number of outcomes (passing or not) exactly ``k``
                       parties accept
``frontier``           the Pareto frontier of the passing outcomes (= the passing points of the
                       whole frontier, because the rule is monotone)
``nash``               max ``Π_i g_i`` over passing outcomes
``kalai_smorodinsky``  max ``min_i g_i / (ideal_i - r_i)``, ideal = best passing utility of i
``egalitarian``        max ``min_i g_i``
``utilitarian``        max ``Σ_i u_i`` (actual utilities: a package binds every party)
``best``               among the passing outcomes with the widest support (most accepting
                       parties), max ``Π`` of the accepting parties' gains
``pivotal``            some passing outcome the party accepts fails without it (the rule fails
                       for its accepting set minus that party)
``best_passing``       the passing outcome best for the party, an efficient one (ties: as the
                       solutions); ``worst_passing``: the worst (ties: smallest outcome index)
``passing_accepted``   number of passing outcomes the party accepts
``blocking``           coalition C *blocks* when no outcome passes on the acceptance of the
                       parties outside C alone (for every outcome, its accepting set minus C
                       fails the rule); the minimal ones (no proper subset blocks), by size
=====================  ========================================================================

With a left-out party the Nash, KS and egalitarian scores are 0, so when no passing outcome
gives every party a positive gain these three tie at 0 and the tie rule (lexicographically
largest clipped utilities, as in :mod:`accord.analysis.bargaining`) decides: read ``best`` then.
Under unanimity the four solutions are exactly those of :func:`accord.analysis.analyze`.

With no passing outcome, every solution is ``None``, no party is pivotal and the empty coalition
is the one minimal blocking coalition (``[[]]``). Acceptance patterns are bitmasks (at most
:data:`MAX_PARTIES` parties); blocking coalitions are searched for up to
:data:`MAX_BLOCKING_PARTIES` parties, at most 100,000 candidates, and at most ``limit`` are
reported (``blocking_truncated`` says when the list may be incomplete).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.agreement import AgreementRule
from accord.analysis import bargaining as bs
from accord.outcomes.issues import Value
from accord.outcomes.space import OutcomeSpace

__all__ = ["Consensus", "ConsensusTally", "Package", "PartyStanding", "acceptance", "solutions"]

MAX_PARTIES = 62  #: most parties an acceptance bitmask holds
MAX_BLOCKING_PARTIES = 20  #: most parties for which blocking coalitions are searched
_BLOCKING_BUDGET = 100_000  # most candidate coalitions tried in that search
_TABLE_PARTIES = 16  # most parties for a lookup table of every acceptance pattern


def _num(x: float) -> float | None:  # JSON has no NaN or infinities
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True, slots=True)
class Package:
    """An outcome, every party's utility of it, and who accepts it."""

    outcome: dict[str, Value]
    utilities: tuple[float, ...]
    accepted_by: tuple[str, ...]
    left_out: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": dict(self.outcome),
            "utilities": [_num(u) for u in self.utilities],
            "accepted_by": list(self.accepted_by),
            "left_out": list(self.left_out),
        }


@dataclass(frozen=True, slots=True)
class PartyStanding:
    """One party under the rule (see the module docstring)."""

    name: str
    pivotal: bool
    passing_accepted: int
    best_passing: Package | None
    worst_passing: Package | None

    def to_dict(self) -> dict[str, Any]:
        best, worst = self.best_passing, self.worst_passing
        return {
            "name": self.name,
            "pivotal": self.pivotal,
            "passing_accepted": self.passing_accepted,
            "best_passing": None if best is None else best.to_dict(),
            "worst_passing": None if worst is None else worst.to_dict(),
        }


@dataclass(frozen=True, slots=True, eq=False)
class Consensus:
    """The consensus block of an analysis (see the module docstring)."""

    passing_outcomes: int
    support: tuple[int, ...]
    frontier: np.ndarray
    nash: Package | None
    kalai_smorodinsky: Package | None
    egalitarian: Package | None
    utilitarian: Package | None
    best: Package | None
    parties: tuple[PartyStanding, ...]
    blocking_coalitions: tuple[tuple[str, ...], ...] | None
    blocking_truncated: bool

    def to_dict(self) -> dict[str, Any]:
        def pkg(p: Package | None) -> dict[str, Any] | None:
            return None if p is None else p.to_dict()

        blocking = self.blocking_coalitions
        return {
            "passing_outcomes": self.passing_outcomes,
            "support": list(self.support),
            "frontier": [[_num(float(u)) for u in row] for row in self.frontier],
            "nash": pkg(self.nash),
            "kalai_smorodinsky": pkg(self.kalai_smorodinsky),
            "egalitarian": pkg(self.egalitarian),
            "utilitarian": pkg(self.utilitarian),
            "best": pkg(self.best),
            "parties": [p.to_dict() for p in self.parties],
            "blocking_coalitions": None if blocking is None else [list(c) for c in blocking],
            "blocking_truncated": self.blocking_truncated,
        }


def acceptance(utilities: np.ndarray, reservations: np.ndarray) -> tuple[np.ndarray, int]:
    """The accepting parties of each row as a bitmask (bit i set when ``u_i >= r_i``; unsigned
    integers, the narrowest that hold every party) and the number of rows every party strictly
    prefers to its reservation (``zopa_count``), in one pass over the columns."""
    u = np.asarray(utilities)
    r = np.asarray(reservations, dtype=float)
    n = u.shape[1]
    if n > MAX_PARTIES:
        raise ValueError(f"{n} parties: acceptance bitmasks hold at most {MAX_PARTIES}")
    dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if np.iinfo(t).bits >= n)
    codes: np.ndarray = np.zeros(u.shape[0], dtype=dtype)
    strict: np.ndarray = np.ones(u.shape[0], dtype=bool)
    for i in range(n):
        col = u[:, i]
        strict &= col > r[i]
        codes |= (col >= r[i]).astype(dtype) << dtype(i)
    return codes, int(np.count_nonzero(strict))


def code_bits(codes: np.ndarray, n: int) -> np.ndarray:
    """Booleans ``(len(codes), n)``: the parties in each bitmask."""
    c = np.asarray(codes, dtype=np.int64)
    return ((c[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(bool)


def pivotal(passing: np.ndarray, rule: AgreementRule, names: Sequence[str]) -> np.ndarray:
    """For each party: whether removing it from some passing pattern (rows of ``passing``,
    booleans ``(k, n)``) makes that pattern fail."""
    out = np.zeros(len(names), dtype=bool)
    for i in range(len(names)):
        rows = passing[passing[:, i]].copy()
        if rows.shape[0]:
            rows[:, i] = False
            out[i] = not bool(rule.passes(rows, names).all())
    return out


def maximal_patterns(bits: np.ndarray) -> np.ndarray:
    """The distinct rows of ``bits`` (booleans ``(k, n)``) that no other row strictly contains."""
    rows = bits[np.argsort(-bits.sum(axis=1), kind="stable")]
    kept = np.zeros_like(rows)
    m = 0
    for row in rows:
        if m and (kept[:m] >= row).all(axis=1).any():
            continue
        kept[m] = row
        m += 1
    return kept[:m]


def blocking_coalitions(
    patterns: np.ndarray, rule: AgreementRule, names: Sequence[str], limit: int = 64
) -> tuple[list[tuple[int, ...]], bool]:
    """Minimal coalitions (party indices) C such that every acceptance pattern (rows of
    ``patterns``) minus C fails the rule, smallest first, and whether the list is cut (at
    ``limit``, or before a size with too many candidates)."""
    n = len(names)
    tops = maximal_patterns(patterns) if patterns.shape[0] else patterns
    tops = tops[rule.passes(tops, names)] if tops.shape[0] else tops
    if tops.shape[0] == 0:
        return [()], False
    found: list[tuple[int, ...]] = []
    found_masks: list[int] = []
    batch = max(1, 4_000_000 // (tops.shape[0] * n))
    examined = 0
    for size in range(1, n + 1):
        examined += math.comb(n, size)
        if examined > _BLOCKING_BUDGET:
            return found, True
        combos = [
            c
            for c in itertools.combinations(range(n), size)
            if not any(m & sum(1 << i for i in c) == m for m in found_masks)
        ]
        if not combos:  # every coalition this size (so every larger one) holds a blocking one
            break
        for b0 in range(0, len(combos), batch):
            part = combos[b0 : b0 + batch]
            drop = np.zeros((len(part), n), dtype=bool)
            for row, c in enumerate(part):
                drop[row, list(c)] = True
            left = tops[None, :, :] & ~drop[:, None, :]
            blocks = ~rule.passes(left, names).any(axis=1)
            for row in np.flatnonzero(blocks).tolist():
                if len(found) == limit:
                    return found, True
                found.append(part[row])
                found_masks.append(sum(1 << i for i in part[row]))
    return found, False


# -- solutions among passing outcomes --------------------------------------------------------------
def _finite(r: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Reservations with -inf (+inf) replaced by the worst (best) utility in ``points``."""
    if not points.shape[0]:
        return np.asarray(r, dtype=float)
    lo, hi = points.min(axis=0), points.max(axis=0)
    return np.where(r == -np.inf, lo, np.where(r == np.inf, hi, r))


def _best_support(points: np.ndarray, r: np.ndarray, accepts: np.ndarray) -> int | None:
    """Row with the widest support, then the largest product of the accepting parties' gains."""
    if points.shape[0] == 0:
        return None
    support = accepts.sum(axis=1)
    widest = np.flatnonzero(support == support.max())
    score = np.full(points.shape[0], -np.inf)
    score[widest] = np.where(accepts[widest], points[widest] - r, 1.0).prod(axis=1)
    return bs.argbest(score, points, widest)


def solutions(
    front: np.ndarray, reservations: np.ndarray, rule: AgreementRule, names: Sequence[str]
) -> tuple[np.ndarray, dict[str, int | None]]:
    """The passing rows of a Pareto frontier ``front`` and, as indices into ``front``, the
    solutions ``nash``, ``kalai_smorodinsky``, ``egalitarian``, ``utilitarian`` and ``best``."""
    r = np.asarray(reservations, dtype=float)
    rows = np.flatnonzero(rule.passes(front >= r, names)) if front.shape[0] else np.empty(0, int)
    pts = front[rows]
    rf = _finite(r, pts)
    clipped = np.maximum(pts, rf)
    out: dict[str, int | None] = {}
    for key, fn in (
        ("nash", bs.nash),
        ("kalai_smorodinsky", bs.kalai_smorodinsky),
        ("egalitarian", bs.egalitarian),
    ):
        out[key] = fn(clipped, rf) if pts.shape[0] else None
    out["utilitarian"] = bs.utilitarian(pts, pts.min(axis=0)) if pts.shape[0] else None
    out["best"] = _best_support(pts, rf, pts >= r)
    return rows, {k: None if i is None else int(rows[i]) for k, i in out.items()}


# -- streaming over the outcomes -------------------------------------------------------------------
class ConsensusTally:
    """Accumulates, chunk by chunk of outcome utilities, what :class:`Consensus` needs: the
    number of outcomes per acceptance pattern and each party's worst passing outcome (its best
    passing outcome is on the frontier: the rule is monotone)."""

    def __init__(self, rule: AgreementRule, names: Sequence[str], reservations: np.ndarray) -> None:
        n = len(names)
        if n > MAX_PARTIES:
            raise ValueError(f"{n} parties: at most {MAX_PARTIES} for the consensus analysis")
        self.rule, self.names, self.r = rule, tuple(names), np.asarray(reservations, dtype=float)
        self.counts: dict[int, int] = {}  # outcomes per pattern, or (<= 16 parties) a table:
        small = n <= _TABLE_PARTIES
        self.table = rule.passes(code_bits(np.arange(1 << n), n), self.names) if small else None
        self.table_counts = np.zeros(1 << n, dtype=np.int64) if small else None
        self.worst_u = np.full(n, np.inf)
        self.worst_i = np.full(n, -1, dtype=np.int64)
        self.worst_rows = np.zeros((n, n))

    def add(self, start: int, utilities: np.ndarray, codes: np.ndarray) -> None:
        """Take the utilities ``(m, n)`` of outcomes ``start .. start + m - 1`` and their
        acceptance bitmasks (:func:`acceptance`)."""
        if self.table is not None and self.table_counts is not None:
            self.table_counts += np.bincount(codes, minlength=self.table_counts.size)
            passing = self.table[codes]
        else:
            uniq, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
            for c, k in zip(uniq.tolist(), counts.tolist(), strict=True):
                self.counts[c] = self.counts.get(c, 0) + k
            passing = self.rule.passes(code_bits(uniq, len(self.names)), self.names)[inverse]
        idx = np.flatnonzero(passing)
        if idx.size == 0:
            return
        sub = utilities if idx.size == utilities.shape[0] else utilities[idx]
        for p in range(sub.shape[1]):
            lo = int(sub[:, p].argmin())
            if sub[lo, p] < self.worst_u[p]:
                self.worst_u[p], self.worst_i[p] = sub[lo, p], start + idx[lo]
                self.worst_rows[p] = sub[lo]

    def patterns(self) -> tuple[np.ndarray, np.ndarray]:
        """The acceptance patterns seen (booleans ``(k, n)``) and how many outcomes have each."""
        if self.table_counts is not None:
            codes = np.flatnonzero(self.table_counts)
            counts = self.table_counts[codes]
        else:
            codes = np.array(sorted(self.counts), dtype=np.int64)
            counts = np.array([self.counts[int(c)] for c in codes], dtype=np.int64)
        return code_bits(codes, len(self.names)), counts

    def finish(
        self, space: OutcomeSpace, front: np.ndarray, digits: np.ndarray, limit: int = 64
    ) -> Consensus:
        """The consensus block, given the Pareto frontier of all outcomes (and its digits)."""
        names, r, n = self.names, self.r, len(self.names)
        bits, counts = self.patterns()
        ok = self.rule.passes(bits, names) if bits.shape[0] else np.zeros(0, dtype=bool)
        support = np.zeros(n + 1, dtype=np.int64)
        np.add.at(support, bits.sum(axis=1), counts)
        if n <= MAX_BLOCKING_PARTIES:
            found, truncated = blocking_coalitions(bits, self.rule, names, limit)
            blocking: tuple[tuple[str, ...], ...] | None = tuple(
                tuple(names[i] for i in c) for c in found
            )
        else:
            blocking, truncated = None, True
        piv = pivotal(bits[ok], self.rule, names)

        def package(row: np.ndarray, digit_row: np.ndarray) -> Package:
            acc = row >= r
            return Package(
                space.decode(digit_row),
                tuple(float(u) for u in row),
                tuple(x for x, a in zip(names, acc, strict=True) if a),
                tuple(x for x, a in zip(names, acc, strict=True) if not a),
            )

        def at(index: int, row: np.ndarray) -> Package | None:
            if index < 0:
                return None
            return package(row, space.digits(np.array([index], dtype=np.int64))[0])

        rows, chosen = solutions(front, r, self.rule, names)
        sols = {k: None if i is None else package(front[i], digits[i]) for k, i in chosen.items()}
        top = [bs.argbest(front[:, p], front, rows) for p in range(n)]
        standings = tuple(
            PartyStanding(
                names[p],
                bool(piv[p]),
                int(counts[ok & bits[:, p]].sum()),
                None if top[p] is None else package(front[top[p]], digits[top[p]]),
                at(int(self.worst_i[p]), self.worst_rows[p]),
            )
            for p in range(n)
        )
        return Consensus(
            passing_outcomes=int(counts[ok].sum()),
            support=tuple(int(s) for s in support),
            frontier=front[rows],
            nash=sols["nash"],
            kalai_smorodinsky=sols["kalai_smorodinsky"],
            egalitarian=sols["egalitarian"],
            utilitarian=sols["utilitarian"],
            best=sols["best"],
            parties=standings,
            blocking_coalitions=blocking,
            blocking_truncated=truncated,
        )
