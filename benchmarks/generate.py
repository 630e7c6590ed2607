"""The benchmark scenarios of ``../shared/anchors/negmas/bench_pareto.py``, written as GENIUS XML.

Two parties, ``k`` discrete issues with 10 values each (``10**k`` outcomes). For each party the
draws are exactly those of the anchor: ``r = numpy.random.default_rng(seed)`` (seed 1 for party
A, 2 for party B), ``w = r.random(k); w /= w.sum()``, then one table ``r.random(10)`` per issue.
Reservation value 0, no discounting.

GENIUS divides a discrete evaluation by the largest evaluation of its issue, and NegMAS 0.16
does not, so the files are written in the normal form on which both readings agree: per issue
the evaluations are ``table / table.max()`` (largest exactly 1) and the weights are
``w * table.max()`` renormalised to sum 1. Each party's utility is then the anchor's utility
times a positive constant (``1 / sum_j w_j * max_j``, reported as ``scale``), so the Pareto
frontier is the same set of outcomes and the Nash and Kalai-Smorodinsky outcomes are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

NVALS = 10
SEEDS = (1, 2)
PARTY_NAMES = ("A", "B")


@dataclass(frozen=True)
class Profile:
    """One party's normal-form linear-additive profile (what goes into the file)."""

    name: str
    weights: np.ndarray  # (k,), sums to 1
    tables: np.ndarray  # (k, NVALS), each row's max is exactly 1
    scale: float  # file utility = scale * anchor utility


def draw(k: int, seed: int, name: str) -> Profile:
    """The anchor's draws for one party, in GENIUS normal form."""
    r = np.random.default_rng(seed)
    w = r.random(k)
    w /= w.sum()
    vals = np.array([r.random(NVALS) for _ in range(k)])
    maxima = vals.max(axis=1)
    raw = w * maxima
    total = float(raw.sum())
    return Profile(name, raw / total, vals / maxima[:, None], 1.0 / total)


def profiles(k: int) -> tuple[Profile, Profile]:
    a, b = (draw(k, s, n) for s, n in zip(SEEDS, PARTY_NAMES, strict=True))
    return a, b


def _issue_open(j: int) -> str:
    return f'<issue index="{j + 1}" name="i{j}" vtype="discrete" type="discrete" etype="discrete">'


def domain_xml(k: int, name: str) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<negotiation_template>",
        f'<utility_space number_of_issues="{k}">',
        f'<objective index="0" description="" name="{name}" type="objective" etype="objective">',
    ]
    for j in range(k):
        lines.append(_issue_open(j))
        lines += [f'<item index="{v + 1}" value="v{v}"/>' for v in range(NVALS)]
        lines.append("</issue>")
    lines += ["</objective>", "</utility_space>", "</negotiation_template>", ""]
    return "\n".join(lines)


def profile_xml(p: Profile, name: str) -> str:
    k = len(p.weights)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<utility_space>",
        f'<objective index="0" description="" name="{name}" type="objective" etype="objective">',
    ]
    for j in range(k):
        lines.append(_issue_open(j))
        lines += [
            f'<item index="{v + 1}" value="v{v}" evaluation="{float(p.tables[j, v])!r}"/>'
            for v in range(NVALS)
        ]
        lines.append("</issue>")
    lines += [f'<weight index="{j + 1}" value="{float(p.weights[j])!r}"/>' for j in range(k)]
    lines += ["</objective>", '<reservation value="0.0"/>', "</utility_space>", ""]
    return "\n".join(lines)


def write_genius(k: int, root: Path) -> Path:
    """Write domain + two profiles for ``10**k`` outcomes into ``root/additive-1e{k}``."""
    name = f"additive-1e{k}"
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}-domain.xml").write_text(domain_xml(k, name))
    for p in profiles(k):
        (folder / f"{name}-{p.name}.xml").write_text(profile_xml(p, name))
    return folder


def scales(k: int) -> tuple[float, float]:
    a, b = profiles(k)
    return a.scale, b.scale
