"""What an analyst does not know exactly about a party: ranges or distributions for its issue
weights and its reservation value (value objects only; sampling is in
:mod:`accord.analysis.robustness`).

* :class:`Uniform` — uniformly between ``low`` and ``high`` (``low == high``: exactly that value).
* :class:`Normal` — normal with mean ``mean`` (``None``: the party's nominal value) and standard
  deviation ``sd`` (``sd == 0``: exactly the mean).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from accord.errors import ScenarioError

__all__ = ["Distribution", "Normal", "PartyUncertainty", "Uniform"]


@dataclass(frozen=True, slots=True)
class Uniform:
    """Uniform on ``[low, high]``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ScenarioError(f"range bounds must be finite, got [{self.low}, {self.high}]")
        if self.high < self.low:
            raise ScenarioError(f"range [{self.low}, {self.high}]: high is below low")


@dataclass(frozen=True, slots=True)
class Normal:
    """Normal with ``mean`` (``None`` = the nominal value) and standard deviation ``sd``."""

    sd: float
    mean: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.sd) and self.sd >= 0):
            raise ScenarioError(f"standard deviation must be finite and >= 0, got {self.sd}")
        if self.mean is not None and not math.isfinite(self.mean):
            raise ScenarioError(f"mean must be finite, got {self.mean}")


Distribution = Uniform | Normal


@dataclass(frozen=True, slots=True)
class PartyUncertainty:
    """Uncertain weights (``(issue name, distribution)`` pairs; issues not named keep their
    nominal weight) and an uncertain reservation value (``None``: the nominal one).

    Weights need a linear-additive utility; a sampled weight below 0 counts as 0.
    """

    weights: tuple[tuple[str, Distribution], ...] = ()
    reservation: Distribution | None = None

    def __post_init__(self) -> None:
        names = [n for n, _ in self.weights]
        if len(set(names)) != len(names):
            raise ScenarioError(f"uncertain weights name an issue twice: {names}")
        for name, dist in self.weights:
            if isinstance(dist, Uniform) and dist.low < 0:
                raise ScenarioError(f"weight range of issue {name!r} goes below 0")
            if isinstance(dist, Normal) and dist.mean is not None and dist.mean < 0:
                raise ScenarioError(f"weight mean of issue {name!r} is below 0")

    @property
    def is_trivial(self) -> bool:
        """True when nothing is uncertain (no weights, no reservation distribution)."""
        return not self.weights and self.reservation is None

    def weight(self, issue: str) -> Distribution | None:
        """The distribution of ``issue``'s weight, or ``None`` (nominal)."""
        for name, dist in self.weights:
            if name == issue:
                return dist
        return None

    def check(self, issues: tuple[str, ...], additive: bool, party: str) -> None:
        """Validate against a space's issue names and the kind of the party's utility."""
        unknown = sorted({n for n, _ in self.weights} - set(issues))
        if unknown:
            raise ScenarioError(f"party {party!r}: uncertain weights name unknown issues {unknown}")
        if self.weights and not additive:
            raise ScenarioError(
                f"party {party!r}: uncertain weights need a linear-additive utility"
            )
