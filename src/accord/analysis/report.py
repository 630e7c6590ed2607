"""``analyze(scenario)``: frontier, bargaining solutions, ZOPA and opposition in one call.

The method is chosen from the scenario's structure and recorded in ``Analysis.method``:

``enumeration``   every outcome's utilities streamed in chunks + running skyline (exact, ZOPA exact)
``minkowski``     two linear-additive parties, space too large: issue-by-issue Minkowski frontier
                  (exact; ZOPA not computed)
``hyperrectangle``two hyper-rectangle (ANAC 2014 nonlinear) parties, space too large: see
                  :mod:`accord.analysis.nonlinear` (``exact`` says whether it is proven)
``sampling``      anything else too large: frontier of uniformly sampled outcomes (approximate)

Continuous (real) issues are discretised at evenly spaced points first, and a warning says so.

Under the scenario's agreement rule, ``passing_outcomes`` counts the outcomes whose accepting
parties (``u_i >= r_i``) pass it, when the space is enumerated; when the rule is not unanimity,
``consensus`` adds who is pivotal, who can block and the solutions among passing outcomes
(:mod:`accord.analysis.consensus`; the same streamed chunks, no second pass).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.analysis import bargaining as bs
from accord.analysis.consensus import MAX_PARTIES, Consensus, ConsensusTally, acceptance
from accord.analysis.enumeration import utility_chunks
from accord.analysis.minkowski import minkowski_frontier
from accord.analysis.nonlinear import hyperrectangle_frontier
from accord.analysis.pareto import is_dominated, pareto_indices
from accord.analysis.skyline import additive_value_keep, outcome_keep
from accord.outcomes.issues import Value
from accord.preferences.utility import HyperRectangleUtility, LinearAdditive
from accord.scenario import Scenario

__all__ = ["Analysis", "Solution", "Timings", "analyze"]

#: Default largest space that is enumerated outcome by outcome.
MAX_ENUMERATE = 20_000_000


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True, slots=True)
class Solution:
    """One bargaining solution: the outcome and every party's utility of it."""

    outcome: dict[str, Value]
    utilities: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": dict(self.outcome), "utilities": [_num(u) for u in self.utilities]}


@dataclass(frozen=True, slots=True)
class Timings:
    """Seconds spent loading (if known), computing utilities, the frontier and the solutions."""

    load: float | None
    utilities: float
    frontier: float
    solutions: float

    def to_dict(self) -> dict[str, float | None]:
        return {
            "load": self.load,
            "utilities": self.utilities,
            "frontier": self.frontier,
            "solutions": self.solutions,
        }


