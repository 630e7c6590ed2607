"""accord's preferences as NegMAS utility functions — exact, built from accord's own model.

:func:`ufuns` gives one NegMAS utility function per party of a scenario, never read back from
files through NegMAS's readers:

* a **linear-additive** party becomes NegMAS's ``LinearAdditiveUtilityFunction`` with the same
  weights, a ``TableFun`` per issue holding accord's (unweighted) value of every value and
  accord's offset as ``bias``. NegMAS evaluates ``bias + Σ w_i · f_i(v_i)`` adding in issue
  order, exactly as accord adds ``offset + Σ (w_i · f_i)[d_i]``: the same IEEE products summed
  in the same order, so the utilities are bit-identical. :func:`ufuns` still checks it on a
  sample of outcomes and falls back to the evaluator below if any differs by more than 1e-12;
* any other party (the ANAC 2014 hyper-rectangle utilities) becomes an :class:`AccordUtility`,
  a NegMAS ``UtilityFunction`` evaluating through accord's own fast evaluator
  (:func:`accord.mechanisms.own.row_evaluator`, bit-identical to accord's utilities).

``reserved_value`` is the party's reservation value. A party with a discount factor ``d``
(utility ``u·d^t`` at relative time ``t``) is wrapped the NegMAS way, in
``ExpDiscountedUFun(discount=d, factor="relative_time", dynamic_reservation=True)``: NegMAS
discounts by the relative time of the mechanism state (its ``(step + 1) / (n_steps + 1)``
under a round limit; accord's results use ``round / rounds``, see ``docs/negmas.md``), and the
reservation value is discounted too, as accord discounts the no-agreement utility.

:func:`own_ufun` is the same for a participant that holds only its own
:class:`~accord.mechanisms.own.OwnPreferences` (the sealed view of an accord agent): an
:class:`AccordUtility` evaluating through ``preferences.utility``. :func:`public_ufun` is
another party's utility as the regime "utilities public, reservations private" shows it
(a :class:`~accord.mechanisms.alternating_offers.public.PublicUtility`), the way the ANL 2024
competition handed it to its agents: a ``LinearAdditiveUtilityFunction`` (same construction as
above) or an :class:`AccordUtility`, with ``reserved_value`` 0 and no discount.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from negmas.outcomes import CartesianOutcomeSpace
from negmas.preferences import (
    BaseUtilityFunction,
    ExpDiscountedUFun,
    LinearAdditiveUtilityFunction,
    UtilityFunction,
)
from negmas.preferences.value_fun import TableFun

from accord.mechanisms.alternating_offers.public import PublicUtility
from accord.mechanisms.own import OwnPreferences, row_evaluator
from accord.negmas.outcomes import OutcomeCodec, outcome_space
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive
from accord.scenario import Scenario

#: Largest absolute difference tolerated between NegMAS's linear-additive utility and accord's.
TOLERANCE = 1e-12
#: Outcomes on which :func:`ufuns` checks a NegMAS linear-additive function against accord.
CHECKED = 2000


class AccordUtility(UtilityFunction):
    """A NegMAS utility function that evaluates through accord: a NegMAS outcome (value tuple,
    or ``{issue: value}``) is converted to accord's digits and handed to ``evaluator``."""

    def __init__(
        self,
        evaluator: Callable[[Sequence[int]], float],
        space: OutcomeSpace,
        *,
        reserved_value: float,
        outcome_space: CartesianOutcomeSpace,
        name: str | None = None,
    ):
        super().__init__(reserved_value=reserved_value, outcome_space=outcome_space, name=name)
        self.evaluator = evaluator
        self.codec = OutcomeCodec(space)

    def eval(self, offer: Any) -> float:
        if offer is None:
            return float(self.reserved_value)
        if isinstance(offer, Mapping):
            offer = tuple(offer[name] for name in self.codec.space.names)
        return float(self.evaluator(self.codec.digits(offer)))


class _ByIndex:
    """Digits → the utility an :class:`OwnPreferences` gives their outcome index."""

    __slots__ = ("preferences",)

    def __init__(self, preferences: OwnPreferences):
        self.preferences = preferences

    def __call__(self, digits: Sequence[int]) -> float:
        return self.preferences.utility(self.preferences.space.to_index(tuple(digits)))


def _discounted(
    ufun: BaseUtilityFunction, discount: float | None, reservation: float, name: str
) -> BaseUtilityFunction:
    if discount is None or discount == 1.0:
        return ufun
    return ExpDiscountedUFun(
        ufun=ufun,
        discount=discount,
        factor="relative_time",
        reserved_value=reservation,
        dynamic_reservation=True,
        outcome_space=ufun.outcome_space,
        name=name,
    )


