"""Reports and figures: case reports of mediated negotiations as plain data
(:func:`case_report`, :func:`timeline_rows`), a static PNG (:func:`~accord.reports.png.plot_case`),
a self-contained interactive HTML page (:func:`~accord.reports.html.write_html`), and the static
figures of an analysis and of a negotiation (:func:`plot_analysis`, :func:`plot_negotiation`,
:func:`plot_result`), and tournament reports (:func:`tournament_report`,
:func:`write_tournament_html`). Reports draw the analysis they are given: the caller computes
it once (:func:`accord.analyze`, :func:`accord.analyze_timeline`) and passes it on."""

from accord.reports.case import CaseReport, PartyOutcome, PhaseShare, case_report, timeline_rows
from accord.reports.figures import plot_analysis, plot_negotiation, plot_result
from accord.reports.tournament import (
    Board,
    Estimate,
    LeaderboardRow,
    Pairwise,
    ScenarioRow,
    ScenarioTable,
    TournamentReport,
    bootstrap_mean,
    tournament_report,
)
from accord.reports.tournament_html import write_tournament_html
from accord.reports.trace_rows import ProposalRow

__all__ = [
    "Board",
    "CaseReport",
    "Estimate",
    "LeaderboardRow",
    "Pairwise",
    "PartyOutcome",
    "PhaseShare",
    "ProposalRow",
    "ScenarioRow",
    "ScenarioTable",
    "TournamentReport",
    "bootstrap_mean",
    "case_report",
    "plot_analysis",
    "plot_negotiation",
    "plot_result",
    "timeline_rows",
    "tournament_report",
    "write_tournament_html",
]
