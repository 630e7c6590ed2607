"""The top-level entry points: find and load scenarios by path or packaged name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from accord.errors import ScenarioError
from accord.scenario import Scenario


def packaged_scenarios() -> dict[str, Path]:
    """Names and paths of the scenarios that ship with accord."""
    root = Path(str(resources.files("accord") / "scenarios"))
    return {p.stem: p for p in sorted(root.glob("*.yaml"))}


def load(path_or_name: str | Path, *, profiles: list[str] | None = None) -> Scenario:
    """Load a scenario from a file, a folder (format auto-detected) or a packaged name.

    ``profiles`` keeps only the named parties (profile file stems, or party names), in order.
    Raises :class:`~accord.errors.ScenarioError` (``file:line: reason``) on bad input.
    """
    from accord.io import load_path

    path = Path(path_or_name)
    if path.exists():
        return load_path(path, profiles=profiles)
    packaged = packaged_scenarios()
    name = str(path_or_name)
    if name in packaged:
        scenario = load_path(packaged[name])
        return scenario.with_parties(profiles) if profiles else scenario
    raise ScenarioError(
        f"no such file, folder or packaged scenario (packaged: {', '.join(packaged)})", name
    )
