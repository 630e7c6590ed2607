"""Hostile YAML (issue 9): alias bombs, duplicate keys, huge files and foreign encodings are
refused with one ``file:line: reason`` instead of exhausting the machine or guessing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.unit.io.texts import ACCORD
from typer.testing import CliRunner

from accord.cli.main import app
from accord.errors import ScenarioError
from accord.io import yaml_text
from accord.io.detect import is_accord_yaml, load_path
from accord.io.division_yaml import loads_division
from accord.io.negmas_yaml import read_negmas_space
from accord.io.yaml_format import load_yaml, loads_yaml
from accord.io.yaml_text import MAX_ALIAS_NODES, decode, parse_mapping, parse_yaml

NEGMAS_SPACE = """\
type: DiscreteCartesianOutcomeSpace
name: Order
issues:
- type: CategoricalIssue
  name: colour
  values: [red, blue]
"""


def bomb(levels: int = 10, width: int = 10, first_line: str = "") -> str:
    """A "billion laughs" document: ``width ** levels`` leaves from about 1 KB of text."""
    lines = [first_line] if first_line else []
    lines.append("l0: &l0 [" + ", ".join(["lol"] * width) + "]")
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- alias bombs
def test_bomb_is_refused_fast_naming_the_alias_line():
    text = bomb()
    assert len(text) < 1500
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError, match="aliases would expand to more than") as info:
        parse_yaml(text, "bomb.yaml")
    assert time.perf_counter() - t0 < 1.0
    # l4 expands to 111,111 nodes, so the ten aliases of l5 (line 6) pass a million
    assert info.value.file == "bomb.yaml" and info.value.line == 6
    assert f"{MAX_ALIAS_NODES:,}" in str(info.value)


_MEASURE = """
import json, resource, sys, time
from accord.io.yaml_text import parse_yaml
from accord.errors import ScenarioError
text = sys.stdin.read()
parse_yaml("a: 1", "warm-up")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
try:
    parse_yaml(text, "bomb.yaml")
    outcome = "loaded"
except ScenarioError as exc:
    outcome = str(exc)
