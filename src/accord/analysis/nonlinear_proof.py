"""A proof that a two-party hyper-rectangle frontier is exact, by integer programming (HiGHS).

Used by :func:`accord.analysis.nonlinear.hyperrectangle_frontier` after its heuristic search.

**Model.** One binary variable per (issue, cell) with one cell chosen per issue; a term over a
single issue is a linear function of those; a term over several issues gets a continuous
``y ∈ [0, 1]``: ``y ≤ Σ allowed cells`` on each of its issues when its weight is positive,
``y ≥ Σ_issues Σ allowed cells − (k − 1)`` when negative. For any choice of cells the best
``y`` is exactly the term's indicator, and every objective and constraint below prefers the
best ``y``, so the programme's optimum over cells is the true optimum of the utilities.

**Proof.** Weights are made integers (scaled by a power of ten when they have a few decimals),
so utilities are integers. Let ``P_1 … P_m`` be the candidate frontier, party 1 descending.
Any outcome that no ``P_k`` dominates lies in one of the regions

* ``u1 > P_1.u1``;
* ``u1 > P_{k+1}.u1`` and ``u2 > P_k.u2`` (k = 1 … m − 1);
* ``u2 > P_m.u2``.

For each region one programme maximises ``u1`` subject to ``u2 ≥ P_k.u2 + 1`` (the last one
maximises ``u2``), with HiGHS's objective bound set just below the candidate's value so it
prunes everything that cannot beat it. If the proven bound is below the candidate's value + 1,
the region is empty. If the solver finds a better outcome, it is evaluated exactly, added to
the candidates, and the regions it changed are proven again. When every region is proven the
frontier is exact. When time runs out, each unproven region's bound gives the *proven gap*:
every outcome is weakly dominated by a reported point plus that gap in both utilities.

Every outcome the solver returns is checked with exact integer arithmetic on the terms; only
the emptiness of regions rests on the solver (HiGHS's branch and bound with zero gap tolerance).
"""

from __future__ import annotations

import math
import os
import queue
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.analysis.pareto import is_dominated, pareto_indices

if TYPE_CHECKING:
    from accord.analysis.nonlinear import _Problem, _Term

__all__ = ["Certificate", "certify"]

#: Largest power of ten a weight may be scaled by to make it an integer.
MAX_DECIMALS = 6
#: Largest integer utility the programme works with (far inside a double's exact range and
#: HiGHS's tolerances: a unit step stays resolvable).
MAX_INTEGER_UTILITY = 1e9


@dataclass(frozen=True, slots=True)
class Certificate:
    """The outcome of :func:`certify`.

    ``cells``/``util`` are the final candidates (cells per issue; raw utilities), ``exact`` says
    whether every region was proven empty, ``gap`` is the proven gap in raw utility units per
    party (zeros when exact; ``None`` when no bound is known), ``solves`` counts programmes and
    ``note`` says what happened in words.
    """

    cells: np.ndarray
    util: np.ndarray
    exact: bool
    gap: tuple[float, float] | None
    solves: int
    note: str


def _scale(weights: list[float]) -> float | None:
    """The smallest power of ten making every weight an integer, or None."""
    for d in range(MAX_DECIMALS + 1):
        s = 10.0**d
        if all(abs(w * s - round(w * s)) <= 1e-9 * max(1.0, abs(w * s)) for w in weights):
            return s
    return None


