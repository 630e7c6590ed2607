"""A small, safe XML reader that remembers line numbers.

Built on :mod:`xml.parsers.expat`. It returns a tree of :class:`Element` objects, each knowing
the line where it starts, so that every later error can point at ``file:line``.

Safety: documents with a DOCTYPE, entity declarations or external entity references are
refused (no entity expansion at all), so billion-laughs and external-entity attacks cannot run.

Leniency: scenario files in the wild break the XML rules in a few recurring ways. Each repair
below is applied only after a strict parse failed at that spot, and recorded as a warning
``"file:line: repaired: ..."``:

* text or a comment before the ``<?xml?>`` declaration (the misplaced declaration is dropped),
* a bare ``&`` (not starting an entity reference) — escaped as ``&amp;``,
* bytes that are not UTF-8 when no encoding is declared — read as cp1252,
* no blank between two attributes (``type="discrete"vtype="discrete"``) — a blank is inserted,
* a repeated attribute — the first occurrence is kept.

Anything whose meaning is ambiguous (e.g. an unescaped ``"`` inside an attribute value) raises
:class:`~accord.errors.ScenarioError` naming the file and line.
"""

from __future__ import annotations

import re
import xml.parsers.expat as expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from accord.errors import ScenarioError

#: How many separate repairs one document may need before we give up.
MAX_REPAIRS = 200

