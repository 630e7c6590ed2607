"""Bad input makes the CLI print exactly one line, ``accord: error: file:line: reason``, and exit 2
(issue 9): no numpy warning, nothing on stdout, before or after it.

Under pytest a warning is recorded instead of printed, so each case also records warnings itself
and requires none: counting lines alone would miss them here.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.unit.io.texts import GENIUS_DOMAIN, GENIUS_PROFILE
from typer.testing import CliRunner

from accord.cli.main import app

HUGE_DIGITS = "1" * 5000


NONLINEAR_DOMAIN = GENIUS_DOMAIN.replace("{UB}", "9")

NONLINEAR_PROFILE = """<utility_space type="nonlinear" number_of_issues="2">
<utility maxutility="{MAXU}">
<ufun type="PlainUfun" weight="1" aggregation="sum">
<hyperRectangle utility="{U}">
<INCLUDES index="2" min="0" max="4"/>
</hyperRectangle>
<hyperRectangle utility="5">
<INCLUDES index="2" min="3" max="9"/>
</hyperRectangle>
</ufun>
</utility>
<reservation value="0"/>
</utility_space>
"""

GW_DOMAIN = """{
 "name": "trip",
 "issuesValues": {
  "city": {"values": ["Oslo", "Rome"]},
  "nights": {"range": {"low": 1, "high": HIGH, "step": 1}}
 }
}
"""

GW_PROFILE = """{"LinearAdditiveUtilitySpace": {
 "issueUtilities": {
  "city": {"DiscreteValueSetUtilities": {"valueUtilities": {"Oslo": OSLO, "Rome": 1}}},
  "nights": {"NumberValueSetUtilities": {"lowValue": 1, "lowUtility": 0,
                                          "highValue": 4, "highUtility": 1}}
 },
 "issueWeights": {"city": W1, "nights": 0.5},
 "name": "a"
}}
"""

NEGOLOG = """{
 "reservationValue": RES,
 "issueWeights": {"price": W1, "colour": 0.5},
 "issues": {"price": {"low": UTIL, "high": 1.0}, "colour": {"red": 1.0, "blue": 0.0}}
}
"""

NEGMAS_SPACE = """type: DiscreteCartesianOutcomeSpace
name: deal
issues:
- type: CategoricalIssue
  name: colour
  values: [red, blue]
- type: ContiguousIssue
  name: n
  values: [0, UB]
"""

NEGMAS_UFUN = """type: LinearAdditiveUtilityFunction
weights: [W1, 0.5]
values:
- type: TableFun
  mapping: {red: EVAL, blue: 1.0}
- type: TableFun
  mapping: {0: 0.0, 1: 0.3, 2: 0.6, 3: 1.0}
reserved_value: RES
"""

ACCORD = """accord: 1
name: tiny
issues:
  - {name: colour, values: [red, green]}
  - {name: n, type: integer, low: 0, high: HIGH}
parties:
  - name: a
    reservation: RES
    utility:
      type: linear-additive
      weights: {colour: W1, n: 0.5}
      values:
        colour: {table: {red: 1.0, green: 0.0}}
        n: {linear: {slope: 0.1, offset: 0}}
  - name: b
    utility:
      type: hyper-rectangles
      max_utility: MAXU
      rectangles:
        - {utility: 60, include: {n: [0, 3]}}
        - {utility: 40, include: {n: [2, 9]}}
