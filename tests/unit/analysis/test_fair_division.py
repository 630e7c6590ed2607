"""Adjusted Winner: equitable, envy-free, efficient, at most one split; validation; file and CLI."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import accord
from accord.analysis.fair_division import Division, adjusted_winner, divide
from accord.cli.main import app
from accord.errors import ScenarioError
from accord.io.division_yaml import loads_division

TOL = 1e-9


@st.composite
def integer_points(draw: st.DrawFn, n: int) -> list[int]:
    """n non-negative integers summing to 100 (a random composition)."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 100]
    return [bounds[i + 1] - bounds[i] for i in range(n)]


@st.composite
def float_points(draw: st.DrawFn, n: int) -> list[float]:
    raw = draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
    total = sum(raw)
    if total <= 0:
        return [100.0 / n] * n
    pts = [100.0 * x / total for x in raw]
    pts[-1] = max(0.0, 100.0 - sum(pts[:-1]))
    return pts


@st.composite
def divisions(draw: st.DrawFn) -> dict[str, tuple[float, float]]:
    n = draw(st.integers(1, 8))
    kind = draw(st.sampled_from([integer_points, float_points]))
    a, b = draw(kind(n)), draw(kind(n))
    return {f"item{i}": (a[i], b[i]) for i in range(n)}


def own(d: Division) -> tuple[float, float]:
    a = sum(s * pa for s, (pa, _) in zip(d.shares, d.valuations, strict=True))
    b = sum((1 - s) * pb for s, (_, pb) in zip(d.shares, d.valuations, strict=True))
    return a, b


@given(divisions())
@settings(max_examples=300, deadline=None)
def test_equitable_and_envy_free(items):
    d = adjusted_winner(["A", "B"], items)
    a, b = own(d)
    assert a == pytest.approx(d.points[0], abs=TOL) and b == pytest.approx(d.points[1], abs=TOL)
    assert abs(a - b) <= TOL
    # envy-free: each values its own bundle at least as much as the other's (100 - own)
    assert a >= 100 - a - TOL and b >= 100 - b - TOL


@given(divisions())
@settings(max_examples=300, deadline=None)
def test_at_most_one_item_is_split(items):
    d = adjusted_winner(["A", "B"], items)
    split = [item for item, s in zip(d.items, d.shares, strict=True) if 0.0 < s < 1.0]
    assert len(split) <= 1
    assert d.split == (split[0] if split else None)
    assert all(0.0 <= s <= 1.0 for s in d.shares)


@given(divisions())
@settings(max_examples=300, deadline=None)
def test_efficient_no_profitable_trade(items):
    """Exact test of Pareto optimality for divisible items (no LP): an allocation is efficient
    iff no item is held by a party that values it at 0 while the other values it, and for every
    item i A holds some of and item j B holds some of, a_i·b_j >= a_j·b_i (otherwise trading a
    little of i for a little of j makes both better off)."""
    d = adjusted_winner(["A", "B"], items)
    held_a = [i for i, s in enumerate(d.shares) if s > 0]
    held_b = [i for i, s in enumerate(d.shares) if s < 1]
    v = d.valuations
    assert not any(v[i][0] == 0 < v[i][1] for i in held_a)
    assert not any(v[j][1] == 0 < v[j][0] for j in held_b)
    for i in held_a:
        for j in held_b:
            assert v[i][0] * v[j][1] >= v[j][0] * v[i][1] - 1e-6


@given(st.integers(1, 5).flatmap(lambda n: st.tuples(integer_points(n), integer_points(n))))
@settings(max_examples=150, deadline=None)
def test_efficient_against_exhaustive_grid(points):
    """No allocation on a grid of fractions (quarters, plus the computed split's fraction)
    gives both parties at least as much and one of them more (integer points, so that a real
    improvement is far larger than rounding)."""
    items = {f"item{i}": (a, b) for i, (a, b) in enumerate(zip(*points, strict=True))}
    d = adjusted_winner(["A", "B"], items)
    grid = sorted({0.0, 0.25, 0.5, 0.75, 1.0, *d.shares})
    best = own(d)
    for shares in itertools.product(grid, repeat=len(d.items)):
        a = sum(s * pa for s, (pa, _) in zip(shares, d.valuations, strict=True))
        b = sum((1 - s) * pb for s, (_, pb) in zip(shares, d.valuations, strict=True))
        better = (a > best[0] + 1e-7 and b >= best[1] - 1e-9) or (
            b > best[1] + 1e-7 and a >= best[0] - 1e-9
        )
        assert not better, (shares, a, b, best)


def test_worked_example_and_tie_rule():
    items = {"x": (60, 30), "y": (30, 50), "z": (10, 20)}
    d = adjusted_winner(["A", "B"], items)
    # A wins x (60), B wins y and z (70): B leads; y (50/30) moves first, split
    assert d.shares[0] == 1.0 and d.split == "y"
    assert d.points[0] == pytest.approx(d.points[1])
    assert d.points[0] == pytest.approx(60 + 30 * 10 / 80)  # 10/80 of y goes to A
    tie = adjusted_winner(["A", "B"], {"p": (50, 50), "q": (50, 50)})
    assert tie.split is None and tie.points == (50.0, 50.0)
    assert tie.bundle("A") == {"q": 1.0} and tie.bundle("B") == {"p": 1.0}


