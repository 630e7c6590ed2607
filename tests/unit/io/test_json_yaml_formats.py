"""GeniusWeb JSON, NegoLog JSON and NegMAS YAML readers; GeniusWeb writer; format detection."""

import json
from pathlib import Path

import numpy as np
import pytest

from accord.errors import ScenarioError
from accord.io import load_path, save

GW_DOMAIN = {
    "name": "trip",
    "issuesValues": {
        "city": {"values": ["Oslo", "Rome", "Kyoto"]},
        "nights": {"values": ["2", "5"]},
    },
}


def gw_profile(name, city, nights, weights=(0.6, 0.4), key="DiscreteValueSetUtilities", bid=None):
    body = {
        "issueUtilities": {
            "city": {key: {"valueUtilities": city}},
            "nights": {key: {"valueUtilities": nights}},
        },
        "issueWeights": {"city": weights[0], "nights": weights[1]},
        "domain": GW_DOMAIN,
        "name": name,
    }
    if bid is not None:
        body["reservationBid"] = {"issuevalues": bid}
    return {"LinearAdditiveUtilitySpace": body}


def dump(folder: Path, files: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        text = data if isinstance(data, str) else json.dumps(data, indent=1)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def gw_folder(tmp_path: Path) -> Path:
    a = gw_profile("a", {"Oslo": 1, "Rome": 0.5, "Kyoto": 0}, {"2": 0.2, "5": 1})
    b = gw_profile(
        "b",
        {"Oslo": 0, "Rome": 0.7, "Kyoto": 1},
        {"2": 1, "5": 0},
        key="discreteutils",
        bid={"city": "Rome", "nights": "5"},
    )
    return dump(
        tmp_path / "gw",
        {"trip.json": GW_DOMAIN, "a.json": a, "b.json": b, "specials.json": {"size": 6}},
    )


def test_geniusweb_folder(tmp_path):
    scenario = load_path(gw_folder(tmp_path))
    assert scenario.name == "trip"
    assert scenario.party_names == ("a", "b")
    u = scenario.utilities()
    assert np.allclose(u[:, 0], [0.6 * c + 0.4 * n for c in (1, 0.5, 0) for n in (0.2, 1)])
    assert scenario.parties[1].reservation == pytest.approx(0.6 * 0.7)
    assert any("reservationBid converted" in w for w in scenario.warnings)
    assert scenario.load_seconds is not None and scenario.load_seconds >= 0


def test_geniusweb_round_trip_keeps_utilities_and_reservation(tmp_path):
    scenario = load_path(gw_folder(tmp_path))
    result = save(scenario, tmp_path / "out", "geniusweb")
    assert len(result.paths) == 3
    again = load_path(tmp_path / "out")
    assert np.array_equal(again.utilities(), scenario.utilities())
    assert again.parties[1].reservation == scenario.parties[1].reservation


def test_geniusweb_errors_name_file_and_line(tmp_path):
    folder = gw_folder(tmp_path)
    bad = gw_profile("c", {"Oslo": 1, "Paris": 0.5, "Kyoto": 0}, {"2": 0.2, "5": 1})
    dump(folder, {"c.json": bad, "d.json": '{"LinearAdditiveUtilitySpace": {\n  "x": ,\n}}'})
    scenario = load_path(folder)
    assert scenario.party_names == ("a", "b")
    skipped = [w for w in scenario.warnings if "profile skipped" in w]
    assert any(f"{folder / 'c.json'}:" in w and "'Paris'" in w for w in skipped)
    assert any(f"{folder / 'd.json'}:2: invalid JSON" in w for w in skipped)


def test_geniusweb_range_issue(tmp_path):
    domain = {"name": "n", "issuesValues": {"q": {"range": {"low": 1, "high": 4, "step": 1}}}}
    prof = {
        "LinearAdditiveUtilitySpace": {
            "issueUtilities": {
                "q": {
                    "NumberValueSetUtilities": {
                        "lowValue": 1,
                        "lowUtility": 0,
                        "highValue": 4,
                        "highUtility": 1,
                    }
                }
            },
            "issueWeights": {"q": 1},
        }
    }
    scenario = load_path(dump(tmp_path, {"n.json": domain, "p.json": prof, "q.json": prof}))
    assert np.allclose(scenario.utilities()[:, 0], [0, 1 / 3, 2 / 3, 1])


def test_negolog_folder(tmp_path):
    a = {
        "reservationValue": 0.3,
        "issueWeights": {"x": 0.25, "y": 0.75},
        "issues": {"x": {"x1": 0.0, "x2": 1.0}, "y": {"y1": 1.0, "y2": 0.4, "y3": 0.0}},
    }
    b = {
        "reservationValue": 0.1,
        "issueWeights": {"y": 0.5, "x": 0.5},
        "issues": {"y": {"y3": 1.0, "y2": 0.5, "y1": 0.0}, "x": {"x2": 0.0, "x1": 1.0}},
    }
    spec = {"NumberOfBids": 6}
    scenario = load_path(
        dump(tmp_path / "dom", {"profileA.json": a, "profileB.json": b, "specs.json": spec})
    )
    assert scenario.party_names == ("profileA", "profileB")
    assert scenario.space.size == 6
    assert [p.reservation for p in scenario.parties] == [0.3, 0.1]
    assert np.allclose(scenario.utilities()[0], [0.75, 0.5])  # (x1, y1)


SPACE = """issues:
- name: Quantity
  type: ContiguousIssue
  values:
  - 1
  - 3
- name: Colour
  type: CategoricalIssue
  values:
  - red
  - blue
name: Order
type: DiscreteCartesianOutcomeSpace
"""

UFUN = """name: buyer
reserved_value: -0.5
type: LinearAdditiveUtilityFunction
values:
- mapping:
    1: 1.0
    2: 0.5
    3: 0.0
  type: TableFun
- mapping:
    red: 0.2
    blue: 1.0
  type: TableFun
weights:
- 0.7
- 0.3
"""

WRAPPED = """discount: 0.75
name: seller
reserved_value: -.inf
type: ExpDiscountedUFun
ufun:
  reserved_value: -.inf
  type: LinearAdditiveUtilityFunction
  values:
  - mapping: {1: 0.0, 2: 0.5, 3: 1.0}
    type: TableFun
  - mapping: {red: 1.0, blue: 0.0}
    type: TableFun
  weights: [0.5, 0.5]
"""


def test_negmas_yaml_folder(tmp_path):
    info = "Name: Order\ntitle: x\n"
    folder = dump(
        tmp_path / "o",
        {"Order.yml": SPACE, "buyer.yml": UFUN, "seller.yml": WRAPPED, "_info.yaml": info},
    )
    scenario = load_path(folder)
    assert scenario.party_names == ("buyer", "seller")
    buyer, seller = scenario.parties
    assert buyer.reservation == -0.5
    assert seller.reservation == float("-inf")
    assert seller.discount == 0.75
    assert np.allclose(scenario.utilities()[0], [0.7 + 0.06, 0.5])  # (1, red)


def test_negmas_yaml_errors(tmp_path):
    bad = UFUN.replace("blue: 1.0", "green: 1.0")
    folder = dump(
        tmp_path / "o",
        {
            "Order.yml": SPACE,
            "buyer.yml": UFUN,
            "s.yml": WRAPPED,
            "x.yml": bad,
            "y.yml": "type: [\n",
        },
    )
    scenario = load_path(folder)
    skipped = [w for w in scenario.warnings if "skipped" in w]
    assert any(f"{folder / 'x.yml'}:12: value 'green'" in w for w in skipped)
    with pytest.raises(ScenarioError, match=r"y\.yml:2: .*invalid YAML"):
        load_path(folder / "Order.yml", profiles=["buyer", "y"])


def test_fewer_than_two_usable_profiles_is_an_error_naming_file_and_line(tmp_path):
    folder = gw_folder(tmp_path)
    (folder / "b.json").write_text('{"LinearAdditiveUtilitySpace": {\n\n  "issueWeights": 3}}')
    with pytest.raises(ScenarioError) as info:
        load_path(folder)
    assert info.value.file == str(folder / "b.json")
    assert info.value.line is not None


def test_profiles_selects_by_name_and_order(tmp_path):
    folder = gw_folder(tmp_path)
    assert load_path(folder, profiles=["b"]).party_names == ("b",)
    assert load_path(folder, profiles=["b", "a"]).party_names == ("b", "a")
    with pytest.raises(ScenarioError, match="no profiles"):
        load_path(folder, profiles=["zz"])


def test_unknown_folder_and_missing_path(tmp_path):
    with pytest.raises(ScenarioError, match="no scenario format"):
        load_path(dump(tmp_path / "e", {"notes.txt": "hello"}))
    with pytest.raises(ScenarioError, match="no such file"):
        load_path(tmp_path / "missing")


def test_yaml_round_trip_via_save(tmp_path):
    scenario = load_path(gw_folder(tmp_path))
    path = save(scenario, tmp_path / "y", "yaml").paths[0]
    again = load_path(path)
    assert again.party_names == scenario.party_names
    assert np.allclose(again.utilities(), scenario.utilities())
    with pytest.raises(ScenarioError, match="unknown format"):
        save(scenario, tmp_path / "z", "csv")
