"""Unanimity is the special case of the agreement rules, on the corpus.

For corpus scenarios, a rule written differently but meaning "every party" (``at_least: n``,
``share: 1``, vetoes only) gives the same analysis as the default rule, with
``passing_outcomes`` the outcomes every party accepts (at or above its red line); and a rule
that leaves one party out never passes fewer outcomes, nor a deal the default would refuse.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import accord
from accord import AgreementRule
from accord.io import load_path

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios"
if not CORPUS.is_dir():
    pytest.skip(f"scenario corpus not found at {CORPUS}", allow_module_level=True)

pytestmark = pytest.mark.corpus

#: Small corpus folders of every format (2 and 3+ parties), analysed in well under a second.
FOLDERS = [
    "genius10.4/anac-y2010-Itex-vs-Cypress",
    "genius10.4/anac-y2011-Grocery",
    "genius10.4/anac-y2012-FlightBooking-A",
    "genius10.4/Domain16",
    "genius10.4/ANAC2015-group12-symposium",
    "negmas-yaml/anl2025-0015625Kitchen",
    "negmas-tests/other-journal_learning-four_issues",
]


def folders() -> list[str]:
    return [f for f in FOLDERS if (CORPUS / f).is_dir()]


def same_meaning(n: int, names: tuple[str, ...]) -> list[AgreementRule]:
    return [AgreementRule(at_least=n), AgreementRule(share=1.0), AgreementRule(veto=names[:1])]


@pytest.mark.parametrize("folder", folders())
def test_rules_meaning_every_party_analyse_as_the_default(folder):
    sc = load_path(CORPUS / folder)
    if sc.space.size is None or sc.space.size > 2_000_000:
        pytest.skip("too large for this check")
    base = accord.analyze(sc).to_dict()
    accepts = sc.utilities() >= sc.reservations
    assert base["passing_outcomes"] == int(accepts.all(axis=1).sum())
    assert base["passing_outcomes"] >= base["zopa_outcomes"]
    assert base["consensus"] is None
    for rule in same_meaning(len(sc.parties), sc.party_names):
        other = accord.analyze(replace(sc, rule=rule)).to_dict()
        assert {k: v for k, v in other.items() if k not in ("agreement_rule", "timings")} == {
            k: v for k, v in base.items() if k not in ("agreement_rule", "timings")
        }


@pytest.mark.parametrize("folder", folders())
def test_leaving_one_party_out_never_passes_less(folder):
    sc = load_path(CORPUS / folder)
    if sc.space.size is None or sc.space.size > 2_000_000 or not 2 <= len(sc.parties) <= 62:
        pytest.skip("too large for this check (acceptance patterns are kept as 62-bit codes)")
    n = len(sc.parties)
    looser = accord.analyze(replace(sc, rule=AgreementRule(all_but=1))).to_dict()
    assert looser["passing_outcomes"] >= accord.analyze(sc).to_dict()["passing_outcomes"]
    vetoed = replace(sc, rule=AgreementRule(all_but=1, veto=sc.party_names[:1]))
    assert accord.analyze(vetoed).to_dict()["passing_outcomes"] <= looser["passing_outcomes"]
    accepts = sc.utilities() >= sc.reservations
    assert looser["passing_outcomes"] == int((accepts.sum(axis=1) >= n - 1).sum())


def timeless(result) -> dict:
    """The result as a dict without wall-clock times."""
    data = result.to_dict(with_trace=True)
    data["seconds"] = 0
    data["trace"] = [{k: v for k, v in e.items() if k != "time"} for e in data["trace"]]
    return data


@pytest.mark.parametrize("folder", folders()[:4])
def test_mediated_runs_under_a_rule_meaning_every_party_are_the_default_runs(folder):
    sc = load_path(CORPUS / folder)
    for seed in range(3):
        plain = accord.mediate(sc, seed=seed)
        same = accord.mediate(replace(sc, rule=AgreementRule(at_least=len(sc.parties))), seed=seed)
        assert timeless(same) == timeless(plain)
        if plain.agreed:
            assert all(u >= p.reservation for u, p in zip(plain.utilities, sc.parties, strict=True))
    assert np.isfinite(plain.utilities).all()