def test_ties_go_to_the_party_behind():
    # strict winners: A gets x (40), B gets y (50); A is behind, so the tie t goes to A,
    # A leads 80 : 50 and t (ratio 1) is the first item to move back: 30/80 of it goes to B.
    d = adjusted_winner(["A", "B"], {"x": (40, 10), "y": (20, 50), "t": (40, 40)})
    assert d.transfers == ("t",) and d.split == "t"
    assert d.shares == (1.0, 0.0, 1.0 - 30 / 80)
    assert d.points == pytest.approx((65.0, 65.0))
    # items worth nothing to either party never move
    z = adjusted_winner(["A", "B"], {"x": (100, 0), "y": (0, 100), "z": (0, 0)})
    assert z.transfers == () and z.points == (100.0, 100.0)


@pytest.mark.parametrize(
    ("parties", "items", "message"),
    [
        (["A"], {"x": (100, 100)}, "exactly two parties"),
        (["A", "B", "C"], {"x": (100, 100)}, "exactly two parties"),
        (["A", "A"], {"x": (100, 100)}, "distinct"),
        (["A", "B"], {}, "no items"),
        (["A", "B"], {"x": (101, 100), "y": (-1, 0)}, "non-negative"),
        (["A", "B"], {"x": (60, 50), "y": (30, 50)}, "'A' spreads 90"),
        (["A", "B"], {"x": (50, 50), "y": (50, 50 + 1e-6)}, "'B' spreads"),
        (["A", "B"], {"x": (100, 100, 0)}, "two point values"),
    ],
)
def test_validation(parties, items, message):
    with pytest.raises(ScenarioError, match=message):
        adjusted_winner(parties, items)


def test_sums_within_tolerance_are_accepted():
    d = adjusted_winner(["A", "B"], {"x": (50, 50), "y": (50 + 5e-10, 50)})
    assert d.points[0] == pytest.approx(d.points[1])


def test_divide_accepts_packaged_name_path_and_mapping(tmp_path):
    packaged = accord.divide("business-partners")
    assert packaged.parties == ("Maya", "Tom") and packaged.split == "cash reserve"
    f = tmp_path / "d.yaml"
    f.write_text("parties: [A, B]\nitems:\n  house: [70, 40]\n  car: [30, 60]\n")
    from_file = accord.divide(f)
    from_map = accord.divide({"parties": ["A", "B"], "items": {"house": [70, 40], "car": [30, 60]}})
    assert from_file.shares == from_map.shares and from_file.points == from_map.points


def test_analysis_divides_a_parsed_division_without_io():
    parsed = loads_division("parties: [A, B]\nitems:\n  house: [70, 40]\n  car: [30, 60]\n")
    d = divide(parsed)
    assert d == adjusted_winner(["A", "B"], {"house": (70, 40), "car": (30, 60)})
    bad = loads_division("parties: [A, B]\nitems:\n  x: [50, 50]\n", source="bad.yaml")
    with pytest.raises(ScenarioError, match="spreads 50") as info:
        divide(bad)
    assert (info.value.file, info.value.line) == ("bad.yaml", 2)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("parties: [A, B]\nitems:\n  house: [70, 40]\n  car: [30, -60]\n", 4, "greater than"),
        ("parties: [A, B]\nitems:\n  house: [70, 40]\n  car: [20, 60]\n", 2, "spreads 90"),
        ("parties: [A]\nitems:\n  house: [100, 100]\n", 1, "parties"),
        ("parties: [A, B]\nitem:\n  house: [100, 100]\n", 1, "items: Field required"),
        ("parties: [A, B]\nitems:\n  house: [100, 100\n", 4, "invalid YAML"),
        ("- just a list\n", 1, "expected a mapping"),
    ],
)
def test_file_errors_name_file_and_line(tmp_path, text, line, message):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(ScenarioError, match=message) as info:
        accord.divide(f)
    assert info.value.file == str(f) and info.value.line == line
    assert str(info.value).startswith(f"{f}:{line}: ")


def test_unknown_name_is_an_error():
    with pytest.raises(ScenarioError, match="packaged: business-partners"):
        accord.divide("no-such-division")


def test_cli_json_and_table(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["divide", "business-partners", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["method"] == "adjusted-winner" and data["parties"] == ["Maya", "Tom"]
    assert data["points"]["Maya"] == pytest.approx(data["points"]["Tom"])
    assert data["split"] == "cash reserve"
    cash = next(i for i in data["items"] if i["name"] == "cash reserve")
    assert cash["shares"]["Maya"] + cash["shares"]["Tom"] == pytest.approx(1.0)
    assert cash["points"] == {"Maya": 22.0, "Tom": 20.0}
    text = runner.invoke(app, ["divide", "business-partners"])
    assert text.exit_code == 0 and "split item: cash reserve" in text.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("parties: [A, B]\nitems:\n  x: [50, 50]\n")
    r = runner.invoke(app, ["divide", str(bad)])
    assert r.exit_code == 2 and f"{bad}:2: party 'A' spreads 50" in r.stderr
