"""NegMAS YAML numeric value functions (``AffineFun``, ``LinearFun``, ``IdentityFun``,
``ConstFun``) and continuous issues (``ContinuousIssue``) load as accord types (issue 9)."""

from pathlib import Path

import numpy as np
import pytest

import accord
from accord.errors import ScenarioError
from accord.io import load_path
from accord.outcomes.issues import IntegerIssue, RealIssue
from accord.preferences.values import AffineValue

SPACE = """issues:
- name: quantity
  type: ContiguousIssue
  values:
  - 1
  - 5
- name: price
  type: DiscreteCardinalIssue
  values:
  - 10
  - 20
  - 30
name: trade
type: DiscreteCartesianOutcomeSpace
"""

BUYER = """name: buyer
reserved_value: 0.1
type: LinearAdditiveUtilityFunction
values:
- type: negmas.preferences.value_fun.AffineFun
  slope: 0.25
  bias: -0.25
- type: LinearFun
  slope: -0.01
weights:
- 0.5
- 0.5
"""

SELLER = """name: seller
reserved_value: 0.0
type: LinearAdditiveUtilityFunction
values:
- type: IdentityFun
- type: ConstFun
  bias: 0.5
weights:
- 0.1
- 1.0
"""

CONTINUOUS_SPACE = """issues:
- name: price
  type: ContinuousIssue
  values:
  - 0.0
  - 10.0
  n_levels: 10
  n_values: .inf
- name: colour
  type: CategoricalIssue
  values:
  - red
  - blue
name: market
type: CartesianOutcomeSpace
"""

CONTINUOUS_A = """name: a
reserved_value: 0.0
type: LinearAdditiveUtilityFunction
values:
- type: AffineFun
  slope: 0.1
  bias: 0.0
- type: TableFun
  mapping:
    red: 1.0
    blue: 0.0
weights:
- 0.5
- 0.5
"""

