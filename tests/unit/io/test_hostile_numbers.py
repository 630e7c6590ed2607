"""Hostile numbers in scenario files (issue 9): every reader refuses NaN, infinities, 10^400,
5,000-digit integers, negative weights, an infinite reservation and a 10^12-value integer issue
with a :class:`ScenarioError` naming the file (and the line for XML and YAML), quickly."""

import contextlib
import math
import re
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.io.texts import GENIUS_DOMAIN, GENIUS_PROFILE
from typer.testing import CliRunner

import accord
from accord.cli.main import app
from accord.errors import AccordError, ScenarioError
from accord.io import load_path, numbers
from accord.io.geniusweb_json import read_geniusweb_domain, read_json
from accord.io.negmas_yaml import read_yaml_data

HUGE_DIGITS = "1" * 5000  # beyond Python's 4,300-digit limit for int(str)
FAST = 1.0  # seconds: every refusal comes before anything large is built

# ---------------------------------------------------------------------------- GENIUS XML


GOOD = {"UB": "3", "EVAL": "0.5", "SLOPE": "0.25", "W1": "0.5", "RES": "0.1", "DISC": "0.9"}


def fill(template: str, **subs: str) -> str:
    return template.format(**{**GOOD, **subs})


def line_with(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def genius_folder(tmp_path: Path, domain: dict[str, str], profile: dict[str, str]) -> Path:
    return write(
        tmp_path / "genius",
        {
            "dom.xml": fill(GENIUS_DOMAIN, **domain),
            "a.xml": fill(GENIUS_PROFILE, **profile),
            "b.xml": fill(GENIUS_PROFILE),
        },
    )


def refused(path: Path) -> ScenarioError:
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        load_path(path)
    assert time.perf_counter() - t0 < FAST
    return info.value


def refused_in(folder: Path, name: str) -> ScenarioError:
    """The error of loading ``folder`` whose file ``name`` is hostile, located in that file.

    Format detection skips a file that does not even parse (a 5,000-digit integer) and then
    reports the folder; the reader itself still names the file and the line."""
    err = refused(folder)
    if err.file == str(folder):
        read = read_json if name.endswith(".json") else read_yaml_data
        with pytest.raises(ScenarioError) as info:
            read(folder / name)
        err = info.value
        assert err.line == line_with((folder / name).read_text(), HUGE_DIGITS)
    assert err.file == str(folder / name)
    return err


HOSTILE = {
    "inf": "inf",
    "nan": "NaN",
    "1e400": "1e400",
    "5000 digits": HUGE_DIGITS,
}


def test_the_good_files_load(tmp_path):
    scenario = load_path(genius_folder(tmp_path, {}, {}))
    assert scenario.space.size == 8 and len(scenario.parties) == 2
    assert scenario.parties[0].reservation == 0.1


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("key", ["EVAL", "SLOPE", "W1", "RES", "DISC"])
def test_genius_profile_numbers(tmp_path, key, value):
    folder = genius_folder(tmp_path, {}, {key: value})
    err = refused(folder)
    assert err.file == str(folder / "a.xml")
    text = (folder / "a.xml").read_text()
    assert err.line == line_with(text, f'"{value}"')


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("W1", "-0.5", "negative"),
        ("RES", "1e308", "out of range"),
        ("RES", "+inf", "out of range"),
    ],
)
def test_genius_negative_weight_and_huge_reservation(tmp_path, key, value, words):
    folder = genius_folder(tmp_path, {}, {key: value})
    err = refused(folder)
    assert words in err.reason
    assert (err.file, err.line) == (
        str(folder / "a.xml"),
        line_with((folder / "a.xml").read_text(), f'"{value}"'),
    )


@pytest.mark.parametrize("value", ["1000000000000", "999999999", *HOSTILE.values()])
def test_genius_integer_issue_too_large(tmp_path, value):
    folder = genius_folder(tmp_path, {"UB": value}, {})
    err = refused(folder)
    assert err.file == str(folder / "dom.xml")
    assert err.line == line_with((folder / "dom.xml").read_text(), 'name="n"')  # element start
    if value.isdigit() and len(value) < 20:
        assert f"{int(value) + 1:,} values" in err.reason
        assert f"{numbers.MAX_ISSUE_VALUES:,}" in err.reason


