"""Sampled profiles: the parties' weights and reservation values drawn from their declared
:class:`~accord.preferences.uncertainty.PartyUncertainty`, and utilities under them (vectorised).

One ``numpy`` generator per party, spawned from ``SeedSequence(seed)``, so the same seed gives
the same profiles and adding uncertainty to one party leaves the others' draws alone. Per
party the reservation value is drawn first, then each uncertain weight in issue order
(``[low, high]``: uniform; ``normal``: mean defaulting to the nominal weight). Negative draws
become 0; then the weights of each sample are **rescaled so that they sum to the nominal
weights' sum** (the utility keeps its scale, so it stays comparable to the reservation value).
A zero-width range reproduces the nominal profile bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.errors import ScenarioError
from accord.preferences.uncertainty import Distribution, Uniform
from accord.preferences.utility import LinearAdditive
from accord.scenario import Party, Scenario

__all__ = [
    "Profiles",
    "additive",
    "sample_profiles",
    "sampled_utilities",
    "seed_streams",
    "value_tables",
]


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
    if not np.isfinite(mean):
        raise ScenarioError(f"a normal distribution around {mean} needs an explicit finite mean")
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
    rngs = [np.random.default_rng(s) for s in seed_streams(seed, len(scenario.parties))[:-1]]
    drawn = [_party_sample(p, names, rng, n) for p, rng in zip(scenario.parties, rngs, strict=True)]
    reservations = np.stack([r for _, r in drawn], axis=1)
    return Profiles(tuple(w for w, _ in drawn), reservations)


def seed_streams(seed: int, parties: int) -> list[np.random.SeedSequence]:
    """One stream per party, then one more (for the reference outcomes of the sampling method)."""
    return np.random.SeedSequence(seed).spawn(parties + 1)


def additive(party: Party) -> LinearAdditive:
    if not isinstance(party.utility, LinearAdditive):
        raise ScenarioError(
            f"party {party.name!r}: uncertain weights need a linear-additive utility"
        )
    return party.utility


def value_tables(party: Party, scenario: Scenario) -> list[np.ndarray]:
    """Unweighted value of every value of every issue (weights are applied per sample)."""
    f = additive(party)
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
        acc = np.full((profiles.n, d.shape[0]), float(additive(party).offset))
        for j, table in enumerate(value_tables(party, scenario)):
            acc += w[:, j : j + 1] * table[d[:, j]][None, :]
        out[:, :, p] = acc
    return out
