"""Commands about tournaments: ``tournament`` (run or resume one into a store) and ``export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from accord import ConfigError, StorageError, tournaments
from accord.cli.app import app, err_console, guarded, print_json
from accord.storage import EXPORT_FORMATS, Store, export


@app.command()
@guarded
def tournament(
    config: Annotated[
        Path | None,
        typer.Argument(help="The tournament file (YAML); omit it with --resume."),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="The result store (SQLite); default: NAME.db."),
    ] = None,
    executor: Annotated[
        str, typer.Option("--executor", help="serial, process or dask.")
    ] = "serial",
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Workers (process: default all cores; a local Dask cluster: default 2).",
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option("--address", help="A Dask scheduler, tcp://HOST:PORT (--executor dask)."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Continue the store's latest tournament (its stored configuration)."
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Run a tournament (or continue it: runs already in the store are skipped)."""
    if config is None:
        if not resume or store is None:
            raise ConfigError("give a tournament file, or --resume with --store")
        with Store(store) as db:
            cfg = tournaments.TournamentConfig.from_dict(db.tournament().config)
    else:
        cfg = tournaments.load_config(config)
    path = store if store is not None else Path(f"{cfg.name}.db")
    if quiet or json_out:
        summary = tournaments.run_tournament(
            cfg, path, executor=executor, workers=workers, address=address
        )
    else:
        with _bar() as bar:
            task = bar.add_task(cfg.name, total=None, failed=0)

            def show(p: tournaments.Progress) -> None:
                bar.update(task, total=p.total, completed=p.done, failed=p.failed)

            summary = tournaments.run_tournament(
                cfg, path, executor=executor, workers=workers, address=address, progress=show
            )
    if json_out:
        print_json(summary.to_dict())
        return
    rate = summary.ran / summary.seconds if summary.seconds > 0 else 0.0
    Console(highlight=False).print(
        f"{summary.name}: {summary.completed}/{summary.planned} runs stored in {summary.store} "
        f"({summary.failed} failed); ran {summary.ran} in {summary.seconds:.1f} s "
        f"({rate:,.0f} runs/s, {summary.executor}, {summary.workers} worker(s))"
    )


def _bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("failed {task.fields[failed]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )


@app.command("export")
@guarded
def export_runs(
    store: Annotated[Path, typer.Argument(help="The result store (SQLite).")],
    to: Annotated[str, typer.Option("--to", help="csv or parquet.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The file to write (default: STORE.csv).")
    ] = None,
    which: Annotated[
        str | None, typer.Option("--tournament", help="Tournament id or name (default: latest).")
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON.")
    ] = False,
) -> None:
    """Export a tournament's runs, one row per run."""
    if to not in EXPORT_FORMATS:
        raise StorageError(f"--to must be one of {', '.join(EXPORT_FORMATS)}")
    if not store.exists():
        raise StorageError(f"no such store: {store}")
    dst = output if output is not None else store.with_suffix(f".{to}")
    n = export(store, dst, to=to, tournament=which)
    if json_out:
        print_json({"written": str(dst), "runs": n, "format": to})
    else:
        Console(highlight=False).print(f"{n} runs written to {dst}")
