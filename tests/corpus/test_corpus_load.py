"""Every domain folder of the shared scenario corpus loads, or fails for a known reason.

The corpus lives next to the repository (``../shared/scenarios``); a fresh clone has none, so
the whole module is skipped then.
"""

import csv
import re
from pathlib import Path

import pytest

from accord.errors import ScenarioError
from accord.io import load_path

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios"
if not (CORPUS / "catalog.csv").is_file():
    pytest.skip(f"scenario corpus not found at {CORPUS}", allow_module_level=True)

pytestmark = pytest.mark.corpus

#: Folders that cannot be loaded, and why (each raises ScenarioError naming a file and line).
EXPECTED_FAILURES = {
    "genius-svn-history/ABMP_car_domain": "'price' evaluator: clipped sum over other issues' "
    "costs, not linear-additive; only 1 usable profile",
    "genius10.4/2nd_hand_car": "same 'price' evaluator as ABMP_car_domain; only 1 usable profile",
    "genius10.4/Railway": "'constraint' profiles (ranks + zero-outcome rules) define no utility",
    "genius10.4/backup-ABMP_car_domain": "domain without any profile",
    "genius10.4/pie_0.0x": "profiles evaluate 100 of the domain's 1001 values (GENIUS fails too)",
    "genius10.4/templates-root": "agent_b_space.xml belongs to another domain; 1 usable profile",
    "negmas-tests/pkg-tests-LaptopConv1D": "unescaped '\"' inside attribute values (ambiguous)",
    "negmas-tests/tests-LaptopConv": "prof2 uses one combined issue; only 1 usable profile",
}

#: Loaded outcome counts that differ from catalog.csv on purpose.
EXPECTED_SIZE_DIFFERENCES = {
    f"genius10.4/anac-y2012-FlightBooking-{x}": (36, "48")  # 'Sep4_2011' listed twice: dropped
    for x in "ABC"
}

LOCATED = re.compile(r"^.+:\d+: ")


def catalog() -> list[dict[str, str]]:
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_corpus_folders_load_or_fail_for_known_reasons():
    rows = catalog()
    assert len(rows) == 394
    failures: dict[str, str] = {}
    size_differences: dict[str, tuple[int | None, str]] = {}
    for row in rows:
        key = f"{row['source']}/{row['folder']}"
        try:
            scenario = load_path(CORPUS / key)
        except ScenarioError as exc:
            assert LOCATED.match(str(exc)), f"{key}: error without file:line: {exc}"
            assert exc.file is not None and exc.line is not None
            failures[key] = str(exc)
            continue
        assert len(scenario.parties) >= 2, key
        size = scenario.space.size
        shown = "continuous" if size is None else str(size)
        if shown != row["n_outcomes"]:
            size_differences[key] = (size, row["n_outcomes"])
    assert set(failures) == set(EXPECTED_FAILURES), failures
    assert len(rows) - len(failures) >= 0.97 * len(rows)
    assert size_differences == EXPECTED_SIZE_DIFFERENCES


def test_repairs_and_skips_are_reported_as_warnings():
    scenario = load_path(CORPUS / "genius10.4/ANAC2015-group10-building_construction")
    skipped = [w for w in scenario.warnings if "profile skipped" in w]
    assert len(skipped) == 10  # util1..util10 have all-zero weights
    assert all("weights sum to 0" in w for w in skipped)
    assert len(scenario.parties) == 9
    sporthal = load_path(CORPUS / "genius10.4/ANAC2015-group2-new_sporthal")
    assert any("read as cp1252" in w for w in sporthal.warnings)
    car = load_path(CORPUS / "genius10.4/anac-y2011-Car")
    assert any("no blank between attributes" in w for w in car.warnings)


def test_large_profiles_load_quickly():
    big = load_path(CORPUS / "genius10.4/backup-ampo_vs_city")
    assert big.space.size == 56_609_280
    assert big.load_seconds is not None and big.load_seconds < 1.0
