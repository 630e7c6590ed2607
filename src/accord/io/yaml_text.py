"""What every YAML file accord reads shares: reading text, parsing a mapping, and errors that
name the file and the line of the offending node."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from accord.errors import ScenarioError

#: Tags of discriminated unions, which pydantic puts in error paths; they are not YAML keys.
TAGS = ("linear-additive", "hyper-rectangles")


def read_text(path: Path) -> str:
    """The UTF-8 text of a file, or a :class:`ScenarioError` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"not UTF-8 text ({exc.reason})", path) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror}", path) from None


def parse_mapping(text: str, source: str | Path, expected: str) -> dict[str, Any]:
    """Parse YAML text whose top level must be a mapping (``expected`` describes it)."""
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise ScenarioError(f"invalid YAML: {exc.problem}", source, line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"invalid YAML: {exc}", source) from None
    if not isinstance(data, dict):
        raise ScenarioError(f"expected {expected}", source, 1)
    return data


def validation_error(
    exc: ValidationError, text: str | None, source: str | Path | None
) -> ScenarioError:
    """The first pydantic error as ``file:line: path → key: message``."""
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    line = line_of(text, loc) if text is not None else None
    return ScenarioError(f"{loc_text(loc)}: {msg}", source, line)


def loc_text(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int) and parts:
            parts[-1] += f"[{item}]"
        elif item in TAGS:
            continue
        else:
            parts.append(str(item))
    return " → ".join(parts) or "document"


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``loc`` (deepest node found along the path)."""
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in loc:
        if key in TAGS:
            continue
        child = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if str(k.value) == str(key):
                    child = v
                    line = k.start_mark.line + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(key, int)
            and 0 <= key < len(node.value)
        ):
            child = node.value[key]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
