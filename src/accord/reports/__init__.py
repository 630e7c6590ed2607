"""Case reports of mediated negotiations: plain data (:func:`case_report`), a static PNG
(:func:`plot_case`) and a self-contained interactive HTML page (:func:`write_html`)."""

from accord.reports.case import CaseReport, PartyOutcome, PhaseShare, case_report, timeline_rows
from accord.reports.trace_rows import ProposalRow

__all__ = [
    "CaseReport",
    "PartyOutcome",
    "PhaseShare",
    "ProposalRow",
    "case_report",
    "timeline_rows",
]
