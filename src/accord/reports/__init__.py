"""Reports and figures: case reports of mediated negotiations as plain data
(:func:`case_report`, :func:`timeline_rows`), a static PNG (:func:`~accord.reports.png.plot_case`),
a self-contained interactive HTML page (:func:`~accord.reports.html.write_html`), and the static
figures of an analysis and of a negotiation (:func:`plot_analysis`, :func:`plot_negotiation`,
:func:`plot_result`). Reports draw the analysis they are given: the caller computes it once
(:func:`accord.analyze`, :func:`accord.analyze_timeline`) and passes it on."""

from accord.reports.case import CaseReport, PartyOutcome, PhaseShare, case_report, timeline_rows
from accord.reports.figures import plot_analysis, plot_negotiation, plot_result
from accord.reports.trace_rows import ProposalRow

__all__ = [
    "CaseReport",
    "PartyOutcome",
    "PhaseShare",
    "ProposalRow",
    "case_report",
    "plot_analysis",
    "plot_negotiation",
    "plot_result",
    "timeline_rows",
]
