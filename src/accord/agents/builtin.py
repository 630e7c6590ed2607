"""Imports every built-in agent module so that its ``@register`` decorators run."""

from accord.agents import simple, time_based

__all__ = ["simple", "time_based"]