"""

DEFAULTS = {
    "UB": "3",
    "EVAL": "0.5",
    "SLOPE": "0.25",
    "W1": "0.5",
    "RES": "0.1",
    "DISC": "0.9",
    "MAXU": "100",
    "U": "5",
    "HIGH": "9",
    "OSLO": "0.5",
    "UTIL": "0.3",
}


def fill(template: str, **subs: str) -> str:
    """``template`` with ``{KEY}`` (XML) and bare ``KEY`` (JSON, YAML) replaced."""
    values = {**DEFAULTS, **subs}
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return re.sub(r"\b[A-Z][A-Z0-9]+\b", lambda m: values.get(m.group(), m.group()), template)


def files(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def genius(domain: dict[str, str], profile: dict[str, str]) -> Callable[[Path], Path]:
    return lambda tmp: files(
        tmp / "g",
        {
            "dom.xml": fill(GENIUS_DOMAIN, **domain),
            "a.xml": fill(GENIUS_PROFILE, **profile),
            "b.xml": fill(GENIUS_PROFILE),
        },
    )


def nonlinear(**profile: str) -> Callable[[Path], Path]:
    return lambda tmp: files(
        tmp / "nl",
        {
            "dom.xml": NONLINEAR_DOMAIN,
            "a.xml": fill(NONLINEAR_PROFILE, **profile),
            "b.xml": fill(NONLINEAR_PROFILE),
        },
    )


def geniusweb(domain: dict[str, str], profile: dict[str, str]) -> Callable[[Path], Path]:
    return lambda tmp: files(
        tmp / "gw",
        {
            "trip.json": fill(GW_DOMAIN, **domain),
            "a.json": fill(GW_PROFILE, **profile),
            "b.json": fill(GW_PROFILE),
        },
    )


def negolog(**profile: str) -> Callable[[Path], Path]:
    return lambda tmp: files(
        tmp / "nego",
        {"profileA.json": fill(NEGOLOG, **profile), "profileB.json": fill(NEGOLOG)},
    )


def negmas(space: dict[str, str], ufun: dict[str, str]) -> Callable[[Path], Path]:
    return lambda tmp: files(
        tmp / "nm",
        {
            "deal.yaml": fill(NEGMAS_SPACE, **space),
            "a.yaml": fill(NEGMAS_UFUN, **ufun),
            "b.yaml": fill(NEGMAS_UFUN),
        },
    )


def accord_yaml(text: str | None = None, **subs: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / "s.yaml"
        path.write_text(fill(ACCORD, **subs) if text is None else text, encoding="utf-8")
        return path

    return make


def bomb() -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 11)]
    return fill(ACCORD) + "\n".join(lines) + "\n"


CASES = {
    "genius-weight-nan": genius({}, {"W1": "NaN"}),
    "genius-evaluation-inf": genius({}, {"EVAL": "inf"}),
    "genius-slope-1e400": genius({}, {"SLOPE": "1e400"}),
    "genius-reservation-1e308": genius({}, {"RES": "1e308"}),
    "genius-discount-digits": genius({}, {"DISC": HUGE_DIGITS}),
    "genius-weight-negative": genius({}, {"W1": "-0.5"}),
    "genius-issue-1e12": genius({"UB": "1000000000000"}, {}),
    "genius-issue-digits": genius({"UB": HUGE_DIGITS}, {}),
    "nonlinear-utility-inf": nonlinear(U="inf"),
    "nonlinear-utility-1e400": nonlinear(U="1e400"),
    "nonlinear-maxutility-inf": nonlinear(MAXU="inf"),
    "nonlinear-maxutility-zero": nonlinear(MAXU="0"),
    "geniusweb-weight-digits": geniusweb({}, {"W1": HUGE_DIGITS}),
    "geniusweb-utility-nan": geniusweb({}, {"OSLO": "NaN"}),
    "geniusweb-utility-negative": geniusweb({}, {"OSLO": "-0.5"}),
    "geniusweb-range-1e400": geniusweb({"HIGH": "1e400"}, {}),
    "geniusweb-range-1e12": geniusweb({"HIGH": "1000000000000"}, {}),
    "negolog-reservation-inf": negolog(RES="Infinity"),
    "negolog-utility-negative": negolog(UTIL="-1"),
    "negolog-weight-1e400": negolog(W1="1e400"),
    "negmas-weight-digits": negmas({}, {"W1": HUGE_DIGITS}),
    "negmas-evaluation-nan": negmas({}, {"EVAL": ".nan"}),
    "negmas-reservation-inf": negmas({}, {"RES": ".inf"}),
    "negmas-issue-1e12": negmas({"UB": "999999999999"}, {}),
    "accord-weight-inf": accord_yaml(W1=".inf"),
    "accord-reservation-1e308": accord_yaml(RES="1.0e+308"),
    "accord-issue-1e12": accord_yaml(HIGH="1000000000000"),
    "accord-maxutility-zero": accord_yaml(MAXU="0"),
    "accord-alias-bomb": accord_yaml(bomb()),
    "accord-duplicate-key": accord_yaml(fill(ACCORD) + "name: again\n"),
    # a subnormal max utility once overflowed (a RuntimeWarning) before it was refused
    "nonlinear-maxutility-subnormal": nonlinear(MAXU="1e-320"),
    "accord-maxutility-subnormal": accord_yaml(MAXU="1e-320"),
}


def check_one_line(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    target = make(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(app, ["analyze", str(target)])
    assert [str(w.message) for w in caught] == []
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"accord: error: {target}")


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_bad_input_is_one_line_and_exit_2(tmp_path, make):
    check_one_line(tmp_path, make)


def test_the_good_files_are_accepted(tmp_path):
    """The templates are good as they stand, so every case above fails by its own value."""
    makers = [
        genius({}, {}),
        nonlinear(),
        geniusweb({}, {}),
        negolog(),
        negmas({}, {}),
        accord_yaml(),
    ]
    for i, make in enumerate(makers):
        folder = tmp_path / str(i)
        folder.mkdir()
        result = CliRunner().invoke(app, ["analyze", str(make(folder)), "--json"])
        assert result.exit_code == 0, (make, result.stderr)


def test_a_tiny_number_range_scores_without_a_warning(tmp_path):
    """A GeniusWeb number range of subnormal width is accepted (GeniusWeb allows it) and
    scores the values outside it 0 without an overflow warning on the way."""
    tiny = GW_PROFILE.replace('"lowValue": 1', '"lowValue": 0').replace(
        '"highValue": 4', '"highValue": 1e-320'
    )
    folder = files(
        tmp_path / "gw",
        {"trip.json": fill(GW_DOMAIN), "a.json": fill(tiny), "b.json": fill(GW_PROFILE)},
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(app, ["analyze", str(folder), "--json"])
    assert [str(w.message) for w in caught] == []
    assert result.exit_code == 0, result.stderr
