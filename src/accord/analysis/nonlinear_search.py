"""Pareto local search over cell assignments, for :mod:`accord.analysis.nonlinear`.

Starting from a set of mutually non-dominated outcomes (as cell indices), it repeatedly adds
every neighbour reached by changing one issue, then (once no single move helps) two issues
that share a term, keeping only the Pareto-optimal set. Utilities are updated by delta
evaluation over the terms that a move can affect.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from accord.analysis.pareto import is_dominated, pareto_indices

if TYPE_CHECKING:
    from accord.analysis.nonlinear import _Problem

__all__ = ["local_search"]


def _contrib(prob: _Problem, terms: tuple[int, ...], cells: np.ndarray) -> np.ndarray:
    """Utility ``(n, 2)`` that the given terms add to outcomes given as cell indices."""
    u = np.zeros((cells.shape[0], 2))
    for t in terms:
        term = prob.terms[t]
        sat = np.ones(cells.shape[0], dtype=bool)
        for i, m in zip(term.issues, term.masks, strict=True):
            sat &= m[cells[:, i]]
        u[:, term.party] += term.weight * sat
    return u


def _moves(prob: _Problem, pairs: bool) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Move groups: (issues changed together, terms whose satisfaction may change)."""
    touch: dict[int, set[int]] = {}
    for t, term in enumerate(prob.terms):
        for i in term.issues:
            touch.setdefault(i, set()).add(t)
    if not pairs:
        return [((i,), tuple(sorted(ts))) for i, ts in sorted(touch.items())]
    linked = sorted({(a, b) for t in prob.terms for a in t.issues for b in t.issues if a < b})
    return [((a, b), tuple(sorted(touch[a] | touch[b]))) for a, b in linked]


def _explore(
    prob: _Problem,
    src: np.ndarray,
    base: np.ndarray,
    moves: list[tuple[tuple[int, ...], tuple[int, ...]]],
    deadline: float,
    front: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The neighbours of ``src`` (utilities ``base``) under ``moves`` (delta evaluation) that
    may join ``front``: each move's neighbours are Pareto-filtered and those weakly dominated
    by ``front`` dropped at once, which leaves the final filter's answer as it was but keeps
    memory to the survivors (all pair moves of a 60-issue space at once took 730 MB). Only
    those found before ``deadline`` once it has passed (one round over all moves took up to
    0.6 s on the ANAC 2014 50-issue domains, past the analysis's time limit)."""
    out_c: list[np.ndarray] = []
    out_u: list[np.ndarray] = []
    for issues, terms in moves:
        if out_c and time.perf_counter() > deadline:
            break
        grids = np.meshgrid(*[np.arange(prob.cells[i].size) for i in issues], indexing="ij")
        combo = np.stack([g.reshape(-1) for g in grids], axis=1)
        x = np.repeat(src, combo.shape[0], axis=0)
        x[:, list(issues)] = np.tile(combo, (src.shape[0], 1))
        before = np.repeat(base - _contrib(prob, terms, src), combo.shape[0], axis=0)
        u = before + _contrib(prob, terms, x)
        keep = pareto_indices(u)
        keep = keep[~is_dominated(u[keep], front)]
        out_c.append(x[keep])
        out_u.append(u[keep])
    if not out_c:
        return src[:0], base[:0]
    return np.concatenate(out_c), np.concatenate(out_u)


def local_search(
    prob: _Problem, cells: np.ndarray, util: np.ndarray, deadline: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pareto local search: single-issue moves, then moves on issue pairs sharing a term."""
    levels = (_moves(prob, False), _moves(prob, True))
    done = np.zeros((cells.shape[0], 2), dtype=bool)  # explored by single / pair moves
    while time.perf_counter() < deadline:
        level = 0 if not done[:, 0].all() else 1
        if level == 1 and (done[:, 1].all() or not levels[1]):
            break
        src = ~done[:, level]
        cand, cand_u = _explore(prob, cells[src], util[src], levels[level], deadline, util)
        done[src, level] = True
        all_cells = np.concatenate([cells, cand])
        all_util = np.concatenate([util, cand_u])
        all_done = np.concatenate([done, np.zeros((cand.shape[0], 2), dtype=bool)])
        sel = pareto_indices(all_util)
        cells, util, done = all_cells[sel], all_util[sel], all_done[sel]
    return cells, util
