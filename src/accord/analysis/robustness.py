"""Robustness of packages when the parties' priorities are known only roughly.

A party may declare :class:`~accord.preferences.uncertainty.PartyUncertainty`: a distribution
for some issue weights (linear-additive utilities) and for its reservation value.
:func:`robustness` draws ``n`` profiles and reports, for candidate packages (by default the
nominal Pareto frontier and the four bargaining solutions of :func:`~accord.analysis.analyze`),
how often each party **accepts** (sampled utility >= sampled reservation), how often **all**
accept, and how often the package is **Pareto-optimal** (no outcome strictly dominates it under
that sample's utilities).

**Sampling** (seeded, one stream per party; weights rescaled to their nominal sum) is described
in :mod:`accord.analysis.profiles`.

**Pareto-optimality per sample** (``Robustness.method``):

``fixed``        no weight is uncertain: utilities do not change, membership is checked once
                 against the nominal frontier (exact when the analysis is)
``minkowski``    two linear-additive parties: the exact frontier of each sample by
                 :func:`~accord.analysis.minkowski_frontier` (no enumeration)
``enumeration``  every outcome's sampled utilities, in blocks of samples (exact)
``sampling``     too large for both: candidates are compared with a uniform sample of outcomes
                 plus the candidates, so ``p_pareto`` is an upper bound (``exact`` is False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from accord.analysis.minkowski import minkowski_frontier
from accord.analysis.pareto import dominated_by, pareto_indices, strictly_dominated_2d
from accord.analysis.profiles import (
    Profiles,
    additive,
    sample_profiles,
    sampled_utilities,
    seed_streams,
    value_tables,
)
from accord.analysis.report import Analysis, analyze
from accord.errors import ScenarioError
from accord.outcomes.issues import Value
from accord.preferences.utility import LinearAdditive
from accord.scenario import MAX_MATERIALISED, Scenario

__all__ = ["Robustness", "robustness"]

#: The enumeration method is used while outcomes × samples stays below this.
ENUMERATION_BUDGET = 50_000_000
#: Outcomes compared with the candidates by the (approximate) sampling method.
REFERENCE_OUTCOMES = 20_000
_BLOCK = 1 << 22  # samples × outcomes evaluated at once
Method = Literal["auto", "fixed", "minkowski", "enumeration", "sampling"]
_SOLUTIONS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


def _strictly_dominated(cand: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Mask of ``cand`` rows strictly dominated by some row of ``points``."""
    if points.shape[0] == 0:
        return np.zeros(cand.shape[0], dtype=bool)
    if cand.shape[1] == 1:
        return np.asarray(cand[:, 0] < points[:, 0].max())
    if cand.shape[1] == 2:
        return strictly_dominated_2d(cand, points)
    return dominated_by(cand, points[pareto_indices(points)])