def test_negative_infinite_reservation_means_none(tmp_path):
    """NegMAS writes ``-inf`` for "no reservation" (12 corpus files): it stays accepted."""
    scenario = load_path(genius_folder(tmp_path, {}, {"RES": "-inf"}))
    assert scenario.parties[0].reservation == -math.inf


NONLINEAR_DOMAIN = """<negotiation_template>
<utility_space number_of_issues="2">
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="x" type="integer" etype="integer" vtype="integer"
 lowerbound="0" upperbound="9"/>
<issue index="2" name="y" type="integer" etype="integer" vtype="integer"
 lowerbound="0" upperbound="9"/>
</objective>
</utility_space>
</negotiation_template>
"""

NONLINEAR_PROFILE = """<utility_space type="nonlinear" number_of_issues="2">
<utility maxutility="{MAXU}">
<ufun type="PlainUfun" weight="1" aggregation="sum">
<hyperRectangle utility="{U}">
<INCLUDES index="1" min="0" max="{MAX}"/>
</hyperRectangle>
<hyperRectangle utility="5">
<INCLUDES index="{INDEX}" min="3" max="9"/>
</hyperRectangle>
</ufun>
</utility>
<reservation value="0"/>
</utility_space>
"""

NONLINEAR_GOOD = {"MAXU": "10", "U": "5", "MAX": "4", "INDEX": "2"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("U", "inf"),
        ("U", "NaN"),
        ("U", "1e400"),
        ("MAX", HUGE_DIGITS),
        ("MAXU", "inf"),
        ("INDEX", HUGE_DIGITS),
    ],
)
def test_genius_nonlinear_numbers(tmp_path, key, value):
    good = NONLINEAR_PROFILE.format(**NONLINEAR_GOOD)
    bad = NONLINEAR_PROFILE.format(**{**NONLINEAR_GOOD, key: value})
    folder = write(tmp_path / "nl", {"dom.xml": NONLINEAR_DOMAIN, "a.xml": bad, "b.xml": good})
    err = refused(folder)
    assert (err.file, err.line) == (str(folder / "a.xml"), line_with(bad, f'"{value}"'))


# ---------------------------------------------------------------------------- GeniusWeb JSON
GW_DOMAIN = """{
 "name": "trip",
 "issuesValues": {
  "city": {"values": ["Oslo", "Rome"]},
  "nights": {"range": {"low": 1, "high": HIGH, "step": STEP}},
  "grade": {"values": [1, 2, GRADE]}
 }
}
"""

GW_PROFILE = """{"LinearAdditiveUtilitySpace": {
 "issueUtilities": {
  "city": {"DiscreteValueSetUtilities": {"valueUtilities": {"Oslo": OSLO, "Rome": 1}}},
  "nights": {"NumberValueSetUtilities": {"lowValue": LOWV, "lowUtility": 0,
                                          "highValue": 4, "highUtility": 1}},
  "grade": {"DiscreteValueSetUtilities": {"valueUtilities": {"1": 0, "2": 0.5, "3": 1}}}
 },
 "issueWeights": {"city": W1, "nights": 0.3, "grade": 0.2},
 "name": "a"
}}
"""

GW_GOOD = {"HIGH": "4", "STEP": "1", "GRADE": "3", "OSLO": "0.5", "LOWV": "1", "W1": "0.5"}


def json_fill(template: str, **subs: str) -> str:
    values = {**GW_GOOD, **subs}
    return re.sub(r"\b[A-Z][A-Z0-9]+\b", lambda m: values.get(m.group(), m.group()), template)


def gw_folder(tmp_path: Path, domain: dict[str, str], profile: dict[str, str]) -> Path:
    return write(
        tmp_path / "gw",
        {
            "trip.json": json_fill(GW_DOMAIN, **domain),
            "a.json": json_fill(GW_PROFILE, **profile),
            "b.json": json_fill(GW_PROFILE),
        },
    )


JSON_HOSTILE = {
    "inf": "Infinity",
    "-inf": "-Infinity",
    "nan": "NaN",
    "1e400": "1e400",
    "10^400": "1" + "0" * 400,
    "5000 digits": HUGE_DIGITS,
}