class _Model:
    """The integer programme of one problem, kept in one HiGHS instance across solves."""

    def __init__(self, prob: _Problem, scale: float, highspy: Any):
        self.hs = highspy
        self.prob = prob
        self.scale = scale
        sizes = [c.size for c in prob.cells]
        self.off = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        nx = int(self.off[-1])
        self.nx = nx
        lin = np.zeros((2, nx))
        #: each term's weight as an integer (scaled)
        self.weights = [float(round(t.weight * scale)) for t in prob.terms]
        multi: list[tuple[_Term, float]] = []
        for t, weight in zip(prob.terms, self.weights, strict=True):
            if len(t.issues) == 1:
                i = t.issues[0]
                lin[t.party, self.off[i] : self.off[i + 1]] += weight * t.masks[0]
            else:
                multi.append((t, weight))
        n = nx + len(multi)
        self.n = n
        cost = np.zeros((2, n))
        cost[:, :nx] = lin
        for k, (t, w) in enumerate(multi):
            cost[t.party, nx + k] = w
        self.cost = cost
        self.constant = np.round(prob.constant * scale)
        h = _silent_highs(highspy)
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 0.0)
        h.setOptionValue("threads", 1)
        # measured on the hardest ANAC 2014 domain (10^40, 89 frontier points): each region
        # solved 2.6 times faster without presolve (run afresh at every solve) and without
        # primal heuristics (the cutoff at the candidate's value already bounds the search)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("mip_heuristic_effort", 0.0)
        inf = highspy.kHighsInf
        h.addVars(n, np.zeros(n), np.ones(n))
        h.changeColsIntegrality(
            nx, np.arange(nx, dtype=np.int32), np.full(nx, highspy.HighsVarType.kInteger)
        )
        rows: list[tuple[float, float, list[int], list[float]]] = []
        for i in range(len(sizes)):
            idx = list(range(int(self.off[i]), int(self.off[i + 1])))
            rows.append((1.0, 1.0, idx, [1.0] * len(idx)))
        for k, (t, w) in enumerate(multi):
            col = nx + k
            cells = [
                [int(self.off[i]) + int(c) for c in np.flatnonzero(m)]
                for i, m in zip(t.issues, t.masks, strict=True)
            ]
            if w > 0:
                for cs in cells:
                    rows.append((-inf, 0.0, [col, *cs], [1.0] + [-1.0] * len(cs)))
            else:
                flat = [c for cs in cells for c in cs]
                rows.append((-(len(cells) - 1.0), inf, [col, *flat], [1.0] + [-1.0] * len(flat)))
        for p in range(2):
            nz = np.flatnonzero(cost[p])
            rows.append((-inf, inf, nz.tolist(), cost[p][nz].tolist()))
        for lo, hi, idx, val in rows:
            h.addRow(lo, hi, len(idx), np.array(idx, dtype=np.int32), np.array(val))
        self.eps_row = len(rows) - 1  # the row holding u2 − constant
        self.h = h

    def utilities(self, cells: np.ndarray) -> np.ndarray:
        """Exact integer utilities ``(n, 2)`` of outcomes given as cell indices."""
        u = np.tile(self.constant, (cells.shape[0], 1))
        for t, weight in zip(self.prob.terms, self.weights, strict=True):
            sat = np.ones(cells.shape[0], dtype=bool)
            for i, m in zip(t.issues, t.masks, strict=True):
                sat &= m[cells[:, i]]
            u[:, t.party] += weight * sat
        return u

    def upper_bounds(self) -> np.ndarray:
        """A trivial upper bound of each party's utility (every positive term satisfied)."""
        return self.constant + np.clip(self.cost, 0, None).sum(axis=1)

    def cells_of(self, x: np.ndarray) -> np.ndarray:
        """The cell chosen on each issue by a solution vector."""
        return np.array(
            [int(np.argmax(x[self.off[i] : self.off[i + 1]])) for i in range(len(self.prob.cells))],
            dtype=np.int64,
        )

    def solve(
        self, party: int, min_u2: float | None, beat: float, seconds: float, cutoff: bool = True
    ) -> tuple[str, float, np.ndarray | None]:
        """Maximise ``u_party`` subject to ``u2 ≥ min_u2``; with ``cutoff``, HiGHS prunes what
        cannot exceed ``beat − 0.5``. Returns (status, upper bound on the maximum, the best
        outcome found as cells or None), the status being

        * ``optimal``: the bound is the exact utility of the returned outcome, which HiGHS
          proved optimal (its reported optimum is checked against the outcome's exact value,
          and ``inconsistent`` returned when they differ);
        * ``empty``: nothing exceeds ``beat − 0.5``;
        * ``time``: the time ran out; the bound is HiGHS's proven (dual) bound.
        """
        hs, h = self.hs, self.h
        inf = hs.kHighsInf
        h.clearSolver()  # no state from the previous region: answers depend on this one alone
        lo = -inf if min_u2 is None else min_u2 - self.constant[1]
        h.changeRowBounds(self.eps_row, lo, inf)
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), -self.cost[party])
        limit = float(-(beat - self.constant[party]) + 0.5) if cutoff else inf
        h.setOptionValue("objective_bound", limit)
        h.setOptionValue("time_limit", max(seconds, 0.01))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        cells = value = None
        if info.primal_solution_status == 2:  # kSolutionStatusFeasible
            cells = self.cells_of(np.asarray(h.getSolution().col_value[: self.nx]))
            value = float(self.utilities(cells[None, :])[0, party])
        if status == hs.HighsModelStatus.kOptimal:
            reported = -float(info.objective_function_value) + self.constant[party]
            if value is None or abs(reported - value) > 0.5:
                return "inconsistent", math.inf, cells
            return "optimal", value, cells
        if status in (hs.HighsModelStatus.kInfeasible, hs.HighsModelStatus.kObjectiveBound):
            return "empty", beat - 0.5, None
        if status == hs.HighsModelStatus.kTimeLimit:
            bound = -float(info.mip_dual_bound) + self.constant[party]
            return "time", max(bound, -math.inf if value is None else value), cells
        return f"solver status {h.modelStatusToString(status)}", math.inf, cells


