"""The optional ``uncertainty`` key of a party in accord YAML: spec <-> value object.

``[low, high]`` is a uniform range, ``{distribution: normal, sd: S, mean: M}`` a normal
distribution (``mean`` defaults to the party's nominal value). See ``docs/yaml-format.md``.
"""

from __future__ import annotations

from typing import Any

from accord.io.yaml_schema import NormalSpec, UncertaintySpec, UniformSpec
from accord.preferences.uncertainty import Distribution, Normal, PartyUncertainty, Uniform

__all__ = ["uncertainty_data", "uncertainty_from_spec"]


def _distribution(spec: UniformSpec | NormalSpec) -> Distribution:
    if isinstance(spec, NormalSpec):
        return Normal(spec.sd, spec.mean)
    return Uniform(spec.low, spec.high)


def uncertainty_from_spec(spec: UncertaintySpec | None) -> PartyUncertainty | None:
    """The value object of a validated ``uncertainty`` mapping (``None`` stays ``None``)."""
    if spec is None:
        return None
    weights = tuple((name, _distribution(d)) for name, d in spec.weights.items())
    reservation = None if spec.reservation is None else _distribution(spec.reservation)
    return PartyUncertainty(weights, reservation)


def _distribution_data(dist: Distribution) -> Any:
    if isinstance(dist, Uniform):
        return [float(dist.low), float(dist.high)]
    out: dict[str, Any] = {"distribution": "normal", "sd": float(dist.sd)}
    if dist.mean is not None:
        out["mean"] = float(dist.mean)
    return out


def uncertainty_data(uncertainty: PartyUncertainty) -> dict[str, Any]:
    """The YAML mapping of a party's uncertainty (inverse of :func:`uncertainty_from_spec`)."""
    out: dict[str, Any] = {}
    if uncertainty.weights:
        out["weights"] = {name: _distribution_data(d) for name, d in uncertainty.weights}
    if uncertainty.reservation is not None:
        out["reservation"] = _distribution_data(uncertainty.reservation)
    return out
