"""Commands about negotiating: ``negotiate`` and ``agents``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from accord.cli.app import ScenarioArg, app, guarded, print_json


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
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="Draw the offers to a PNG.")] = None,
    trace: Annotated[
        Path | None, typer.Option("--trace", help="Write the trace as JSON Lines.")
    ] = None,
) -> None:
    """Run an alternating-offers negotiation between registered agents."""
    import accord
    from accord.mechanisms.result import summarize

    sc = accord.load(scenario).discretized(11)
    results = [
        accord.negotiate(sc, agent, rounds=rounds, seconds=time_limit, seed=seed + k)
        for k in range(repeat)
    ]
    first = results[0]
    if trace is not None:
        first.trace.write(trace)
    if plot is not None:
        from accord.plots import plot_negotiation

        plot_negotiation(sc, first, plot)
    if json_out:
        data: dict[str, Any] = (
            first.to_dict(with_trace=trace is not None) if repeat == 1 else summarize(results)
        )
        print_json(data)
        return
    console = Console()
    if repeat == 1:
        _render_result(console, first.to_dict())
    else:
        _render_summary(console, summarize(results))
    if trace is not None:
        console.print(f"trace written to {trace}")
    if plot is not None:
        console.print(f"plot written to {plot}")


def _render_result(console: Console, data: dict[str, Any]) -> None:
    table = Table(
        title=f"{data['scenario']}: {data['reason']} after {data['rounds']} rounds",
        title_justify="left",
    )
    table.add_column("party")
    table.add_column("agent")
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
    table.add_column("party")
    table.add_column("agent")
    table.add_column("mean utility", justify="right")
    for name, agent_id, u in zip(
        data["parties"], data["agents"], data["mean_utilities"], strict=True
    ):
        table.add_row(name, agent_id, "—" if u is None else f"{u:.4f}")
    console.print(table)


@app.command("agents")
@guarded
def list_agents(
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the registered agents with one-line descriptions."""
    from accord.agents import agents

    rows: list[dict[str, Any]] = [
        {"id": i.id, "summary": i.summary, "builtin": i.builtin} for i in agents().values()
    ]
    if json_out:
        print_json(rows)
        return
    table = Table(title="Agents", title_justify="left")
    table.add_column("id")
    table.add_column("description")
    for r in rows:
        table.add_row(str(r["id"]) + ("" if r["builtin"] else " (plug-in)"), str(r["summary"]))
    Console().print(table)
