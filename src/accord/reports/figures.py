"""Static figures (matplotlib, headless) of an analysis and of a negotiation, and the choice of
figure for a result. Drawing lives in :mod:`accord.reports`, never in data classes; every
figure draws the analysis it is given (nothing here analyses)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from accord.analysis import Analysis, TimelineAnalysis
from accord.mechanisms.result import NegotiationResult
from accord.reports.case import case_report
from accord.reports.png import plot_case
from accord.reports.utility_space import MAX_CLOUD, outcome_cloud
from accord.scenario import Scenario

__all__ = ["plot_analysis", "plot_negotiation", "plot_result"]

_MARKERS = {
    "nash": ("Nash", "*", 260),
    "kalai_smorodinsky": ("Kalai–Smorodinsky", "D", 90),
    "egalitarian": ("egalitarian", "s", 80),
    "utilitarian": ("utilitarian", "^", 90),
}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _frontier(ax: Any, analysis: Analysis, style: str, **kwargs: Any) -> None:
    front = np.asarray(analysis.frontier, dtype=float)
    if front.size:
        order = np.argsort(front[:, 0])
        ax.plot(front[order, 0], front[order, 1], style, c="#1f4e79", lw=1.2, **kwargs)


def _solutions(ax: Any, analysis: Analysis) -> None:
    for key, (label, marker, size) in _MARKERS.items():
        sol = getattr(analysis, key)
        if sol is not None:
            u = sol.utilities
            ax.scatter(
                [u[0]],
                [u[1]],
                marker=marker,
                s=size,
                zorder=5,
                label=label,
                edgecolors="black",
                linewidths=0.6,
            )


def plot_analysis(
    scenario: Scenario, analysis: Analysis, path: str | Path, *, discretize: int = 11
) -> None:
    """Two-party utility space of ``analysis`` (of ``scenario``): outcomes, Pareto frontier,
    reservation lines and solutions. Real issues are discretised at ``discretize`` points for
    the outcome cloud (as :func:`~accord.analysis.analyze` does).

    With more than two parties the first two are drawn (a projection; the title says so).
    """
    plt = _pyplot()
    sc = scenario.discretized(discretize)
    names = analysis.parties
    cloud = outcome_cloud(sc)
    fig, ax = plt.subplots(figsize=(7, 6), dpi=110)
    sampled = sc.space.size is None or sc.space.size > MAX_CLOUD
    label = f"outcomes ({'sample of ' if sampled else ''}{len(cloud):,})"
    ax.scatter(cloud[:, 0], cloud[:, 1], s=4, c="#b8c4d6", alpha=0.5, lw=0, label=label)
    points = len(analysis.frontier)
    _frontier(ax, analysis, "-o", ms=3, label=f"Pareto frontier ({points:,})")
    res = analysis.reservations
    ax.axvline(res[0], c="#c0392b", ls="--", lw=0.8, label="reservation values")
    ax.axhline(res[1], c="#c0392b", ls="--", lw=0.8)
    _solutions(ax, analysis)
    ax.set_xlabel(f"utility of {names[0]}")
    ax.set_ylabel(f"utility of {names[1]}")
    title = analysis.scenario
    if len(names) > 2:
        title += f" (first 2 of {len(names)} parties)"
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _offers(ax: Any, scenario: Scenario, result: NegotiationResult) -> None:
    space = scenario.space
    for name, colour in zip(
        result.parties, ("#d35400", "#16a085", "#8e44ad", "#7f8c8d"), strict=False
    ):
        offers = [e.outcome for e in result.trace.offers(name) if e.outcome is not None]
        if not offers:
            continue
        digits = np.array([space.from_index(o) for o in offers])
        u = scenario.evaluate(digits)
        ax.plot(
            u[:, 0], u[:, 1], ".-", c=colour, ms=4, lw=0.6, alpha=0.8, label=f"offers of {name}"
        )


def plot_negotiation(
    scenario: Scenario, result: NegotiationResult, path: str | Path, analysis: Analysis
) -> None:
    """Each party's offers in the utility space of the first two parties, over the Pareto
    frontier of ``analysis`` (of ``scenario``), with its Nash point and the agreement."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 6), dpi=110)
    _frontier(ax, analysis, "-", label="Pareto frontier")
    _offers(ax, scenario, result)
    if analysis.nash is not None:
        nu = analysis.nash.utilities
        ax.scatter(
            [nu[0]],
            [nu[1]],
            marker="*",
            s=260,
            c="gold",
            edgecolors="black",
            zorder=5,
            label="Nash point",
        )
    if result.agreement is not None:
        au = result.utilities
        ax.scatter(
            [au[0]],
            [au[1]],
            marker="o",
            s=120,
            facecolors="none",
            edgecolors="red",
            linewidths=2,
            zorder=6,
            label="agreement",
        )
    ax.set_xlabel(f"utility of {result.parties[0]}")
    ax.set_ylabel(f"utility of {result.parties[1]}")
    ax.set_title(f"{scenario.name}: {' vs '.join(result.agents)} ({result.reason})")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_result(
    scenario: Scenario,
    result: NegotiationResult,
    path: str | Path,
    timeline: TimelineAnalysis,
) -> None:
    """The figure of a negotiation or mediation result, as a PNG: the case figure
    (:func:`~accord.reports.png.plot_case`) when the scenario has a timeline, the offers over
    the frontier (:func:`plot_negotiation`) otherwise. ``timeline`` is
    ``analyze_timeline(scenario)``, computed once by the caller."""
    if scenario.timeline.is_empty:
        plot_negotiation(scenario, result, path, timeline.start.analysis)
    else:
        plot_case(scenario, result, path, report=case_report(scenario, result, timeline))