@dataclass(frozen=True, slots=True, eq=False)
class Analysis:
    """The result of :func:`analyze`. ``frontier`` is ``(m, parties)``, ``frontier_digits``
    ``(m, issues)``, both sorted by the first party's utility descending."""

    scenario: str
    parties: tuple[str, ...]
    reservations: tuple[float, ...]
    issues: tuple[str, ...]
    outcomes: int | None
    exact: bool
    method: str
    frontier: np.ndarray
    frontier_digits: np.ndarray
    nash: Solution | None
    kalai_smorodinsky: Solution | None
    egalitarian: Solution | None
    utilitarian: Solution | None
    zopa_outcomes: int | None
    opposition: float | None
    warnings: tuple[str, ...]
    timings: Timings = field(default_factory=lambda: Timings(None, 0.0, 0.0, 0.0))
    agreement_rule: dict[str, Any] = field(default_factory=dict)
    agreement_rule_text: str = ""
    passing_outcomes: int | None = None
    consensus: Consensus | None = None
    #: how far the reported frontier may fall short, proven: every outcome is weakly dominated
    #: by a frontier point plus this much utility for each party. 0.0 when ``exact``; a bound
    #: when a proof ran out of time (hyper-rectangle utilities); None when nothing is proven
    #: (sampling, discretised real issues).
    proven_gap: float | None = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able summary (no NaN or infinities: those become ``None``)."""

        def sol(s: Solution | None) -> dict[str, Any] | None:
            return None if s is None else s.to_dict()

        return {
            "scenario": self.scenario,
            "parties": [
                {"name": n, "reservation": _num(r)}
                for n, r in zip(self.parties, self.reservations, strict=True)
            ],
            "issues": list(self.issues),
            "outcomes": self.outcomes,
            "exact": self.exact,
            "proven_gap": None if self.proven_gap is None else _num(self.proven_gap),
            "method": self.method,
            "pareto": [[_num(float(u)) for u in row] for row in self.frontier],
            "nash": sol(self.nash),
            "kalai_smorodinsky": sol(self.kalai_smorodinsky),
            "egalitarian": sol(self.egalitarian),
            "utilitarian": sol(self.utilitarian),
            "zopa_outcomes": self.zopa_outcomes,
            "agreement_rule": dict(self.agreement_rule),
            "agreement_rule_text": self.agreement_rule_text,
            "passing_outcomes": self.passing_outcomes,
            "consensus": None if self.consensus is None else self.consensus.to_dict(),
            "opposition": None if self.opposition is None else _num(self.opposition),
            "warnings": list(self.warnings),
            "timings": self.timings.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class _Frontier:
    utilities: np.ndarray
    digits: np.ndarray
    exact: bool
    method: str
    zopa: int | None
    t_utilities: float
    t_frontier: float
    warnings: tuple[str, ...] = ()
    passing: int | None = None
    tally: ConsensusTally | None = None
    #: proven gap (see ``Analysis.proven_gap``); exact methods: 0.0
    gap: float | None = 0.0


def _enumerate(scenario: Scenario, chunk: int) -> _Frontier:
    r = scenario.reservations
    front_idx = np.empty(0, dtype=np.int64)
    front = np.empty((0, len(scenario.parties)))
    zopa, t_u, t_f = 0, 0.0, 0.0
    keep_values = _additive_keep(scenario)
    names = scenario.party_names
    unanimity, coded = scenario.rule.is_unanimity(names), len(names) <= MAX_PARTIES
    # under unanimity only the passing (= individually rational) outcomes are counted
    tally = ConsensusTally(scenario.rule, names, r) if coded and not unanimity else None
    passing, everyone = 0, (1 << len(names)) - 1
    t0 = time.perf_counter()
    for start, utils in utility_chunks(scenario, chunk):
        t1 = time.perf_counter()
        t_u += t1 - t0
        if coded:
            codes, strict = acceptance(utils, r)
            zopa += strict
            passing += int(np.count_nonzero(codes == everyone))
            if tally is not None:
                tally.add(start, utils, codes)
        else:
            zopa += bs.zopa_count(utils, r)
            passing += int(np.count_nonzero((utils >= r).all(axis=1)))
        local = np.arange(utils.shape[0], dtype=np.int64)
        mask = outcome_keep(keep_values, scenario.space.radices, start, utils.shape[0])
        if mask is not None:
            local, utils = local[mask], utils[mask]
        if front.shape[0]:
            keep = ~is_dominated(utils, front)
            local, utils = local[keep], utils[keep]
        if utils.shape[0]:
            sel = pareto_indices(utils)
            pts = np.concatenate([front, utils[sel]])
            idx = np.concatenate([front_idx, start + local[sel]])
            best = pareto_indices(pts)
            front, front_idx = pts[best], idx[best]
        t0 = time.perf_counter()
        t_f += t0 - t1
    digits = scenario.space.digits(front_idx)
    counted = passing if unanimity else None
    return _Frontier(front, digits, True, "enumeration", zopa, t_u, t_f, (), counted, tally)


def _additive_keep(scenario: Scenario) -> list[np.ndarray]:
    """Issue values that can be on the frontier (all unless 3+ parties, all additive).

    Two parties are fast without it; see :func:`accord.analysis.skyline.additive_value_keep`.
    """
    funcs = [p.utility for p in scenario.parties]
    if len(funcs) < 3 or not all(isinstance(f, LinearAdditive) for f in funcs):
        return [np.ones(int(r), dtype=bool) for r in scenario.space.radices]
    tables = [f.issue_tables(scenario.space) for f in funcs if isinstance(f, LinearAdditive)]
    offsets = [float(f.offset) for f in funcs if isinstance(f, LinearAdditive)]
    return additive_value_keep(tables, offsets)


def _minkowski(scenario: Scenario) -> _Frontier:
    t0 = time.perf_counter()
    fa, fb = (p.utility for p in scenario.parties)
    if not (isinstance(fa, LinearAdditive) and isinstance(fb, LinearAdditive)):
        raise TypeError("minkowski needs two linear-additive parties")
    ta, tb = fa.issue_tables(scenario.space), fb.issue_tables(scenario.space)
    t1 = time.perf_counter()
    res = minkowski_frontier(ta, tb, (fa.offset, fb.offset))
    note = "ZOPA size not computed: the space is too large to enumerate"
    return _Frontier(
        res.utilities,
        res.digits,
        True,
        "minkowski",
        None,
        t1 - t0,
        time.perf_counter() - t1,
        (note,),
    )


def _sampling(scenario: Scenario, rng: np.random.Generator, samples: int) -> _Frontier:
    t0 = time.perf_counter()
    digits = scenario.space.sample(rng, samples)
    utils = scenario.evaluate(digits)
    t1 = time.perf_counter()
    sel = pareto_indices(utils)
    note = f"frontier approximated from {samples} uniformly sampled outcomes"
    return _Frontier(
        utils[sel],
        digits[sel],
        False,
        "sampling",
        None,
        t1 - t0,
        time.perf_counter() - t1,
        (note,),
        gap=None,
    )


def _solutions(
    scenario: Scenario, front: np.ndarray, digits: np.ndarray, warnings: list[str]
) -> tuple[dict[str, Solution | None], float | None]:
    r = scenario.reservations.copy()
    bad = ~np.isfinite(r)
    if bad.any() and front.shape[0]:
        r[bad] = front[:, bad].min(axis=0)
        names = [p.name for p, b in zip(scenario.parties, bad, strict=True) if b]
        warnings.append(
            f"non-finite reservation of {names} replaced by the worst frontier utility "
            "for the bargaining solutions"
        )
    out: dict[str, Solution | None] = {}
    for name, fn in (
        ("nash", bs.nash),
        ("kalai_smorodinsky", bs.kalai_smorodinsky),
        ("egalitarian", bs.egalitarian),
        ("utilitarian", bs.utilitarian),
    ):
        i = fn(front, r) if front.shape[0] else None
        out[name] = (
            None
            if i is None
            else Solution(scenario.space.decode(digits[i]), tuple(float(u) for u in front[i]))
        )
    return out, bs.opposition(front) if front.shape[0] else None


def _choose(
    scenario: Scenario,
    max_enumerate: int,
    chunk: int,
    rng: np.random.Generator,
    samples: int,
    time_limit: float,
) -> _Frontier:
    size = scenario.space.size or 0
    funcs = [p.utility for p in scenario.parties]
    if size <= max_enumerate and scenario.space.is_indexable:
        return _enumerate(scenario, chunk)
    if len(funcs) == 2 and all(isinstance(f, LinearAdditive) for f in funcs):
        return _minkowski(scenario)
    if len(funcs) == 2 and all(isinstance(f, HyperRectangleUtility) for f in funcs):
        t0 = time.perf_counter()
        res = hyperrectangle_frontier(scenario, rng=rng, time_limit=time_limit)
        return _Frontier(
            res.utilities,
            res.digits,
            res.exact,
            "hyperrectangle",
            None,
            0.0,
            time.perf_counter() - t0,
            (res.note, "ZOPA size not computed: the space is too large to enumerate"),
            gap=None if res.gap is None else max(res.gap),
        )
    return _sampling(scenario, rng, samples)


def analyze(
    scenario: Scenario,
    *,
    max_enumerate: int = MAX_ENUMERATE,
    chunk: int = 1 << 20,
    discretize: int = 11,
    rng: np.random.Generator | None = None,
    samples: int = 200_000,
    time_limit: float = 60.0,
) -> Analysis:
    """Analyse a scenario (any number of parties >= 1). See the module docstring for methods.

    ``rng`` drives only the approximate methods (default: ``numpy.random.default_rng(0)``, so
    results are reproducible); ``time_limit`` bounds the nonlinear search and its proof in
    seconds (past it, ``proven_gap`` says how far from exact the frontier may be).
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    scenario = scenario.at()  # a phased scenario is analysed at the start of its timeline
    warnings = list(scenario.warnings)
    outcomes = scenario.space.size
    work = scenario
    if scenario.space.is_continuous:
        work = scenario.discretized(discretize)
        names = [d.issue for d in work.space.discretisations]
        warnings.append(f"real issues {names} discretised at {discretize} evenly spaced points")
    fr = _choose(work, max_enumerate, chunk, rng, samples, time_limit)
    warnings.extend(fr.warnings)
    t0 = time.perf_counter()
    sols, opp = _solutions(work, fr.utilities, fr.digits, warnings)
    consensus = None if fr.tally is None else fr.tally.finish(work.space, fr.utilities, fr.digits)
    t_sol = time.perf_counter() - t0
    party_names = scenario.party_names
    unanimity = scenario.rule.is_unanimity(party_names)
    passing = fr.passing if consensus is None else consensus.passing_outcomes
    if passing is None and not unanimity:
        why = "the space is too large to enumerate"
        if fr.method == "enumeration":
            why = f"more than {MAX_PARTIES} parties"
        warnings.append(f"outcomes passing the agreement rule not counted: {why}")
    return Analysis(
        scenario=scenario.name,
        parties=scenario.party_names,
        reservations=tuple(float(r) for r in scenario.reservations),
        issues=scenario.space.names,
        outcomes=outcomes,
        exact=fr.exact and not scenario.space.is_continuous,
        method=fr.method,
        frontier=fr.utilities,
        frontier_digits=fr.digits,
        nash=sols["nash"],
        kalai_smorodinsky=sols["kalai_smorodinsky"],
        egalitarian=sols["egalitarian"],
        utilitarian=sols["utilitarian"],
        zopa_outcomes=fr.zopa,
        opposition=opp,
        warnings=tuple(warnings),
        timings=Timings(scenario.load_seconds, fr.t_utilities, fr.t_frontier, t_sol),
        agreement_rule=scenario.rule.to_dict(),
        agreement_rule_text=scenario.rule.describe(party_names),
        passing_outcomes=passing,
        consensus=consensus,
        proven_gap=None if scenario.space.is_continuous else fr.gap,
    )