def test_good_json_files_load(tmp_path):
    scenario = load_path(gw_folder(tmp_path, {}, {}))
    assert scenario.space.size == 2 * 4 * 3


@pytest.mark.parametrize("value", JSON_HOSTILE.values(), ids=JSON_HOSTILE.keys())
@pytest.mark.parametrize("key", ["OSLO", "LOWV", "W1"])
def test_geniusweb_profile_numbers(tmp_path, key, value):
    folder = gw_folder(tmp_path, {}, {key: value})
    err = refused(folder)
    assert err.file == str(folder / "a.json")


@pytest.mark.parametrize("value", JSON_HOSTILE.values(), ids=JSON_HOSTILE.keys())
@pytest.mark.parametrize("key", ["HIGH", "STEP", "GRADE"])
def test_geniusweb_domain_numbers(tmp_path, key, value):
    folder = gw_folder(tmp_path, {key: value}, {})
    refused_in(folder, "trip.json")
    with pytest.raises(ScenarioError) as info:
        read_geniusweb_domain(folder / "trip.json")
    assert info.value.file == str(folder / "trip.json")


@pytest.mark.parametrize(("high", "step"), [("1000000000000", "1"), ("1000", "0.00000001")])
def test_geniusweb_range_too_large(tmp_path, high, step):
    folder = gw_folder(tmp_path, {"HIGH": high, "STEP": step}, {})
    err = refused(folder)
    assert err.file == str(folder / "trip.json")
    assert f"at most {numbers.MAX_ISSUE_VALUES:,} values" in err.reason


def test_geniusweb_negative_weight_and_utility(tmp_path):
    for key in ("W1", "OSLO"):
        folder = gw_folder(tmp_path / key, {}, {key: "-0.5"})
        err = refused(folder)
        assert err.file == str(folder / "a.json") and "negative" in err.reason


# ---------------------------------------------------------------------------- NegoLog JSON
NEGOLOG = """{
 "reservationValue": RES,
 "issueWeights": {"price": W1, "colour": 0.5},
 "issues": {
  "price": {"low": UTIL, "high": 1.0},
  "colour": {"red": 1.0, "blue": 0.0}
 }
}
"""


def negolog_folder(tmp_path: Path, **subs: str) -> Path:
    good = {"RES": "0.2", "W1": "0.5", "UTIL": "0.3"}
    return write(
        tmp_path / "negolog",
        {
            "profileA.json": json_fill(NEGOLOG, **{**good, **subs}),
            "profileB.json": json_fill(NEGOLOG, **good),
        },
    )


def test_good_negolog_files_load(tmp_path):
    scenario = load_path(negolog_folder(tmp_path))
    assert scenario.parties[0].reservation == 0.2


@pytest.mark.parametrize("value", JSON_HOSTILE.values(), ids=JSON_HOSTILE.keys())
@pytest.mark.parametrize("key", ["RES", "W1", "UTIL"])
def test_negolog_numbers(tmp_path, key, value):
    if key == "RES" and value == "-Infinity":
        pytest.skip("-inf reservation means 'none' and is accepted")
    refused_in(negolog_folder(tmp_path, **{key: value}), "profileA.json")


@pytest.mark.parametrize(("key", "value"), [("W1", "-0.5"), ("UTIL", "-1"), ("RES", "1e308")])
def test_negolog_negative_and_huge(tmp_path, key, value):
    folder = negolog_folder(tmp_path, **{key: value})
    assert refused(folder).file == str(folder / "profileA.json")


# ---------------------------------------------------------------------------- NegMAS YAML
NEGMAS_SPACE = """type: DiscreteCartesianOutcomeSpace
name: deal
issues:
- type: CategoricalIssue
  name: colour
  values: [red, blue, VALUE]
- type: ContiguousIssue
  name: n
  values: [0, UB]
"""

NEGMAS_UFUN = """type: ExpDiscountedUFun
discount: DISC
ufun:
  type: LinearAdditiveUtilityFunction
  weights: [W1, 0.5]
  values:
  - type: TableFun
    mapping:
      red: EVAL
      blue: 1.0
      green: 0.0
  - type: TableFun
    mapping: {0: 0.0, 1: 0.3, 2: 0.6, 3: 1.0}
reserved_value: RES
"""