CONTINUOUS_B = """name: b
reserved_value: 0.0
type: LinearAdditiveUtilityFunction
values:
- type: LinearFun
  slope: -0.1
- type: ConstFun
  bias: 1.0
weights:
- 0.5
- 0.5
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def trade(tmp_path: Path, buyer: str = BUYER, seller: str = SELLER) -> Path:
    return write(
        tmp_path / "trade",
        {"trade.yml": SPACE, "buyer.yml": buyer, "seller.yml": seller},
    )


def continuous(tmp_path: Path, space: str = CONTINUOUS_SPACE, a: str = CONTINUOUS_A) -> Path:
    return write(tmp_path / "market", {"market.yml": space, "a.yml": a, "b.yml": CONTINUOUS_B})


def utility(scenario: accord.Scenario, party: str, outcome: dict[str, object]) -> float:
    digits = np.array([scenario.space.encode(outcome)])
    j = scenario.party_names.index(party)
    return float(scenario.evaluate(digits)[0, j])


def test_affine_and_linear_functions(tmp_path):
    scenario = load_path(trade(tmp_path))
    assert scenario.space.size == 15
    buyer = scenario.party("buyer").utility
    assert buyer.values == (AffineValue(0.25, -0.25, clip=False), AffineValue(-0.01, 0.0, False))
    # 0.5 * (0.25 q - 0.25) + 0.5 * (-0.01 p): not clipped, as in NegMAS
    for q, p in [(1, 10), (3, 20), (5, 30), (5, 10)]:
        expected = 0.5 * (0.25 * q - 0.25) + 0.5 * (-0.01 * p)
        assert utility(scenario, "buyer", {"quantity": q, "price": p}) == pytest.approx(expected)
    assert utility(scenario, "buyer", {"quantity": 1, "price": 30}) == pytest.approx(-0.15)


def test_identity_and_const_functions(tmp_path):
    scenario = load_path(trade(tmp_path))
    for q, p in [(1, 10), (4, 30)]:
        expected = 0.1 * q + 1.0 * 0.5
        assert utility(scenario, "seller", {"quantity": q, "price": p}) == pytest.approx(expected)


def test_const_function_on_a_categorical_issue(tmp_path):
    scenario = load_path(continuous(tmp_path)).discretized(11)
    for colour in ("red", "blue"):
        assert utility(scenario, "b", {"price": 0.0, "colour": colour}) == pytest.approx(0.5)


def test_continuous_issue_loads_as_a_real_issue(tmp_path):
    scenario = load_path(continuous(tmp_path))
    price = scenario.space.issues[0]
    assert isinstance(price, RealIssue)
    assert (price.name, price.low, price.high) == ("price", 0.0, 10.0)
    assert scenario.space.is_continuous and scenario.space.size is None

    grid = scenario.discretized(11)
    assert grid.space.size == 22
    assert utility(grid, "a", {"price": 7.0, "colour": "red"}) == pytest.approx(0.85)
    assert utility(grid, "b", {"price": 7.0, "colour": "red"}) == pytest.approx(0.15)

    analysis = accord.analyze(scenario)
    assert analysis.outcomes is None
    assert analysis.nash is not None
    assert len(analysis.frontier) > 0
    assert any("discretised" in w for w in analysis.warnings)


def test_continuous_issue_with_min_and_max_value(tmp_path):
    space = CONTINUOUS_SPACE.replace(
        "  values:\n  - 0.0\n  - 10.0\n", "  min_value: 2\n  max_value: 4.5\n", 1
    )
    scenario = load_path(continuous(tmp_path, space=space))
    price = scenario.space.issues[0]
    assert isinstance(price, RealIssue)
    assert (price.low, price.high) == (2.0, 4.5)


def test_contiguous_issue_still_an_integer_issue(tmp_path):
    scenario = load_path(trade(tmp_path))
    assert isinstance(scenario.space.issues[0], IntegerIssue)


def line_with(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    "bad", [".inf", "-.inf", ".nan", "1.0e+400", "1" + "0" * 400, "1.0e+13", "yes"]
)
@pytest.mark.parametrize("key", ["slope", "bias"])
def test_bad_numbers_in_affine_functions(tmp_path, key, bad):
    buyer = BUYER.replace(f"  {key}: {0.25 if key == 'slope' else -0.25}", f"  {key}: {bad}")
    assert buyer != BUYER
    folder = trade(tmp_path, buyer=buyer)
    with pytest.raises(ScenarioError) as info:
        load_path(folder, profiles=["buyer", "seller"])
    err = info.value
    assert err.file == str(folder / "buyer.yml")
    assert err.line == line_with(buyer, f"{key}: {bad}")
    assert key in err.reason


def test_bad_numbers_in_a_linear_function_skip_the_profile(tmp_path):
    folder = trade(
        tmp_path, seller=SELLER.replace("type: IdentityFun", "type: LinearFun\n  slope: .inf")
    )
    with pytest.raises(ScenarioError) as info:
        load_path(folder, profiles=["seller"])
    assert info.value.file == str(folder / "seller.yml")
    assert "slope" in info.value.reason


@pytest.mark.parametrize(
    ("bounds", "needle"),
    [("[0.0, .inf]", "upper bound"), ("[.nan, 1.0]", "lower bound"), ("[5.0, 1.0]", "upper")],
)
def test_bad_continuous_bounds(tmp_path, bounds, needle):
    space = CONTINUOUS_SPACE.replace("  values:\n  - 0.0\n  - 10.0\n", f"  values: {bounds}\n", 1)
    folder = continuous(tmp_path, space=space)
    with pytest.raises(ScenarioError) as info:
        load_path(folder)
    assert info.value.file == str(folder / "market.yml")
    assert info.value.line == line_with(space, "name: price")
    assert needle in info.value.reason


def test_missing_slope_and_non_numeric_issue(tmp_path):
    no_slope = BUYER.replace("  slope: -0.01\n", "")
    folder = trade(tmp_path / "one", buyer=no_slope)
    with pytest.raises(ScenarioError, match="no 'slope'") as info:
        load_path(folder, profiles=["buyer"])
    assert info.value.file == str(folder / "buyer.yml")

    on_colour = CONTINUOUS_A.replace(
        "- type: TableFun\n  mapping:\n    red: 1.0\n    blue: 0.0\n",
        "- type: LinearFun\n  slope: 1\n",
    )
    folder = continuous(tmp_path / "two", a=on_colour)
    with pytest.raises(ScenarioError, match="numeric issue") as info:
        load_path(folder, profiles=["a"])
    assert info.value.file == str(folder / "a.yml")


def test_table_on_a_continuous_issue_is_refused(tmp_path):
    table = CONTINUOUS_A.replace(
        "- type: AffineFun\n  slope: 0.1\n  bias: 0.0\n",
        "- type: TableFun\n  mapping:\n    0.0: 1.0\n",
    )
    folder = continuous(tmp_path, a=table)
    with pytest.raises(ScenarioError, match="continuous issue") as info:
        load_path(folder, profiles=["a"])
    assert info.value.file == str(folder / "a.yml")