def _silent_highs(highspy: Any) -> Any:
    """A HiGHS instance, made with the process's standard output muted: creating one prints
    a banner on file descriptor 1 before any option can turn logging off, which would corrupt
    ``--json`` output."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def certify(prob: _Problem, cells: np.ndarray, util: np.ndarray, deadline: float) -> Certificate:
    """Prove the candidate frontier (``cells`` per issue, raw ``util``) exact, or improve it
    until it is, or report the proven gap when ``deadline`` (a ``perf_counter`` time) passes.

    Regions are worked through in passes, on up to :data:`MAX_WORKERS` HiGHS instances in
    threads; each pass gives every unproven region an equal share of the time left (at least
    :data:`MIN_SLICE` seconds, at most a quarter), so a hard region cannot keep the others from
    being proven. Outcomes found beyond the candidates join them at the end of the pass, and the
    regions they changed are proven in the next. See the module docstring.
    """
    try:
        import highspy
    except ImportError:  # pragma: no cover - a core dependency
        return Certificate(cells, util, False, None, 0, "no proof: highspy is missing")
    weights = [t.weight for t in prob.terms] + [float(c) for c in prob.constant]
    scale = _scale(weights)
    if scale is None or sum(abs(w) for w in weights) * scale > MAX_INTEGER_UTILITY:
        why = "no proof: the rectangles' utilities are not integers of at most 6 decimals"
        return Certificate(cells, util, False, None, 0, why)
    model = _Model(prob, scale, highspy)
    front_c, front_u = _sorted_front(cells, model.utilities(cells))
    bounds: dict[Region, float] = {}  # region → proven upper bound of its objective
    proven: set[Region] = set()
    stuck: set[Region] = set()  # the solver gave no usable answer twice
    solves = 0
    workers = max(1, min(_cores(), MAX_WORKERS, len(_regions(front_u))))
    free: queue.SimpleQueue[_Model] = queue.SimpleQueue()
    free.put(model)
    for _ in range(workers - 1):
        free.put(_Model(prob, scale, highspy))

    def attempt(region: Region, share: float) -> tuple[tuple[str, float, np.ndarray | None], int]:
        """One region's programme on a free model (another try from scratch if HiGHS's
        answer is inconsistent), within ``share`` seconds and the deadline."""
        m = free.get()
        try:
            kind, floor, beat = region
            party = 1 if kind == "top" else 0
            left = deadline - time.perf_counter()
            if left <= 0:
                return ("time", math.inf, None), 0
            out = m.solve(party, floor, beat, min(share, left))
            if out[0] != "inconsistent":
                return out, 1
            left = max(deadline - time.perf_counter(), MIN_SLICE)
            return m.solve(party, floor, beat, left, cutoff=False), 2
        finally:
            free.put(m)

    with ThreadPoolExecutor(workers) as pool:  # HiGHS releases the GIL while it solves
        while True:
            todo = [r for r in _regions(front_u) if r not in proven and r not in stuck]
            left = deadline - time.perf_counter()
            if not todo or left <= 0:
                break
            share = max(left * workers / len(todo), left / 4, MIN_SLICE)
            # results are taken in region order, so the answer does not depend on timing
            # (unless the time runs out)
            results = list(pool.map(attempt, todo, [share] * len(todo)))
            for region, ((status, bound, found), n) in zip(todo, results, strict=True):
                solves += n
                bounds[region] = min(bound, bounds.get(region, math.inf))
                if found is not None:
                    fu = model.utilities(found[None, :])
                    if not is_dominated(fu, front_u)[0]:
                        front_c, front_u = _sorted_front(
                            np.concatenate([front_c, found[None, :]]),
                            np.concatenate([front_u, fu]),
                        )
                if status in ("optimal", "empty") and bound < region[2] + 1:
                    proven.add(region)
                elif status != "time":
                    stuck.add(region)
    regions = _regions(front_u)
    raw = front_u.astype(float) / scale
    if all(r in proven for r in regions):
        note = f"proven exact by {solves} integer programmes (HiGHS)"
        return Certificate(front_c, raw, True, (0.0, 0.0), solves, note)
    gap = [0.0, 0.0]
    top = model.upper_bounds()
    for region in regions:
        if region in proven:
            continue
        kind, _, beat = region
        party = 1 if kind == "top" else 0
        bound = min(bounds.get(region, math.inf), top[party])
        gap[party] = max(gap[party], (bound - beat) / scale)
    open_regions = sum(r not in proven for r in regions)
    why = "not proven" if any(r in stuck for r in regions) else "not proven in time"
    note = (
        f"{why}: {open_regions} of {len(regions)} regions open after {solves} "
        "integer programmes (HiGHS)"
    )
    return Certificate(front_c, raw, False, (gap[0], gap[1]), solves, note)


#: Shortest time a region gets in one pass (seconds).
MIN_SLICE = 0.05
#: Most HiGHS instances solving regions at once (threads; one per core).
MAX_WORKERS = 4


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


Region = tuple[str, float | None, float]


def _regions(front: np.ndarray) -> list[Region]:
    """The regions of the module docstring as (kind, floor on u2 or None, value to beat), for a
    front sorted by party 1 descending."""
    out: list[Region] = [("first", None, float(front[0, 0]))]
    for k in range(front.shape[0] - 1):
        out.append(("gap", float(front[k, 1]) + 1, float(front[k + 1, 0])))
    out.append(("top", None, float(front[-1, 1])))
    return out


def _sorted_front(cells: np.ndarray, util: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = pareto_indices(util.astype(float))
    order = keep[np.argsort(-util[keep, 0], kind="stable")]
    return cells[order], util[order]
