"""Caucus mediation on spaces of 10^60 outcomes (issue #14): the mediator learns every party
from that party's answers within the budget, asks a little about every issue when it cannot
ask everything, and still reaches a good package; parties under time pressure are asked again
for their red lines from the reserve."""

import io
from functools import cache

import numpy as np
from rich.console import Console
from typer.testing import CliRunner

from accord.cli import progress
from accord.cli.main import app
from accord.io import save
from accord.mechanisms.caucus import Answer, PartyView, Query, audit, run_caucus
from accord.mechanisms.caucus.caucus_roles import PartyState
from accord.mechanisms.own import OwnUtility
from accord.mechanisms.session import Clock
from accord.mediators.answers import truthful_answer
from accord.mediators.model_mediator import ModelMediator
from accord.mediators.party_model import interleave
from accord.mediators.pressured import own_best
from accord.registry import PARTY_STRATEGIES
from accord.testing.scenarios import additive_scenario, hyper_rectangle_scenario

BUDGET = 50


@cache
def opposed():
    return additive_scenario((10,) * 60, opposed=True, seed=0)


@cache
def rectangles():
    return hyper_rectangle_scenario(issues=60, values=10, rectangles=80, seed=0)


class Recording:
    """A truthful party that keeps the packages it was asked to rate."""

    def __init__(self) -> None:
        self.rated: list[int] = []

    def start(self, view: PartyView) -> None:
        pass

    def answer(self, view: PartyView, query: Query) -> Answer:
        if query.kind == "rate":
            self.rated.extend(query.packages)
        return truthful_answer(view, query)


def mediate(scenario, parties):
    return run_caucus(scenario, ModelMediator(), parties, seed=0, query_budget=BUDGET)


def best_random_product(scenario, n=1000):
    """The highest product of utilities among ``n`` uniformly drawn packages."""
    u = scenario.evaluate(scenario.space.sample(np.random.default_rng(1), n))
    return float(u.prod(axis=1).max())


def weighted_sum_gap(scenario, utilities):
    """How far (per unit weight) the point ``utilities`` lies below the best weighted sum
    ``u_0 + λ u_1`` of the additive scenario, at the λ where it is closest: 0 on the convex
    frontier. Exact: a weighted sum of additive utilities is maximised issue by issue."""
    fa, fb = (p.utility for p in scenario.parties)
    ta, tb = fa.issue_tables(scenario.space), fb.issue_tables(scenario.space)
    gaps = []
    for lam in np.geomspace(0.05, 20, 200):
        best = (
            fa.offset
            + lam * fb.offset
            + sum(np.max(a + lam * b) for a, b in zip(ta, tb, strict=True))
        )
        gaps.append((best - utilities[0] - lam * utilities[1]) / (1 + lam))
    return min(gaps)


def test_opposed_additive_reaches_a_package_near_the_frontier():
    sc = opposed()
    recorders = [Recording(), Recording()]
    res = mediate(sc, recorders)
    assert res.agreed
    assert all(u >= p.reservation for u, p in zip(res.utilities, sc.parties, strict=True))
    assert weighted_sum_gap(sc, res.utilities) < 0.06
    assert np.prod(res.utilities) > best_random_product(sc)
    assert max(res.details["queries"].values()) <= BUDGET
    assert audit(res.trace, sc.party_names) == []
    for party in recorders:  # a little about every issue, not everything about the first few
        rated = np.array([sc.space.from_index(p) for p in party.rated])
        varied = {int(i) for i in np.flatnonzero((rated != rated[0]).any(axis=0))}
        assert varied == set(range(60))


def test_hyper_rectangles_beat_the_best_of_many_random_packages():
    sc = rectangles()
    res = mediate(sc, [PARTY_STRATEGIES.make("truthful") for _ in sc.parties])
    assert res.agreed
    assert np.prod(res.utilities) > best_random_product(sc)
    assert audit(res.trace, sc.party_names) == []


def test_pressured_parties_are_asked_again_from_the_reserve_and_agree():
    sc = opposed()
    res = mediate(sc, [PARTY_STRATEGIES.make("pressured") for _ in sc.parties])
    assert res.agreed and res.rounds > 5  # they held out for a while
    assert max(res.details["queries"].values()) <= BUDGET
    assert weighted_sum_gap(sc, res.utilities) < 0.06


def test_guarded_parties_on_a_huge_space_agree_within_the_budget():
    sc = opposed()
    res = mediate(sc, [PARTY_STRATEGIES.make("guarded") for _ in sc.parties])
    assert res.agreed and max(res.details["queries"].values()) <= BUDGET
    assert np.prod(res.utilities) > best_random_product(sc, 100)


def own_view(scenario, i):
    state = PartyState(OwnUtility(scenario, i), 0.0)
    return PartyView(state, Clock(rounds=30, seconds=None), np.random.default_rng(0), [], [], [])


def test_a_pressured_party_finds_its_best_by_ascent_on_a_huge_space_only():
    sc = rectangles()
    for i in range(2):
        sampled = sc.evaluate(sc.space.sample(np.random.default_rng(0), 4096))[:, i].max()
        assert own_best(own_view(sc, i)) > sampled + 0.05
    small = hyper_rectangle_scenario(issues=5, values=10, rectangles=10, seed=4)  # 10^5
    sampled = small.evaluate(small.space.sample(np.random.default_rng(0), 4096))[:, 0].max()
    assert own_best(own_view(small, 0)) == sampled  # unchanged on spaces it can enumerate


def test_interleave_takes_rows_in_turn():
    assert interleave([[1, 2, 3], [4], [5, 6]]) == [1, 4, 5, 2, 6, 3]
    assert interleave([]) == []


def test_the_cli_shows_a_spinner_while_one_mediation_runs(tmp_path, monkeypatch):
    path = tmp_path / "opposed.yaml"
    save(additive_scenario((10,) * 20, opposed=True), path, "yaml")
    out = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=out, force_terminal=True))
    r = CliRunner().invoke(app, ["mediate", str(path), "--mediator", "caucus"])
    assert r.exit_code == 0, r.output
    assert "mediating opposed-20x10-1e+20-s0 (1e+20 outcomes)" in out.getvalue()
