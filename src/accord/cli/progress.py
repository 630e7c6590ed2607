"""A progress bar on stderr for commands that repeat runs: shown only on a terminal and never
with ``--json`` (the output stays clean for scripts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from accord.cli.app import err_console


@contextmanager
def run_progress(what: str, total: int, *, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a bar of ``total`` runs on stderr, or one
    that does nothing when ``quiet``, when there is one run, or when stderr is not a terminal."""
    if quiet or total <= 1 or not err_console.is_terminal:
        yield lambda done, total: None
        return
    bar = Progress(
        TextColumn(f"[bold]{what}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    with bar:
        task = bar.add_task(what, total=total)
        yield lambda done, total: bar.update(task, completed=done)
