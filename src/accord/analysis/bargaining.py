"""Bargaining solutions, opposition and ZOPA over utility points.

All functions take utility points ``(n, k)`` (any k >= 2; usually the Pareto frontier) and the
parties' reservation values ``r`` (k,), and return the **row index** of the chosen point, or
``None`` when no point is individually rational (``u_i >= r_i`` for every party).

=====================  =====================================================================
accord                 definition (gains ``g_i = u_i - r_i`` over individually rational points)
=====================  =====================================================================
``nash``               max ``Π_i g_i``
``kalai_smorodinsky``  max ``min_i g_i / (ideal_i - r_i)``, ``ideal_i`` = best IR utility of i
``egalitarian``        max ``min_i g_i``
``utilitarian``        max ``Σ_i u_i``
``equal_gains``        min ``max_i g_i/(ideal_i-r_i) - min_i g_i/(ideal_i-r_i)`` (discrete KS line)
=====================  =====================================================================

**Ties.** Values within ``1e-12·max(1, |best|)`` of the optimum tie; among ties the
lexicographically largest utility vector wins (party 1's utility first). Every objective above
is monotone, so the winner is always Pareto optimal and computing on the frontier is the same
as computing on all outcomes.

**Names elsewhere** (GeniusWeb/NegoLog checked against the corpus' reference files, where
reservations are 0 and each party's best utility is 1; NegMAS against its answers on the 10^6
benchmark scenario, where NegMAS measures gains from each party's *worst* utility, not from
its reservation value — pass those worst utilities as ``reservations`` to reproduce it):

=======================================  ====================================================
their name                               accord
=======================================  ====================================================
NegMAS ``nash_points``                   ``nash``
NegMAS ``kalai_points``                  ``egalitarian`` with r = each party's worst utility
NegMAS ``ks_points``                     ``equal_gains``, r = worst utility, ideal = best of all
NegMAS ``max_welfare_points``            ``utilitarian``
GeniusWeb ``specials.json`` ``nash``     ``nash``
GeniusWeb ``specials.json`` ``kalai``    ``equal_gains`` (frontier point minimising |u1 - u2|)
GeniusWeb ``social_welfare``             ``utilitarian``
GeniusWeb ``opposition``                 ``opposition(..., "geniusweb")``
NegoLog ``specs.json`` ``Nash_A/B``      ``nash``
NegoLog ``specs.json`` ``Kalai_A/B``     ``utilitarian`` (NegoLog's "Kalai" is max social welfare)
NegoLog ``Opposition``                   ``opposition(..., "negolog")``
=======================================  ====================================================

Opposition (distance of a reference point from the "everybody fully satisfied" point
``(1, …, 1)``, Euclidean, reservations ignored):

* ``"geniusweb"`` (accord's default, Baarslag's "opposition"): from the ``equal_gains`` point of
  the frontier with ``r = 0`` and ideal 1 (i.e. the frontier point minimising ``max u - min u``).
* ``"negolog"``: from the ``utilitarian`` point (max ``Σ u``, ties: largest party-1 utility),
  with sums compared exactly as NegoLog does (no tie tolerance: 0.825 + 0.52 < 0.785 + 0.56).
* NegMAS's ``opposition_level`` (min distance of any outcome from the ideal point) is different
  again and not reproduced here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from accord.errors import AccordError

__all__ = [
    "egalitarian",
    "equal_gains",
    "ideal_point",
    "individually_rational",
    "kalai_smorodinsky",
    "nash",
    "opposition",
    "utilitarian",
    "zopa_count",
]

_TIE = 1e-12


def _check(points: np.ndarray, reservations: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2:
        raise AccordError(f"points must be (n, parties), got shape {pts.shape}")
    r = np.zeros(pts.shape[1]) if reservations is None else np.asarray(reservations, dtype=float)
    if r.shape != (pts.shape[1],):
        raise AccordError(f"{r.size} reservation values for {pts.shape[1]} parties")
    if not np.isfinite(r).all():
        raise AccordError("reservation values must be finite (replace -inf by a worst utility)")
    return pts, r


def individually_rational(points: np.ndarray, reservations: np.ndarray | None) -> np.ndarray:
    """Mask of points every party weakly prefers to its reservation value."""
    pts, r = _check(points, reservations)
    return np.asarray((pts >= r).all(axis=1))


def argbest(
    score: np.ndarray, pts: np.ndarray, candidates: np.ndarray, tie: float = _TIE
) -> int | None:
    """Index (into pts) of the best score among candidates; ties (within ``tie``, relative)
    -> lexicographically largest utilities. The tie rule of every solution in accord."""
    if candidates.size == 0:
        return None
    s = score[candidates]
    best = float(s.max())
    if not np.isfinite(best):  # overflow (or NaN) in utilities that are finite one by one
        raise AccordError(
            f"the scores of the outcomes are not finite ({best}): utilities too large to compare"
        )
    tied = candidates[s >= best - tie * max(1.0, abs(best))]
    sub = pts[tied]
    keys = tuple(sub[:, j] for j in range(sub.shape[1] - 1, -1, -1))
    return int(tied[np.lexsort(keys)[-1]])


def _solve(
    points: np.ndarray,
    reservations: np.ndarray | None,
    objective: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> int | None:
    pts, r = _check(points, reservations)
    ir = np.flatnonzero((pts >= r).all(axis=1))
    if ir.size == 0:
        return None
    score = np.full(pts.shape[0], -np.inf)
    score[ir] = objective(pts[ir], r)
    return argbest(score, pts, ir)


def ideal_point(points: np.ndarray, reservations: np.ndarray | None) -> np.ndarray | None:
    """Best individually rational utility of each party (None if nothing is IR)."""
    pts, r = _check(points, reservations)
    ir = (pts >= r).all(axis=1)
    if not ir.any():
        return None
    return np.asarray(pts[ir].max(axis=0))


def _normalised_gains(pts: np.ndarray, r: np.ndarray) -> np.ndarray:
    ideal = pts.max(axis=0)  # pts are already the IR points
    span = ideal - r
    safe = np.where(span > 0, span, 1.0)
    return np.where(span > 0, (pts - r) / safe, 1.0)


def nash(points: np.ndarray, reservations: np.ndarray | None = None) -> int | None:
    """Nash bargaining solution: max product of gains over IR points."""
    return _solve(points, reservations, lambda p, r: np.prod(p - r, axis=1))


def kalai_smorodinsky(points: np.ndarray, reservations: np.ndarray | None = None) -> int | None:
    """Kalai–Smorodinsky: max of the smallest gain normalised by the ideal gain.

    A party whose ideal equals its reservation (no possible gain) counts as fully satisfied.
    """
    return _solve(points, reservations, lambda p, r: _normalised_gains(p, r).min(axis=1))


def egalitarian(points: np.ndarray, reservations: np.ndarray | None = None) -> int | None:
    """Egalitarian (max-min) solution: max of the smallest absolute gain."""
    return _solve(points, reservations, lambda p, r: (p - r).min(axis=1))


def utilitarian(points: np.ndarray, reservations: np.ndarray | None = None) -> int | None:
    """Utilitarian solution: max sum of utilities over IR points."""
    return _solve(points, reservations, lambda p, r: p.sum(axis=1))


def equal_gains(points: np.ndarray, reservations: np.ndarray | None = None) -> int | None:
    """Point whose normalised gains are most equal (discrete stand-in for the KS line).

    Pass Pareto-optimal points: a dominated point can be "more equal" than any efficient one.
    """

    def spread(p: np.ndarray, r: np.ndarray) -> np.ndarray:
        g = _normalised_gains(p, r)
        return -(g.max(axis=1) - g.min(axis=1))

    return _solve(points, reservations, spread)


def opposition(
    frontier: np.ndarray, convention: Literal["geniusweb", "negolog"] = "geniusweb"
) -> float | None:
    """Opposition level of a scenario given its Pareto frontier (see the module docstring)."""
    pts = np.asarray(frontier, dtype=float)
    if pts.ndim != 2 or pts.shape[0] == 0:
        return None
    if convention == "geniusweb":
        score = -(pts.max(axis=1) - pts.min(axis=1))
        idx = argbest(score, pts, np.arange(pts.shape[0]))
    elif convention == "negolog":
        # NegoLog compares float sums exactly (first maximum in descending party-1 order)
        idx = argbest(pts[:, 0] + pts[:, 1:].sum(axis=1), pts, np.arange(pts.shape[0]), 0.0)
    else:
        raise AccordError(f"unknown opposition convention {convention!r}")
    if idx is None:
        return None
    return float(np.sqrt(((1.0 - pts[idx]) ** 2).sum()))


def zopa_count(utilities: np.ndarray, reservations: np.ndarray) -> int:
    """Number of outcomes every party strictly prefers to its reservation value."""
    u = np.asarray(utilities, dtype=float)
    r = np.asarray(reservations, dtype=float)
    return int(np.count_nonzero((u > r).all(axis=1)))
