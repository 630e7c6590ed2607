"""Exact Pareto frontiers (maximisation) of utility point sets.

A point ``p`` *dominates* ``q`` when ``p >= q`` in every coordinate and ``p > q`` in at least one.
The frontier is the set of points that no point dominates.

**Ties.** Points with identical utility vectors are interchangeable for every analysis here, so
the functions return **one representative per distinct non-dominated vector**: the one with the
smallest index (earliest in the input; for an outcome space, the smallest outcome index). Hence
"everything outside the frontier is dominated by, or equal to, a frontier point". Comparisons are
exact float comparisons (no tolerance): the answer is the frontier of the numbers given.

Algorithms:

* 2 parties: sort by ``(-u1, -u2, index)`` and sweep keeping every point whose ``u2`` beats the
  running maximum — O(n log n), fully vectorised.
* k parties: points strictly dominated by a few pivots are dropped; the rest are sorted by
  ``(-u1, ..., -uk, index)`` and filtered by divide and conquer (:mod:`accord.analysis.skyline`:
  a staircase binary search for 3 parties, best-coordinate pruned comparisons beyond).
* :func:`pareto_chunked`: a running frontier over a stream of utility chunks (e.g. an outcome
  space enumerated with ``OutcomeSpace.chunks``). Each chunk is pre-filtered against the running
  frontier (a binary search on the staircase for 2 parties) and then merged, so memory holds one
  chunk plus the frontier.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from accord.analysis.skyline import keep_sorted, weakly_dominated
from accord.errors import AccordError

__all__ = [
    "dominated_by",
    "is_dominated",
    "pareto_chunked",
    "pareto_indices",
    "pareto_mask",
]

#: Broadcast comparisons are done on at most this many (candidate, frontier) pairs at once.
_PAIR_BUDGET = 1 << 22


def _as_points(points: np.ndarray) -> np.ndarray:
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2:
        raise AccordError(f"points must be a 2-d array (n, parties), got shape {pts.shape}")
    if pts.shape[1] < 1:
        raise AccordError("points need at least one utility column")
    if np.isnan(pts).any():
        raise AccordError("utilities contain NaN")
    return pts


def _pivots(pts: np.ndarray, count: int = 17) -> np.ndarray:
    """A few points of ``pts`` maximising positive weighted sums over a strided subsample.

    They need not be Pareto optimal: they are only used to discard points they strictly
    dominate, which is safe for any real point.
    """
    sub = pts[:: max(1, pts.shape[0] // 65536)]
    k = sub.shape[1]
    rows = [int(np.argmax(sub[:, j])) for j in range(k)]
    for a in np.linspace(0.0, 1.0, count)[1:-1]:
        for j in range(k if k > 2 else 1):
            w = np.full(k, (1.0 - a) / (k - 1))
            w[j] = a
            rows.append(int(np.argmax(sub @ w)))
    return np.asarray(sub[np.unique(np.array(rows))])


def strictly_dominated_2d(pts: np.ndarray, stair: np.ndarray) -> np.ndarray:
    """Mask of 2-d ``pts`` strictly dominated by some row of ``stair`` (binary searches)."""
    f = stair[np.argsort(stair[:, 0], kind="stable")]
    suffix = np.maximum.accumulate(f[::-1, 1])[::-1]
    suffix = np.append(suffix, -np.inf)
    ge = suffix[np.searchsorted(f[:, 0], pts[:, 0], side="left")]  # best u2 with f1 >= q1
    gt = suffix[np.searchsorted(f[:, 0], pts[:, 0], side="right")]  # best u2 with f1 > q1
    return np.asarray((ge > pts[:, 1]) | (gt >= pts[:, 1]))


def _pareto2(pts: np.ndarray) -> np.ndarray:
    """Indices (sorted by u1 descending) of the distinct non-dominated points, 2 columns."""
    n = pts.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.int64)
    cand = np.arange(n)
    if n > 4096:  # drop what a few frontier points already dominate, then sort the rest
        cand = np.flatnonzero(~strictly_dominated_2d(pts, _pivots(pts)))
    sub = pts[cand]
    order = np.lexsort((cand, -sub[:, 1], -sub[:, 0]))
    u2 = sub[order, 1]
    best_before = np.empty(order.size)
    best_before[0] = -np.inf
    np.maximum.accumulate(u2[:-1], out=best_before[1:])
    return cand[order[u2 > best_before]].astype(np.int64)


def dominated_by(candidates: np.ndarray, frontier: np.ndarray, *, weak: bool = False) -> np.ndarray:
    """Mask of ``candidates`` dominated by some row of ``frontier``.

    With ``weak=True`` a candidate equal to a frontier row also counts (weakly dominated).
    """
    cand = np.asarray(candidates, dtype=float)
    front = np.asarray(frontier, dtype=float)
    if weak or cand.shape[0] == 0 or front.shape[0] == 0:
        return weakly_dominated(cand, front)
    # Strict: >= everywhere and not equal everywhere, one column at a time on (rows, frontier).
    ft = front.T.copy()
    out = np.zeros(cand.shape[0], dtype=bool)
    step = max(1, _PAIR_BUDGET // front.shape[0])
    for lo in range(0, cand.shape[0], step):
        c = cand[lo : lo + step]
        ge = ft[0][None, :] >= c[:, 0:1]
        eq = ft[0][None, :] == c[:, 0:1]
        for j in range(1, c.shape[1]):
            ge &= ft[j][None, :] >= c[:, j : j + 1]
            eq &= ft[j][None, :] == c[:, j : j + 1]
        out[lo : lo + step] = (ge & ~eq).any(axis=1)
    return out


def _paretok(pts: np.ndarray) -> np.ndarray:
    """Distinct non-dominated indices for any number of columns, sorted by utilities descending.

    Sorted by ``(-u1, -u2, ..., index)`` a point is excluded (dominated, or equal to one with a
    smaller index) exactly when an earlier point is ``>=`` in every column, and an earlier point
    is never below in the first column: :func:`keep_sorted` compares the others.
    """
    n = pts.shape[0]
    cand = np.arange(n)
    if n > 4096:  # strict dominance by a few frontier points is a safe, cheap first filter
        cand = np.flatnonzero(~dominated_by(pts, _pivots(pts, 9)))
    sub = pts[cand]
    keys = [cand] + [-sub[:, j] for j in range(sub.shape[1] - 1, -1, -1)]
    order = np.lexsort(tuple(keys))
    keep = keep_sorted(sub[order])
    return cand[order[keep]].astype(np.int64)


def pareto_indices(points: np.ndarray) -> np.ndarray:
    """Indices of the distinct non-dominated rows of ``points`` (n, k), best first utility first.

    One index per distinct vector (the smallest). Raises :class:`AccordError` on NaN.
    """
    pts = _as_points(points)
    if pts.shape[1] == 1:
        if pts.shape[0] == 0:
            return np.empty(0, dtype=np.int64)
        return np.array([int(np.argmax(pts[:, 0]))], dtype=np.int64)
    if pts.shape[1] == 2:
        return _pareto2(pts)
    return _paretok(pts)


def pareto_mask(points: np.ndarray) -> np.ndarray:
    """Boolean mask of :func:`pareto_indices`."""
    pts = _as_points(points)
    mask = np.zeros(pts.shape[0], dtype=bool)
    mask[pareto_indices(pts)] = True
    return mask


def is_dominated(points: np.ndarray, frontier: np.ndarray) -> np.ndarray:
    """Mask of ``points`` weakly dominated by (dominated by or equal to) a ``frontier`` row.

    For two columns and a frontier that is a staircase this is a binary search per point.
    """
    pts = _as_points(points)
    front = _as_points(frontier) if len(frontier) else np.empty((0, pts.shape[1]))
    if pts.shape[1] != 2 or front.shape[0] == 0:
        return weakly_dominated(pts, front)
    # Staircase sorted by u1 ascending: u2 is then descending. A point (a, b) is weakly
    # dominated iff the best u2 among frontier points with u1 >= a is >= b.
    f = front[_pareto2(front)][::-1]
    suffix_best = np.maximum.accumulate(f[::-1, 1])[::-1]
    pos = np.searchsorted(f[:, 0], pts[:, 0], side="left")
    best = np.full(pts.shape[0], -np.inf)
    inside = pos < f.shape[0]
    best[inside] = suffix_best[pos[inside]]
    return best >= pts[:, 1]


def pareto_chunked(chunks: Iterable[tuple[int, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Running frontier over ``(first_index, utilities)`` chunks in increasing index order.

    Returns ``(indices, utilities)`` of the distinct non-dominated points (global indices,
    smallest index per vector), sorted by the first utility descending. Only one chunk plus the
    running frontier is held at any time. Equal to ``pareto_indices`` of the concatenation.
    """
    front_idx = np.empty(0, dtype=np.int64)
    front_pts: np.ndarray | None = None
    for start, utils in chunks:
        pts = _as_points(utils)
        if front_pts is None:
            front_pts = np.empty((0, pts.shape[1]))
        local = np.arange(pts.shape[0], dtype=np.int64)
        if front_pts.shape[0]:
            keep = ~is_dominated(pts, front_pts)
            local, pts = local[keep], pts[keep]
        if pts.shape[0] == 0:
            continue
        sel = pareto_indices(pts)
        # Earlier chunks come first, so on equal vectors the running frontier's index wins.
        merged_pts = np.concatenate([front_pts, pts[sel]])
        merged_idx = np.concatenate([front_idx, start + local[sel]])
        keep_idx = pareto_indices(merged_pts)
        front_pts, front_idx = merged_pts[keep_idx], merged_idx[keep_idx]
    if front_pts is None:
        return np.empty(0, dtype=np.int64), np.empty((0, 0))
    return front_idx, front_pts
