"""GENIUS XML and integer issues (issue #9): hyper-rectangle profiles keep their integer issues
integer when written, and a profile scoring an integer issue with ``<item>``s is read by value
or refused with file and line."""

import csv
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.cli.main import app
from accord.errors import ScenarioError
from accord.io import load_path, save
from accord.io.genius_xml import read_genius_domain, read_genius_profile
from accord.outcomes.issues import DiscreteIssue, IntegerIssue
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import (
    Bound,
    HyperRectangle,
    HyperRectangleUtility,
    LinearAdditive,
)
from accord.preferences.values import AffineValue, TableValue
from accord.scenario import Party, Scenario

FULL = 20_000
SAMPLE = 2_000


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def probe(scenario: Scenario, seed: int = 0) -> np.ndarray:
    size = scenario.space.size or 0
    if size <= FULL:
        return scenario.space.all_digits()
    return scenario.space.sample(np.random.default_rng(seed), SAMPLE)


def assert_round_trip(original: Scenario, again: Scenario) -> None:
    """Same integer issues (names and bounds), same utility of every probed outcome."""
    assert [type(i) for i in again.space.issues] == [type(i) for i in original.space.issues]
    assert again.space.issues == original.space.issues
    digits = probe(original)
    for party in original.parties:
        other = again.party(party.name)
        np.testing.assert_array_equal(
            other.utility.evaluate(again.space, digits),
            party.utility.evaluate(original.space, digits),
            err_msg=party.name,
        )
        assert other.reservation == party.reservation
        assert other.discount == party.discount


# ---------------------------------------------------------------- hyper-rectangles, written
def anac2014_like(n_issues: int = 3, low: int = 0, high: int = 9) -> Scenario:
    """Two hyper-rectangle parties over integer issues, INCLUDES and EXCLUDES boxes."""
    space = OutcomeSpace(tuple(IntegerIssue(f"i{k}", low, high) for k in range(n_issues)))
    a = HyperRectangleUtility(
        (
            HyperRectangle(40.0, (Bound(0, low + 1, low + 3), Bound(1, low + 2, high))),
            HyperRectangle(25.0, (Bound(n_issues - 1, low, low + 4),)),
            HyperRectangle(10.0, (), (Bound(1, low, low + 1),)),
        ),
        75.0,
    )
    b = HyperRectangleUtility(
        (
            HyperRectangle(7.0, (Bound(0, low + 5, high),)),
            HyperRectangle(3.5, (Bound(1, low, low + 6), Bound(n_issues - 1, low + 3, high))),
        ),
        10.5,
    )
    parties = (Party("buyer", a, 0.2, 0.9), Party("seller", b, 0.0))
    return Scenario("rectangles", space, parties)


def issue_tags(text: str) -> list[str]:
    return re.findall(r"<issue [^>]*>", text)


