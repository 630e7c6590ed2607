from pathlib import Path

import numpy as np
import pytest

from accord.api import packaged_scenarios
from accord.errors import ScenarioError
from accord.io.detect import is_accord_yaml
from accord.io.yaml_format import dump_yaml, dumps_yaml, load_yaml, loads_yaml

GOOD = """\
accord: 1
name: tiny
issues:
  - {name: colour, values: [red, green]}
  - {name: size, type: integer, low: 1, high: 3}
  - {name: price, type: real, low: 0, high: 10}
parties:
  - name: a
    reservation: 0.25
    discount: 0.5
    utility:
      type: linear-additive
      weights: {colour: 0.5, size: 0.25, price: 0.25}
      values:
        colour: {table: {red: 1.0, green: 0.0}}
        size: {linear: {slope: 0.5, offset: -0.5}}
        price: {triangular: {lower: 0, top: 5, upper: 10}}
  - name: b
    utility:
      type: hyper-rectangles
      max_utility: 10
      rectangles:
        - {utility: 6, include: {size: [2, 3]}}
        - {utility: 4, include: {price: [0, 5]}, exclude: {size: [3, 3]}}
"""


def test_good_file_loads_with_expected_utilities():
    sc = loads_yaml(GOOD).discretized(3)  # price in {0, 5, 10}
    assert sc.space.size == 2 * 3 * 3
    assert sc.party("a").reservation == 0.25 and sc.party("a").discount == 0.5
    d = np.array([sc.space.encode({"colour": "red", "size": 3, "price": 5.0})])
    u = sc.evaluate(d)[0]
    assert u[0] == pytest.approx(0.5 + 0.25 * 1.0 + 0.25 * 1.0)
    assert u[1] == pytest.approx(0.6)  # size 3 excluded from the second rectangle
    d = np.array([sc.space.encode({"colour": "green", "size": 2, "price": 0.0})])
    assert sc.evaluate(d)[0] == pytest.approx([0.25 * 0.5, 1.0])


def test_round_trip_keeps_every_utility(tmp_path: Path):
    sc = loads_yaml(GOOD)
    path = tmp_path / "x.yaml"
    dump_yaml(sc, path)
    assert is_accord_yaml(path)
    back = load_yaml(path)
    assert back.space == sc.space
    a, b = sc.discretized(7), back.discretized(7)
    assert np.array_equal(a.utilities(), b.utilities())
    assert [p.reservation for p in back.parties] == [0.25, 0.0]


@pytest.mark.parametrize("name", sorted(packaged_scenarios()))
def test_packaged_scenarios_round_trip(name):
    sc = load_yaml(packaged_scenarios()[name]).discretized(5)
    back = loads_yaml(dumps_yaml(sc))
    assert np.array_equal(sc.utilities(), back.utilities())


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("weights: {colour: 0.5", "weights: {colour: lots", 13, "valid number"),
        ("    reservation: 0.25", "    reservaton: 0.25", 9, "Extra inputs"),
        ("accord: 1", "accord: 7", 1, "unsupported format version"),
        ("{table: {red: 1.0, green: 0.0}}", "{table: {red: 1.0, blue: 0.0}}", 8, "unknown values"),
        ("  - {name: colour, values: [red, green]}", "  - {name: colour}", 4, "values"),
        (
            "{linear: {slope: 0.5, offset: -0.5}}",
            "{linear: {slope: 0.5}, table: {}}",
            16,
            "exactly",
        ),
        ("  - {name: size,", "  - {name: colour,", 3, "unique"),
        ("max_utility: 10", "max_utility: [", 23, "invalid YAML"),
    ],
)
def test_bad_input_names_file_and_line(old, new, line, words):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(ScenarioError) as info:
        loads_yaml(text, source="bad.yaml")
    msg = str(info.value)
    assert msg.startswith(f"bad.yaml:{line}:"), msg
    assert words in msg
