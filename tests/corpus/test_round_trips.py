"""Format round trips over the corpus: GENIUS → accord YAML → GENIUS and GeniusWeb → YAML →
GeniusWeb keep every party's utility of every outcome (all outcomes up to 10^6, otherwise a
seeded sample of 10,000), its reservation value and its discount factor."""

import csv
from pathlib import Path

import numpy as np
import pytest

from accord.errors import ScenarioError
from accord.io import load_path, save
from accord.scenario import Scenario

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios"
if not (CORPUS / "catalog.csv").is_file():
    pytest.skip(f"scenario corpus not found at {CORPUS}", allow_module_level=True)

pytestmark = pytest.mark.corpus

FULL = 1_000_000
SAMPLE = 10_000


def folders(fmt: str) -> list[Path]:
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        return [
            CORPUS / r["source"] / r["folder"] for r in csv.DictReader(fh) if r["format"] == fmt
        ]


def probe(scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    space = scenario.space
    size = space.size or 0
    return space.all_digits() if size <= FULL else space.sample(rng, SAMPLE)


def assert_same(a: Scenario, b: Scenario, seed: int) -> None:
    if a.space.is_continuous:
        a, b = a.discretized(11), b.discretized(11)
    assert a.space.radices.tolist() == b.space.radices.tolist()
    digits = probe(a, np.random.default_rng(seed))
    assert sorted(a.party_names) == sorted(b.party_names)
    for party in a.parties:
        other = b.party(party.name)
        ua = party.utility.evaluate(a.space, digits)
        ub = other.utility.evaluate(b.space, digits)
        np.testing.assert_allclose(ub, ua, rtol=0, atol=1e-9, err_msg=party.name)
        assert other.reservation == pytest.approx(party.reservation, abs=1e-12)
        assert other.discount == party.discount


def round_trip(folder: Path, fmt: str, tmp: Path, seed: int) -> None:
    original = load_path(folder)
    yaml_file = save(original, tmp / "yaml" / "s.yaml", "yaml").paths[0]
    via_yaml = load_path(yaml_file)
    assert_same(original, via_yaml, seed)
    save(via_yaml, tmp / fmt, fmt)
    assert_same(original, load_path(tmp / fmt), seed)


@pytest.mark.parametrize(
    ("fmt", "catalog_format"), [("genius", "genius-xml"), ("geniusweb", "geniusweb-json")]
)
def test_round_trips(fmt, catalog_format, tmp_path):
    done, refused = [], {}
    for k, folder in enumerate(folders(catalog_format)):
        try:
            original = load_path(folder)
        except ScenarioError:
            continue  # listed in test_corpus_load.EXPECTED_FAILURES
        del original
        try:
            round_trip(folder, fmt, tmp_path / str(k), seed=k)
        except ScenarioError as exc:
            refused[folder.name] = str(exc)
            continue
        done.append(folder.name)
    assert len(done) >= 50, (len(done), refused)
    assert not refused, refused
