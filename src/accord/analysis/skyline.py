"""Fast exact dominance tests behind :mod:`accord.analysis.pareto` (k >= 3 parties).

* :func:`weakly_dominated` — which candidates some row of a set weakly dominates (``>=`` in
  every coordinate). Two columns: a binary search on the staircase. More columns: each candidate
  is compared only with the rows that beat it in its *most selective* coordinate (the one where
  the fewest rows are ``>=``), in chunks of bounded size, coordinate by coordinate, switching to
  a sparse list of surviving pairs once few remain.
* :func:`keep_sorted` — divide and conquer over rows sorted so that a row can only be excluded
  by an earlier one (sorted by the first column descending): the second half is filtered against
  the survivors of the first half on the remaining columns, then each half recursively.
* :func:`additive_value_keep` — for linear-additive utilities, the issue values that cannot
  appear in a frontier representative (see its docstring for why this is exact in floats).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["additive_value_keep", "keep_sorted", "outcome_keep", "weakly_dominated"]

#: Pairs compared at once in a dense chunk.
PAIR_BUDGET = 1 << 21
#: Rows at or below which :func:`keep_sorted` compares all pairs directly.
LEAF = 512


def _staircase(cand: np.ndarray, front: np.ndarray) -> np.ndarray:
    order = np.argsort(front[:, 0], kind="stable")
    f0 = front[order, 0]
    best = np.append(np.maximum.accumulate(front[order, 1][::-1])[::-1], -np.inf)
    return np.asarray(best[np.searchsorted(f0, cand[:, 0], side="left")] >= cand[:, 1])


def _pairs(q: np.ndarray, ft: np.ndarray) -> np.ndarray:
    """Mask of rows of ``q`` (c, d) weakly dominated by a column of ``ft`` (d, L)."""
    ge = ft[0][None, :] >= q[:, 0:1]
    d = q.shape[1]
    j = 1
    while j < d:  # dense while many pairs survive, then a sparse list of pairs
        if j % 2 == 0 and 8 * np.count_nonzero(ge) < ge.size:
            break
        ge &= ft[j][None, :] >= q[:, j : j + 1]
        j += 1
    if j == d:
        return np.asarray(ge.any(axis=1))
    rows, cols = np.nonzero(ge)
    for jj in range(j, d):
        if rows.size == 0:
            break
        ok = ft[jj][cols] >= q[rows, jj]
        rows, cols = rows[ok], cols[ok]
    out = np.zeros(q.shape[0], dtype=bool)
    out[rows] = True
    return out


def _selective(cand: np.ndarray, front: np.ndarray) -> np.ndarray:
    """Best-coordinate pruning: compare each candidate with the rows beating it where fewest do."""
    f, d = front.shape
    sorted_cols = np.sort(front, axis=0)
    counts = np.stack(
        [f - np.searchsorted(sorted_cols[:, j], cand[:, j], side="left") for j in range(d)], axis=1
    )
    best = np.argmin(counts, axis=1)
    cnt = counts[np.arange(cand.shape[0]), best]
    out = np.zeros(cand.shape[0], dtype=bool)
    for j in range(d):
        rows = np.flatnonzero((best == j) & (cnt > 0))
        if rows.size == 0:
            continue
        rows = rows[np.argsort(cnt[rows], kind="stable")]
        by_j = front[np.argsort(-front[:, j], kind="stable")].T.copy()
        lo = 0
        while lo < rows.size:
            size = max(1, PAIR_BUDGET // int(cnt[rows[min(rows.size - 1, lo)]]))
            while size > 1 and size * int(cnt[rows[min(rows.size, lo + size) - 1]]) > PAIR_BUDGET:
                size //= 2
            chunk = rows[lo : lo + size]
            length = int(cnt[chunk[-1]])
            out[chunk] = _pairs(cand[chunk], by_j[:, :length])
            lo += size
    return out


def weakly_dominated(cand: np.ndarray, front: np.ndarray) -> np.ndarray:
    """Mask of ``cand`` rows with some ``front`` row ``>=`` in every column (equal included)."""
    if cand.shape[0] == 0 or front.shape[0] == 0:
        return np.zeros(cand.shape[0], dtype=bool)
    d = cand.shape[1]
    if d == 1:
        return np.asarray(cand[:, 0] <= front[:, 0].max())
    if d == 2:
        return _staircase(cand, front)
    if front.shape[0] <= 64:
        return _dense(cand, front)
    # Most dominated candidates fall to a few strong rows; the rest get the pruned comparison.
    out = _dense(cand, front[_strong_rows(front)])
    rest = np.flatnonzero(~out)
    out[rest] = _selective(cand[rest], front)
    return out


def _dense(cand: np.ndarray, front: np.ndarray) -> np.ndarray:
    ft = front.T.copy()
    step = max(1, PAIR_BUDGET // front.shape[0])
    return np.concatenate(
        [_pairs(cand[lo : lo + step], ft) for lo in range(0, cand.shape[0], step)]
    )


def _strong_rows(front: np.ndarray) -> np.ndarray:
    """Rows maximising a few positive weighted sums, plus a strided sample (<= ~64 rows)."""
    f, d = front.shape
    weights = [np.ones(d)] + [np.ones(d) + c * np.eye(d)[j] for c in (2.0, 8.0) for j in range(d)]
    rows = [int(np.argmax(front @ w)) for w in weights[:32]]
    rows.extend(range(0, f, max(1, f // 32)))
    return np.unique(np.array(rows))


def _leaf(p: np.ndarray) -> np.ndarray:
    """Rows of sorted ``p`` not weakly dominated (columns 1..) by an earlier row."""
    n = p.shape[0]
    ge = np.tri(n, k=-1, dtype=bool)  # ge[i, j]: j before i
    for j in range(1, p.shape[1]):
        ge &= p[None, :, j] >= p[:, None, j]
    return np.asarray(~ge.any(axis=1))


def keep_sorted(p: np.ndarray) -> np.ndarray:
    """Keep-mask of the rows of ``p`` that no earlier row weakly dominates.

    ``p`` must be sorted so that every row weakly dominating a later one comes first, and in
    particular by the first column descending (then only columns 1.. need comparing).
    """
    n = p.shape[0]
    if n <= LEAF:
        return _leaf(p) if n else np.zeros(0, dtype=bool)
    h = n // 2
    keep_a = keep_sorted(p[:h])
    a = p[:h][keep_a]
    alive = np.flatnonzero(~weakly_dominated(p[h:, 1:], a[:, 1:]))
    keep_b = np.zeros(n - h, dtype=bool)
    keep_b[alive] = keep_sorted(p[h:][alive])
    return np.concatenate([keep_a, keep_b])


def additive_value_keep(
    tables: Sequence[Sequence[np.ndarray]], offsets: Sequence[float]
) -> list[np.ndarray]:
    """Per issue, the values that may appear in a frontier representative (additive utilities).

    ``tables[p][i]`` holds party ``p``'s utility contribution of each value of issue ``i``; an
    outcome's utility is ``offset + Σ_i tables[p][i][digit_i]`` summed in floats. Value ``v`` is
    dropped when another value ``w`` has contributions ``>=`` for every party and either
    ``w < v`` (so the swapped outcome has a smaller index) or some party gains more than twice
    the worst rounding error of a sum (so the swapped outcome is strictly better in floats too).
    Float sums are monotone, so swapping ``v`` for ``w`` never makes any utility smaller: every
    dropped outcome is dominated, or equal to one with a smaller index, and replacing dropped
    values one issue at a time (the relation is acyclic) ends at a kept outcome. Hence the
    frontier over the kept outcomes, smallest index per vector, is exactly the full one.
    """
    n_issues = len(tables[0]) if tables else 0
    keep = []
    finite = all(np.isfinite(t).all() for party in tables for t in party)
    terms = n_issues + 1
    unit = 2.0**-53
    gamma = terms * unit / (1.0 - terms * unit)
    scale = np.array(
        [
            abs(off) + sum(float(np.abs(t).max()) for t in party if t.size)
            for party, off in zip(tables, offsets, strict=True)
        ]
    )
    margin = 4.0 * gamma * scale
    for i in range(n_issues):
        tab = np.stack([party[i] for party in tables], axis=1)  # (values, parties)
        r = tab.shape[0]
        if not finite or r < 2:
            keep.append(np.ones(r, dtype=bool))
            continue
        ge = np.ones((r, r), dtype=bool)  # ge[v, w]: w >= v for every party
        strict = np.zeros((r, r), dtype=bool)
        for p in range(tab.shape[1]):
            ge &= tab[None, :, p] >= tab[:, None, p]
            strict |= (tab[None, :, p] - tab[:, None, p]) > margin[p]
        earlier = np.tri(r, k=-1, dtype=bool)  # earlier[v, w]: w < v
        keep.append(np.asarray(~(ge & (earlier | strict)).any(axis=1)))
    return keep


def outcome_keep(
    keep: Sequence[np.ndarray], radices: Sequence[int] | np.ndarray, start: int, count: int
) -> np.ndarray | None:
    """Mask of outcomes ``start .. start+count-1`` whose every digit is kept (None: all kept)."""
    if all(k.all() for k in keep):
        return None
    digits = np.unravel_index(np.arange(start, start + count), tuple(int(r) for r in radices))
    mask = np.ones(count, dtype=bool)
    for k, d in zip(keep, digits, strict=True):
        if not k.all():
            mask &= k[d]
    return mask
