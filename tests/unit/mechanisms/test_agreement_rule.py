"""The mechanisms under an agreement rule: a deal passes the rule, not only unanimity."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import accord
from accord import AgreementRule
from accord.cli.main import app
from accord.mechanisms.alternating_offers import run_alternating_offers
from accord.mediators.model_mediator import _score, rule_score
from accord.testing.scenarios import additive_scenario

GAMES = Path(__file__).resolve().parents[3].parent / "shared" / "scenarios" / "scorable-games"
GAME_NAMES = ("base", "base_7players", "base_rewritten", "game1", "game2", "game3")


def game(seed: int, parties: int, rule: AgreementRule, reservation: float = 0.45):
    sc = additive_scenario((3, 3, 4), parties=parties, seed=seed, reservation=reservation)
    return replace(sc, rule=rule)


def accepting(scenario, result) -> list[str]:
    """Who values the deal at least at their reservation value."""
    return [
        p.name
        for p, u in zip(scenario.parties, result.utilities, strict=True)
        if u >= p.reservation
    ]


def assert_passes(scenario, result) -> None:
    who = accepting(scenario, result)
    assert scenario.rule.passes_names(who, scenario.party_names), (who, result.reason)
    for holder in scenario.rule.veto:
        assert holder in who  # a veto holder below its red line never lets a deal pass


class Yes:
    """Offers its best outcome and accepts anything."""

    def start(self, view):
        self.best = view.preferences.at_least(view.preferences.best)

    def propose(self, view):
        return self.best

    def respond(self, view, offer, proposer):
        from accord.mechanisms.alternating_offers import Response

        return Response.ACCEPT


def test_a_multilateral_offer_passes_once_its_proposer_and_acceptors_pass_the_rule():
    sc = game(1, 4, AgreementRule(at_least=3))
    res = run_alternating_offers(sc, [Yes() for _ in range(4)], seed=0)
    assert res.agreed
    assert res.details["accepted_by"] == list(sc.party_names[:3])
    assert res.details["left_out"] == [sc.party_names[3]]
    assert [e.kind for e in res.trace].count("accept") == 2  # not the fourth party's
    unanimous = run_alternating_offers(replace(sc, rule=AgreementRule()), [Yes()] * 4, seed=0)
    assert [e.kind for e in unanimous.trace].count("accept") == 3
    assert "accepted_by" not in unanimous.details  # unanimity: the result shape of before


def test_a_veto_holder_must_be_among_the_acceptors_of_a_multilateral_offer():
    names = game(1, 4, AgreementRule()).party_names
    sc = game(1, 4, AgreementRule(at_least=2, veto=(names[3],)))
    res = run_alternating_offers(sc, [Yes() for _ in range(4)], seed=0)
    assert res.details["accepted_by"] == list(names)  # the veto holder answers last


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mediator", ["caucus", "hill-climbing"])
def test_mediated_deals_pass_the_rule_and_veto_holders_are_never_left_out(seed, mediator):
    base = game(seed, 5, AgreementRule())
    names = base.party_names
    sc = replace(base, rule=AgreementRule(all_but=1, veto=(names[0], names[2])))
    res = accord.mediate(sc, mediator, seed=seed)
    assert res.details["agreement_rule"] == "at least 4 of 5 parties, including p0 and p2"
    if res.agreed:
        assert_passes(sc, res)
        assert set(res.details["accepted_by"]) | set(res.details["left_out"]) == set(names)
        assert set(res.details["accepted_by"]) == set(accepting(sc, res)) or (
            mediator == "caucus"  # a caucus records votes, which a party may cast otherwise
        )
    else:
        assert "accepted_by" not in res.details


def test_a_rule_reaches_deals_unanimity_does_not():
    """Where no package is acceptable to all five parties but some pass 4 of 5, the caucus
    mediator still reaches a deal under the rule, and none under unanimity."""
    found = 0
    for seed in range(40):
        base = game(seed, 5, AgreementRule(), reservation=0.62)
        u = base.utilities() >= base.reservations
        rule = AgreementRule(all_but=1)
        if u.all(axis=1).any() or not rule.passes(u, base.party_names).any():
            continue
        found += 1
        assert not accord.mediate(base, "caucus", seed=seed).agreed
        res = accord.mediate(replace(base, rule=rule), "caucus", seed=seed)
        assert res.agreed, res.reason
        assert len(res.details["left_out"]) == 1
        assert_passes(replace(base, rule=rule), res)
    assert found >= 2


def test_the_rule_score_ranks_as_the_unanimity_score_under_unanimity():
    rng = np.random.default_rng(3)
    names = ("a", "b", "c")
    scoring = rule_score(AgreementRule(), names)
    for _ in range(50):
        u, r = rng.random((40, 3)), rng.random(3) * 0.5
        old, new = _score(u, r), scoring(u, r)
        ok = (u >= r).all(axis=1)
        assert np.array_equal(old >= 0, new >= 0)
        if ok.any():
            assert int(np.argmax(old)) == int(np.argmax(new))
        assert np.array_equal(old[~ok], new[~ok])


def test_the_rule_score_puts_wider_support_first():
    names = ("a", "b", "c")
    scoring = rule_score(AgreementRule(at_least=2), names)
    u = np.array([[0.9, 0.9, 0.1], [0.5, 0.5, 0.5], [0.1, 0.1, 0.1]])
    s = scoring(u, np.array([0.4, 0.4, 0.4]))
    assert s[1] > s[0] > 0 > s[2]


@pytest.mark.skipif(not GAMES.is_dir(), reason="the scorable games are not beside the checkout")
@pytest.mark.parametrize("name", GAME_NAMES)
def test_the_caucus_mediator_reaches_passing_deals_on_the_scorable_games(name):
    sc = accord.load(GAMES / name)
    results = accord.mediate(sc, repeat=20, seed=0)
    passed = 0
    for res in results:
        if res.agreed:
            who = accepting(sc, res)
            passed += sc.rule.passes_names(who, sc.party_names)
    assert passed >= 19  # >= 95 % of 20 seeds


@pytest.mark.skipif(not GAMES.is_dir(), reason="the scorable games are not beside the checkout")
def test_accord_mediate_on_a_game_folder_names_the_option_codes():
    out = CliRunner().invoke(app, ["mediate", str(GAMES / "base"), "--json", "--seed", "3"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    deal = data["agreement"]
    assert sorted(deal) == ["A", "B", "C", "D", "E"]
    assert all(v.startswith(k) and v[len(k) :].isdigit() for k, v in deal.items())
    assert "at least 5 of 6 parties" in data["details"]["agreement_rule"]


def test_adding_a_veto_never_enlarges_what_a_mediated_run_can_pass():
    """Property of the rule the mechanisms use: passing sets only shrink with a veto."""
    names = ("a", "b", "c", "d")
    rows = np.array(list(itertools.product([False, True], repeat=4)))
    for k in range(1, 5):
        plain = AgreementRule(at_least=k).passes(rows, names)
        vetoed = AgreementRule(at_least=k, veto=("b",)).passes(rows, names)
        assert not (vetoed & ~plain).any()


def test_mediate_measures_the_deal_against_the_best_passing_package():
    sc = accord.load("riverside-redevelopment")
    res = accord.mediate(sc, parties=["pressured"] * len(sc.parties), seed=0)
    best = accord.analyze(sc).consensus.best
    assert res.details["best_passing_utilities"] == list(best.utilities)
    gap = np.linalg.norm(np.array(res.utilities) - np.array(best.utilities))
    assert res.details["distance_to_best_passing"] == pytest.approx(gap)
    plain = accord.mediate(replace(sc, rule=AgreementRule()), seed=0)
    assert "best_passing_utilities" not in plain.details
