"""GENIUS XML: reading domains and profiles, GENIUS's semantics, errors, writing."""

from pathlib import Path

import numpy as np
import pytest

from accord.errors import ScenarioError
from accord.io import load_path, save
from accord.io.genius_xml import read_genius_domain, read_genius_profile

DOMAIN = """<negotiation_template>
<utility_space number_of_issues="0">
<objective index="0" name="Meal" type="objective" etype="objective">
  <objective index="1" name="food" type="objective" etype="objective">
    <issue index="2" name="dish" type=" discrete">
      <item index="1" value="soup"/>
      <item index="2" value="stew"/>
      <item index="3" value="salad"/>
    </issue>
  </objective>
  <issue index="3" name="guests" vtype="integer" lowerbound="2" upperbound="5"/>
  <issue index="4" name="budget" etype="real"><range lowerbound="0" upperbound="10"/></issue>
</objective>
</utility_space>
</negotiation_template>
"""

PROFILE = """<utility_space>
<objective index="0" name="Meal" type="objective" etype="objective">
  <objective index="1" name="food" type="objective" etype="objective">
    <issue index="2" name="dish" type="discrete">
      <item index="1" value="soup" evaluation="8"/>
      <item index="2" value="stew" evaluation="2"/>
      <item index="3" value="salad" evaluation="4"/>
    </issue>
    <weight index="2" value="0.5"/>
  </objective>
  <issue index="3" name="guests" type="integer" lowerbound="2" upperbound="5">
    <evaluator ftype="linear" slope="0.25" offset="0.5"/>
  </issue>
  <issue index="4" name="budget" type="real"><range lowerbound="0" upperbound="10"/>
    <evaluator ftype="triangular" parameter0="0" parameter1="10" parameter2="4"/>
  </issue>
  <weight index="1" value="0.5"/>
  <weight index="3" value="0.3"/>
  <weight index="4" value="0.2"/>
</objective>
<discount_factor value="0.8"/>
<reservation value="0.25"/>
</utility_space>
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def profile(weights=(0.5, 0.5), evals=("1", "0.5"), extra="") -> str:
    items = "".join(
        f'<item index="{i + 1}" value="{v}" evaluation="{e}"/>'
        for i, (v, e) in enumerate(zip(("a", "b"), evals, strict=True))
    )
    return (
        '<utility_space>\n<objective index="0" name="r">\n'
        f'<issue index="1" name="x" type="discrete">{items}</issue>\n'
        '<issue index="2" name="n" type="integer" lowerbound="0" upperbound="2">'
        '<evaluator ftype="linear" slope="0.5" offset="0"/></issue>\n'
        f'<weight index="1" value="{weights[0]}"/>\n<weight index="2" value="{weights[1]}"/>\n'
        f"</objective>\n{extra}</utility_space>\n"
    )


SMALL_DOMAIN = """<negotiation_template><utility_space>
<objective index="0" name="r">
<issue index="1" name="x" type="discrete"><item value="a"/><item value="b"/></issue>
<issue index="2" name="n" type="integer" lowerbound="0" upperbound="2"/>
</objective></utility_space></negotiation_template>
"""


def test_domain_flattens_objectives_and_reads_all_issue_kinds(tmp_path):
    write(tmp_path, {"meal.xml": DOMAIN})
    domain = read_genius_domain(tmp_path / "meal.xml")
    assert domain.space.names == ("dish", "guests", "budget")
    assert domain.indices == (2, 3, 4)
    assert domain.space.issues[0].values == ("soup", "stew", "salad")
    assert (domain.space.issues[1].low, domain.space.issues[1].high) == (2, 5)
    assert domain.space.is_continuous


def test_profile_semantics_follow_genius(tmp_path):
    write(tmp_path, {"meal.xml": DOMAIN, "host.xml": PROFILE})
    domain = read_genius_domain(tmp_path / "meal.xml")
    loaded = read_genius_profile(tmp_path / "host.xml", domain)
    party = loaded.party
    assert party.name == "host"
    assert party.reservation == 0.25
    assert party.discount == 0.8
    space = domain.space.discretize(11)  # budget 0, 1, ..., 10
    digits = np.array([[0, 0, 4], [1, 3, 0], [2, 1, 7]])
    u = party.utility.evaluate(space, digits)
    # dish: evaluations / max (8); guests: clip(0.25*(x-2)+0.5); budget: triangle peaking at 4
    expected = [
        0.5 * 1.0 + 0.3 * 0.5 + 0.2 * 1.0,
        0.5 * 0.25 + 0.3 * 1.0 + 0.2 * 0.0,
        0.5 * 0.5 + 0.3 * 0.75 + 0.2 * 0.5,
    ]
    assert np.allclose(u, expected)
    assert any("objective weights ignored" in w for w in loaded.warnings)
    assert not any("weights sum" in w for w in loaded.warnings)


@pytest.mark.parametrize(("value", "expected"), [("0", None), ("1", None), ("2", None)])
def test_discount_outside_open_unit_interval_means_none(tmp_path, value, expected):
    extra = f'<discount_factor value="{value}"/>\n'
    write(tmp_path, {"d.xml": SMALL_DOMAIN, "p.xml": profile(extra=extra)})
    party = read_genius_profile(tmp_path / "p.xml", read_genius_domain(tmp_path / "d.xml")).party
    assert party.discount is expected


def test_weights_below_one_are_kept_with_a_warning(tmp_path):
    write(tmp_path, {"d.xml": SMALL_DOMAIN, "p.xml": profile(weights=(0.4, 0.5))})
    loaded = read_genius_profile(tmp_path / "p.xml", read_genius_domain(tmp_path / "d.xml"))
    assert loaded.party.utility.weights == (0.4, 0.5)
    assert any("weights sum to 0.9; used as given" in w for w in loaded.warnings)


def test_weights_above_one_are_normalised_with_a_warning(tmp_path):
    write(tmp_path, {"d.xml": SMALL_DOMAIN, "p.xml": profile(weights=(1.0, 1.0))})
    loaded = read_genius_profile(tmp_path / "p.xml", read_genius_domain(tmp_path / "d.xml"))
    assert loaded.party.utility.weights == (0.5, 0.5)
    assert any("GENIUS caps utilities at 1" in w for w in loaded.warnings)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (profile(weights=(0, 0)), 1, "weights sum to 0"),
        (profile(evals=("1", "null")), 3, "no evaluation for ['b']"),
        (profile().replace('value="b"', 'value="zz"'), 3, "value 'zz' of issue 'x'"),
        (
            profile().replace('index="2" name="n"', 'index="9" name="m"'),
            4,
            "issue 'm' is not in the domain",
        ),
        (profile().replace('<weight index="2" value="0.5"/>', ""), 4, "has no weight"),
        ('<utility_space type="constraint">\n</utility_space>', 1, "'constraint' profiles"),
        (profile().replace("slope=", "slop="), 4, "lacks attribute 'slope'"),
    ],
)
def test_unusable_profiles_raise_with_file_and_line(tmp_path, text, line, reason):
    write(tmp_path, {"d.xml": SMALL_DOMAIN, "p.xml": text})
    domain = read_genius_domain(tmp_path / "d.xml")
    with pytest.raises(ScenarioError) as info:
        read_genius_profile(tmp_path / "p.xml", domain)
    assert info.value.file == str(tmp_path / "p.xml")
    assert info.value.line == line
    assert reason in info.value.reason


def test_issue_matched_by_index_when_names_differ(tmp_path):
    text = profile().replace('name="n"', 'name="count"')
    write(tmp_path, {"d.xml": SMALL_DOMAIN, "p.xml": text})
    loaded = read_genius_profile(tmp_path / "p.xml", read_genius_domain(tmp_path / "d.xml"))
    assert any("matched to domain issue 'n' by its index 2" in w for w in loaded.warnings)


def test_unreadable_discount_is_ignored_like_genius(tmp_path):
    write(tmp_path, {"d.xml": SMALL_DOMAIN, "p.xml": profile(extra='<discount_factor value="s"/>')})
    loaded = read_genius_profile(tmp_path / "p.xml", read_genius_domain(tmp_path / "d.xml"))
    assert loaded.party.discount is None
    assert any("<discount_factor> ignored" in w for w in loaded.warnings)


def test_duplicate_domain_value_dropped_with_warning(tmp_path):
    dom = SMALL_DOMAIN.replace('<item value="b"/>', '<item value="b"/><item value="a"/>')
    write(tmp_path, {"d.xml": dom})
    domain = read_genius_domain(tmp_path / "d.xml")
    assert domain.space.issues[0].values == ("a", "b")
    assert any("value 'a' listed twice" in w for w in domain.warnings)


NONLINEAR = """<!-- nonlinear profile -->

