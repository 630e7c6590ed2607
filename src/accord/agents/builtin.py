"""Imports every built-in agent module so that its ``@register`` decorators run."""

from accord.agents import aspiration, boa, micro, nash_seeking, simple, time_based, tit_for_tat

__all__ = ["aspiration", "boa", "micro", "nash_seeking", "simple", "time_based", "tit_for_tat"]