@dataclass(frozen=True, slots=True, eq=False)
class Robustness:
    """Result of :func:`robustness`. Per candidate package ``c`` (rows of ``digits``):
    ``accept[c, p]`` samples in which party ``p`` accepts, ``agree[c]`` samples in which every
    party accepts, ``pareto[c]`` samples in which it is Pareto-optimal (counts out of
    ``samples``; the ``p_*`` properties are the probabilities)."""

    scenario: str
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    samples: int
    seed: int
    method: str
    exact: bool
    labels: tuple[tuple[str, ...], ...]
    outcomes: tuple[dict[str, Value], ...]
    digits: np.ndarray
    utilities: np.ndarray
    accept: np.ndarray
    agree: np.ndarray
    pareto: np.ndarray
    warnings: tuple[str, ...] = ()

    @property
    def p_accept(self) -> np.ndarray:
        return np.asarray(self.accept / self.samples)

    @property
    def p_agreement(self) -> np.ndarray:
        return np.asarray(self.agree / self.samples)

    @property
    def p_pareto(self) -> np.ndarray:
        return np.asarray(self.pareto / self.samples)

    def ranking(self) -> np.ndarray:
        """Candidate indices, most robust first: P(all accept), then P(Pareto-optimal), then
        the smallest P(accept) of any party; ties keep the candidate order."""
        keys = (-self.accept.min(axis=1), -self.pareto, -self.agree)
        return np.lexsort(keys).astype(np.int64)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary; ``packages`` are listed most robust first."""
        packages = []
        for c in self.ranking():
            packages.append(
                {
                    "labels": list(self.labels[c]),
                    "outcome": dict(self.outcomes[c]),
                    "utilities": [float(u) for u in self.utilities[c]],
                    "p_accept": {
                        n: float(x) for n, x in zip(self.parties, self.p_accept[c], strict=True)
                    },
                    "p_agreement": float(self.p_agreement[c]),
                    "p_pareto": float(self.p_pareto[c]),
                }
            )
        return {
            "samples": self.samples,
            "seed": self.seed,
            "method": self.method,
            "exact": self.exact,
            "packages": packages,
            "warnings": list(self.warnings),
        }


# ------------------------------------------------------------------- Pareto membership
def _pareto_fixed(cand_u: np.ndarray, frontier: np.ndarray, n: int) -> np.ndarray:
    return np.where(_strictly_dominated(cand_u, frontier), 0, n).astype(np.int64)


def _pareto_minkowski(work: Scenario, prof: Profiles, cand_u: np.ndarray) -> np.ndarray:
    """Count per candidate of samples whose exact Minkowski frontier does not dominate it."""
    space = work.space
    nominal = [additive(p).issue_tables(space) for p in work.parties]
    values = [
        None if w is None else value_tables(p, work)
        for p, w in zip(work.parties, prof.weights, strict=True)
    ]
    offsets = tuple(float(additive(p).offset) for p in work.parties)
    count = np.zeros(cand_u.shape[1], dtype=np.int64)
    for s in range(prof.n):
        tables = [
            nominal[p] if w is None else [w[s, j] * t for j, t in enumerate(values[p] or [])]
            for p, w in enumerate(prof.weights)
        ]
        front = minkowski_frontier(tables[0], tables[1], (offsets[0], offsets[1])).utilities
        count += ~_strictly_dominated(cand_u[s], front)
    return count


def _pareto_reference(
    work: Scenario, prof: Profiles, cand_u: np.ndarray, ref: np.ndarray, ref_nominal: np.ndarray
) -> np.ndarray:
    """Count per candidate of samples in which no outcome of ``ref`` dominates it."""
    count = np.zeros(cand_u.shape[1], dtype=np.int64)
    step = max(1, _BLOCK // max(1, ref.shape[0]))
    for lo in range(0, prof.n, step):
        block = prof.block(lo, lo + step)
        ref_u = sampled_utilities(work, block, ref, ref_nominal)
        for s in range(block.n):
            count += ~_strictly_dominated(cand_u[lo + s], ref_u[s])
    return count


# ------------------------------------------------------------------------ candidates
def _candidates(
    work: Scenario, analysis: Analysis | None, packages: np.ndarray | None
) -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
    if packages is not None:
        d = np.atleast_2d(np.asarray(packages, dtype=np.int64))
        if d.shape[1] != len(work.space.issues) or (d < 0).any() or (d >= work.space.radices).any():
            raise ScenarioError("packages must be rows of valid value indices, one per issue")
        return d, tuple((f"package {i}",) for i in range(d.shape[0]))
    if analysis is None:
        raise ScenarioError("give an analysis or packages")
    labels: dict[tuple[int, ...], list[str]] = {}
    for name in _SOLUTIONS:
        sol = getattr(analysis, name)
        if sol is not None:
            labels.setdefault(work.space.encode(sol.outcome), []).append(name)
    for row in analysis.frontier_digits:
        labels.setdefault(tuple(int(x) for x in row), []).append("frontier")
    if not labels:
        return np.empty((0, len(work.space.issues)), dtype=np.int64), ()
    digits = np.array(list(labels), dtype=np.int64)
    return digits, tuple(tuple(v) for v in labels.values())


def _choose(work: Scenario, prof: Profiles, method: Method) -> str:
    varying = any(w is not None for w in prof.weights)
    two_additive = len(work.parties) == 2 and all(
        isinstance(p.utility, LinearAdditive) for p in work.parties
    )
    size = work.space.size or 0
    enumerable = work.space.is_indexable and size <= MAX_MATERIALISED
    if method == "auto":
        if not varying:
            return "fixed"
        if two_additive:
            return "minkowski"
        return "enumeration" if enumerable and size * prof.n <= ENUMERATION_BUDGET else "sampling"
    if method == "minkowski" and not two_additive:
        raise ScenarioError("the minkowski method needs exactly two linear-additive parties")
    if method == "enumeration" and not enumerable:
        raise ScenarioError(f"a space of {size:.3g} outcomes is too large to enumerate")
    if method == "fixed" and varying:
        raise ScenarioError("the fixed method needs weights without uncertainty")
    if method not in ("fixed", "minkowski", "enumeration", "sampling"):
        raise ScenarioError(f"unknown method {method!r}")
    return method


def _reference(work: Scenario, method: str, digits: np.ndarray, seed: int) -> np.ndarray:
    """The outcomes each candidate is compared with (enumeration: all; sampling: a sample)."""
    if method == "enumeration":
        return work.space.all_digits()
    rng = np.random.default_rng(seed_streams(seed, len(work.parties))[-1])
    sample = work.space.sample(rng, REFERENCE_OUTCOMES)
    return np.unique(np.concatenate([digits, sample]), axis=0)


def _count(
    work: Scenario,
    prof: Profiles,
    digits: np.ndarray,
    nominal: np.ndarray,
    method: str,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate: samples accepted by each party, by all, and Pareto-optimal (in blocks
    of samples, so memory stays bounded)."""
    c, k = digits.shape[0], len(work.parties)
    accept = np.zeros((c, k), dtype=np.int64)
    agree = np.zeros(c, dtype=np.int64)
    pareto = np.zeros(c, dtype=np.int64)
    ref = ref_nominal = None
    if method in ("enumeration", "sampling"):
        ref = _reference(work, method, digits, seed)
        ref_nominal = work.utilities() if method == "enumeration" else work.evaluate(ref)
    step = max(1, _BLOCK // max(1, c * k))
    for lo in range(0, prof.n if c else 0, step):
        block = prof.block(lo, lo + step)
        cand_u = sampled_utilities(work, block, digits, nominal)
        ok = cand_u >= block.reservations[:, None, :]
        accept += ok.sum(axis=0)
        agree += ok.all(axis=2).sum(axis=0)
        if method == "minkowski":
            pareto += _pareto_minkowski(work, block, cand_u)
        elif ref is not None and ref_nominal is not None:
            pareto += _pareto_reference(work, block, cand_u, ref, ref_nominal)
    return accept, agree, pareto


def robustness(
    scenario: Scenario,
    n: int = 1000,
    seed: int = 0,
    *,
    analysis: Analysis | None = None,
    packages: np.ndarray | None = None,
    method: Method = "auto",
    discretize: int = 11,
) -> Robustness:
    """How robust packages are to the parties' declared uncertainty (module docstring).

    Candidates are ``packages`` (digit rows, e.g. a mediator's proposals) or, by default, the
    frontier and bargaining solutions of ``analysis`` (computed when not given). Real issues
    are discretised at ``discretize`` points, as :func:`~accord.analysis.analyze` does.
    """
    work = scenario.discretized(discretize)
    prof = sample_profiles(work, n, seed)
    chosen = _choose(work, prof, method)
    if analysis is None and (packages is None or chosen == "fixed"):
        analysis = analyze(scenario, discretize=discretize)
    digits, labels = _candidates(work, None if packages is not None else analysis, packages)
    nominal = work.evaluate(digits) if digits.shape[0] else np.empty((0, len(work.parties)))
    if chosen == "fixed" and analysis is not None:
        exact = analysis.exact
        accept, agree, _ = _count(work, prof, digits, nominal, chosen)
        pareto = _pareto_fixed(nominal, analysis.frontier, n)
    else:
        exact = chosen != "sampling"
        accept, agree, pareto = _count(work, prof, digits, nominal, chosen, seed)
    return Robustness(
        scenario=scenario.name,
        parties=work.party_names,
        issues=work.space.names,
        samples=n,
        seed=seed,
        method=chosen,
        exact=exact,
        labels=labels,
        outcomes=tuple(work.space.decode(row) for row in digits),
        digits=digits,
        utilities=nominal,
        accept=accept,
        agree=agree,
        pareto=pareto,
        warnings=_warnings(work, chosen),
    )


def _warnings(work: Scenario, method: str) -> tuple[str, ...]:
    out = []
    if all(p.uncertainty is None or p.uncertainty.is_trivial for p in work.parties):
        out.append("no party declares any uncertainty: every probability is 0 or 1")
    if method == "sampling":
        out.append(
            f"Pareto-optimality checked against {REFERENCE_OUTCOMES} sampled outcomes and the "
            "candidates only: p_pareto is an upper bound"
        )
    return tuple(out)
