"""The package layout keeps its promises: data flows one way (analysis never reads files), the
CLI is thin (it calls the public API and the reports), and no module name is used twice."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import accord

SRC = Path(accord.__file__).parent
#: Packages the CLI must not import: it goes through ``accord`` and renders with the reports.
CLI_FORBIDDEN = ("accord.mechanisms", "accord.agents", "accord.analysis", "accord.io")


def accord_imports(path: Path) -> set[str]:
    """Every ``accord...`` module that ``path`` imports (at any depth, lazily or not)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
    return {m for m in out if m == "accord" or m.startswith("accord.")}


def test_analysis_never_imports_io():
    for path in (SRC / "analysis").rglob("*.py"):
        assert "accord.io" not in path.read_text(encoding="utf-8"), path.name
        assert not {m for m in accord_imports(path) if m.startswith("accord.io")}, path.name


def test_cli_modules_use_only_the_public_api_and_the_reports():
    modules = sorted((SRC / "cli").glob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        imported = accord_imports(path)
        allowed = {
            m
            for m in imported
            if m in ("accord", "accord.cli", "accord.tournaments", "accord.storage")
            or m.startswith("accord.web")
            or m.startswith(("accord.cli.", "accord.reports"))
        }
        assert imported == allowed, f"cli/{path.name} imports {sorted(imported - allowed)}"
        text = path.read_text(encoding="utf-8")
        assert not any(f"{p}" in text for p in CLI_FORBIDDEN), path.name


def test_no_module_name_in_two_packages():
    where = defaultdict(list)
    for path in SRC.rglob("*.py"):
        if path.name != "__init__.py":
            where[path.name].append(str(path.parent.relative_to(SRC)))
    twice = {name: dirs for name, dirs in where.items() if len(dirs) > 1}
    assert not twice, twice
