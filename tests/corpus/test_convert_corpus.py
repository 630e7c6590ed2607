"""Lossless or loud over a sample of the corpus: converting a folder to each writable format
either round-trips (every party's utility of every probed outcome, reservation value and
discount factor to 1e-12) or is refused with a :class:`ScenarioError` naming every loss."""

import csv
from pathlib import Path

import numpy as np
import pytest

import accord
from accord.errors import ScenarioError
from accord.io import load_path
from accord.io.save import check_save
from accord.scenario import Scenario

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios"
if not (CORPUS / "catalog.csv").is_file():
    pytest.skip(f"scenario corpus not found at {CORPUS}", allow_module_level=True)

pytestmark = pytest.mark.corpus

EVERY = 13  # every 13th catalog row: ~30 folders of every source and format
FULL = 20_000
SAMPLE = 2_000


def sample_folders() -> list[Path]:
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [CORPUS / r["source"] / r["folder"] for r in rows[::EVERY]]


def probe(scenario: Scenario, seed: int) -> np.ndarray:
    space = scenario.space
    size = space.size or 0
    if size <= FULL:
        return space.all_digits()
    return space.sample(np.random.default_rng(seed), SAMPLE)


def discount(d: float | None) -> float | None:
    return None if d is None or d == 1.0 else d  # a factor of 1 means no discounting


def assert_same(a: Scenario, b: Scenario, seed: int) -> None:
    if a.space.is_continuous:
        a, b = a.discretized(11), b.discretized(11)
    assert a.space.radices.tolist() == b.space.radices.tolist()
    assert a.party_names == b.party_names or sorted(a.party_names) == sorted(b.party_names)
    digits = probe(a, seed)
    for party in a.parties:
        other = b.party(party.name)
        ua = party.utility.evaluate(a.space, digits)
        ub = other.utility.evaluate(b.space, digits)
        np.testing.assert_allclose(ub, ua, rtol=0, atol=1e-12, err_msg=party.name)
        assert other.reservation == pytest.approx(party.reservation, abs=1e-12), party.name
        assert discount(other.discount) == discount(party.discount), party.name


@pytest.mark.parametrize("fmt", ["yaml", "genius", "geniusweb"])
def test_convert_round_trips_or_names_the_loss(fmt, tmp_path):
    written, refused = [], []
    for k, folder in enumerate(sample_folders()):
        try:
            original = load_path(folder)
        except ScenarioError:
            continue  # listed in test_corpus_load.EXPECTED_FAILURES
        dst = tmp_path / f"{k}.yaml" if fmt == "yaml" else tmp_path / str(k)
        try:
            result = accord.convert(original, dst, to=fmt)
        except ScenarioError as exc:
            losses = check_save(original, dst, fmt).losses
            assert losses, f"{folder.name}: refused without a loss: {exc}"
            for loss in losses:
                assert loss.describe() in str(exc), (folder.name, str(exc))
            assert not dst.exists(), f"{folder.name}: written although refused"
            refused.append(folder.name)
            continue
        assert not result.losses
        assert_same(original, load_path(result.paths[0] if fmt == "yaml" else dst), seed=k)
        written.append(folder.name)
    assert len(written) + len(refused) >= 25, (written, refused)
    assert len(written) >= 10, (written, refused)
