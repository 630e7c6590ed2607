"""Repeated runs report progress: the API through a callback, the CLI as a bar on stderr on a
terminal only, never with --json."""

from __future__ import annotations

import io
import json

from rich.console import Console
from typer.testing import CliRunner

import accord
from accord.cli import progress
from accord.cli.main import app


def test_negotiate_and_mediate_call_progress_after_each_run():
    seen: list[tuple[int, int]] = []
    accord.negotiate("job-offer", repeat=3, rounds=50, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    seen.clear()
    accord.mediate("job-offer", repeat=2, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 2), (2, 2)]


def test_the_bar_is_drawn_on_a_terminal_and_not_with_json(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=out, force_terminal=True))
    with progress.run_progress("negotiations", 4, quiet=False) as tick:
        for k in range(4):
            tick(k + 1, 4)
    assert "negotiations" in out.getvalue()
    quiet = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=quiet, force_terminal=True))
    with progress.run_progress("negotiations", 4, quiet=True) as tick:
        tick(1, 4)
    assert quiet.getvalue() == ""


def test_json_output_of_repeated_runs_is_only_json():
    args = ["negotiate", "job-offer", "-a", "boulware", "-a", "conceder", "--repeat", "3"]
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["runs"] == 3


def test_the_analysis_spinner_is_shown_on_a_terminal_only(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=out, force_terminal=True))
    with progress.working("analysing x", quiet=False):
        pass
    assert "analysing x" in out.getvalue()
    silent = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=silent, force_terminal=False))
    with progress.working("analysing x", quiet=False):
        pass
    assert silent.getvalue() == ""