@pytest.mark.parametrize(("n_issues", "low"), [(3, 0), (3, 2), (12, 0)])
def test_hyper_rectangle_integer_issues_stay_integer(tmp_path, n_issues, low):
    original = anac2014_like(n_issues, low, low + 9)
    save(original, tmp_path / "out", "genius")
    for name in ("rectangles.xml", "buyer.xml", "seller.xml"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        tags = issue_tags(text)
        assert len(tags) == n_issues, name
        for tag in tags:
            assert 'type="integer"' in tag, (name, tag)
            assert f'lowerbound="{low}" upperbound="{low + 9}"' in tag, (name, tag)
        assert "<item" not in text, name
    again = load_path(tmp_path / "out")
    assert all(isinstance(i, IntegerIssue) for i in again.space.issues)
    assert_round_trip(original, again)  # 10^12 outcomes for 12 issues: 2,000 sampled


def test_hyper_rectangles_next_to_an_additive_table_on_a_free_integer_issue(tmp_path):
    """An integer issue no rectangle constrains may still become discrete for an additive
    party's table; the constrained ones stay integer; every utility survives."""
    base = anac2014_like(3)
    table = TableValue({v: (v % 4) / 3 for v in range(10)})
    clipped = AffineValue(0.1, 0.0)
    additive = LinearAdditive((0.3, 0.3, 0.4), (clipped, clipped, table))
    rects = HyperRectangleUtility((HyperRectangle(1.0, (Bound(0, 2, 5),)),), 1.0)
    original = Scenario("mixed", base.space, (Party("table", additive), Party("boxes", rects, 0.1)))
    save(original, tmp_path / "out", "genius")
    tags = issue_tags((tmp_path / "out" / "mixed.xml").read_text(encoding="utf-8"))
    assert ['type="integer"' in t for t in tags] == [True, True, False]
    again = load_path(tmp_path / "out")
    digits = original.space.all_digits()
    for party in original.parties:
        np.testing.assert_allclose(
            again.party(party.name).utility.evaluate(again.space, digits),
            party.utility.evaluate(original.space, digits),
            rtol=0,
            atol=1e-12,
        )


def test_table_on_an_issue_rectangles_constrain_is_refused(tmp_path):
    base = anac2014_like(3)
    table = TableValue({v: (v % 4) / 3 for v in range(10)})
    additive = LinearAdditive((0.5, 0.5, 0.0), (table, AffineValue(0.1, 0.0), table))
    rects = HyperRectangleUtility((HyperRectangle(1.0, (Bound(0, 2, 5),)),), 1.0)
    scenario = Scenario("mixed", base.space, (Party("table", additive), Party("boxes", rects)))
    with pytest.raises(ScenarioError, match="hyper-rectangles constrain"):
        save(scenario, tmp_path / "out", "genius")
    assert not (tmp_path / "out").exists()


def test_rectangle_bound_on_a_non_numeric_discrete_issue_names_file_and_line(tmp_path):
    domain = (
        '<negotiation_template><utility_space><objective index="0" name="r">\n'
        '<issue index="1" name="c" type="discrete"><item value="red"/><item value="blue"/>'
        "</issue>\n</objective></utility_space></negotiation_template>\n"
    )
    prof = (
        '<utility_space type="nonlinear">\n<objective index="0" name="r">\n'
        '<utility maxutility="1"><ufun aggregation="sum">\n'
        '<hyperRectangle utility="1">\n<INCLUDES index="1" min="0" max="1"/>\n'
        "</hyperRectangle></ufun></utility>\n</objective>\n</utility_space>\n"
    )
    write(tmp_path, {"d.xml": domain, "p.xml": prof})
    with pytest.raises(ScenarioError, match=r"p\.xml:5: .*not numbers"):
        read_genius_profile(tmp_path / "p.xml", read_genius_domain(tmp_path / "d.xml"))


# ---------------------------------------------------------------- <item>s for an integer issue
DOMAIN = """<negotiation_template><utility_space number_of_issues="2">
<objective index="0" name="r">
<issue index="1" name="x" type="discrete"><item value="a"/><item value="b"/></issue>
<issue index="2" name="n" type="integer" lowerbound="1" upperbound="4"/>
</objective></utility_space></negotiation_template>
"""


def item(k: int, value: str, evaluation: str | None) -> str:
    scored = "" if evaluation is None else f' evaluation="{evaluation}"'
    return f'<item index="{k + 1}" value="{value}"{scored}/>'


def items_profile(
    items: tuple[tuple[str, str | None], ...] = (("1", "2"), ("2", "4"), ("3", "8"), ("4", "0")),
    attrs: str = 'type="integer"',
    extra: str = "",
) -> str:
    """A profile whose integer issue ``n`` is scored by ``<item>``s (as NegMAS writes it);
    the k-th item of ``n`` is on line 6 + k."""
    lines = [
        "<utility_space>",
        '<objective index="0" name="r">',
        '<issue index="1" name="x" type="discrete">',
        '<item value="a" evaluation="1"/><item value="b" evaluation="0.5"/>',
        "</issue>",
        f'<issue index="2" name="n" {attrs}>',
        *(item(k, v, e) for k, (v, e) in enumerate(items)),
        f"{extra}</issue>",
        '<weight index="1" value="0.5"/>',
        '<weight index="2" value="0.5"/>',
        "</objective>",
        "</utility_space>",
        "",
    ]
    return "\n".join(lines)


def load_items(tmp_path: Path, **kwargs: object) -> Scenario:
    text = items_profile(**kwargs)  # type: ignore[arg-type]
    return load_path(write(tmp_path, {"d.xml": DOMAIN, "p.xml": text, "q.xml": text}))


@pytest.mark.parametrize(
    "attrs",
    [
        'type="integer"',
        'etype="integer" type="integer" vtype="integer"',
        'etype="discrete" type="discrete" vtype="integer"',
    ],
)
def test_integer_issue_scored_by_items_is_read_by_value(tmp_path, attrs):
    scenario = load_items(tmp_path, attrs=attrs)
    assert isinstance(scenario.space.issues[1], IntegerIssue)
    # n: evaluations 2, 4, 8, 0 for 1..4, divided by their maximum 8 -> .25, .5, 1, 0
    cases = {("a", 3): 0.5 * 1 + 0.5 * 1.0, ("b", 1): 0.5 * 0.5 + 0.5 * 0.25, ("a", 4): 0.5}
    cases[("b", 2)] = 0.5 * 0.5 + 0.5 * 0.5
    digits = np.array([[0 if x == "a" else 1, n - 1] for x, n in cases])
    for party in scenario.parties:
        got = party.utility.evaluate(scenario.space, digits)
        np.testing.assert_allclose(got, list(cases.values()), rtol=0, atol=1e-15)
    assert not any("no evaluator" in w for w in scenario.warnings)


def test_items_in_any_order_and_integral_spellings(tmp_path):
    items = (("4", "0"), ("3.0", "8"), (" 1 ", "2"), ("2", "4"))
    scenario = load_items(tmp_path, items=items)
    u = scenario.utilities()[:, 0].reshape(2, 4)
    np.testing.assert_allclose(u[0], 0.5 + 0.5 * np.array([0.25, 0.5, 1.0, 0.0]))


def test_item_value_evaluated_twice_keeps_the_last_with_a_warning(tmp_path):
    items = (("1", "2"), ("2", "4"), ("3", "8"), ("4", "0"), ("1", "6"))
    scenario = load_items(tmp_path, items=items)
    assert scenario.utilities()[0, 0] == pytest.approx(0.5 + 0.5 * 6 / 8)
    assert any("p.xml:11:" in w and "evaluated twice" in w for w in scenario.warnings)


@pytest.mark.parametrize(
    ("items", "line", "reason"),
    [
        ((("1", "2"), ("2.5", "4"), ("3", "8"), ("4", "0")), 8, "not an integer"),
        ((("1", "2"), ("2", "4"), ("three", "8"), ("4", "0")), 9, "not a number"),
        ((("1", "2"), ("2", "4"), ("3", "8"), ("5", "0")), 10, r"outside its bounds 1\.\.4"),
        ((("0", "1"), ("1", "2"), ("2", "4"), ("3", "8")), 7, r"outside its bounds 1\.\.4"),
        ((("1", "2"), ("2", "4"), ("4", "0")), 6, r"values have none \(3\)"),
        ((("1", "2"), ("2", "null"), ("3", "8"), ("4", "0")), 6, r"values have none \(2\)"),
    ],
)
def test_bad_items_for_an_integer_issue_name_file_and_line(tmp_path, items, line, reason):
    with pytest.raises(ScenarioError) as err:
        load_items(tmp_path, items=items)
    assert err.value.file is not None and Path(err.value.file).name in ("p.xml", "q.xml")
    assert err.value.line == line
    assert re.search(rf"\.xml:{line}: .*{reason}", str(err.value)), str(err.value)


def test_items_and_an_evaluator_are_refused_as_ambiguous(tmp_path):
    extra = '<evaluator ftype="linear" slope="0.25" offset="0.25"/>\n'
    with pytest.raises(ScenarioError, match=r"\.xml:11: .*ambiguous"):
        load_items(tmp_path, extra=extra)


def test_items_without_evaluations_leave_the_evaluator_in_charge(tmp_path):
    items = tuple((str(v), None) for v in range(1, 5))
    extra = '<evaluator ftype="linear" slope="0.25" offset="0.25"/>\n'
    scenario = load_items(tmp_path, items=items, extra=extra)
    u = scenario.utilities()[:, 0].reshape(2, 4)
    np.testing.assert_allclose(u[0], 0.5 + 0.5 * np.array([0.25, 0.5, 0.75, 1.0]))


def test_written_back_the_table_round_trips(tmp_path):
    original = load_items(tmp_path / "src")
    save(original, tmp_path / "out", "genius")
    again = load_path(tmp_path / "out")
    assert isinstance(again.space.issues[1], DiscreteIssue)  # a table: written as discrete
    np.testing.assert_allclose(again.utilities(), original.utilities(), rtol=0, atol=1e-12)


def test_cli_analyze_bad_items_exits_2_with_one_line(tmp_path):
    items = (("1", "2"), ("2", "4"), ("3", "8"), ("9", "0"))
    text = items_profile(items=items)
    folder = write(tmp_path / "bad", {"d.xml": DOMAIN, "p.xml": text, "q.xml": text})
    r = CliRunner().invoke(app, ["analyze", str(folder)])
    assert r.exit_code == 2, r.output
    assert r.stderr.count("\n") == 1
    assert re.search(r"[pq]\.xml:10: .*outside its bounds", r.stderr), r.stderr


# ---------------------------------------------------------------- corpus
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "scenarios"


def hyper_rectangle_folders() -> list[Path]:
    if not (CORPUS / "catalog.csv").is_file():
        return []
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        CORPUS / r["source"] / r["folder"]
        for r in rows
        if "nonlinear-hypercube" in r["profile_kinds"] and "2014" in r["folder"]
    ]


@pytest.mark.corpus
@pytest.mark.skipif(not hyper_rectangle_folders(), reason=f"scenario corpus not found at {CORPUS}")
def test_anac2014_corpus_round_trips_through_genius(tmp_path):
    folders = hyper_rectangle_folders()
    for k, folder in enumerate(folders):
        original = load_path(folder)
        save(original, tmp_path / str(k), "genius")
        assert_round_trip(original, load_path(tmp_path / str(k)))
    assert len(folders) >= 20
