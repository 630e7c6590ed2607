"""Issues and outcome spaces."""

from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Issue, RealIssue, Value
from accord.outcomes.space import Discretisation, OutcomeSpace

__all__ = [
    "DiscreteIssue",
    "Discretisation",
    "IntegerIssue",
    "Issue",
    "OutcomeSpace",
    "RealIssue",
    "Value",
]
