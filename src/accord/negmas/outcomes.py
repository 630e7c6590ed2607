"""Outcomes both ways: accord's outcome space as a NegMAS outcome space, and the two
conversions between a NegMAS outcome (a tuple of values) and accord's outcome index.

The NegMAS space has the same issues, with the same names and values in the same order:
a categorical issue for each :class:`~accord.outcomes.issues.DiscreteIssue` and a contiguous
integer issue for each :class:`~accord.outcomes.issues.IntegerIssue`. NegMAS enumerates a
Cartesian space with the last issue varying fastest, as accord numbers outcomes, so the
``k``-th outcome NegMAS enumerates is accord's outcome ``k`` (a mixed-radix map). Real issues
have no NegMAS counterpart here: discretise the scenario first
(:meth:`accord.Scenario.discretized`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from negmas.outcomes import CartesianOutcomeSpace, CategoricalIssue, ContiguousIssue, make_os

from accord.errors import ScenarioError
from accord.outcomes.issues import DiscreteIssue, IntegerIssue
from accord.outcomes.space import OutcomeSpace
from accord.scenario import Scenario


def outcome_space(scenario: Scenario | OutcomeSpace) -> CartesianOutcomeSpace:
    """A NegMAS outcome space with the scenario's issues and values, in the same order."""
    space = scenario.space if isinstance(scenario, Scenario) else scenario
    issues = []
    for issue in space.issues:
        if isinstance(issue, IntegerIssue):
            issues.append(ContiguousIssue((issue.low, issue.high), name=issue.name))
        elif isinstance(issue, DiscreteIssue):
            issues.append(CategoricalIssue(list(issue.values), name=issue.name))
        else:
            raise ScenarioError(
                f"issue {issue.name!r} is continuous: discretise the scenario first "
                "(Scenario.discretized(points))"
            )
    name = scenario.name if isinstance(scenario, Scenario) else None
    return make_os(issues, name=name)


class OutcomeCodec:
    """Converts between NegMAS outcomes (value tuples) and accord outcome indices of one
    space; value look-ups are precomputed per issue."""

    __slots__ = ("_lookup", "space")

    def __init__(self, space: OutcomeSpace):
        self.space = space
        lookup: list[dict[Any, int]] = []
        for issue in space.issues:
            if isinstance(issue, IntegerIssue):
                lookup.append({v: v - issue.low for v in issue.values})
            elif isinstance(issue, DiscreteIssue):
                lookup.append({v: k for k, v in enumerate(issue.values)})
            else:
                raise ScenarioError(f"issue {issue.name!r} is continuous: discretise it first")
        self._lookup = lookup

    def digits(self, outcome: Sequence[Any]) -> tuple[int, ...]:
        """The digits (value index per issue) of a NegMAS outcome."""
        if len(outcome) != len(self._lookup):
            raise ScenarioError(
                f"outcome {outcome!r} has {len(outcome)} values, not {len(self._lookup)}"
            )
        out = []
        for table, value, issue in zip(self._lookup, outcome, self.space.issues, strict=True):
            d = table.get(value)
            if d is None:
                d = issue.index_of(value)  # lenient: '5' for 5, numpy integers, …
            out.append(d)
        return tuple(out)

    def index(self, outcome: Sequence[Any]) -> int:
        """accord's outcome index of a NegMAS outcome."""
        return self.space.to_index(self.digits(outcome))

    def outcome(self, index: int) -> tuple[Any, ...]:
        """The NegMAS outcome (value tuple) of accord's outcome ``index``."""
        return self.values(self.space.from_index(int(index)))

    def values(self, digits: Sequence[int]) -> tuple[Any, ...]:
        """The NegMAS outcome (value tuple) of accord's digits."""
        return tuple(
            issue.values[d]  # type: ignore[union-attr]
            for issue, d in zip(self.space.issues, digits, strict=True)
        )


def to_index(scenario: Scenario | OutcomeSpace, outcome: Sequence[Any]) -> int:
    """accord's outcome index of a NegMAS outcome (a tuple of values, one per issue)."""
    space = scenario.space if isinstance(scenario, Scenario) else scenario
    return OutcomeCodec(space).index(outcome)


def to_outcome(scenario: Scenario | OutcomeSpace, index: int) -> tuple[Any, ...]:
    """The NegMAS outcome (tuple of values) of accord's outcome ``index``."""
    space = scenario.space if isinstance(scenario, Scenario) else scenario
    return OutcomeCodec(space).outcome(index)
