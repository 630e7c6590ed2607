"""An exact ranking of a linear-additive utility over a space too large to sort, built from the
issue tables alone (meet in the middle).

The issues are split into two groups: a *searched* group with up to :data:`MAX_LARGER` value
combinations and a *query* group with the rest (10^5 and 10^2 for 10^7 outcomes of ten-valued
issues). Every combination of a group gets its partial utility (the offset goes into the
searched group), sorted once: ascending ``a`` for the searched group, descending ``b`` for the
query group. An outcome is a pair ``(i, j)`` of positions in ``a`` and ``b``, ranked by its
*key* ``a[i] + b[j]`` (one floating-point addition). The key may differ from the utility — the
issue-by-issue sum of :meth:`LinearAdditive.evaluate` — in the last bits; every utility this
module reports is the exact one, only the order and the counts use keys.

Because ``x ↦ fl(x + c)`` never decreases, the outcomes whose key is at least ``v`` are, for
every ``j``, a suffix of ``a``: one vectorised ``searchsorted`` of ``v - b`` (checked against its
neighbours, and bisected where rounding misplaced it) counts them exactly. On that count rest

* the rank of a target (how many outcomes are worth at least it, minus one) and the outcome
  with the smallest key still at least the target (the least of the suffix heads);
* the outcome of any rank ``k``: from a sketch of counts at evenly spaced values, the value
  bracket around ``k`` is narrowed (interpolation and bisection) until at most
  :data:`MAX_BAND` outcomes lie in it, then that band is listed and sorted.

Outcomes are ranked best first; equal keys are ordered by ``j`` and then ``i`` (a fixed,
deterministic order). Memory grows with the groups (``O(MAX_LARGER + size / MAX_LARGER)``), not
with the space; a look-up makes ``len(b)`` binary searches in ``a``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import overload

import numpy as np

from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive

#: The rank of an outcome is found by value bisection down to a band of at most this many
#: outcomes, which is then listed and sorted.
MAX_BAND = 2048
#: Rank look-ups for many ranks at once narrow each band down to this many outcomes.
SMALL_BAND = 64
#: Values at which the number of outcomes worth at least them is counted once, to start rank
#: searches close to their answer.
SKETCH = 1024
#: The searched group of issues gets at most this many value combinations (when possible): a
#: look-up then makes ``size / MAX_LARGER`` binary searches in it.
MAX_LARGER = 1 << 18
#: Ranks found by :meth:`AdditiveRanking.at_least` kept for :meth:`AdditiveRanking.pair`.
MEMO = 4096


def split_issues(radices: Sequence[int], larger: int = MAX_LARGER) -> tuple[list[int], list[int]]:
    """Two groups of issue positions, each in issue order: the first (searched) with as many
    value combinations as fit in ``larger``, the second (one query per combination) with the
    rest, so that a look-up costs few queries. Greedy: largest issues first; when the first
    group would still be the smaller one, the two swap."""
    big: list[int] = []
    small: list[int] = []
    p_big = p_small = 1
    for issue in sorted(range(len(radices)), key=lambda i: -int(radices[i])):
        r = int(radices[issue])
        if p_big * r <= larger or not big:
            big.append(issue)
            p_big *= r
        else:
            small.append(issue)
            p_small *= r
    if p_big < p_small:
        big, small = small, big
    return sorted(big), sorted(small)


def _group(
    tables: Sequence[np.ndarray], issues: list[int], strides: np.ndarray, start: float
) -> tuple[np.ndarray, np.ndarray]:
    """Partial utilities (``start`` plus the group's tables) of every combination of the
    group's values, and each combination's contribution to the outcome index."""
    utility = np.array([start], dtype=float)
    index = np.zeros(1, dtype=np.int64)
    for issue in issues:
        table = np.asarray(tables[issue], dtype=float)
        utility = (utility[:, None] + table[None, :]).ravel()
        step = np.arange(len(table), dtype=np.int64) * strides[issue]
        index = (index[:, None] + step[None, :]).ravel()
    return utility, index


def _decoder(radices: list[int], groups: tuple[list[int], list[int]]) -> list[tuple[int, int, int]]:
    """``(radix, group, weight)`` per issue, last issue first: peeling the digits of an
    outcome index off in this order and adding ``digit * weight`` to its group's code gives
    each group's value combination (mixed radix over the group's issues, in issue order)."""
    out: dict[int, tuple[int, int, int]] = {}
    for g, issues in enumerate(groups):
        weight = 1
        for issue in reversed(issues):
            out[issue] = (radices[issue], g, weight)
            weight *= radices[issue]
    return [out[issue] for issue in reversed(range(len(radices)))]


class AdditiveRanking:
    """All outcomes of a linear-additive utility ranked best first, without enumerating them.

    ``a`` / ``b``: the two groups' partial utilities, ``a`` ascending and ``b`` descending;
    ``a_index`` / ``b_index``: their contributions to the outcome index, in the same order.
    Read-only arrays; the only state that changes is a cache of answers (a memo of ranks, the
    last band listed, the last batch of ranks and the sketch of counts).
    ``larger`` caps the searched group (default :data:`MAX_LARGER`; see :func:`split_issues`).
    """

    __slots__ = (
        "_a_max",
        "_band",
        "_batch",
        "_by_code",
        "_decode",
        "_memo",
        "_offset",
        "_pad",
        "_sketch_cache",
        "_tables",
        "a",
        "a_index",
        "b",
        "b_index",
        "best",
        "best_key",
        "function",
        "groups",
        "size",
        "space",
        "worst",
        "worst_key",
    )

    def __init__(self, function: LinearAdditive, space: OutcomeSpace, larger: int | None = None):
        tables = function.issue_tables(space)
        radices = [int(r) for r in space.radices]
        strides = np.ones(len(radices), dtype=np.int64)
        for k in range(len(radices) - 2, -1, -1):
            strides[k] = strides[k + 1] * radices[k + 1]
        big, small = split_issues(radices, MAX_LARGER if larger is None else larger)
        ua, ia = _group(tables, big, strides, float(function.offset))
        ub, ib = _group(tables, small, strides, 0.0)
        oa = np.argsort(ua, kind="stable")
        ob = np.argsort(-ub, kind="stable")  # descending: ``v - b`` is ascending
        arrays = (ua[oa], ia[oa], ub[ob], ib[ob])
        for array in (*arrays, ua, ub):
            array.setflags(write=False)
        self.a, self.a_index, self.b, self.b_index = arrays
        self._by_code = (ua, ub)  # partial utilities by value combination (mixed radix)
        self._decode = _decoder(radices, (big, small))
        self._a_max = float(np.abs(self.a).max())
        # ``a`` between -inf and +inf: ``_pad[i]`` is ``a[i - 1]``, ``_pad[i + 1]`` is ``a[i]``
        self._pad = np.concatenate([[-np.inf], self.a, [np.inf]])
        self.space = space
        self.groups = (tuple(big), tuple(small))
        self.size = len(self.a) * len(self.b)
        self.best_key = float(self.a[-1] + self.b[0])
        self.worst_key = float(self.a[0] + self.b[-1])
        self._memo: dict[int, tuple[int, int]] = {}
        self._band: tuple[int, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._sketch_cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._batch: tuple[bytes, np.ndarray, np.ndarray] | None = None
        self.function = function
        self._offset = float(function.offset)
        self._tables = [t.tolist() for t in tables]
        # the best outcome: the first of the ties at the top (j = 0, the largest ``b``); the
        # worst: the last of all (:meth:`at_least` of the least key remembers it)
        self._memo[0] = (int(self.boundary(self.best_key, j=0)[0]), 0)
        self.at_least(self.worst_key)
        self.best = self.utility_at(0)
        self.worst = self.utility_at(self.size - 1)

    # ----------------------------------------------------------------- counting
    def boundary(self, v: float, strict: bool = False, j: int | None = None) -> np.ndarray:
        """For every ``j`` (or only the given one): the first ``i`` with ``a[i] + b[j] >= v``
        (``> v`` when strict), ``len(a)`` when there is none."""
        return self._first(v, self.b if j is None else self.b[j : j + 1], strict)

    def _first(self, v: float | np.ndarray, b: np.ndarray, strict: bool = False) -> np.ndarray:
        """Elementwise first ``i`` with ``a[i] + b >= v`` (``> v`` when strict); ``v`` is a
        number or an array shaped like ``b``. Exact: a ``searchsorted`` of ``v - b`` is checked
        against its neighbours and bisected where rounding misplaced it."""
        if isinstance(v, np.ndarray):
            v = np.broadcast_to(v, b.shape)
        i = self.a.searchsorted(v - b, side="right" if strict else "left")
        below = self._pad[i] + b  # a[i - 1] + b: must fail the test
        at = self._pad[i + 1] + b  # a[i] + b: must pass it
        bad = (below > v) | (at <= v) if strict else (below >= v) | (at < v)
        if bad.any():
            where = np.nonzero(bad)
            vs = v[where] if isinstance(v, np.ndarray) else v
            i[where] = self._bisect(vs, strict, b[where])
        return i

    def _bisect(self, v: float | np.ndarray, strict: bool, b: np.ndarray) -> np.ndarray:
        """:meth:`_first` by (vectorised) bisection between bounds that rounding cannot cross:
        ``|fl(x + c) − (x + c)|`` and the error of ``v − c`` are below
        ``δ = 4 ε (|v| + |c| + max |a|)``."""
        a = self.a
        delta = 4 * np.finfo(float).eps * (np.abs(v) + np.abs(b) + self._a_max)
        with np.errstate(invalid="ignore"):  # an infinite target: NaN bounds sort last
            lo = a.searchsorted(v - b - delta, side="left")
            hi = a.searchsorted(v - b + delta, side="right")
        while True:
            open_ = lo < hi
            if not open_.any():
                return lo
            mid = (lo + hi) // 2
            s = a[np.minimum(mid, len(a) - 1)] + b
            ok = (s > v) if strict else (s >= v)
            hi = np.where(open_ & ok, mid, hi)
            lo = np.where(open_ & ~ok, mid + 1, lo)

    def _rows(self, m: int) -> np.ndarray:
        """``b`` repeated in ``m`` rows (a read-only broadcast view)."""
        return np.broadcast_to(self.b, (m, len(self.b)))

    def count_at_least(self, v: float) -> int:
        """How many outcomes are worth at least ``v``."""
        return self.size - int(self.boundary(v).sum())

    def _sketch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:data:`SKETCH` values evenly spaced from the worst to just above the best utility,
        how many outcomes are worth at least each, and the boundaries (computed once): the
        starting brackets of the rank searches."""
        sketch = self._sketch_cache
        if sketch is None:
            top = np.nextafter(self.best_key, np.inf)
            values = np.append(np.linspace(self.worst_key, self.best_key, SKETCH), top)
            bounds = self._first(values[:, None], self._rows(len(values)))
            counts = self.size - bounds.sum(axis=1)
            sketch = self._sketch_cache = (values, counts, bounds)
        return sketch

    # ------------------------------------------------------------------ ranking
    def at_least(self, target: float) -> int:
        """Rank of the worst outcome still worth ``>= target`` (0, the best, when none is);
        the outcome itself is remembered for :meth:`pair`."""
        lo = self.boundary(target)
        count = self.size - int(lo.sum())
        if count <= 1:
            return 0
        js = np.flatnonzero(lo < len(self.a))
        u = self.a[lo[js]] + self.b[js]
        v = u.min()
        j = int(js[np.flatnonzero(u == v)[-1]])  # the last of the ties, in (j, i) order
        i = int(self.boundary(float(v), strict=True, j=j)[0]) - 1
        memo = self._memo
        if len(memo) >= MEMO:
            memo.clear()
        memo[count - 1] = (i, j)
        return count - 1

    def _check(self, rank: int) -> int:
        if rank < 0:
            rank += self.size
        if not 0 <= rank < self.size:
            raise IndexError(f"rank {rank} outside 0..{self.size - 1}")
        return rank

    def pair(self, rank: int) -> tuple[int, int]:
        """``(i, j)`` of the outcome of rank ``rank`` (0: the best; negative counts from the
        worst). The band of outcomes listed to find it is kept: the next ranks nearby are
        look-ups."""
        rank = self._check(rank)
        known = self._memo.get(rank)
        if known is not None:
            return known
        band = self._band
        if band is None or not band[0] <= rank < band[0] + len(band[1]):
            band = self._list(np.array([rank]), MAX_BAND, keep=True)
        k = rank - band[0]
        return int(band[1][k]), int(band[2][k])

    def pairs(self, ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(i, j)`` arrays of the outcomes of many ranks at once (vectorised over ranks)."""
        flat = np.asarray(ranks, dtype=np.int64).ravel()
        flat = np.where(flat < 0, flat + self.size, flat)
        if not flat.size:
            return flat.copy(), flat.copy()
        if flat.size and (flat.min() < 0 or flat.max() >= self.size):
            raise IndexError(f"ranks outside 0..{self.size - 1}")
        key = flat.tobytes()
        last = self._batch
        if last is not None and last[0] == key:  # agents ask for utilities, then digits
            i, j = last[1], last[2]
        else:
            unique, back = np.unique(flat, return_inverse=True)
            _, i, j, _ = self._list(unique, SMALL_BAND, keep=False)
            i, j = i[back], j[back]
            i.setflags(write=False)
            j.setflags(write=False)
            self._batch = (key, i, j)
        return i.reshape(np.shape(ranks)), j.reshape(np.shape(ranks))

    def _brackets(self, ranks: np.ndarray, cap: int) -> tuple[np.ndarray, ...]:
        """Per rank ``k``: values ``lo < hx`` with ``count(>= lo) > k >= count(>= hx)``,
        narrowed (all ranks at once, starting from the sketch) until at most ``cap`` outcomes
        are worth ``[lo, hx)`` or no number lies between the two. Steps alternate between
        interpolation (two probes ``cap / 4`` outcomes either side of where the counts, taken
        as linear in the value, put the rank: usually done at once) and bisection (which at
        least halves the bracket). Returns the two counts and the boundaries of both."""
        values, counts, bounds = self._sketch()
        above = len(counts) - np.searchsorted(counts[::-1], ranks, side="right")
        lo, hx = values[above - 1], values[above]
        c_lo, c_hx = counts[above - 1], counts[above]
        b_lo, b_hx = bounds[above - 1], bounds[above]
        for step in itertools.count():
            span = hx - lo
            width = np.maximum(c_lo - c_hx, 1).astype(float)
            if step % 2:
                probes = [lo + span * 0.5]
            else:
                guess = lo + span * ((c_lo - ranks - 0.5) / width)
                half = span * (0.25 * cap / width)
                probes = [guess - half, guess + half]
            moved = False
            for probe in probes:
                go = np.flatnonzero((c_lo - c_hx > cap) & (lo < probe) & (probe < hx))
                if not len(go):
                    continue
                moved = True
                m = probe[go]
                bound = self._first(m[:, None], self._rows(len(go)))
                c = self.size - bound.sum(axis=1)
                up = c > ranks[go]
                lo, c_lo, b_lo = _update(lo, c_lo, b_lo, go[up], m[up], c[up], bound[up])
                dn = ~up
                hx, c_hx, b_hx = _update(hx, c_hx, b_hx, go[dn], m[dn], c[dn], bound[dn])
            if step % 2 and not moved:
                break
        return c_lo, c_hx, b_lo, b_hx

    def _list(
        self, ranks: np.ndarray, cap: int, keep: bool
    ) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """The outcomes of ``ranks`` (sorted, distinct): ``(first rank, i, j, utility)`` where
        the arrays give them in rank order. With ``keep`` (one rank) the whole band around it
        is listed, kept and returned instead."""
        c_lo, c_hx, b_lo, b_hx = self._brackets(ranks, cap)
        sizes = b_hx - b_lo
        wide = c_lo - c_hx > cap  # one value shared by many outcomes: (j, i) order
        out_i = np.empty(len(ranks), dtype=np.int64)
        out_j = np.empty(len(ranks), dtype=np.int64)
        for r in np.flatnonzero(wide).tolist():
            ends = np.cumsum(sizes[r])
            off = int(ranks[r] - c_hx[r])
            j = int(ends.searchsorted(off, side="right"))
            out_i[r], out_j[r] = b_lo[r, j] + off - (ends[j] - sizes[r, j]), j
        narrow = np.flatnonzero(~wide)
        if len(narrow):
            n_b = len(self.b)
            sz = sizes[narrow].ravel()
            owner = np.repeat(np.repeat(np.arange(len(narrow)), n_b), sz)
            js = np.repeat(np.tile(np.arange(n_b, dtype=np.int64), len(narrow)), sz)
            starts = np.cumsum(sz) - sz
            is_ = np.repeat(b_lo[narrow].ravel() - starts, sz) + np.arange(len(js))
            u = self.a[is_] + self.b[js]
            order = np.lexsort((is_, js, -u, owner))
            is_, js, u = is_[order], js[order], u[order]
            if keep and not wide[0]:
                band = (int(c_hx[0]), is_, js, u)
                self._band = band
                return band
            first = np.cumsum(sizes[narrow].sum(axis=1)) - sizes[narrow].sum(axis=1)
            pick = first + ranks[narrow] - c_hx[narrow]
            out_i[narrow], out_j[narrow] = is_[pick], js[pick]
        return int(ranks[0]), out_i, out_j, self.a[out_i] + self.b[out_j]

    # ---------------------------------------------------------------- outcomes
    def outcome(self, rank: int) -> int:
        """Index of the outcome of rank ``rank``."""
        i, j = self.pair(rank)
        return int(self.a_index[i] + self.b_index[j])

    def utility_at(self, rank: int) -> float:
        """Utility of the outcome of rank ``rank`` (exact: :meth:`utility`)."""
        return self.utility(self.outcome(rank))

    def outcomes(self, ranks: np.ndarray) -> np.ndarray:
        """Indices of the outcomes of many ranks (vectorised)."""
        i, j = self.pairs(ranks)
        return self.a_index[i] + self.b_index[j]

    def utilities_at(self, ranks: np.ndarray) -> np.ndarray:
        """Utilities of the outcomes of many ranks (exact, vectorised)."""
        digits = self.space.digits(self.outcomes(ranks))
        return self.function.evaluate(self.space, digits).reshape(np.shape(ranks))

    def utility(self, outcome: int) -> float:
        """Utility of the outcome with index ``outcome``: the issue-by-issue sum, bit for bit
        what :meth:`LinearAdditive.evaluate` gives (its rank key, :meth:`key`, may differ in the
        last bits)."""
        total = self._offset
        for table, digit in zip(self._tables, self.space.from_index(outcome), strict=True):
            total += table[digit]
        return total

    def key(self, outcome: int) -> float:
        """The number the outcome is ranked by: ``a[i] + b[j]``."""
        if not 0 <= outcome < self.size:
            raise IndexError(f"outcome {outcome} outside 0..{self.size - 1}")
        codes = [0, 0]
        rest = int(outcome)
        for radix, group, weight in self._decode:
            rest, digit = divmod(rest, radix)
            codes[group] += digit * weight
        ua, ub = self._by_code
        return float(ua[codes[0]] + ub[codes[1]])


def _update(
    value: np.ndarray,
    count: np.ndarray,
    bounds: np.ndarray,
    rows: np.ndarray,
    new_value: np.ndarray,
    new_count: np.ndarray,
    new_bounds: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Copies of ``value``, ``count`` and ``bounds`` with ``rows`` replaced."""
    value, count, bounds = value.copy(), count.copy(), bounds.copy()
    value[rows], count[rows], bounds[rows] = new_value, new_count, new_bounds
    return value, count, bounds


class RankedUtilities:
    """The utilities of an :class:`AdditiveRanking`, best first, as a read-only sequence:
    ``len()``, an integer rank or an integer array of ranks; never materialised whole."""

    __slots__ = ("_ranking",)

    def __init__(self, ranking: AdditiveRanking):
        self._ranking = ranking

    def __len__(self) -> int:
        return self._ranking.size

    @overload
    def __getitem__(self, rank: int | np.integer) -> float: ...

    @overload
    def __getitem__(self, rank: np.ndarray) -> np.ndarray: ...

    def __getitem__(self, rank: int | np.integer | np.ndarray) -> float | np.ndarray:
        if isinstance(rank, int | np.integer):
            return self._ranking.utility_at(int(rank))
        if isinstance(rank, np.ndarray) and rank.dtype.kind in "iu":
            return self._ranking.utilities_at(rank)
        raise TypeError("ranked utilities are read by rank: an int or an integer array")
