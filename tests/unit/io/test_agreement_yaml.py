"""The agreement rule (``agreement:``) and the opening text (``opening:``) in accord YAML: read,
refused with file and line, written back, and named as losses by the formats without them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from typer.testing import CliRunner

import accord
from accord.agreement import UNANIMITY, AgreementRule
from accord.cli.main import app
from accord.errors import ScenarioError
from accord.io import save
from accord.io.save import find_losses
from accord.io.yaml_format import dumps_yaml, load_yaml, loads_yaml, to_data

#: three parties, a discrete, an integer and a real issue; a section appended starts on line 30
BASE = """\
accord: 1
name: plan
issues:
  - {name: colour, values: [red, green, blue]}
  - {name: n, type: integer, low: 1, high: 3}
  - {name: x, type: real, low: 0, high: 1}
parties:
  - name: a
    utility:
      type: linear-additive
      weights: {colour: 0.5, n: 0.5, x: 0}
      values:
        colour: {table: {red: 1.0}}
        n: {linear: {slope: 0.5, offset: -0.5}}
        x: {linear: {slope: 1}}
  - name: b
    utility:
      type: linear-additive
      weights: {colour: 1, n: 0, x: 0}
      values:
        colour: {table: {green: 1.0}}
        n: {linear: {slope: 0}}
        x: {linear: {slope: 1}}
  - name: c
    utility:
      type: linear-additive
      weights: {colour: 1, n: 0, x: 0}
      values: {colour: {table: {blue: 1.0}}, n: {linear: {slope: 0}}, x: {linear: {slope: 1}}}
