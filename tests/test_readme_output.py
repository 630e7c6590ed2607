"""The README shows real output: each console block that shows what an ``accord`` command prints
is checked against what the command prints now (timings aside; a line starting with ``…``
stands for the lines the README leaves out)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.main import app

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```console\n(.*?)^```", re.M | re.S)
TIMINGS = re.compile(r"\d+(\.\d+)? ms")


def shown() -> list[tuple[str, list[str]]]:
    """(command, the output lines shown under it) for blocks with one command and its output."""
    out = []
    for m in FENCE.finditer(README.read_text(encoding="utf-8")):
        lines = m.group(1).rstrip("\n").split("\n")
        if lines[0].startswith("$ accord ") and len(lines) > 1 and not lines[1].startswith("$"):
            out.append((lines[0][len("$ accord ") :], lines[1:]))
    return out


def normal(line: str) -> str:
    return TIMINGS.sub("… ms", line.rstrip()) if line.startswith("timings:") else line.rstrip()


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` with each ``…`` line standing for any lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.startswith("…"):
        return any(matches(rest, actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and normal(actual[0]) == normal(head) and matches(rest, actual[1:])


@pytest.mark.parametrize(("command", "expected"), shown(), ids=[c for c, _ in shown()])
def test_the_readme_shows_what_the_command_prints(command, expected, monkeypatch):
    assert expected, "a block without output is not checked here"
    width = max(len(line) for line in expected)
    monkeypatch.setenv("COLUMNS", str(width))
    result = CliRunner().invoke(app, shlex.split(command), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    actual = result.stdout.rstrip("\n").split("\n")
    assert matches(expected, actual), "\n".join(actual)


def test_the_checks_can_fail():
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert not matches(["a", "…", "d"], ["a", "b", "c", "e"])
    assert not matches(["a", "b"], ["a", "c"])
    assert len(shown()) >= 2  # the mediation and the analysis blocks
