"""Terminal rendering of phased cases: the timeline with its ZOPA, the agreement by phase."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

import accord
from accord.reports import timeline_rows


def render_timeline(
    console: Console, scenario: accord.Scenario, timeline: accord.TimelineAnalysis
) -> None:
    """The start and every event: red lines, breakdown risks, ZOPA and the Nash point.

    ``timeline`` is ``accord.analyze_timeline(scenario)``, computed once by the caller."""
    rows = timeline_rows(timeline)
    parties = scenario.party_names
    if scenario.mediators:
        console.print("mediators: " + ", ".join(scenario.mediators))
    table = Table(title="Timeline: what each event changes", title_justify="left")
    table.add_column("round", justify="right")
    table.add_column("event")
    for p in parties:
        table.add_column(f"red line {p}", justify="right")
    table.add_column("ZOPA", justify="right")
    table.add_column("Nash", justify="right")
    for r in rows:
        when = f"{r['name']}" + (f" ({r['date']})" if r.get("date") else "")
        if r.get("unavailable"):
            when += " — cannot meet: " + ", ".join(r["unavailable"])
        nash = r.get("nash_utilities")
        table.add_row(
            str(r["round"]),
            when,
            *[f"{r['reservations'][p]:.2f}" for p in parties],
            "—" if r.get("zopa") is None else f"{r['zopa']:,}",
            "—" if not nash else " / ".join(f"{u:.3f}" for u in nash),
        )
    console.print(table)


def render_phased_agreement(console: Console, report: dict[str, Any]) -> None:
    """The agreed package phase by phase, with the chance each phase holds."""
    table = Table(title="Agreed package, phase by phase", title_justify="left")
    table.add_column("phase")
    table.add_column("holds with", justify="right")
    table.add_column("terms")
    for phase in report.get("agreement_by_phase", []):
        terms = ", ".join(f"{k} = {v}" for k, v in phase["package"].items())
        table.add_row(phase["name"], f"{phase['reach']:.0%}", terms)
    console.print(table)
    for p in report.get("agreement_utilities", []):
        console.print(
            f"{p['name']}: expected utility {p['expected']:.3f} (red line {p['reservation']:.2f},"
            f" Nash point {p['nash']:.3f})"
        )
