"""The ``report`` command: what a result store says about a tournament's strategies."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from accord.cli.app import app, guarded, print_json
from accord.reports import (
    Board,
    Estimate,
    TournamentReport,
    tournament_report,
    write_tournament_html,
)

#: Strategies up to which the pairwise table is printed (beyond: --json or --html).
MAX_PAIRWISE = 8


@app.command()
@guarded
def report(
    store: Annotated[Path, typer.Argument(help="The result store (SQLite).")],
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write the report as one self-contained HTML file."),
    ] = None,
    which: Annotated[
        str | None, typer.Option("--tournament", help="Tournament id or name (default: latest).")
    ] = None,
    resamples: Annotated[
        int, typer.Option("--resamples", min=1, help="Bootstrap resamples per interval.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="The bootstrap's seed.")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Report a tournament: leaderboards with 95 % bootstrap intervals, scenarios, pairwise."""
    result = tournament_report(store, which, resamples=resamples, seed=seed)
    if html is not None:
        write_tournament_html(result, html)
    if json_out:
        print_json(result.to_dict())
        return
    console = Console(highlight=False)
    _render(console, result)
    if html is not None:
        console.print(Text(f"HTML report written to {html}"))


def _ci(e: Estimate, percent: bool = False) -> tuple[str, str]:
    """The mean and its interval, as two cells."""
    if e.mean is None or e.low is None or e.high is None:
        return "—", ""
    if percent:
        return f"{e.mean:.1%}", f"{100 * e.low:.1f}–{e.high:.1%}"
    return f"{e.mean:.3f}", f"{e.low:.3f}–{e.high:.3f}"


def _mean(e: Estimate) -> str:
    return "—" if e.mean is None else f"{e.mean:.3f}"


def _table(title: str, columns: list[str], names: Sequence[str] = ()) -> Table:
    """A table whose first column (of ``names``) keeps each name whole on one line."""
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    widest = max((len(n) for n in names), default=0)
    table.add_column(columns[0], overflow="fold", min_width=min(widest, 32))
    for name in columns[1:]:
        table.add_column(name, justify="right", no_wrap=True)
    return table


def _leaderboard(board: Board) -> list[Table]:
    """The leaderboard (failures and errors when there are any), then the outcomes' quality."""
    rows = board.leaderboard
    counts = [name for name in ("failures", "errors") if any(getattr(r, name) for r in rows)]
    heads = [{"failures": "fail.", "errors": "err."}[name] for name in counts]
    names = [r.strategy for r in rows]
    main = _table(
        f"{board.role.capitalize()} leaderboard",
        ["strategy", "runs", "utility", "95 % CI", "agreed", "95 % CI", *heads],
        names,
    )
    quality = _table(
        f"{board.role.capitalize()} outcomes (means)",
        ["strategy", "advantage", "welfare", "Pareto dist.", "Nash dist."],
        names,
    )
    for r in rows:
        extra = [f"{getattr(r, name):,}" for name in counts]
        main.add_row(
            Text(r.strategy), f"{r.runs:,}", *_ci(r.utility), *_ci(r.agreement, True), *extra
        )
        quality.add_row(
            Text(r.strategy),
            *(_mean(e) for e in (r.advantage, r.welfare, r.pareto_distance, r.nash_distance)),
        )
    return [main, quality]


def _pairwise(board: Board) -> Table | None:
    """The pairwise table, its columns numbered as its rows."""
    pair = board.pairwise
    if pair is None or not pair.strategies or len(pair.strategies) > MAX_PAIRWISE:
        return None
    names = [f"{i}. {name}" for i, name in enumerate(pair.strategies, 1)]
    title = f"Pairwise: mean utility of the row {board.role} facing the column one"
    table = _table(title, ["", *map(str, range(1, len(names) + 1))], names)
    for name, row in zip(names, pair.utility, strict=True):
        table.add_row(Text(name), *("—" if u is None else f"{u:.3f}" for u in row))
    return table


def _render(console: Console, result: TournamentReport) -> None:
    t = result.tournament
    status = f"{result.completed:,}/{result.planned:,} runs stored"
    if result.completed < result.planned:
        status += " (incomplete)"
    status += f", {result.failed:,} failed ({result.errors:,} as a whole)"
    console.print(Text(f"Tournament {t.name} (id {t.id}) in {result.store}: {status}"))
    for board in result.boards:
        for table in _leaderboard(board):
            console.print(table)
        pairwise = _pairwise(board)
        if pairwise is not None:
            console.print(pairwise)
        elif board.pairwise is not None and board.pairwise.strategies:
            console.print("pairwise table: see --json or --html")
    columns = ["scenario", "runs", "failed", "errors", "agreement"]
    scenarios = _table("Scenarios", columns, [s.scenario for s in result.scenarios])
    for s in result.scenarios:
        agreement = "—" if s.agreement is None else f"{s.agreement:.1%}"
        scenarios.add_row(
            Text(s.scenario), f"{s.runs:,}", f"{s.failed:,}", f"{s.errors:,}", agreement
        )
    console.print(scenarios)
    used = ", ".join(f"{k} {v}" for k, v in result.methods.items()) or "none"
    console.print(
        Text(
            f"Intervals: {result.confidence:.0%} percentile bootstrap, {result.resamples} "
            f"resamples, seed {result.seed}; estimates by method: {used} (see ci_method in --json)."
        )
    )
