"""Mutation fuzzing of the shipped scenarios (bounded here; ``make fuzz`` runs the long one):
bad input is refused with an AccordError, never a crash, a hang or a memory blow-up."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import accord
from accord.testing.fuzz import DEFECTS, fuzz, inputs, make_mutant, mutate, probe

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork")

PACKAGED = Path(accord.__file__).resolve().parent / "scenarios"


def test_mutants_are_reproducible_and_really_mutated(tmp_path):
    import numpy as np

    src = PACKAGED / "job-offer.yaml"
    a, what_a = make_mutant(src, 3, 0, tmp_path / "a")
    b, what_b = make_mutant(src, 3, 0, tmp_path / "b")
    assert what_a == what_b and a.read_bytes() == b.read_bytes() != src.read_bytes()
    kinds = {
        mutate(b"weights: {a: 0.5}\nb: 2\n", np.random.default_rng(i))[0].split("@")[0]
        for i in range(200)
    }
    assert {"truncate", "flip"} <= kinds and any(k.startswith("number->") for k in kinds)


def test_the_probe_tells_refusals_from_crashes(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_bytes((PACKAGED / "job-offer.yaml").read_bytes())
    assert probe(good) == "loaded"
    bad = tmp_path / "bad.yaml"
    bad.write_text("accord: 1\nname: [", encoding="utf-8")
    assert probe(bad) == "refused"


def test_a_bounded_fuzz_of_the_packaged_scenarios_finds_no_defect():
    sources = inputs(sorted(PACKAGED.glob("*.yaml")))
    assert len(sources) == 6
    tally = fuzz(sources, 60, seed=1, seconds=10, memory_mb=1024, workers=1)
    report = tally.to_dict()
    assert report["mutants"] == 60
    assert report["counts"].get("refused", 0) > 0  # the mutations do break files
    assert report["defects"] == 0, report["signatures"]
    assert not set(report["counts"]) & set(DEFECTS)


def test_the_probe_gives_the_analysis_the_fuzz_budget(tmp_path, monkeypatch):
    from accord.testing.fuzz import ANALYSIS_SECONDS, MAX_ENUMERATE, SAMPLES

    seen = []
    monkeypatch.setattr(accord, "analyze", lambda scenario, **kw: seen.append(kw))
    good = tmp_path / "good.yaml"
    good.write_bytes((PACKAGED / "job-offer.yaml").read_bytes())
    assert probe(good) == "loaded" and probe(good, 0.5) == "loaded"
    budget = {"max_enumerate": MAX_ENUMERATE, "samples": SAMPLES}
    assert seen == [{"time_limit": ANALYSIS_SECONDS, **budget}, {"time_limit": 0.5, **budget}]
    assert ANALYSIS_SECONDS <= 3  # well under the 10 s per mutant (see the module docstring)


def _spin(scenario, **kw):
    while True:
        pass


def test_a_slow_mutant_is_reported_with_where_the_time_went(monkeypatch):
    monkeypatch.setattr(accord, "analyze", _spin)  # the forked child inherits it
    sources = inputs([PACKAGED / "job-offer.yaml"])
    report = fuzz(sources, 1, seed=0, seconds=0.3, memory_mb=1024, workers=1).to_dict()
    # the mutant may be refused before the analysis; find one that loads
    if report["counts"].get("refused"):
        report = fuzz(sources, 8, seed=0, seconds=0.3, memory_mb=1024, workers=1).to_dict()
    assert report["counts"].get("slow", 0) >= 1
    (signature,) = report["signature_counts"]
    assert signature.startswith("slow: in _spin (test_fuzz.py:")
    assert report["signature_counts"][signature] == report["counts"]["slow"]
    assert len(report["examples"]) == report["counts"]["slow"]
    assert "job-offer.yaml" in report["examples"][0]
