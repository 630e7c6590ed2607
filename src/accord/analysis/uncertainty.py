"""Robustness of packages when the parties' priorities are known only roughly.

A party may declare :class:`~accord.preferences.uncertainty.PartyUncertainty`: a distribution
for some issue weights (linear-additive utilities) and for its reservation value.
:func:`robustness` draws ``n`` profiles and reports, for candidate packages (by default the
nominal Pareto frontier and the four bargaining solutions of :func:`~accord.analysis.analyze`),
how often each party **accepts** (sampled utility >= sampled reservation), how often **all**
accept, and how often the package is **Pareto-optimal** (no outcome strictly dominates it under
that sample's utilities).

**Sampling.** One ``numpy`` generator per party, spawned from ``SeedSequence(seed)``, so the same
seed gives the same profiles and adding uncertainty to one party leaves the others' draws alone.
Per party: the reservation value is drawn first, then each uncertain weight in issue order
(``[low, high]``: uniform; ``normal``: mean defaulting to the nominal weight). Negative draws
become 0; then the weights of each sample are **rescaled so that they sum to the nominal
weights' sum** (the utility keeps its scale, so it stays comparable to the reservation value).
A zero-width range reproduces the nominal profile bit for bit.

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
from accord.analysis.pareto import _strictly_dominated2, dominated_by, pareto_indices
from accord.analysis.report import Analysis, analyze
from accord.errors import ScenarioError
from accord.outcomes.issues import Value
from accord.preferences.uncertainty import Distribution, Uniform
from accord.preferences.utility import LinearAdditive
from accord.scenario import MAX_MATERIALISED, Party, Scenario

__all__ = ["Profiles", "Robustness", "robustness", "sample_profiles", "sampled_utilities"]

#: The enumeration method is used while outcomes × samples stays below this.
ENUMERATION_BUDGET = 50_000_000
#: Outcomes compared with the candidates by the (approximate) sampling method.
REFERENCE_OUTCOMES = 20_000
_BLOCK = 1 << 22  # samples × outcomes evaluated at once
Method = Literal["auto", "fixed", "minkowski", "enumeration", "sampling"]
_SOLUTIONS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


@dataclass(frozen=True, slots=True, eq=False)
class Profiles:
    """``n`` sampled profiles: per party its weights ``(n, issues)`` (``None`` when they are
    not uncertain) and everybody's reservation values ``(n, parties)``."""

    weights: tuple[np.ndarray | None, ...]
    reservations: np.ndarray

    @property
    def n(self) -> int:
        return int(self.reservations.shape[0])

    def block(self, lo: int, hi: int) -> Profiles:
        w = tuple(None if x is None else x[lo:hi] for x in self.weights)
        return Profiles(w, self.reservations[lo:hi])


def _draw(dist: Distribution, nominal: float, rng: np.random.Generator, n: int) -> np.ndarray:
    if isinstance(dist, Uniform):
        if dist.low == dist.high:
            return np.full(n, float(dist.low))
        return rng.uniform(dist.low, dist.high, n)
    mean = float(nominal if dist.mean is None else dist.mean)
    return np.full(n, mean) if dist.sd == 0 else rng.normal(mean, dist.sd, n)


def _party_sample(
    party: Party, issues: tuple[str, ...], rng: np.random.Generator, n: int
) -> tuple[np.ndarray | None, np.ndarray]:
    unc = party.uncertainty
    res = np.full(n, float(party.reservation))
    if unc is None:
        return None, res
    if unc.reservation is not None:
        res = _draw(unc.reservation, party.reservation, rng, n)
    if not unc.weights or not isinstance(party.utility, LinearAdditive):
        return None, res
    nominal = np.asarray(party.utility.weights, dtype=float)
    w = np.repeat(nominal[None, :], n, axis=0)
    for j, name in enumerate(issues):
        dist = unc.weight(name)
        if dist is not None:
            w[:, j] = np.maximum(_draw(dist, float(nominal[j]), rng, n), 0.0)
    target = nominal[None, :].sum(axis=1)  # the same reduction as the rows below
    total = w.sum(axis=1)
    scale = np.divide(target, total, out=np.ones(n), where=total > 0)
    return w * scale[:, None], res


def sample_profiles(scenario: Scenario, n: int, seed: int) -> Profiles:
    """Draw ``n`` profiles (see the module docstring); same seed ⇒ same profiles."""
    if n < 1:
        raise ScenarioError(f"the number of samples must be at least 1, got {n}")
    names = scenario.space.names
    for p in scenario.parties:
        if p.uncertainty is not None:
            p.uncertainty.check(names, isinstance(p.utility, LinearAdditive), p.name)
    rngs = [np.random.default_rng(s) for s in _party_seeds(seed, len(scenario.parties))]
    drawn = [_party_sample(p, names, rng, n) for p, rng in zip(scenario.parties, rngs, strict=True)]
    reservations = np.stack([r for _, r in drawn], axis=1)
    return Profiles(tuple(w for w, _ in drawn), reservations)