"""
FIRST = BASE.count("\n") + 1  # the line of the first appended line

#: ``BASE`` without its real issue (an opening needs every issue to have values)
DISCRETE = (
    BASE.replace("  - {name: x, type: real, low: 0, high: 1}\n", "")
    .replace(", x: 0}", "}")
    .replace("        x: {linear: {slope: 1}}\n", "")
    .replace(", x: {linear: {slope: 1}}}", "}")
)
DFIRST = DISCRETE.count("\n") + 1


def read(text: str):
    return loads_yaml(text, source="plan.yaml")


# ------------------------------------------------------------------------------------ reading
@pytest.mark.parametrize(
    ("section", "rule"),
    [
        ("agreement: {all_but: 1, veto: [a, c]}", AgreementRule(all_but=1, veto=("a", "c"))),
        ("agreement: {at_least: 2}", AgreementRule(at_least=2)),
        ("agreement: {share: 0.5}", AgreementRule(share=0.5)),
        ("agreement: {share: 1}", AgreementRule(share=1.0)),
        (
            "agreement:\n  weights: {a: 2, b: 1, c: 1}\n  quota: 3",
            AgreementRule(weights=(("a", 2.0), ("b", 1.0), ("c", 1.0)), quota=3.0),
        ),
        ("agreement: {veto: b}", AgreementRule(veto=("b",))),
        (
            "agreement: {at_least: 2, share: 0.6, veto: [b]}",
            AgreementRule(at_least=2, share=0.6, veto=("b",)),
        ),
        ("agreement: {}", UNANIMITY),
    ],
)
def test_every_kind_of_rule_is_read(section, rule):
    scenario = read(BASE + section + "\n")
    assert scenario.rule == rule
    assert scenario.opening is None


def test_a_rule_changes_which_acceptances_pass():
    names = ("a", "b", "c")
    rule = read(BASE + "agreement: {all_but: 1, veto: [a]}\n").rule
    assert rule.passes_names(["a", "b"], names) and not rule.passes_names(["b", "c"], names)
    assert not rule.is_unanimity(names)
    only_veto = read(BASE + "agreement: {veto: [a]}\n").rule
    assert only_veto.is_unanimity(names)


def test_without_the_keys_every_party_must_accept_and_there_is_no_opening():
    scenario = read(BASE)
    assert scenario.rule == UNANIMITY and scenario.opening is None
    data = to_data(scenario)
    assert "agreement" not in data and "opening" not in data


def test_the_opening_is_read_in_issue_order_with_the_issues_own_values():
    scenario = read(DISCRETE + 'opening: {n: "2", colour: green}\n')
    assert scenario.opening == ("green", 2)  # "2" is the integer issue's value 2
    assert scenario.opening_index == scenario.space.to_index((1, 1))
    block = read(DISCRETE + "opening:\n  colour: blue\n  n: 3\n")
    assert block.opening == ("blue", 3)


def test_numeric_discrete_values_match_as_the_issue_has_them():
    text = DISCRETE.replace("values: [red, green, blue]", "values: [0, 2, 4]")
    text = text.replace("{red: 1.0}", "{0: 1.0}").replace("{green: 1.0}", "{2: 1.0}")
    text = text.replace("{blue: 1.0}", "{4: 1.0}")
    assert read(text + 'opening: {colour: "4", n: 1}\n').opening == (4, 1)


# ------------------------------------------------------------------------------------ errors
AGREEMENT_ERRORS = [
    # (section appended to BASE, line offset from its first line, words in the message)
    ("agreement:\n  all_but: 1\n  majority: 2\n", 2, "majority: Extra inputs"),
    ("agreement:\n  all_but: 1\n  veto:\n    - a\n    - zed\n", 4, "'zed' is not a party"),
    ("agreement:\n  all_but: 1\n  veto: [a, zed]\n", 2, "'zed' is not a party"),
    ("agreement:\n  veto: zed\n", 1, "'zed' is not a party"),
    ("agreement:\n  all_but: 1\n  veto: [a, a]\n", 2, "named twice"),
    ("agreement:\n  veto: [a]\n  share: 1.5\n", 2, "less than or equal to 1"),
    ("agreement:\n  share: 0\n", 1, "greater than 0"),
    ("agreement:\n  share: yes\n", 1, "valid number"),
    ("agreement:\n  all_but: -1\n", 1, "greater than or equal to 0"),
    ("agreement:\n  veto: [b]\n  at_least: 2.5\n", 2, "valid integer"),
    ("agreement:\n  at_least: 0\n", 1, "greater than or equal to 1"),
    ("agreement:\n  at_least: '2'\n", 1, "valid integer"),
    ("agreement:\n  at_least: 4\n", 1, "more than the 3 parties"),
    ("agreement:\n  all_but: 1\n  quota: 2\n", 2, "weights and quota go together"),
    ("agreement:\n  weights: {a: 1, b: 1, c: 1}\n", 1, "weights and quota go together"),
    ("agreement:\n  quota: 1\n  weights: {a: 1, b: 1}\n", 2, "missing ['c']"),
    ("agreement:\n  quota: 1\n  weights: {a: 1, b: 1, c: 1, d: 1}\n", 2, "not parties ['d']"),
    ("agreement:\n  quota: 1\n  weights: {a: 1, b: -1, c: 1}\n", 2, "greater than or equal to 0"),
    ("agreement:\n  quota: -2\n  weights: {a: 1, b: 1, c: 1}\n", 1, "greater than 0"),
    ("agreement:\n  weights: {a: 1, b: 1, c: 1}\n  quota: 5\n", 0, "no package can pass"),
    ("agreement: 5\n", 0, "valid dictionary"),
]


@pytest.mark.parametrize(("section", "offset", "words"), AGREEMENT_ERRORS)
def test_a_bad_agreement_names_the_file_and_the_line(section, offset, words):
    with pytest.raises(ScenarioError) as err:
        read(BASE + section)
    assert err.value.file == "plan.yaml"
    assert err.value.line == FIRST + offset, str(err.value)
    assert words in err.value.reason
    assert str(err.value).startswith(f"plan.yaml:{FIRST + offset}: ")


OPENING_ERRORS = [
    ("opening:\n  colour: purple\n  n: 1\n", 1, "opening → colour: 'purple' is not a value"),
    ("opening:\n  colour: red\n  n: 9\n", 2, "opening → n: 9 is outside 1..3"),
    ("opening:\n  colour: red\n  n: 1.5\n", 2, "opening → n: 1.5 is not an integer"),
    ("opening:\n  colour: red\n  n: many\n", 2, "'many' is not an integer"),
    ("opening:\n  colour: yes\n  n: 1\n", 1, "in quotes"),
    ("opening:\n  colour: red\n", 0, "gives no value for issues ['n']"),
    ("opening:\n  colour: red\n  n: 1\n  size: 3\n", 3, "'size' is not an issue"),
    ("opening:\n  colour: [red]\n  n: 1\n", 1, "opening → colour"),
    ("opening: [red, 1]\n", 0, "valid dictionary"),
]


@pytest.mark.parametrize(("section", "offset", "words"), OPENING_ERRORS)
def test_a_bad_opening_names_the_file_and_the_line(section, offset, words):
    with pytest.raises(ScenarioError) as err:
        read(DISCRETE + section)
    assert (err.value.file, err.value.line) == ("plan.yaml", DFIRST + offset), str(err.value)
    assert words in err.value.reason


def test_a_real_issue_has_no_opening_value():
    with pytest.raises(ScenarioError) as err:
        read(BASE + "opening: {colour: red, n: 1, x: 0.5}\n")
    assert err.value.line == FIRST and "opening → x: a real issue" in err.value.reason


def test_the_error_names_the_file_read_from_disk(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BASE + "agreement:\n  all_but: 1\n  veto: [zed]\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=rf"bad\.yaml:{FIRST + 2}: agreement → veto"):
        load_yaml(path)


# ------------------------------------------------------------------------------------ writing
@pytest.mark.parametrize(
    "section",
    [
        "agreement: {all_but: 1, veto: [a, c]}",
        "agreement: {at_least: 2, share: 0.6}",
        "agreement:\n  weights: {a: 2, b: 1, c: 1.5}\n  quota: 3",
        "agreement: {veto: [b]}",
        "opening: {colour: blue, n: 3}",
        "agreement: {share: 0.75, veto: c}\nopening: {colour: red, n: 1}",
    ],
)
def test_yaml_round_trip_keeps_the_rule_and_the_opening(section, tmp_path):
    scenario = read(DISCRETE + section + "\n")
    back = read(dumps_yaml(scenario))
    assert back.rule == scenario.rule and back.opening == scenario.opening
    assert back.space == scenario.space and back.party_names == scenario.party_names
    saved = save(scenario, tmp_path / "plan.yaml", "yaml", lossy=False).paths[0]
    again = load_yaml(saved)
    assert (again.rule, again.opening) == (scenario.rule, scenario.opening)
    assert replace(again, source=scenario.source, parties=scenario.parties) == scenario


def test_writing_puts_the_rule_as_written_and_only_when_it_is_not_unanimity():
    scenario = read(DISCRETE + "agreement: {veto: c, all_but: 1}\nopening: {n: 2, colour: red}\n")
    data = to_data(scenario)
    assert data["agreement"] == {"all_but": 1, "veto": ["c"]}
    assert data["opening"] == {"colour": "red", "n": 2}
    assert "agreement" not in to_data(replace(scenario, rule=UNANIMITY))
    assert "opening" not in to_data(replace(scenario, opening=None))


# ------------------------------------------------------------------------------------ losses
def test_the_formats_without_a_rule_name_it_as_a_loss():
    scenario = read(DISCRETE + "agreement: {all_but: 1, veto: [a, c]}\n")
    for fmt, target in (("genius", "GENIUS"), ("geniusweb", "GeniusWeb")):
        losses = find_losses(scenario, fmt)
        assert [(x.what, x.droppable) for x in losses] == [("agreement", True)]
        assert losses[0].describe() == (
            "cannot hold the agreement rule (at least 2 of 3 parties, including a and c: "
            f"{target} has unanimity only)"
        )
    assert find_losses(scenario, "yaml") == ()


def test_a_rule_that_still_needs_everyone_is_no_loss():
    for section in ("agreement: {veto: [a]}", "agreement: {at_least: 3}", "agreement: {}"):
        scenario = read(DISCRETE + section + "\n")
        assert find_losses(scenario, "genius") == () == find_losses(scenario, "geniusweb")


def test_the_opening_text_is_a_loss_too():
    scenario = read(DISCRETE + "opening: {colour: green, n: 2}\n")
    losses = find_losses(scenario, "geniusweb")
    assert [x.what for x in losses] == ["opening"]
    assert "colour: green, n: 2" in losses[0].describe()


@pytest.mark.parametrize("fmt", ["genius", "geniusweb"])
def test_convert_refuses_the_rule_loss_without_lossy(fmt, tmp_path):
    scenario = read(DISCRETE + "agreement: {share: 0.6, veto: [b]}\nopening: {colour: red, n: 1}\n")
    dst = tmp_path / fmt
    with pytest.raises(ScenarioError) as err:
        accord.convert(scenario, dst, to=fmt)
    message = str(err.value)
    assert message.startswith(f"plan → {fmt}: cannot hold the agreement rule (at least 2 of 3")
    assert "including b" in message and "cannot hold the opening text" in message
    assert "--lossy" in message and not dst.exists()
    result = accord.convert(scenario, dst, to=fmt, lossy=True)
    assert [x.what for x in result.losses] == ["agreement", "opening"]
    back = accord.load(dst)
    assert back.rule == UNANIMITY and back.opening is None  # what the losses said


@pytest.mark.parametrize("fmt", ["genius", "geniusweb"])
def test_the_cli_refuses_the_packaged_game_naming_the_rule(fmt, tmp_path):
    dst = tmp_path / "out"
    runner = CliRunner()
    args = ["convert", "riverside-redevelopment", str(dst), "--to", fmt]
    refused = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert refused.exit_code != 0 and not dst.exists()
    text = " ".join(refused.output.split())
    assert "cannot hold the agreement rule (at least 5 of 6 parties, including Millbrook" in text
    assert "cannot hold the opening text" in text and "--lossy" in text
    written = runner.invoke(app, [*args, "--lossy"], env={"COLUMNS": "300"})
    assert written.exit_code == 0, written.output
    game = accord.load("riverside-redevelopment")
    assert sorted(accord.load(dst).party_names) == sorted(game.party_names)  # file order


# ------------------------------------------------------------------------------ the game
def test_the_packaged_training_game_loads_with_its_rule_and_opening():
    import numpy as np

    game = accord.load("riverside-redevelopment")
    names = game.party_names
    assert len(names) == 6 and len(game.space.issues) == 5
    assert game.rule == AgreementRule(
        all_but=1, veto=("Millbrook Developments", "Wenmouth City Council")
    )
    assert game.rule.describe(names) == (
        "at least 5 of 6 parties, including Millbrook Developments and Wenmouth City Council"
    )
    assert game.opening == (
        "20%",
        "12 storeys",
        "public promenade",
        "open tender",
        "shared cost",
    )
    accepts = game.utilities() >= game.reservations
    passing = game.rule.passes(accepts, names)
    assert (game.space.size, int(accepts.all(axis=1).sum()), int(passing.sum())) == (432, 4, 30)
    assert not passing[game.opening_index]  # the draft plan is where the talks start
    # only the two veto holders block alone; every other party is left out of some plan
    alone = [n for n in names if not game.rule.passes_names(set(names) - {n}, names)]
    assert alone == list(game.rule.veto)
    for i, name in enumerate(names[2:], start=2):
        assert (passing & ~accepts[:, i]).any(), name
    assert "riverside-redevelopment" in [i.name for i in accord.list_scenarios()]
    assert read(dumps_yaml(game)).rule == game.rule
    # scores are whole points (the file's weights x tables), never on a reservation
    points = game.utilities() * 100
    np.testing.assert_allclose(points, np.round(points), atol=1e-9)
    assert np.abs(points - game.reservations * 100).min() > 1
