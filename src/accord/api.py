"""The top-level entry points: find and load scenarios by path or packaged name, convert them,
list the packaged ones, divide items fairly, negotiate and mediate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.errors import ScenarioError
from accord.scenario import Scenario

if TYPE_CHECKING:
    from accord.analysis.fair_division import Division
    from accord.io import SaveResult

#: The formats :func:`convert` writes.
FORMATS = ("yaml", "genius", "geniusweb")


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


def convert(
    src: Scenario | str | Path,
    dst: str | Path,
    *,
    to: str = "yaml",
    parties: Sequence[str] | None = None,
    lossy: bool = False,
    force: bool = False,
    geniusweb_dialect: str = "2",
) -> SaveResult:
    """Write a scenario (or ``src`` loaded: a file, a folder or a packaged name) to ``dst`` as
    ``to``: ``yaml`` (a file, or ``<folder>/<name>.yaml``), ``genius`` or ``geniusweb`` (a
    folder, created if missing; its parent folder must exist).

    Lossless or loud: when the target format cannot hold part of the scenario (a reservation
    value, a discount factor, a real issue, a value function, the timeline…), this raises
    :class:`~accord.errors.ScenarioError` naming each loss, unless ``lossy`` (then the result's
    ``losses`` list them); it refuses to overwrite an existing file unless ``force``. Nothing is
    written when it raises. ``parties`` keeps only the named parties, in order (as
    :func:`load`). ``geniusweb_dialect``: ``2`` (current) or ``1`` (the ``discreteutils``
    spelling older GeniusWeb readers expect).
    """
    from accord.io import save

    if to not in FORMATS:
        raise ScenarioError(f"unknown format {to!r}: use yaml, genius or geniusweb")
    names = list(parties) if parties else None
    if isinstance(src, Scenario):
        scenario = src.with_parties(names) if names else src
    else:
        scenario = load(src, profiles=names)
    return save(
        scenario,
        dst,
        to,
        lossy=lossy,
        force=force,
        parents=False,
        geniusweb_dialect=geniusweb_dialect,
    )


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    """One packaged scenario as ``accord scenarios`` lists it. ``outcomes`` is ``None`` for a
    continuous space; ``description`` is the first sentence of the scenario's description."""

    name: str
    parties: tuple[str, ...]
    issues: int
    outcomes: int | None
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "parties": list(self.parties),
            "issues": self.issues,
            "outcomes": self.outcomes,
            "description": self.description,
        }


def _first_sentence(text: str) -> str:
    """The first sentence of ``text`` on one line, ending with a full stop."""
    return " ".join(text.split()).split(". ")[0].rstrip(".") + "."


def list_scenarios() -> tuple[ScenarioInfo, ...]:
    """The scenarios that ship with accord, by name (each is loaded to count its outcomes)."""
    out = []
    for name, path in packaged_scenarios().items():
        sc = load(path)
        out.append(
            ScenarioInfo(
                name=name,
                parties=sc.party_names,
                issues=len(sc.space.issues),
                outcomes=sc.space.size,
                description=_first_sentence(sc.description),
            )
        )
    return tuple(out)


def divide(division: str | Path | Mapping[str, Any]) -> Division:
    """Adjusted Winner division of a YAML file, a packaged division's name, or a mapping.

    The mapping has the file's shape: ``{"parties": [A, B], "items": {item: [pA, pB]}}``
    (optionally ``name`` and ``description``). Raises
    :class:`~accord.errors.ScenarioError` (``file:line: reason``) on bad input.
    """
    from accord.analysis.fair_division import divide as adjusted_winner_division
    from accord.io.division_yaml import load_division, parse_division

    spec = parse_division(division) if isinstance(division, Mapping) else load_division(division)
    return adjusted_winner_division(spec)