YAML_GOOD = {
    "VALUE": "green",
    "UB": "3",
    "DISC": "0.9",
    "W1": "0.5",
    "EVAL": "0.5",
    "RES": "0.1",
}

YAML_HOSTILE = {
    "inf": ".inf",
    "nan": ".nan",
    "1e400": "1.0e+400",
    "10^400": "1" + "0" * 400,
    "5000 digits": HUGE_DIGITS,
}


def negmas_folder(tmp_path: Path, space: dict[str, str], ufun: dict[str, str]) -> Path:
    def sub(template: str, values: dict[str, str]) -> str:
        return re.sub(r"\b[A-Z][A-Z0-9]+\b", lambda m: values.get(m.group(), m.group()), template)

    return write(
        tmp_path / "negmas",
        {
            "deal.yaml": sub(NEGMAS_SPACE, {**YAML_GOOD, **space}),
            "a.yaml": sub(NEGMAS_UFUN, {**YAML_GOOD, **ufun}),
            "b.yaml": sub(NEGMAS_UFUN, YAML_GOOD),
        },
    )


def test_good_negmas_files_load(tmp_path):
    scenario = load_path(negmas_folder(tmp_path, {}, {}))
    assert scenario.space.size == 12
    assert scenario.parties[0].discount == 0.9


@pytest.mark.parametrize("value", YAML_HOSTILE.values(), ids=YAML_HOSTILE.keys())
@pytest.mark.parametrize("key", ["DISC", "W1", "EVAL", "RES"])
def test_negmas_ufun_numbers(tmp_path, key, value):
    folder = negmas_folder(tmp_path, {}, {key: value})
    err = refused(folder)
    assert err.file == str(folder / "a.yaml")
    text = (folder / "a.yaml").read_text()
    assert err.line == line_with(text, value)


@pytest.mark.parametrize("value", YAML_HOSTILE.values(), ids=YAML_HOSTILE.keys())
@pytest.mark.parametrize("key", ["VALUE", "UB"])
def test_negmas_space_numbers(tmp_path, key, value):
    folder = negmas_folder(tmp_path, {key: value}, {})
    err = refused_in(folder, "deal.yaml")
    # the line of a number too long to parse, else the issue's ``name:`` line
    text = (folder / "deal.yaml").read_text()
    name = "name: colour" if key == "VALUE" else "name: n"
    assert err.line == line_with(text, value if value == HUGE_DIGITS else name)


def test_negmas_huge_contiguous_issue(tmp_path):
    folder = negmas_folder(tmp_path, {"UB": "999999999999"}, {})
    err = refused(folder)
    assert (err.file, err.line) == (str(folder / "deal.yaml"), 8)
    assert "1,000,000,000,000 values" in err.reason


@pytest.mark.parametrize(("key", "value"), [("W1", "-0.5"), ("RES", ".inf"), ("RES", "1.0e+308")])
def test_negmas_negative_weight_and_bad_reservation(tmp_path, key, value):
    folder = negmas_folder(tmp_path, {}, {key: value})
    err = refused(folder)
    text = (folder / "a.yaml").read_text()
    assert (err.file, err.line) == (str(folder / "a.yaml"), line_with(text, value))


def test_negmas_negative_evaluation_and_reservation_are_kept(tmp_path):
    """NegMAS shifts utilities: negative evaluations and ``-.inf`` reservations are real."""
    scenario = load_path(negmas_folder(tmp_path, {}, {"EVAL": "-0.25", "RES": "-.inf"}))
    assert scenario.parties[0].reservation == -math.inf


# ---------------------------------------------------------------------------- CLI
runner = CliRunner()


