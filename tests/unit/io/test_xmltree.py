"""The safe, line-aware XML reader: repairs, refusals and error locations."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.errors import ScenarioError
from accord.io.xmltree import parse_xml, read_xml


def parse(text: str | bytes, name: str = "f.xml"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_xml(data, name)


def test_elements_know_their_line_numbers():
    doc = parse('<a>\n  <b x="1"/>\n\n  <c>\n    <d/>\n  </c>\n</a>')
    root = doc.root
    assert root.line == 1
    assert [c.line for c in root.children] == [2, 4]
    assert root.find("c").find("d").line == 5
    assert [e.tag for e in root.iter()] == ["a", "b", "c", "d"]
    assert doc.warnings == ()


def test_text_before_declaration_is_repaired_with_its_line():
    doc = parse('<!-- profile 1 -->\n\n<?xml version="1.0"?>\n<a>\n<b/>\n</a>')
    assert doc.root.find("b").line == 5
    assert doc.warnings == ("f.xml:3: repaired: text before the <?xml?> declaration",)


def test_bare_ampersand_in_attribute_is_escaped():
    doc = parse('<a>\n<item value="Fish &amp; Chips"/>\n<item value="Salt & Pepper"/>\n</a>')
    values = [i.get("value") for i in doc.root.findall("item")]
    assert values == ["Fish & Chips", "Salt & Pepper"]
    assert len(doc.warnings) == 1
    assert doc.warnings[0].startswith("f.xml:3: repaired: unescaped '&'")


def test_cp1252_bytes_without_declared_encoding():
    doc = parse(b'<a>\n<item value="5\x80"/>\n</a>')
    assert doc.root.find("item").get("value") == "5€"
    assert doc.warnings[0].startswith("f.xml:2: repaired: non-UTF-8 byte 0x80")


def test_declared_latin1_is_honoured_without_warning():
    doc = parse('<?xml version="1.0" encoding="ISO-8859-1"?>\n<a v="caf\xe9"/>'.encode("latin-1"))
    assert doc.root.get("v") == "café"
    assert doc.warnings == ()


def test_declared_utf8_with_bad_bytes_is_an_error():
    with pytest.raises(ScenarioError, match=r"^f\.xml:2: file declares UTF-8"):
        parse(b'<?xml version="1.0" encoding="UTF-8"?>\n<a v="\x80"/>')


def test_missing_blank_between_attributes():
    doc = parse('<a>\n<issue type="discrete"vtype="discrete" name="x"/>\n</a>')
    assert doc.root.find("issue").attrs == {"type": "discrete", "vtype": "discrete", "name": "x"}
    assert doc.warnings == ("f.xml:2: repaired: no blank between attributes",)


def test_duplicate_attribute_keeps_the_first():
    doc = parse('<a>\n<issue name="x" type="integer" name="y"/>\n<b/></a>')
    assert doc.root.find("issue").attrs == {"name": "x", "type": "integer"}
    assert doc.root.find("b").line == 3
    assert doc.warnings == ("f.xml:2: repaired: duplicate attribute (kept the first)",)


@pytest.mark.parametrize(
    "text",
    [
        "<a>\n<item value=\"('Dell', \"19'' LCD\")\"/>\n</a>",
        '<a>\n<item value="19" screen" x="1"/>\n</a>',
    ],
)
def test_unescaped_quote_is_refused_with_line(text):
    with pytest.raises(ScenarioError, match=r"^f\.xml:2: unescaped quote"):
        parse(text)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<foo>&xxe;</foo>"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL])
def test_entity_documents_are_refused(text):
    with pytest.raises(ScenarioError, match=r"^f\.xml:2: DOCTYPE declaration refused"):
        parse(text)


@pytest.mark.parametrize(
    ("text", "line"),
    [("<a>\n<b>\n</a>", 3), ("1.0, 0.5\n0.9, 0.6\n", 1), ("", 1), ("<a/>\n<b/>", 2)],
)
def test_malformed_documents_raise_with_file_and_line(text, line):
    with pytest.raises(ScenarioError) as info:
        parse(text)
    assert info.value.file == "f.xml"
    assert info.value.line == line


def test_read_xml_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read file"):
        read_xml(tmp_path / "nope.xml")


@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise_anything_but_scenario_error(data):
    try:
        parse_xml(data, "x.xml")
    except ScenarioError as exc:
        assert exc.file == "x.xml"
