"""Every snippet in the README and docs/ runs: python blocks are executed, accord YAML blocks
are loaded, and console blocks' ``$ accord ...`` commands run with exit code 0."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.main import app
from accord.io.yaml_format import loads_yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.M | re.S)


def blocks(kind: str) -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        for i, m in enumerate(FENCE.finditer(doc.read_text(encoding="utf-8"))):
            if m.group(1) == kind:
                out.append((f"{doc.name}#{i}", m.group(2)))
    return out


@pytest.fixture
def clean_registries():
    """Strategies a snippet registers are removed afterwards (snippets may run again)."""
    from accord.registry import REGISTRIES

    before = {role: set(r.all()) for role, r in REGISTRIES.items()}
    yield
    for role, registry in REGISTRIES.items():
        for added in set(registry.all()) - before[role]:
            registry.remove(added)


@pytest.mark.parametrize(("where", "code"), blocks("python"))
def test_python_snippets_run(where, code, tmp_path, monkeypatch, clean_registries):
    monkeypatch.chdir(tmp_path)
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


@pytest.mark.parametrize(
    ("where", "text"), [b for b in blocks("yaml") if b[1].lstrip().startswith("accord:")]
)
def test_yaml_snippets_load(where, text):
    scenario = loads_yaml(text, source=where)
    assert scenario.parties


def console_commands() -> list[tuple[str, str]]:
    out = []
    for where, text in blocks("console"):
        for line in text.splitlines():
            if line.startswith("$ accord "):
                out.append((where, line[len("$ accord ") :]))
    return out


@pytest.mark.parametrize(("where", "command"), console_commands())
def test_console_commands_succeed(where, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, shlex.split(command, comments=True))
    assert result.exit_code == 0, f"{where}: accord {command}\n{result.output}"
