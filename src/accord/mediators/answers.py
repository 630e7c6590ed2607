"""Truthful answers to a caucus mediator (:mod:`accord.mechanisms.caucus`).

:func:`truthful_answer` answers every query truthfully from the party's own preferences; the
``truthful``, ``guarded`` and ``pressured`` party strategies
(:mod:`accord.mediators.party_strategies`, :mod:`accord.mediators.pressured`) use it.
"""

from __future__ import annotations

import math

import numpy as np

from accord.mechanisms.caucus import Answer, PartyView, Query

#: Values per issue a party looks at when judging which issue matters most.
_IMPORTANCE_VALUES = 256
#: Random packages a party varies one issue at a time when judging importance.
_IMPORTANCE_BASES = 4


def issue_importance(view: PartyView) -> np.ndarray:
    """How much each issue can move the party's utility: the mean, over a few random packages,
    of the utility range when only that issue changes (exact for additive utilities)."""
    space = view.space
    radices = space.radices
    bases = np.stack([view.rng.integers(0, r, size=_IMPORTANCE_BASES) for r in radices], axis=1)
    out = np.zeros(len(radices))
    for i, r in enumerate(int(x) for x in radices):
        values = np.unique(np.linspace(0, r - 1, min(r, _IMPORTANCE_VALUES)).round().astype(int))
        spans = []
        for base in bases:
            rows = np.repeat(base[None, :], values.size, axis=0)
            rows[:, i] = values
            u = view.evaluate(rows)
            spans.append(float(u.max() - u.min()))
        out[i] = float(np.mean(spans))
    return out


def truthful_answer(view: PartyView, query: Query) -> Answer:
    """The truthful answer to a caucus query: ratings are the party's utilities, a ranking
    orders by utility (ties in the order asked), the top issue moves its utility most, the red
    line is its reservation value (none when that is not finite), and it accepts a proposal
    iff the proposal is worth at least its reservation value (saying privately why not when it
    rejects)."""
    kind = query.kind
    if kind == "rate":
        return Answer(kind, ratings=tuple(float(u) for u in view.utilities(query.packages)))
    if kind == "rank":
        u = view.utilities(query.packages)
        order = sorted(range(len(u)), key=lambda j: (-float(u[j]), j))
        return Answer(kind, ranking=tuple(query.packages[j] for j in order))
    if kind == "top_issue":
        return Answer(kind, issue=view.space.names[int(np.argmax(issue_importance(view)))])
    if kind == "red_line":
        finite = math.isfinite(view.reservation)
        return Answer(kind, threshold=float(view.reservation) if finite else None)
    worth = float(view.utilities(query.packages)[0])
    if worth >= view.reservation:
        return Answer(kind, accept=True)
    why = f"{view.name}: worth {worth:.4g} to us, below our red line of {view.reservation:.4g}"
    return Answer(kind, accept=False, reason=why)
