"""Faithfulness of the bridge: a negotiation plays the same inside accord and inside NegMAS.

* NegMAS negotiators hosted in accord (``negmas:`` specs) make the same offers, in the same
  rounds, with the same agreement, as the same classes in NegMAS's own ``SAOMechanism`` on
  :func:`accord.negmas.ufuns` (``n_steps`` = accord's rounds): bilateral and multilateral,
  linear-additive and hyper-rectangle utilities, with and without discounting;
* accord agents inside NegMAS (:func:`accord.negmas.negotiator`) make the same offers as in
  accord itself.

One known difference is pinned down too: a NegMAS negotiator that offers "its best outcome"
may pick another outcome of the same utility when several tie (NegMAS's linear-additive ufun
optimises issue by issue; a hosted negotiator's ufun only knows utilities).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("negmas")

import negmas.sao as ns
from negmas.sao import SAOMechanism

import accord
from accord.io import load_path
from accord.negmas import negotiator, to_index, ufuns

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "scenarios"
CORPUS_FOLDERS = (
    "genius10.4/anac-y2012-Barter-A",
    "negolog/domain10",
    "geniusweb-anl2021/jobs",
    "genius10.4/ANAC2016-AgentSmith",  # 3 parties, discount 0.2
    "genius-svn-history/nonlinear-simple",  # 4 parties, hyper-rectangles, discount
    "genius-svn-history/CarLinear",  # integer issue, discount
)
#: Deterministic NegMAS negotiators, cycled over the parties (first mover first).
LINEUPS = (
    ("AspirationNegotiator", "NaiveTitForTatNegotiator", "ConcederTBNegotiator"),
    ("AspirationNegotiator", "ToughNegotiator", "BoulwareTBNegotiator"),
    ("NaiveTitForTatNegotiator", "AspirationNegotiator", "LinearTBNegotiator"),
    ("ConcederTBNegotiator", "LinearTBNegotiator", "AspirationNegotiator"),
)
Offers = list[tuple[int, str, int]]


def lineup(classes: tuple[str, ...], n: int) -> list[str]:
    return [classes[i % len(classes)] for i in range(n)]


def in_negmas(sc: accord.Scenario, players: list, rounds: int) -> tuple[Offers, int | None]:
    """Run in NegMAS's SAOMechanism; ``players`` are negotiator factories ``(name) -> neg``."""
    us = ufuns(sc)
    mechanism = SAOMechanism(outcome_space=us[0].outcome_space, n_steps=rounds)
    for party, make, u in zip(sc.parties, players, us, strict=True):
        mechanism.add(make(party.name), ufun=u)
    state = mechanism.run()
    assert not state.has_error, state.error_details
    offers = [(s, who, to_index(sc, o)) for s, who, o in mechanism.extended_trace]
    agreement = None if state.agreement is None else to_index(sc, state.agreement)
    return offers, agreement


def in_accord(sc: accord.Scenario, specs: list[str], rounds: int) -> tuple[Offers, int | None]:
    result = accord.negotiate(sc, specs, rounds=rounds, seed=0)
    assert result.failure is None, result.failure
    offers = [(e.round, e.party, e.outcome) for e in result.trace if e.kind == "offer"]
    return offers, result.agreement


def negmas_class(name: str):
    cls = getattr(ns, name)
    return lambda party: cls(name=party, id=party)


def assert_hosted_like_negmas(sc: accord.Scenario, classes: tuple[str, ...], rounds: int):
    names = lineup(classes, len(sc.parties))
    expected = in_negmas(sc, [negmas_class(c) for c in names], rounds)
    got = in_accord(sc, [f"negmas:negmas.sao.{c}" for c in names], rounds)
    assert got == expected
    assert len(got[0]) > 0


@pytest.mark.parametrize("classes", LINEUPS, ids=lambda c: "-".join(x[:6] for x in c))
@pytest.mark.parametrize("name", ["job-offer", "river-basin", "harbour-strike"])
@pytest.mark.parametrize("rounds", [10, 80])
def test_negmas_negotiators_in_accord_play_as_in_negmas(name, classes, rounds):
    assert_hosted_like_negmas(accord.load(name), classes, rounds)


def test_six_parties_with_a_hosted_lineup():
    assert_hosted_like_negmas(accord.load("riverside-redevelopment"), LINEUPS[0], 40)


@pytest.mark.corpus
@pytest.mark.parametrize("folder", CORPUS_FOLDERS)
@pytest.mark.parametrize("classes", LINEUPS[:2], ids=["tit-for-tat", "tough"])
def test_negmas_negotiators_in_accord_play_as_in_negmas_on_the_corpus(folder, classes):
    if not (CORPUS / folder).is_dir():
        pytest.skip(f"corpus folder {folder} not found")
    assert_hosted_like_negmas(load_path(CORPUS / folder), classes, 60)


def test_mixed_hosted_and_accord_agents_against_negmas():
    """One hosted NegMAS negotiator against an accord agent, compared with the accord agent
    wrapped for NegMAS against the same NegMAS class there."""
    sc = accord.load("job-offer")
    for rounds in (20, 150):
        expected = in_negmas(
            sc,
            [
                negmas_class("AspirationNegotiator"),
                lambda p: negotiator("boulware", seed=0, name=p, id=p),
            ],
            rounds,
        )
        got = in_accord(sc, ["negmas:negmas.sao.AspirationNegotiator", "boulware"], rounds)
        assert got == expected


@pytest.mark.parametrize("name", ["job-offer", "hostage-release-2023", "river-basin"])
@pytest.mark.parametrize("rounds", [10, 200])
def test_accord_agents_in_negmas_play_as_in_accord(name, rounds):
    sc = accord.load(name)
    specs = ["boulware", "conceder", "aspiration:curve=linear"][: len(sc.parties)]
    expected = in_accord(sc, specs, rounds)
    got = in_negmas(sc, [lambda p, s=s: negotiator(s, seed=0, name=p, id=p) for s in specs], rounds)
    assert got == expected


def test_tied_best_outcomes_may_be_chosen_differently():
    """hostage-release-2023: Hamas's best utility (1.0) is reached by several outcomes."""
    sc = accord.load("hostage-release-2023")
    classes = ["AspirationNegotiator", "ToughNegotiator"]
    negmas_offers, _ = in_negmas(sc, [negmas_class(c) for c in classes], 10)
    accord_offers, _ = in_accord(sc, [f"negmas:negmas.sao.{c}" for c in classes], 10)
    u = sc.utilities()[:, 1]
    theirs = [o for _, who, o in negmas_offers if who == "Hamas"]
    ours = [o for _, who, o in accord_offers if who == "Hamas"]
    assert theirs != ours
    assert [u[o] for o in theirs] == [u[o] for o in ours] == [1.0] * len(ours)