<?xml version="1.0" encoding="UTF-8"?>
<utility_space type="nonlinear">
 <objective index="0" name="r">
  <issue index="1" name="i1" type="integer" lowerbound="0" upperbound="3"/>
  <issue index="2" name="i2" type="integer" lowerbound="0" upperbound="3"/>
  <utility maxutility="10">
   <ufun type="PlainUfun" weight="1" aggregation="sum">
    <hyperRectangle utility="4"><INCLUDES index="1" min="1" max="2"/></hyperRectangle>
    <hyperRectangle utility="6">
      <EXCLUDES index="1" min="0" max="1"/><EXCLUDES index="2" min="2" max="3"/>
    </hyperRectangle>
    <hyperRectangle utility="1"/>
   </ufun>
  </utility>
 </objective>
 <reservation value="0.3"/>
</utility_space>
"""

NL_DOMAIN = """<negotiation_template><utility_space number_of_issues="2">
<objective index="0" name="r">
<issue index="1" name="i1" type="integer" lowerbound="0" upperbound="3"/>
<issue index="2" name="i2" type="integer" lowerbound="0" upperbound="3"/>
</objective></utility_space></negotiation_template>"""


def test_nonlinear_hyper_rectangles(tmp_path):
    write(tmp_path, {"d.xml": NL_DOMAIN, "a.xml": NONLINEAR, "b.xml": NONLINEAR})
    scenario = load_path(tmp_path)
    u = scenario.utilities()[:, 0].reshape(4, 4)
    x1, x2 = np.meshgrid(np.arange(4), np.arange(4), indexing="ij")
    inside = (x1 <= 1) & (x2 >= 2)  # the EXCLUDES box: pays 6 outside it
    expected = (4 * ((x1 >= 1) & (x1 <= 2)) + 6 * ~inside + 1) / 10
    assert np.allclose(u, expected)
    assert scenario.parties[0].reservation == 0.3
    assert any("text before the <?xml?> declaration" in w for w in scenario.warnings)


def test_genius_round_trip_keeps_every_utility(tmp_path):
    write(tmp_path / "src", {"meal.xml": DOMAIN, "host.xml": PROFILE, "guest.xml": PROFILE})
    original = load_path(tmp_path / "src").discretized(6)
    save(original, tmp_path / "out", "genius")
    again = load_path(tmp_path / "out")
    assert again.party_names == original.party_names
    assert np.allclose(again.utilities(), original.utilities(), atol=1e-12)
    assert [p.reservation for p in again.parties] == [0.25, 0.25]
    assert [p.discount for p in again.parties] == [0.8, 0.8]


def test_genius_round_trip_of_continuous_and_nonlinear(tmp_path):
    write(tmp_path / "src", {"meal.xml": DOMAIN, "host.xml": PROFILE, "guest.xml": PROFILE})
    original = load_path(tmp_path / "src")
    save(original, tmp_path / "out", "genius")
    again = load_path(tmp_path / "out")
    assert np.allclose(again.discretized(21).utilities(), original.discretized(21).utilities())
    write(tmp_path / "nl", {"d.xml": NL_DOMAIN, "a.xml": NONLINEAR, "b.xml": NONLINEAR})
    nonlinear = load_path(tmp_path / "nl")
    save(nonlinear, tmp_path / "nl-out", "genius")
    assert np.allclose(load_path(tmp_path / "nl-out").utilities(), nonlinear.utilities())


def test_writer_refuses_what_genius_cannot_express(tmp_path):
    from dataclasses import replace

    from accord.preferences import LinearAdditive, TableValue

    write(tmp_path / "src", {"d.xml": SMALL_DOMAIN, "p.xml": profile(), "q.xml": profile()})
    scenario = load_path(tmp_path / "src")
    bad = LinearAdditive(
        (1.0, 1.0), (TableValue({"a": 1.0, "b": 1.0}), TableValue({0: 1.0, 1: 1.0, 2: 1.0}))
    )
    broken = replace(scenario, parties=(replace(scenario.parties[0], utility=bad),))
    with pytest.raises(ScenarioError, match="exceed 1"):
        save(broken, tmp_path / "out", "genius")
