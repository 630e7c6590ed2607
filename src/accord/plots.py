"""Transitional: ``accord negotiate --plot`` and ``accord mediate --plot`` still import
:func:`plot_negotiation` from here. Figures live in :mod:`accord.reports` (see
:func:`accord.reports.plot_result`); this module draws nothing and goes once those commands
call the reports directly."""

from __future__ import annotations

from pathlib import Path

from accord.analysis import analyze
from accord.mechanisms.result import NegotiationResult
from accord.scenario import Scenario

__all__ = ["plot_negotiation"]


def plot_negotiation(scenario: Scenario, result: NegotiationResult, path: str | Path) -> None:
    """:func:`accord.reports.figures.plot_negotiation` with the scenario analysed once here."""
    from accord.reports.figures import plot_negotiation as draw

    draw(scenario, result, path, analyze(scenario))