@pytest.mark.parametrize(
    "make",
    [
        lambda p: genius_folder(p, {}, {"W1": "NaN"}),
        lambda p: genius_folder(p, {"UB": "1000000000000"}, {}),
        lambda p: gw_folder(p, {}, {"W1": HUGE_DIGITS}),
        lambda p: negolog_folder(p, RES="Infinity"),
        lambda p: negmas_folder(p, {}, {"W1": HUGE_DIGITS}),
        lambda p: negmas_folder(p, {"UB": "999999999999"}, {}),
    ],
    ids=[
        "genius-nan",
        "genius-1e12",
        "geniusweb-digits",
        "negolog-inf",
        "negmas-digits",
        "negmas-1e12",
    ],
)
def test_cli_analyze_reports_one_line(tmp_path, make):
    folder = make(tmp_path)
    t0 = time.perf_counter()
    r = runner.invoke(app, ["analyze", str(folder)])
    assert time.perf_counter() - t0 < 5 * FAST
    assert r.exit_code == 2, r.output
    assert r.stderr.count("\n") == 1, r.stderr
    assert str(folder) in r.stderr


# ---------------------------------------------------------------------------- mutation fuzz
PACKAGED = sorted((Path(accord.__file__).parent / "scenarios").glob("*.yaml"))

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])")
REPLACEMENTS = st.sampled_from(
    [
        *("inf", "-inf", "NaN", ".nan", ".inf", "-.inf", "Infinity", "1e400", "1.0e+400"),
        *("1e308", "-1e308", "-1", "0", "-0.0", "1.5", "1000000000000"),
        *("1" + "0" * 400, HUGE_DIGITS),
    ]
)


#: The packaged scenarios are accord YAML, read by ``yaml_format``: every replacement applies.
ACCORD_YAML_REPLACEMENTS = REPLACEMENTS


def test_accord_yaml_huge_integer_issue(tmp_path):
    """``supply-contract.yaml``'s ``delivery_weeks`` (1..6) made 1..10^12 (analysing it then
    tries to allocate a 7 TiB table)."""
    source = Path(accord.__file__).parent / "scenarios" / "supply-contract.yaml"
    text = source.read_text(encoding="utf-8")
    path = tmp_path / source.name
    hostile = text.replace("low: 1\n    high: 6\n", "low: 1\n    high: 1000000000000\n", 1)
    assert hostile != text
    path.write_text(hostile, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"1,000,000,000,000 values; at most 10,000,000"):
        accord.load(path)


@pytest.fixture(scope="module")
def fuzz_sources(tmp_path_factory) -> list[tuple[Path, str]]:
    """(folder, file to mutate): small files of every reader, written here, and the packaged
    scenarios (each copied into a folder of its own, so the installed files stay untouched)."""
    tmp = tmp_path_factory.mktemp("sources")
    sources = [
        (genius_folder(tmp / "g", {}, {}), "a.xml"),
        (genius_folder(tmp / "d", {}, {}), "dom.xml"),
        (gw_folder(tmp / "w", {}, {}), "a.json"),
        (gw_folder(tmp / "x", {}, {}), "trip.json"),
        (negolog_folder(tmp / "n"), "profileA.json"),
        (negmas_folder(tmp / "m", {}, {}), "a.yaml"),
        (negmas_folder(tmp / "s", {}, {}), "deal.yaml"),
    ]
    for yaml_file in PACKAGED:
        folder = tmp / "packaged" / yaml_file.stem
        folder.mkdir(parents=True)
        shutil.copy(yaml_file, folder / yaml_file.name)
        sources.append((folder, yaml_file.name))
    return sources


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_numbers_raise_only_accord_errors(fuzz_sources, data, tmp_path):
    folder, name = data.draw(st.sampled_from(fuzz_sources))
    text = (folder / name).read_text(encoding="utf-8")
    spans = [m.span() for m in NUMBER.finditer(text)]
    picks = data.draw(st.lists(st.sampled_from(spans), min_size=1, max_size=3, unique=True))
    packaged = folder.parent.name == "packaged"
    replacements = ACCORD_YAML_REPLACEMENTS if packaged else REPLACEMENTS
    for start, end in sorted(picks, reverse=True):
        text = text[:start] + data.draw(replacements) + text[end:]
    work = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
    shutil.copytree(folder, work)
    (work / name).write_text(text, encoding="utf-8")
    target = work / name if len(list(work.iterdir())) == 1 else work
    with contextlib.suppress(AccordError):
        accord.analyze(accord.load(target), samples=2_000, time_limit=2.0)