_DECL = re.compile(rb"<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BARE_AMP = re.compile(rb"&(?!(?:[A-Za-z_:][\w.:-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
_ATTR = re.compile(rb"""([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")
_ATTR_START = re.compile(rb"[A-Za-z_:][\w.:-]*\s*=")
_QUOTE_MSG = "unescaped quote inside an attribute value (ambiguous; cannot repair)"


@dataclass(slots=True, eq=False)
class Element:
    """One XML element: tag, attributes, children, text and the line where it starts.

    Built incrementally by the parser, hence mutable; treat it as read-only afterwards.
    """

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def find(self, tag: str) -> Element | None:
        """The first child with this tag, or ``None``."""
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag: str) -> list[Element]:
        """All children with this tag, in document order."""
        return [c for c in self.children if c.tag == tag]

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        """This element and all its descendants (pre-order), optionally filtered by tag."""
        stack = [self]
        while stack:
            el = stack.pop()
            if tag is None or el.tag == tag:
                yield el
            stack.extend(reversed(el.children))


@dataclass(frozen=True, slots=True)
class XmlDocument:
    """A parsed document: its root element and the repairs that were needed."""

    root: Element
    file: str
    warnings: tuple[str, ...] = ()


class _Refused(Exception):
    """Raised from expat handlers to abort on unsafe constructs."""

    def __init__(self, reason: str, line: int):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def read_xml(path: str | Path) -> XmlDocument:
    """Read and parse an XML file (see the module docstring for repairs and safety)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read file: {exc.strerror or exc}", p) from None
    return parse_xml(data, str(p))


def parse_xml(data: bytes, file: str = "<string>") -> XmlDocument:
    """Parse ``data``; ``file`` names the source in warnings and errors."""
    warnings: list[str] = []
    buf = bytearray(_to_utf8(data, file, warnings))
    for _ in range(MAX_REPAIRS):
        try:
            root = _parse_once(bytes(buf), file)
        except _Refused as exc:
            raise ScenarioError(exc.reason, file, exc.line) from None
        except expat.ExpatError as exc:
            _repair(buf, exc, file, warnings)
            continue
        return XmlDocument(root, file, tuple(warnings))
    raise ScenarioError(f"too many XML defects (more than {MAX_REPAIRS})", file)


# --------------------------------------------------------------------------- decoding
def _line_of(data: bytes | bytearray, index: int) -> int:
    return data.count(b"\n", 0, max(0, index)) + 1


def _to_utf8(data: bytes, file: str, warnings: list[str]) -> bytes:
    """The document as UTF-8 bytes (BOM removed), honouring a declared encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_declared(data, "utf-16", file).encode("utf-8")
    m = _ENCODING.search(data[:400])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared and declared.replace("_", "-") not in ("utf-8", "utf8"):
        return _decode_declared(data, declared, file).encode("utf-8")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if declared:
            raise ScenarioError(
                f"file declares UTF-8 but byte 0x{data[exc.start]:02x} is not UTF-8",
                file,
                _line_of(data, exc.start),
            ) from None
        warnings.append(
            f"{file}:{_line_of(data, exc.start)}: repaired: non-UTF-8 byte "
            f"0x{data[exc.start]:02x} and no encoding declared; read as cp1252"
        )
        return data.decode("cp1252", errors="replace").encode("utf-8")
    return data


def _decode_declared(data: bytes, encoding: str, file: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise ScenarioError(f"unknown encoding {encoding!r}", file, 1) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"byte 0x{data[exc.start]:02x} is not valid {encoding}", file, _line_of(data, exc.start)
        ) from None


# --------------------------------------------------------------------------- parsing
def _parse_once(data: bytes, file: str) -> Element:
    parser = expat.ParserCreate(encoding="utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    roots: list[Element] = []
    texts: list[list[str]] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        el = Element(tag, attrs, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(el)
        else:
            roots.append(el)
        stack.append(el)
        texts.append([])

    def end(tag: str) -> None:
        el = stack.pop()
        el.text = "".join(texts.pop()).strip()

    def chars(text: str) -> None:
        if texts:
            texts[-1].append(text)

    def refuse(what: str) -> None:
        raise _Refused(
            f"{what} refused (DTDs and entities are not allowed)", parser.CurrentLineNumber
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = lambda *a: refuse("DOCTYPE declaration")
    parser.EntityDeclHandler = lambda *a: refuse("entity declaration")
    parser.UnparsedEntityDeclHandler = lambda *a: refuse("entity declaration")
    parser.ExternalEntityRefHandler = lambda *a: refuse("external entity reference")  # type: ignore[assignment]
    parser.Parse(data, True)
    if not roots:
        raise _Refused("no XML element found", 1)
    return roots[0]


def _repair(buf: bytearray, exc: expat.ExpatError, file: str, warnings: list[str]) -> None:
    """Fix the defect that made expat fail, or raise ScenarioError."""
    code = exc.code
    line = exc.lineno
    pos = _byte_index(buf, exc)
    codes = expat.errors.codes
    decl = _DECL.match(buf, pos)
    if code == codes[expat.errors.XML_ERROR_MISPLACED_XML_PI] and decl is not None:
        _blank(buf, pos, decl.end())
        warnings.append(f"{file}:{line}: repaired: text before the <?xml?> declaration")
        return
    if code == codes[expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE]:
        _drop_duplicate_attribute(buf, pos, file, line)
        warnings.append(f"{file}:{line}: repaired: duplicate attribute (kept the first)")
        return
    if code == codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
        if pos > 0 and buf[pos - 1 : pos] == b"&" and _BARE_AMP.match(buf, pos - 1):
            count = len(_BARE_AMP.findall(buf))
            buf[:] = _BARE_AMP.sub(b"&amp;", bytes(buf))
            warnings.append(
                f"{file}:{line}: repaired: unescaped '&' ({count} in the file) read as '&amp;'"
            )
            return
        after_quote = pos > 0 and buf[pos - 1 : pos] in (b'"', b"'")
        if after_quote and _inside_tag(buf, pos):
            if _ATTR_START.match(buf, pos):
                buf[pos:pos] = b" "
                warnings.append(f"{file}:{line}: repaired: no blank between attributes")
                return
            raise ScenarioError(_QUOTE_MSG, file, line)
        if buf[pos : pos + 1] in (b'"', b"'") and _inside_tag(buf, pos):
            raise ScenarioError(_QUOTE_MSG, file, line)
    raise ScenarioError(f"not well-formed XML: {expat.ErrorString(code)}", file, line) from None


def _byte_index(buf: bytearray, exc: expat.ExpatError) -> int:
    """Byte offset of the error (expat reports line and column in bytes)."""
    start = 0
    for _ in range(exc.lineno - 1):
        nl = buf.find(b"\n", start)
        if nl < 0:
            break
        start = nl + 1
    return start + exc.offset


def _inside_tag(buf: bytearray, pos: int) -> bool:
    return buf.rfind(b"<", 0, pos) > buf.rfind(b">", 0, pos)


def _blank(buf: bytearray, start: int, end: int) -> None:
    """Overwrite ``buf[start:end]`` with blanks, keeping newlines (so line numbers hold)."""
    buf[start:end] = bytes(b if b == 0x0A else 0x20 for b in buf[start:end])


def _drop_duplicate_attribute(buf: bytearray, pos: int, file: str, line: int) -> None:
    start = buf.rfind(b"<", 0, pos + 1)
    end = buf.find(b">", pos)
    if start < 0 or end < 0:
        raise ScenarioError("duplicate attribute in a broken tag", file, line)
    seen: set[bytes] = set()
    for m in list(_ATTR.finditer(bytes(buf[start:end]))):
        if m.group(1) in seen:
            _blank(buf, start + m.start(), start + m.end())
        else:
            seen.add(m.group(1))
