"""``accord mediate``: caucus (shuttle) or single-text mediation, with a readable report."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

import accord
from accord.cli.app import PartiesOpt, ScenarioArg, app, guarded, parse_parties, print_json
from accord.cli.case_render import render_phased_agreement, render_timeline
from accord.cli.negotiate_cmds import interrupted_trace
from accord.cli.progress import run_progress, working
from accord.reports import case_report, plot_result
from accord.reports.html import write_html

MAX_ROWS = 24


@app.command()
@guarded
def mediate(
    scenario: ScenarioArg,
    mediator: Annotated[
        list[str] | None,
        typer.Option(
            "--mediator",
            "-m",
            help="Mediator spec; repeat for a caucus coalition (default: the scenario's "
            "mediators as a caucus coalition, or one caucus mediator).",
        ),
    ] = None,
    party: Annotated[
        list[str] | None,
        typer.Option(
            "--party", "-p", help="Party strategy spec, one per party (default truthful)."
        ),
    ] = None,
    rounds: Annotated[int | None, typer.Option("--rounds", min=1, help="Rounds.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the first run.")] = 0,
    repeat: Annotated[
        int, typer.Option("--repeat", min=1, help="Run K times (seeds S…S+K−1).")
    ] = 1,
    budget: Annotated[int, typer.Option("--budget", min=1, help="Caucus queries per party.")] = 50,
    phased: Annotated[
        bool, typer.Option("--phased", help="Agree the scenario's phases one after another.")
    ] = False,
    parties: PartiesOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw the proposals to a PNG.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML case report.")
    ] = None,
    trace: Annotated[
        Path | None, typer.Option("--trace", help="Write the trace (JSON Lines).")
    ] = None,
) -> None:
    """Mediate a negotiation: the mediator meets the parties, proposes packages, they answer."""
    profiles = parse_parties(parties)
    loaded = accord.load(scenario, profiles=profiles)
    size = loaded.space.size
    what = f"mediating {loaded.name}" + (f" ({size:.3g} outcomes)" if size else "")
    # one run shows a spinner (the run and the Nash comparison after it can take seconds on a
    # huge space); repeated runs a bar
    spinner = working(what, quiet=json_out) if repeat == 1 else nullcontext()
    with (
        interrupted_trace(trace),
        spinner,
        run_progress("mediations", repeat, quiet=json_out) as tick,
    ):
        results = accord.mediate(
            loaded,
            list(mediator) if mediator else None,
            party,
            rounds=rounds,
            seed=seed,
            query_budget=budget,
            phased=phased,
            profiles=profiles,
            repeat=repeat,
            trace_to=trace,
            progress=tick,
        )
    first = results[0]
    # once, with the Nash comparison's budget: the reports and the tables share it
    timeline = accord.analyze_timeline(loaded, time_limit=accord.NASH_SECONDS)
    sc = timeline.scenario  # real issues discretised as the mediation had them
    phased_case = not sc.timeline.is_empty
    report = case_report(sc, first, timeline) if html is not None or phased_case else None
    if html is not None and report is not None:
        write_html(report, sc, first, html)
    if plot is not None:
        plot_result(sc, first, plot, timeline)
    if json_out:
        data = (
            first.to_dict(with_trace=trace is not None)
            if repeat == 1
            else accord.summarize(results)
        )
        print_json(data)
        return
    console = Console()
    if repeat > 1:
        s = accord.summarize(results)
        console.print(
            f"{s['runs']} runs: agreement rate {s['agreement_rate']:.0%}, mean rounds "
            f"{s['mean_rounds']:.1f}, mean utilities "
            + ", ".join(
                f"{n} {u:.3f}" for n, u in zip(s["parties"], s["mean_utilities"], strict=True)
            )
        )
    if phased_case:
        render_timeline(console, sc, timeline)
    render_mediation(console, sc, first, timeline.at(first.rounds).scenario)
    if report is not None and first.agreement is not None:
        render_phased_agreement(console, report.to_dict())
    if trace is not None:
        console.print(f"trace written to {trace}")
    if html is not None:
        console.print(f"HTML report written to {html}")
    if plot is not None:
        console.print(f"plot written to {plot}")


def _package(sc: accord.Scenario, outcome: int) -> str:
    values = sc.space.decode(sc.space.from_index(outcome))
    return ", ".join(f"{k}={v}" for k, v in values.items())


def render_mediation(
    console: Console,
    sc: accord.Scenario,
    result: accord.NegotiationResult,
    final: accord.Scenario,
) -> None:
    """Proposals round by round, private disclosures (to the mediator only), the outcome;
    ``final`` is the scenario as it stands at the end (its red lines are shown)."""
    console.print(
        f"[bold]{sc.name}[/]: mediator {result.mediator}, parties "
        + ", ".join(f"{p} ({a})" for p, a in zip(result.parties, result.agents, strict=True))
    )
    _render_proposals(console, sc, result)
    _render_disclosures(console, result)
    table = Table(
        title=f"Outcome: {result.reason} after {result.rounds} rounds", title_justify="left"
    )
    table.add_column("party", no_wrap=True)
    table.add_column("utility", justify="right")
    table.add_column("reservation", justify="right")
    nash = result.details.get("nash_utilities")
    if nash:
        table.add_column("Nash point", justify="right")
    for i, name in enumerate(result.parties):
        row = [name, f"{result.utilities[i]:.4f}", f"{final.parties[i].reservation:.4f}"]
        if nash:
            row.append(f"{nash[i]:.4f}")
        table.add_row(*row)
    console.print(table)
    if result.agreement is not None:
        console.print(f"agreed package: {_package(sc, result.agreement)}")
    for ph in result.details.get("phases", []):
        last = ph["from_round"] + ph["rounds"] - 1
        verdict = "agreed" if ph["agreed"] else "not agreed"
        console.print(f"phase {ph['phase']!r}: rounds {ph['from_round']}–{last}, {verdict}")
    if "distance_to_nash" in result.details:
        console.print(f"distance to the Nash point: {result.details['distance_to_nash']:.4f}")
    _render_rule(console, result.details)


def _render_rule(console: Console, details: dict[str, Any]) -> None:
    """Under an agreement rule other than unanimity: the rule, who accepted, who was left out
    and the distance to the best passing package."""
    if "agreement_rule" not in details:
        return
    console.print(f"agreement rule: {details['agreement_rule']}")
    if "accepted_by" in details:
        left = ", ".join(details["left_out"]) or "nobody"
        console.print(f"accepted by {', '.join(details['accepted_by'])}; left out: {left}")
    if "distance_to_best_passing" in details:
        gap = details["distance_to_best_passing"]
        console.print(f"distance to the best passing package: {gap:.4f}")


def _render_proposals(
    console: Console, sc: accord.Scenario, result: accord.NegotiationResult
) -> None:
    rows: list[tuple[int, str, str]] = []
    votes: dict[tuple[int, int], list[str]] = {}
    for e in result.trace:
        proposal = e.kind == "proposal" or (e.kind == "offer" and e.note == "proposal")
        if proposal and e.outcome is not None:
            key = (e.round, e.outcome)
            if key not in votes:
                votes[key] = []
                rows.append((e.round, _package(sc, e.outcome), ""))
        elif e.kind in ("vote", "accept", "reject") and e.outcome is not None:
            verdict = _verdict(e.kind, e.note)
            votes.setdefault((e.round, e.outcome), []).append(f"{e.party} {verdict}")
    if not rows:
        return
    keys = list(votes)
    title = f"Proposals ({len(rows)})"
    if result.details.get("protocol") == "single-text":
        moved = [j for j, k in enumerate(keys) if all("accepts" in v for v in votes[k])]
        rows = [rows[j] for j in moved]
        keys = [keys[j] for j in moved]
        title = f"Text changes accepted by every party ({len(rows)} of {len(votes)} proposals)"
    table = Table(title=title, title_justify="left")
    table.add_column("round", justify="right")
    table.add_column("package")
    table.add_column("responses")
    shown = list(range(len(rows)))
    if len(rows) > MAX_ROWS:
        shown = list(range(MAX_ROWS // 2)) + list(range(len(rows) - MAX_ROWS // 2, len(rows)))
    for j in shown:
        rnd, package, _ = rows[j]
        table.add_row(str(rnd), package, ", ".join(votes[keys[j]]))
        if len(rows) > MAX_ROWS and j == MAX_ROWS // 2 - 1:
            table.add_row("…", f"{len(rows) - MAX_ROWS} more proposals", "")
    console.print(table)


def _verdict(kind: str, note: str) -> str:
    if kind in ("accept", "reject"):
        return "accepts" if kind == "accept" else "rejects"
    try:
        return "accepts" if json.loads(note).get("accept") else "rejects"
    except (ValueError, AttributeError):
        return "votes"


def _render_disclosures(console: Console, result: accord.NegotiationResult) -> None:
    told: dict[str, dict[str, int]] = {}
    for e in result.trace:
        if e.kind != "disclosure" or e.party is None:
            continue
        try:
            kind = str(json.loads(e.note).get("kind", "answer"))
        except (ValueError, AttributeError):
            kind = "answer"
        counts = told.setdefault(e.party, {})
        counts[kind] = counts.get(kind, 0) + 1
    if not told:
        return
    table = Table(title="Told the mediator in private", title_justify="left")
    table.add_column("party", no_wrap=True)
    table.add_column("answers given")
    for party, counts in told.items():
        table.add_row(party, ", ".join(f"{k} ×{n}" for k, n in sorted(counts.items())))
    console.print(table)
