"""What every YAML file accord reads shares: reading text, parsing a mapping, and errors that
name the file and the line of the offending node.

Hostile input is refused with a :class:`ScenarioError` instead of exhausting the machine:

* files larger than :data:`MAX_FILE_BYTES` are refused before they are read;
* text must be UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark;
* the node graph is composed first (aliases are shared nodes there, so composing is linear in
  the file) and the nodes that aliases would add when expanded are counted before anything is
  constructed: more than :data:`MAX_ALIAS_NODES` ("billion laughs") is refused, and so is an
  alias inside the node it refers to (a recursive structure);
* a key that appears twice in one mapping is an error on the line of its second occurrence
  (PyYAML would silently keep the last one). Keys brought in by a ``<<`` merge may still be
  overridden, as YAML intends.

Aliases are bounded rather than refused: NegMAS and hand-written YAML legitimately use anchors
and merge keys for shared value tables, and a bound costs one pass over the composed graph.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from accord.errors import ScenarioError

if TYPE_CHECKING:  # pydantic is imported only by the readers that validate with it
    from pydantic import ValidationError

#: Tags of discriminated unions, which pydantic puts in error paths; they are not YAML keys.
TAGS = ("linear-additive", "hyper-rectangles")

#: Scenario files larger than this are refused before they are read.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Most nodes that expanding all aliases of one document may add to it.
MAX_ALIAS_NODES = 1_000_000

_MERGE_TAG = "tag:yaml.org,2002:merge"
_ENCODING_ERROR = "not UTF-8 or UTF-16 text"


def read_text(path: Path, limit: int | None = None) -> str:
    """The text of a scenario file, or a :class:`ScenarioError` naming it.

    The file may be at most ``limit`` bytes long (default :data:`MAX_FILE_BYTES`; a whole
    number of MB) and is decoded by :func:`decode`.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        size = path.stat().st_size
        if size > limit:
            raise ScenarioError(_too_large(size, limit), path)
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # bounded even when stat lies (pipes, devices)
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror or exc}", path) from None
    if len(data) > limit:
        raise ScenarioError(_too_large(len(data), limit), path)
    return decode(data, path)


def _too_large(size: int, limit: int) -> str:
    return f"file too large ({size:,} bytes; the limit is {limit // 2**20} MB)"


def decode(data: bytes, source: str | Path | None = None) -> str:
    """Text of ``data``: UTF-8 with or without a byte-order mark, or UTF-16 with one.

    Anything else raises ``not UTF-8 or UTF-16 text`` naming ``source`` (and, for UTF-8, the
    line of the first bad byte). The byte-order mark is not part of the text.
    """
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ScenarioError(f"{_ENCODING_ERROR} (UTF-32 byte-order mark)", source, 1)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"{_ENCODING_ERROR} (bad UTF-16: {exc.reason})", source) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad = data[exc.start]
            line = data.count(b"\n", 0, exc.start) + 1
            raise ScenarioError(
                f"{_ENCODING_ERROR} (byte 0x{bad:02X} is not UTF-8)", source, line
            ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ScenarioError(
            f"{_ENCODING_ERROR} (NUL character; UTF-16 needs a byte-order mark)", source, line
        )
    return text


def parse_yaml(text: str, source: str | Path) -> Any:
    """Parse one YAML document (``None`` when empty) with the limits of this module."""
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            _check_graph(node, loader, source)  # constructs the keys of mappings
            return loader.construct_document(node)
        except (ValueError, OverflowError) as exc:  # a date 2020-02-30, a 5,000-digit integer
            raise _value_error(exc, node, source) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(f"invalid YAML: {exc.problem or exc.context}", source, line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"invalid YAML: {exc}", source) from None
    except RecursionError:
        raise ScenarioError("invalid YAML: nested too deeply", source) from None
    finally:
        loader.dispose()


def _value_error(
    exc: ArithmeticError | ValueError, root: yaml.Node, source: str | Path
) -> ScenarioError:
    """The error for a scalar that resolves to a type but cannot be built (``exc``), on the
    line of the first such scalar."""
    constructor = yaml.constructor.SafeConstructor()
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except (ValueError, OverflowError) as bad:
                value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
                reason = (
                    f"a number is too long to read ({len(node.value):,} characters)"
                    if "digits" in str(bad)
                    else f"cannot read {value!r}: {bad}"
                )
                return ScenarioError(reason, source, node.start_mark.line + 1)
        else:
            todo += reversed([child for child, _ in _children(node)])
    return ScenarioError(f"invalid value: {exc}", source)


def parse_mapping(text: str, source: str | Path, expected: str) -> dict[str, Any]:
    """Parse YAML text whose top level must be a mapping (``expected`` describes it)."""
    data = parse_yaml(text, source)
    if not isinstance(data, dict):
        raise ScenarioError(f"expected {expected}", source, 1)
    return data


def _children(node: yaml.Node) -> list[tuple[yaml.Node, int]]:
    """Child nodes of a collection, each with the 1-based line that holds the reference."""
    if isinstance(node, yaml.SequenceNode):
        line = node.start_mark.line + 1
        return [(child, line) for child in node.value]
    if isinstance(node, yaml.MappingNode):
        out: list[tuple[yaml.Node, int]] = []
        for key, value in node.value:
            line = key.start_mark.line + 1
            out += [(key, line), (value, line)]
        return out
    return []


def _check_graph(root: yaml.Node, loader: yaml.CSafeLoader, source: str | Path) -> None:
    """Refuse alias bombs, recursive aliases and duplicate keys, before constructing.

    Walks the composed graph once, depth first and without recursion. ``size`` is the number
    of nodes a fully expanded node has; reaching a finished node again means an alias to it,
    which adds its whole size to ``added``.
    """
    size: dict[int, int] = {}
    active: set[int] = set()
    added = 0
    # Each frame: node, its children, index of the next child, running size.
    stack: list[tuple[yaml.Node, list[tuple[yaml.Node, int]], list[int]]] = []

    def enter(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            _check_keys(node, loader, source)
        active.add(id(node))
        stack.append((node, _children(node), [0, 1]))

    enter(root)
    while stack:
        node, children, state = stack[-1]
        if state[0] == len(children):
            stack.pop()
            active.discard(id(node))
            size[id(node)] = state[1]
            if stack:
                stack[-1][2][1] += state[1]
            continue
        child, line = children[state[0]]
        state[0] += 1
        key = id(child)
        if key in active:
            raise ScenarioError("YAML alias refers to a node that contains it", source, line)
        if key in size:  # seen before: this reference is an alias
            added += size[key]
            if added > MAX_ALIAS_NODES:
                raise ScenarioError(
                    f"YAML aliases would expand to more than {MAX_ALIAS_NODES:,} nodes",
                    source,
                    line,
                )
            state[1] += size[key]
        elif isinstance(child, yaml.ScalarNode):
            size[key] = 1
            state[1] += 1
        else:
            enter(child)


def _check_keys(node: yaml.MappingNode, loader: yaml.CSafeLoader, source: str | Path) -> None:
    """Refuse a scalar key that occurs twice in ``node`` (``<<`` merges are not checked)."""
    first: dict[Any, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
            continue
        key = loader.construct_object(key_node)
        try:
            hash(key)
        except TypeError:
            continue  # refused as an unhashable key when constructing
        line = key_node.start_mark.line + 1
        if key in first:
            raise ScenarioError(
                f"duplicate key {key_node.value!r} (first on line {first[key]})", source, line
            )
        first[key] = line


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
