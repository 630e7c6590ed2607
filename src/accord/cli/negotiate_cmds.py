"""Commands about negotiating: ``negotiate`` and ``agents``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

import accord
from accord.cli.app import (
    PartiesOpt,
    ScenarioArg,
    app,
    err_console,
    guarded,
    parse_parties,
    print_json,
)
from accord.cli.progress import run_progress


@app.command()
@guarded
def negotiate(
    scenario: ScenarioArg,
    agent: Annotated[
        list[str],
        typer.Option("--agent", "-a", help="Agent spec ID[:param=value,…], one per party."),
    ],
    rounds: Annotated[int, typer.Option("--rounds", min=1, help="Deadline in rounds.")] = 1000,
    time_limit: Annotated[
        float | None, typer.Option("--time", help="Deadline in seconds (wall time).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the first run.")] = 0,
    repeat: Annotated[
        int, typer.Option("--repeat", min=1, help="Run K times with seeds S…S+K−1.")
    ] = 1,
    parties: PartiesOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="Draw the offers to a PNG.")] = None,
    trace: Annotated[
        Path | None, typer.Option("--trace", help="Write the trace as JSON Lines.")
    ] = None,
    public_utilities: Annotated[
        bool,
        typer.Option(
            "--public-utilities",
            help="Utilities public, reservations private: each agent also sees the other "
            "parties' utility functions, never their reservation values.",
        ),
    ] = False,
) -> None:
    """Run an alternating-offers negotiation between registered agents."""
    profiles = parse_parties(parties)
    with interrupted_trace(trace), run_progress("negotiations", repeat, quiet=json_out) as tick:
        results = accord.negotiate(
            scenario,
            agent,
            rounds=rounds,
            seconds=time_limit,
            seed=seed,
            profiles=profiles,
            repeat=repeat,
            trace_to=trace,
            progress=tick,
            public_utilities=public_utilities,
        )
    first = results[0]
    if plot is not None:
        from accord.reports import plot_result

        timeline = accord.analyze_timeline(accord.load(scenario, profiles=profiles))
        plot_result(timeline.scenario, first, plot, timeline)
    if json_out:
        data: dict[str, Any] = (
            first.to_dict(with_trace=trace is not None)
            if repeat == 1
            else accord.summarize(results)
        )
        print_json(data)
        return
    console = Console()
    if repeat == 1:
        _render_result(console, first.to_dict())
    else:
        _render_summary(console, accord.summarize(results))
    if trace is not None:
        console.print(f"trace written to {trace}")
    if plot is not None:
        console.print(f"plot written to {plot}")


@contextmanager
def interrupted_trace(trace: Path | None) -> Iterator[None]:
    """Ctrl-C during a run streaming its trace: say what the file holds, exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        if trace is None:
            raise
        err_console.print(
            f"accord: interrupted; {trace} holds the trace up to the last complete event",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(130) from None


def _render_result(console: Console, data: dict[str, Any]) -> None:
    table = Table(
        title=f"{data['scenario']}: {data['reason']} after {data['rounds']} rounds",
        title_justify="left",
    )
    table.add_column("party", no_wrap=True)
    table.add_column("agent", no_wrap=True)
    table.add_column("utility", justify="right")
    for name, agent_id, u in zip(data["parties"], data["agents"], data["utilities"], strict=True):
        table.add_row(name, agent_id, "—" if u is None else f"{u:.4f}")
    console.print(table)
    if data["agreement"] is not None:
        console.print("agreement: " + ", ".join(f"{k}={v}" for k, v in data["agreement"].items()))


def _render_summary(console: Console, data: dict[str, Any]) -> None:
    console.print(
        f"{data['runs']} runs: agreement rate {data['agreement_rate']:.0%}, "
        f"mean rounds {data['mean_rounds']:.1f}, failures {data['failures']}"
    )
    table = Table(title="Mean utilities", title_justify="left")
    table.add_column("party", no_wrap=True)
    table.add_column("agent", no_wrap=True)
    table.add_column("mean utility", justify="right")
    for name, agent_id, u in zip(
        data["parties"], data["agents"], data["mean_utilities"], strict=True
    ):
        table.add_row(name, agent_id, "—" if u is None else f"{u:.4f}")
    console.print(table)


ROLE_TITLES = {"agent": "Agents", "mediator": "Mediators", "party": "Party strategies"}


@app.command("agents")
@guarded
def list_agents(
    strategy_id: Annotated[
        str | None, typer.Argument(help="Show one strategy: its parameters and documentation.")
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="Only one role: agent, mediator or party.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the registered agents, mediators and party strategies (or show one)."""
    if strategy_id is not None:
        entries = accord.strategy(strategy_id)
        if json_out:
            print_json([{**e.to_dict(), "doc": e.doc} for e in entries])
            return
        for entry in entries:
            _render_one(Console(), entry)
        return
    found = accord.strategies(role)
    if json_out:
        print_json([e.to_dict() for e in found])
        return
    console = Console()
    for r, title in ROLE_TITLES.items():
        rows = [e for e in found if e.role == r]
        if not rows:
            continue
        labels = [e.id + ("" if e.builtin else " (plug-in)") for e in rows]
        served = [", ".join(e.protocols) for e in rows]
        table = Table(title=title, title_justify="left")
        # identifiers are copied by users: never wrapped or cut; descriptions are shortened
        table.add_column("id", no_wrap=True, min_width=max(map(len, labels)))
        table.add_column("protocols", no_wrap=True, min_width=max(map(len, served)))
        table.add_column("description")
        room = console.width - max(map(len, labels)) - max(map(len, served)) - 10
        for label, protocols, e in zip(labels, served, rows, strict=True):
            table.add_row(label, protocols, _shorten(e.summary, room))
        console.print(table)


def _shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (at least a few words kept)."""
    width = max(width, 12)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _render_one(console: Console, entry: accord.StrategyInfo) -> None:
    origin = "built in" if entry.builtin else "plug-in"
    console.print(
        f"[bold]{entry.id}[/]: {entry.role_label} ({origin}) for {', '.join(entry.protocols)}",
        soft_wrap=True,
    )
    if entry.params:
        table = Table(title="Parameters", title_justify="left")
        table.add_column("name", no_wrap=True)
        table.add_column("type", no_wrap=True)
        table.add_column("default", no_wrap=True)
        for p in entry.params:
            table.add_row(p.name, p.type, "(required)" if p.required else repr(p.default))
        console.print(table)
    else:
        console.print("no parameters")
    example = ",".join(f"{p.name}={p.default}" for p in entry.params if not p.required)
    spec = entry.id + (f":{example}" if example else "")
    console.print(f"spec with every default: {spec}", markup=False, soft_wrap=True)
    for paragraph in entry.doc.split("\n\n"):
        console.print()
        console.print(" ".join(paragraph.split()), markup=False, highlight=False)