def _linear(
    function: LinearAdditive, space: OutcomeSpace, os: CartesianOutcomeSpace, **kw: Any
) -> LinearAdditiveUtilityFunction:
    values = []
    for vf, issue in zip(function.values, space.issues, strict=True):
        table = vf.table(issue).tolist()
        values.append(TableFun(dict(zip(issue.values, table, strict=True))))  # type: ignore[union-attr]
    return LinearAdditiveUtilityFunction(
        values=values,
        weights=[float(w) for w in function.weights],
        bias=float(function.offset),
        outcome_space=os,
        **kw,
    )


def _agrees(ufun: BaseUtilityFunction, scenario: Scenario, index: int) -> bool:
    """Whether ``ufun`` gives party ``index``'s accord utility on a seeded sample of outcomes
    (every outcome of spaces up to :data:`CHECKED`)."""
    space = scenario.space
    size = space.size or 0
    if size <= CHECKED:
        digits = space.all_digits()
    else:
        digits = space.sample(np.random.default_rng(index), CHECKED)
    expected = scenario.parties[index].utility.evaluate(space, digits)
    codec = OutcomeCodec(space)
    for row, u in zip(digits, expected.tolist(), strict=True):
        outcome = codec.outcome(space.to_index(row))
        if not abs(float(ufun(outcome)) - u) <= TOLERANCE:
            return False
    return True


def party_ufun(
    scenario: Scenario, index: int, os: CartesianOutcomeSpace | None = None
) -> BaseUtilityFunction:
    """The exact NegMAS utility function of party ``index`` (see the module documentation)."""
    os = os if os is not None else outcome_space(scenario)
    party = scenario.parties[index]
    reservation = float(party.reservation)
    base: BaseUtilityFunction | None = None
    if isinstance(party.utility, LinearAdditive):
        linear = _linear(
            party.utility, scenario.space, os, reserved_value=reservation, name=party.name
        )
        if _agrees(linear, scenario, index):
            base = linear
    if base is None:
        base = AccordUtility(
            row_evaluator(scenario, index),
            scenario.space,
            reserved_value=reservation,
            outcome_space=os,
            name=party.name,
        )
    return _discounted(base, party.discount, reservation, party.name)


def ufuns(scenario: Scenario) -> tuple[BaseUtilityFunction, ...]:
    """One exact NegMAS utility function per party, in party order, over one shared
    :func:`~accord.negmas.outcomes.outcome_space` (discretise real issues first)."""
    os = outcome_space(scenario)
    return tuple(party_ufun(scenario, i, os) for i in range(len(scenario.parties)))


def negmas_scenario(scenario: Scenario) -> Any:
    """The scenario as a NegMAS ``Scenario`` (outcome space and :func:`ufuns`), ready for
    NegMAS's ``cartesian_tournament``."""
    from negmas.inout import Scenario as NegmasScenario

    us = ufuns(scenario)
    return NegmasScenario(outcome_space=us[0].outcome_space, ufuns=us, name=scenario.name)


def own_ufun(
    preferences: OwnPreferences, os: CartesianOutcomeSpace | None = None
) -> BaseUtilityFunction:
    """The NegMAS utility function of an accord participant's own preferences (its sealed
    view): utilities through ``preferences.utility``, its reservation and its discount."""
    os = os if os is not None else outcome_space(preferences.space)
    base = AccordUtility(
        _ByIndex(preferences),
        preferences.space,
        reserved_value=float(preferences.reservation),
        outcome_space=os,
        name=preferences.name,
    )
    return _discounted(base, preferences.discount, float(preferences.reservation), preferences.name)


class _PublicDigits:
    """Digits → a :class:`PublicUtility`'s utility."""

    __slots__ = ("public",)

    def __init__(self, public: PublicUtility):
        self.public = public

    def __call__(self, digits: Sequence[int]) -> float:
        return float(self.public.evaluate(np.array([digits], dtype=np.int64))[0])


def public_ufun(public: PublicUtility, os: CartesianOutcomeSpace | None = None) -> Any:
    """Another party's utility function as NegMAS's ``private_info["opponent_ufun"]`` holds it
    in ANL 2024: exact (a ``LinearAdditiveUtilityFunction`` for an additive one, like
    :func:`party_ufun`; else an :class:`AccordUtility`), ``reserved_value`` 0 (hidden),
    undiscounted. A fresh object: the negotiator may change it (ANL agents write their estimate
    of the opponent's reservation value into it)."""
    os = os if os is not None else outcome_space(public.space)
    if public.additive:
        assert public.weights is not None and public.values is not None
        values = [
            TableFun(dict(zip(issue.values, v.tolist(), strict=True)))  # type: ignore[union-attr]
            for issue, v in zip(public.space.issues, public.values, strict=True)
        ]
        return LinearAdditiveUtilityFunction(
            values=values,
            weights=list(public.weights),
            bias=float(public.offset or 0.0),
            reserved_value=0.0,
            outcome_space=os,
            name=public.name,
        )
    return AccordUtility(
        _PublicDigits(public), public.space, reserved_value=0.0, outcome_space=os, name=public.name
    )
