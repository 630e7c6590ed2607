"""Read Adjusted Winner division files (pydantic only at this boundary).

A division file names two parties and, per item, the points each gives it (100 in total per
party)::

    name: business-partners          # optional
    description: Two partners part.  # optional
    parties: [Alice, Bob]
    items:
      client list: [40, 20]
      office lease: [5, 15]
      ...

Errors read ``file:line: reason``. Packaged divisions (``accord/scenarios/divisions/*.yaml``)
can be named by their file stem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from accord.errors import ScenarioError
from accord.io.yaml_schema import ScalarValue
from accord.io.yaml_text import line_of, parse_mapping, read_text, validation_error

__all__ = ["DivisionInput", "load_division", "packaged_divisions", "parse_division"]

Points = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class DivisionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="division", min_length=1)
    description: str = ""
    parties: list[Annotated[str, Field(min_length=1)]] = Field(min_length=2, max_length=2)
    items: dict[ScalarValue, tuple[Points, Points]] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class DivisionInput:
    """A validated division file: parties, ``{item: (points_1, points_2)}`` and where it came
    from (``source`` and the line of ``items``, for errors found by the arithmetic checks)."""

    name: str
    description: str
    parties: tuple[str, str]
    items: dict[str, tuple[float, float]]
    source: str | None = None
    items_line: int | None = None


def packaged_divisions() -> dict[str, Path]:
    """Names and paths of the division files that ship with accord."""
    root = Path(str(resources.files("accord") / "scenarios" / "divisions"))
    return {p.stem: p for p in sorted(root.glob("*.yaml"))}


def load_division(path_or_name: str | Path) -> DivisionInput:
    """Read a division file, or a packaged division by name."""
    path = Path(path_or_name)
    if not path.exists():
        packaged = packaged_divisions()
        if str(path_or_name) not in packaged:
            raise ScenarioError(
                f"no such file or packaged division (packaged: {', '.join(packaged)})",
                str(path_or_name),
            )
        path = packaged[str(path_or_name)]
    return loads_division(read_text(path), source=path)


def loads_division(text: str, source: str | Path = "<string>") -> DivisionInput:
    """Parse a division from YAML text (``source`` names it in error messages)."""
    data = parse_mapping(text, source, "a mapping with the keys 'parties' and 'items'")
    try:
        spec = DivisionSpec.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, text, source) from None
    return _input(spec, str(source), line_of(text, ("items",)))


def parse_division(data: Mapping[str, Any]) -> DivisionInput:
    """Validate a division given as a mapping of the file's shape."""
    try:
        spec = DivisionSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise validation_error(exc, None, None) from None
    return _input(spec, None, None)


def _input(spec: DivisionSpec, source: str | None, line: int | None) -> DivisionInput:
    items = {str(k): (float(a), float(b)) for k, (a, b) in spec.items.items()}
    if len(items) != len(spec.items):
        raise ScenarioError("item names must be unique", source, line)
    parties = (spec.parties[0], spec.parties[1])
    return DivisionInput(spec.name, spec.description, parties, items, source, line)
