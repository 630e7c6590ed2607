"""Progress on stderr for long commands (repeated runs, the analysis of large spaces): shown
only on a terminal and never with ``--json`` (the output stays clean for scripts)."""

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


@contextmanager
def working(what: str, *, quiet: bool) -> Iterator[None]:
    """A spinner with ``what`` and the time spent, on stderr, while the block runs (nothing when
    ``quiet`` or when stderr is not a terminal)."""
    if quiet or not err_console.is_terminal:
        yield
        return
    with err_console.status(what, spinner="dots"):
        yield