seconds = time.perf_counter() - t0
grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"outcome": outcome, "seconds": seconds, "grown_kb": grown_kb}))
"""


def test_bomb_refusal_is_time_and_memory_bounded_in_a_fresh_process():
    pytest.importorskip("resource")
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE],
        input=bomb(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    got = json.loads(done.stdout)
    assert "aliases would expand" in got["outcome"]
    assert got["seconds"] < 1.0
    assert got["grown_kb"] < 20_000  # peak RSS grows by less than 20 MB (limit asked: 200 MB)


def test_bomb_in_accord_and_negmas_files_is_refused_by_the_loaders(tmp_path):
    accord = tmp_path / "a" / "bomb.yaml"
    accord.parent.mkdir()
    accord.write_text(ACCORD + bomb(), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bomb\.yaml:\d+: YAML aliases would expand"):
        load_path(accord)
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "Order.yml").write_text(NEGMAS_SPACE + bomb(), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"Order\.yml:\d+: YAML aliases would expand"):
        read_negmas_space(folder / "Order.yml")
    # The folder probe treats an unreadable space file as "not a domain" (for now): it still
    # ends in a ScenarioError rather than in expanding the bomb.
    with pytest.raises(ScenarioError):
        load_path(folder / "Order.yml")


def test_modest_aliases_and_merge_keys_still_work():
    text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  x: 3\nlist: [*b, *b]\n"
    data = parse_yaml(text, "ok.yaml")
    assert data["m"] == {"x": 3, "y": 2}
    assert data["list"] == [{"x": 1, "y": 2}] * 2


def test_recursive_alias_is_refused():
    with pytest.raises(ScenarioError, match=r"r\.yaml:2: YAML alias refers to a node"):
        parse_yaml("x: 1\na: &a [1, *a]\n", "r.yaml")


# ---------------------------------------------------------------------------- duplicate keys
def test_duplicate_key_names_the_second_occurrence():
    text = ACCORD.replace("name: tiny\n", "name: tiny\nissues: []\nname: again\n")
    with pytest.raises(ScenarioError) as info:
        loads_yaml(text, source="dup.yaml")
    assert str(info.value) == "dup.yaml:4: duplicate key 'name' (first on line 2)"


def test_duplicate_key_in_nested_mapping_and_division():
    text = ACCORD.replace("weights: {colour: 1}", "weights: {colour: 1, colour: 2}", 1)
    with pytest.raises(ScenarioError, match=r"dup\.yaml:9: duplicate key 'colour'"):
        loads_yaml(text, source="dup.yaml")
    division = "parties: [A, B]\nitems:\n  house: [1, 2]\n  house: [3, 4]\n"
    with pytest.raises(ScenarioError, match=r"d\.yaml:4: duplicate key 'house'"):
        loads_division(division, source="d.yaml")


def test_keys_equal_after_resolution_are_duplicates_but_merges_may_be_overridden():
    with pytest.raises(ScenarioError, match=r"k\.yaml:2: duplicate key '0x1'"):
        parse_yaml("1: a\n0x1: b\n", "k.yaml")
    assert parse_mapping("a: &a {k: 1}\nb: {<<: *a, k: 2}\n", "m.yaml", "x")["b"] == {"k": 2}


# ---------------------------------------------------------------------------- bad scalars
@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("a: 1\nb: [x, 2020-02-30]\n", 2, "cannot read '2020-02-30': day is out of range"),
        ("a: 1\nb:\n  c: " + "9" * 5000 + "\n", 3, "a number is too long to read"),
        ("a: 1\n? " + "1" * 5000 + "\n: x\n", 2, "a number is too long to read"),
    ],
)
def test_scalars_that_cannot_be_built_are_errors_on_their_line(text, line, reason):
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, "v.yaml")
    assert info.value.line == line and reason in info.value.reason
    with pytest.raises(ScenarioError, match=f"v.yaml:{line + 1}: "):
        loads_yaml("accord: 1\n" + text, source="v.yaml")


# ---------------------------------------------------------------------------- size limit
def test_file_larger_than_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_text, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.yaml"
    big.write_text(ACCORD + "#" * 2000 + "\n", encoding="utf-8")
    opened: list[Path] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", spy)
    with pytest.raises(ScenarioError, match=r"big\.yaml: file too large \(2,\d+ bytes"):
        load_yaml(big)
    assert big not in opened


def test_default_size_limit_is_64_mb():
    assert yaml_text.MAX_FILE_BYTES == 64 * 2**20


# ---------------------------------------------------------------------------- encodings
def test_utf8_bom_accord_yaml_is_detected_and_loaded_as_accord(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + ACCORD.encode("utf-8"))
    assert is_accord_yaml(path)
    scenario = load_path(path)
    assert scenario.name == "tiny" and scenario.party_names == ("a", "b")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_loads(tmp_path, codec):
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    path = tmp_path / "wide.yaml"
    path.write_bytes(bom + ACCORD.replace("red", "rød").encode(codec))
    assert is_accord_yaml(path)
    scenario = load_path(path)
    assert "rød" in scenario.space.issues[0].values  # type: ignore[attr-defined]


def test_negmas_space_with_bom_loads(tmp_path):
    ufun = (
        "type: LinearAdditiveUtilityFunction\nreserved_value: 0.0\n"
        "values:\n- type: TableFun\n  mapping: {red: 1.0, blue: 0.0}\nweights: [1.0]\n"
    )
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "Order.yml").write_bytes(b"\xef\xbb\xbf" + NEGMAS_SPACE.encode())
    (folder / "a.yml").write_bytes(ufun.encode("utf-16"))
    (folder / "b.yml").write_text(ufun.replace("1.0, blue: 0.0", "0.0, blue: 1.0"))
    scenario = load_path(folder)
    assert scenario.party_names == ("a", "b")


def test_latin1_bytes_are_refused_naming_the_file_and_line(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(ACCORD.replace("red", "rød").encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_path(path)
    assert info.value.file == str(path) and info.value.line == 4
    assert "not UTF-8 or UTF-16 text" in info.value.reason
    assert not is_accord_yaml(path)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\xff\xfe\x00\x00" + "a: 1".encode("utf-32-le"), "UTF-32"),
        ("a: 1\n".encode("utf-16-le"), "NUL"),  # UTF-16 without a byte-order mark
        (b"\xff\xfe" + b"\x00\xd8a\x00", "bad UTF-16"),  # lone surrogate
    ],
)
def test_other_encodings_are_refused(data, why):
    with pytest.raises(ScenarioError, match=f"f.yaml.*not UTF-8 or UTF-16 text.*{why}"):
        decode(data, "f.yaml")


# ---------------------------------------------------------------------------- the CLI
@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bomb.yaml", (ACCORD + bomb()).encode(), "YAML aliases would expand"),
        ("dup.yaml", (ACCORD + "name: again\n").encode(), "duplicate key 'name'"),
        ("latin.yaml", ACCORD.replace("red", "rød").encode("latin-1"), "not UTF-8 or UTF-16"),
    ],
)
def test_cli_exits_2_with_one_line_naming_the_file(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and reason in lines[0]
