"""Preferences: value functions and utility functions."""

from accord.preferences.utility import (
    Bound,
    HyperRectangle,
    HyperRectangleUtility,
    LinearAdditive,
    UtilityFunction,
)
from accord.preferences.values import AffineValue, TableValue, TriangularValue, ValueFunction

__all__ = [
    "AffineValue",
    "Bound",
    "HyperRectangle",
    "HyperRectangleUtility",
    "LinearAdditive",
    "TableValue",
    "TriangularValue",
    "UtilityFunction",
    "ValueFunction",
]