def _party_seeds(seed: int, parties: int) -> list[np.random.SeedSequence]:
    """One stream per party, then one for the sampling method's reference outcomes."""
    return np.random.SeedSequence(seed).spawn(parties + 1)[:parties]


def _value_tables(party: Party, scenario: Scenario) -> list[np.ndarray]:
    f = party.utility
    if not isinstance(f, LinearAdditive):
        raise ScenarioError(
            f"party {party.name!r}: uncertain weights need a linear-additive utility"
        )
    return [vf.table(issue) for vf, issue in zip(f.values, scenario.space.issues, strict=True)]


def sampled_utilities(
    scenario: Scenario, profiles: Profiles, digits: np.ndarray, nominal: np.ndarray | None = None
) -> np.ndarray:
    """Utilities ``(samples, outcomes, parties)`` of the outcomes ``digits`` under each profile.

    ``nominal`` (``scenario.evaluate(digits)``, if already known) fills the parties whose
    weights are fixed. Terms are added in the order of :meth:`LinearAdditive.evaluate`, so a
    profile equal to the nominal one gives bit-identical utilities.
    """
    d = np.atleast_2d(digits)
    fixed = scenario.evaluate(d) if nominal is None else nominal
    out = np.empty((profiles.n, d.shape[0], len(scenario.parties)))
    for p, (party, w) in enumerate(zip(scenario.parties, profiles.weights, strict=True)):
        if w is None:
            out[:, :, p] = fixed[None, :, p]
            continue
        acc = np.full((profiles.n, d.shape[0]), float(party.utility.offset))  # type: ignore[attr-defined]
        for j, table in enumerate(_value_tables(party, scenario)):
            acc += w[:, j : j + 1] * table[d[:, j]][None, :]
        out[:, :, p] = acc
    return out


def _strictly_dominated(cand: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Mask of ``cand`` rows strictly dominated by some row of ``points``."""
    if points.shape[0] == 0:
        return np.zeros(cand.shape[0], dtype=bool)
    if cand.shape[1] == 1:
        return np.asarray(cand[:, 0] < points[:, 0].max())
    if cand.shape[1] == 2:
        return _strictly_dominated2(cand, points)
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
    nominal = [p.utility.issue_tables(space) for p in work.parties]  # type: ignore[attr-defined]
    values = [None if w is None else _value_tables(p, work) for p, w in _zip(work, prof)]
    offsets = tuple(float(p.utility.offset) for p in work.parties)  # type: ignore[attr-defined]
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


def _zip(work: Scenario, prof: Profiles) -> list[tuple[Party, np.ndarray | None]]:
    return list(zip(work.parties, prof.weights, strict=True))


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
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(len(work.parties) + 1)[-1])
    sample = work.space.sample(rng, REFERENCE_OUTCOMES)
    return np.unique(np.concatenate([digits, sample]), axis=0)


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
    k = len(work.parties)
    nominal = work.evaluate(digits) if digits.shape[0] else np.empty((0, k))
    accept = np.zeros((digits.shape[0], k), dtype=np.int64)
    agree = np.zeros(digits.shape[0], dtype=np.int64)
    pareto = np.zeros(digits.shape[0], dtype=np.int64)
    exact = True
    if chosen == "fixed" and analysis is not None:
        pareto = _pareto_fixed(nominal, analysis.frontier, n)
        exact = analysis.exact
    if chosen in ("enumeration", "sampling"):
        ref = _reference(work, chosen, digits, seed)
        ref_nominal = work.utilities() if chosen == "enumeration" else work.evaluate(ref)
        exact = chosen == "enumeration"
    step = max(1, _BLOCK // max(1, digits.shape[0] * k))
    for lo in range(0, n if digits.shape[0] else 0, step):
        block = prof.block(lo, lo + step)
        cand_u = sampled_utilities(work, block, digits, nominal)
        ok = cand_u >= block.reservations[:, None, :]
        accept += ok.sum(axis=0)
        agree += ok.all(axis=2).sum(axis=0)
        if chosen == "minkowski":
            pareto += _pareto_minkowski(work, block, cand_u)
        elif chosen in ("enumeration", "sampling"):
            pareto += _pareto_reference(work, block, cand_u, ref, ref_nominal)
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
