"""The accord YAML format, version 1: its schema (pydantic models, used only at this boundary).

A scenario file looks like this (every key is documented in ``docs/yaml-format.md``)::

    accord: 1
    name: laptop-purchase
    description: A buyer and a seller agree on a laptop.
    issues:
      - {name: brand, values: [Dell, Mac, HP]}
      - {name: memory, type: integer, low: 8, high: 32}
      - {name: price, type: real, low: 500, high: 1500}
    parties:
      - name: buyer
        reservation: 0.3
        discount: 0.9
        utility:
          type: linear-additive
          weights: {brand: 0.5, memory: 0.2, price: 0.3}
          values:
            brand: {table: {Dell: 0.4, Mac: 1.0, HP: 0.6}}
            memory: {linear: {slope: 0.04, offset: -0.28}}
            price: {triangular: {lower: 500, top: 700, upper: 1500}}
      - name: seller
        utility:
          type: hyper-rectangles
          max_utility: 100
          rectangles:
            - {utility: 60, include: {memory: [8, 16]}}
            - {utility: 40, include: {price: [1000, 1500]}, exclude: {brand: [0, 0]}}
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
    model_validator,
)

from accord.io.numbers import MAX_ISSUE_VALUES, MAX_MAGNITUDE, MAX_RESERVATION

FORMAT_VERSION = 1

#: An issue value as written; YAML booleans (``yes``, ``no``, ``true``…) stay booleans, so that the
#: reader can refuse them with a hint to quote them instead of reading them as 1 and 0.
ScalarValue = Annotated[StrictBool | str | int | float, Field(union_mode="left_to_right")]


#: A number of a utility model: finite and at most ``MAX_MAGNITUDE`` in size (larger ones
#: overflow once multiplied by weights and values).
Number = Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]


class _Strict(BaseModel):
    # numbers in a scenario are finite: NaN and infinities (``.nan``, ``1e400``) are refused
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class IssueSpec(_Strict):
    name: str = Field(min_length=1)
    type: Literal["discrete", "integer", "real"] = "discrete"
    values: list[ScalarValue] | None = None
    low: Number | None = None
    high: Number | None = None

    @model_validator(mode="after")
    def _shape(self) -> IssueSpec:
        if self.type == "discrete":
            if not self.values:
                raise ValueError("a discrete issue needs a non-empty 'values' list")
            if self.low is not None or self.high is not None:
                raise ValueError("a discrete issue takes 'values', not 'low'/'high'")
        else:
            if self.values is not None:
                raise ValueError(f"an {self.type} issue takes 'low' and 'high', not 'values'")
            if self.low is None or self.high is None:
                raise ValueError(f"an {self.type} issue needs both 'low' and 'high'")
            if self.type == "integer" and (
                self.low != int(self.low) or self.high != int(self.high)
            ):
                raise ValueError("an integer issue needs whole-number bounds")
            if self.type == "integer":
                count = int(self.high) - int(self.low) + 1
                if count > MAX_ISSUE_VALUES:
                    raise ValueError(
                        f"issue {self.name!r} has {count:,} values; at most "
                        f"{MAX_ISSUE_VALUES:,} values per issue are supported"
                    )
        return self


class LinearSpec(_Strict):
    slope: Number
    offset: Number = 0.0
    clip: bool = True


class TriangularSpec(_Strict):
    lower: Number
    top: Number
    upper: Number


class ClauseValueSpec(_Strict):
    """Value of a clause issue from the rules in the top-level ``clauses`` section."""

    units: int = Field(ge=0)
    per_day: Number = 0.0
    per_unit: Number = 0.0
    none: Number = 0.0


class ValueSpec(_Strict):
    """Exactly one of ``table``, ``linear``, ``triangular`` or ``clause``."""

    table: dict[ScalarValue, Number] | None = None
    linear: LinearSpec | None = None
    triangular: TriangularSpec | None = None
    clause: ClauseValueSpec | None = None

    @model_validator(mode="after")
    def _one(self) -> ValueSpec:
        kinds = ("table", "linear", "triangular", "clause")
        given = [k for k in kinds if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of 'table', 'linear', 'triangular', 'clause' "
                f"(got {given or 'none'})"
            )
        return self


class LinearAdditiveSpec(_Strict):
    type: Literal["linear-additive"]
    weights: dict[str, Annotated[float, Field(ge=0, le=MAX_MAGNITUDE)]]
    values: dict[str, ValueSpec]
    offset: Number = 0.0


class RectangleSpec(_Strict):
    utility: Number
    include: dict[str, tuple[float, float]] = Field(default_factory=dict)
    exclude: dict[str, tuple[float, float]] = Field(default_factory=dict)


class HyperRectanglesSpec(_Strict):
    type: Literal["hyper-rectangles"]
    rectangles: list[RectangleSpec]
    max_utility: float = Field(default=1.0, gt=0)


UtilitySpec = Annotated[LinearAdditiveSpec | HyperRectanglesSpec, Field(discriminator="type")]


class UniformSpec(_Strict):
    distribution: Literal["uniform"]
    low: float
    high: float


class NormalSpec(_Strict):
    distribution: Literal["normal"]
    sd: float = Field(ge=0)
    mean: float | None = None


def _range_shorthand(value: Any) -> Any:
    """``[low, high]`` is short for ``{distribution: uniform, low: .., high: ..}``."""
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ValueError("give a range as [low, high] or a mapping with 'distribution'")
        return {"distribution": "uniform", "low": value[0], "high": value[1]}
    return value


#: ``[low, high]`` (uniform) or ``{distribution: uniform|normal, ...}``.
DistributionSpec = Annotated[
    UniformSpec | NormalSpec,
    Field(discriminator="distribution"),
    BeforeValidator(_range_shorthand),
]


class UncertaintySpec(_Strict):
    """Optional per-party uncertainty (see ``accord.analysis.robustness``)."""

    weights: dict[str, DistributionSpec] = Field(default_factory=dict)
    reservation: DistributionSpec | None = None


class PartySpec(_Strict):
    name: str = Field(min_length=1)
    utility: UtilitySpec
    # -.inf is "no reservation" (as GENIUS and NegMAS files say it); +inf and NaN are refused
    reservation: Annotated[float, Field(allow_inf_nan=True)] = 0.0
    discount: float | None = Field(default=None, gt=0, le=1)
    uncertainty: UncertaintySpec | None = None

    @field_validator("reservation")
    @classmethod
    def _reservation(cls, value: float) -> float:
        if value == -math.inf:
            return value
        if not math.isfinite(value) or abs(value) > MAX_RESERVATION:
            raise ValueError(
                f"a reservation value is finite and at most {MAX_RESERVATION:g} in size "
                f"(or -.inf for none), got {value!r}"
            )
        return value


class ExtensionRuleSpec(_Strict):
    per: int = Field(ge=1)
    days: int = Field(default=1, ge=0)
    cap: int | None = Field(default=None, ge=0)


class PhaseSpec(_Strict):
    name: str = Field(min_length=1)
    issues: list[str] = Field(min_length=1)
    requires: str | None = None
    breakdown_risk: float = Field(default=0.0, ge=0, le=1)


class EventSpec(_Strict):
    name: str = Field(min_length=1)
    round: int = Field(ge=0)
    date: str | None = None
    description: str = ""
    reservation: dict[str, float] = Field(default_factory=dict)
    delay_cost: dict[str, float] = Field(default_factory=dict)
    risk: dict[str, float] = Field(default_factory=dict)
    deadline: int | None = Field(default=None, ge=1)
    agreement: AgreementSpec | None = None
    opening: dict[str, OpeningValue] | None = None
    unavailable: list[str] = Field(default_factory=list)
    available: list[str] = Field(default_factory=list)


#: A value of the opening text; booleans are kept to be refused with a hint to quote them.
OpeningValue = Annotated[StrictBool | str | int | float, Field(union_mode="left_to_right")]

#: A whole number as written (YAML ``1``, not ``1.0``, ``true`` or ``"1"``).
WholeNumber = Annotated[int, Field(strict=True)]


class AgreementSpec(_Strict):
    """Which sets of accepting parties pass a package (:class:`accord.agreement.AgreementRule`);
    the cross-checks (weights with quota, names of parties) are the rule's own."""

    at_least: Annotated[WholeNumber, Field(ge=1)] | None = None
    all_but: Annotated[WholeNumber, Field(ge=0)] | None = None
    share: Annotated[float, Field(strict=True, gt=0, le=1)] | None = None
    weights: dict[str, Annotated[float, Field(strict=True, ge=0, le=MAX_MAGNITUDE)]] | None = None
    quota: Annotated[float, Field(strict=True, gt=0, le=MAX_MAGNITUDE)] | None = None
    veto: list[str] | str | None = None


class ScenarioSpec(_Strict):
    accord: Literal[1]
    name: str = Field(min_length=1)
    description: str = ""
    issues: list[IssueSpec] = Field(min_length=1)
    parties: list[PartySpec] = Field(min_length=1)
    mediators: list[str] = Field(default_factory=list)
    clauses: dict[str, dict[ScalarValue, ExtensionRuleSpec | None]] = Field(default_factory=dict)
    phases: list[PhaseSpec] = Field(default_factory=list)
    events: list[EventSpec] = Field(default_factory=list)
    delay_cost: dict[str, float] = Field(default_factory=dict)
    deadline: int | None = Field(default=None, ge=1)
    agreement: AgreementSpec | None = None
    opening: dict[str, OpeningValue] | None = None
