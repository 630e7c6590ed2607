"""The case report as ONE self-contained HTML file: the plotly.js bundle is inlined once, the
style sheet is inline, and nothing (scripts, fonts, images) is loaded from the network."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any

from accord.mechanisms.result import NegotiationResult
from accord.reports.case import CaseReport
from accord.reports.interactive import timeline_figure, utility_figure
from accord.reports.utility_space import utility_space
from accord.scenario import Scenario

__all__ = ["render_html", "write_html"]

#: Proposals listed at most in the table (the first ones; the figure shows all).
MAX_PROPOSALS = 300

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1150px; padding: 0 1rem; color: #1c2833; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 1px solid #d5dbdb; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.88rem; }
th, td { border: 1px solid #d5dbdb; padding: 0.3rem 0.5rem; vertical-align: top; }
th { background: #f4f6f7; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.caveat { background: #fef9e7; border-left: 4px solid #f1c40f; padding: 0.6rem 0.9rem; }
.meta { color: #566573; }
"""


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f'<td class="num">{value:.4f}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="num">{value:,}</td>'
    return f"<td>{escape('' if value is None else str(value))}</td>"


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>\n" for row in rows)
    return f"<table>\n<tr>{head}</tr>\n{body}</table>\n"


def _package(package: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in package.items())


def _utilities(values: Iterable[float | None]) -> str:
    return " / ".join("–" if u is None else f"{u:.3f}" for u in values)


def _header(report: CaseReport) -> str:
    meta = [f"parties: {', '.join(report.parties)}"]
    if report.mediators:
        meta.append(f"mediators: {', '.join(report.mediators)}")
    if report.mediator:
        meta.append(f"mediation algorithm: {report.mediator}")
    meta.append(f"result: {report.reason} after {report.rounds} rounds")
    return (
        f"<h1>{escape(report.name)}</h1>\n"
        f'<p class="meta">{escape(" · ".join(meta))}</p>\n'
        f'<p class="caveat">{escape(report.caveat)}</p>\n'
        f"<h2>The case</h2>\n<p>{escape(report.description)}</p>\n"
    )


def _phases(report: CaseReport) -> str:
    if not report.phases:
        return ""
    rows = [
        (p["name"], ", ".join(p["issues"]), p["requires"] or "–", p["breakdown_risk"])
        for p in report.phases
    ]
    return "<h2>Phases</h2>\n" + table(("phase", "issues", "requires", "breakdown risk"), rows)


def _timeline(report: CaseReport) -> str:
    headers = [
        "round",
        "date",
        "event",
        "description",
        "what changes",
        *[f"reservation, {p}" for p in report.parties],
        "ZOPA (packages)",
        "Nash point utilities",
        "Nash package",
    ]
    rows = [
        (
            r["round"],
            r["date"] or "",
            r["name"],
            r["description"],
            r["changes"],
            *[float(r["reservations"][p]) for p in report.parties],
            r["zopa"] if r["zopa"] is not None else "not computed",
            _utilities(r["nash_utilities"] or ()),
            _package(r["nash_package"] or {}),
        )
        for r in report.timeline
    ]
    return "<h2>Timeline: the analysis after each event</h2>\n" + table(headers, rows)


def _proposals(report: CaseReport) -> str:
    if not report.proposals:
        return "<h2>The mediator's proposals</h2>\n<p>No proposals were made.</p>\n"
    shown = report.proposals[:MAX_PROPOSALS]
    rows = [
        (
            p.number,
            p.round,
            p.recipient or "all parties",
            _package(p.package),
            _utilities(p.utilities),
            ", ".join(f"{who}: {verdict}" for who, verdict in p.responses) or "–",
        )
        for p in shown
    ]
    headers = ("#", "round", "to", "package", "expected utilities", "responses")
    more = len(report.proposals) - len(shown)
    note = f"<p>… and {more} more proposals (all in the figure).</p>\n" if more > 0 else ""
    utilities = " / ".join(report.parties)
    return (
        "<h2>The mediator's proposals, round by round</h2>\n"
        f"<p>Expected utilities ({escape(utilities)}) at the round of each proposal.</p>\n"
        + table(headers, rows)
        + note
    )


def _events(report: CaseReport) -> str:
    if not report.events:
        return ""
    rows = [
        (e["round"], e["date"] or "", e["name"], "yes" if e["in_trace"] else "scheduled only")
        for e in report.events
    ]
    return "<h2>Events during the mediation</h2>\n" + table(
        ("round", "date", "event", "recorded in the trace"), rows
    )


def _agreement(report: CaseReport) -> str:
    if not report.agreed:
        return f"<h2>Outcome</h2>\n<p>No agreement ({escape(report.reason)}).</p>\n"
    parties = report.parties
    headers = [
        "phase",
        "requires",
        "P(reached and holds)",
        "package",
        *[f"utility, {p}" for p in parties],
    ]
    rows = [
        (
            s.name,
            s.requires or "–",
            s.reach,
            _package(s.package),
            *[f"{_utilities([s.utilities[p]])} → {_utilities([s.expected[p]])}" for p in parties],
        )
        for s in report.by_phase
    ]
    per_party = [(o.name, o.utility, o.expected, o.reservation, o.nash) for o in report.outcomes]
    distance = "" if report.distance_to_nash is None else f"{report.distance_to_nash:.4f}"
    return (
        f"<h2>The agreed package (round {report.agreement_round}), by phase</h2>\n"
        "<p>Each party's utility from each phase: weighted issue values → expected value given "
        "the risk that the phase is not reached or breaks down.</p>\n"
        + table(headers, rows)
        + table(
            ("party", "utility", "expected utility", "reservation value", "Nash point"),
            per_party,
        )
        + f"<p>Distance to the Nash point (expected utilities): {distance}</p>\n"
    )


def render_html(report: CaseReport, scenario: Scenario, result: NegotiationResult) -> str:
    """The whole page as a string (see :func:`write_html`). Everything on it comes from
    ``report`` and the timeline analysis it was made from, of ``scenario`` and ``result``."""
    from plotly.offline import get_plotlyjs

    space = utility_space(report)
    body = (
        _header(report)
        + _phases(report)
        + _timeline(report)
        + "<h2>Utility space</h2>\n"
        + utility_figure(space)
        + timeline_figure(report)
        + _proposals(report)
        + _events(report)
        + _agreement(report)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(report.name)}: case report</title>\n"
        f"<style>{STYLE}</style>\n"
        f"<script>{get_plotlyjs()}</script>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def write_html(
    report: CaseReport, scenario: Scenario, result: NegotiationResult, path: str | Path
) -> None:
    """Write the case report to ``path``: one self-contained HTML file (works offline)."""
    Path(path).write_text(render_html(report, scenario, result), encoding="utf-8")
