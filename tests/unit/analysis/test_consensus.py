"""The consensus block (analysis under an agreement rule) against brute force, and its
properties: unanimity is the special case, vetoes and higher thresholds never enlarge the
passing set."""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

import accord
from accord.agreement import AgreementRule
from accord.analysis import analyze, pareto_indices
from accord.analysis import consensus as cons
from accord.cli.render import render_analysis
from accord.scenario import Scenario

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- random small games --------------------------------------------------------------------------
@st.composite
def games(draw, build, unanimity: bool = False):
    parties = draw(st.integers(2, 6))
    radices = draw(st.lists(st.integers(2, 4), min_size=2, max_size=4))
    seed = draw(st.integers(0, 10_000))
    levels = draw(st.sampled_from([None, 2, 4]))
    grid = [0.0, 0.25, 0.4, 0.5, 0.6, 0.75]
    reservations = draw(st.lists(st.sampled_from(grid), min_size=parties, max_size=parties))
    sc = build.additive(radices, parties, seed, reservations, levels)
    if unanimity:
        return sc
    return replace(sc, rule=draw(rules(sc.party_names)))


@st.composite
def rules(draw, names):
    n = len(names)
    kind = draw(st.sampled_from(["at_least", "all_but", "share", "weights", "veto", "mixed"]))
    veto = tuple(draw(st.lists(st.sampled_from(names), unique=True, max_size=2)))
    if kind == "at_least":
        return AgreementRule(at_least=draw(st.integers(1, n)), veto=veto)
    if kind == "all_but":
        return AgreementRule(all_but=draw(st.integers(0, n - 1)), veto=veto)
    if kind == "share":
        return AgreementRule(share=draw(st.sampled_from([0.3, 0.5, 2 / 3, 0.75, 1.0])))
    if kind == "veto":
        return AgreementRule(at_least=1, veto=veto)
    weights = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    if sum(weights) == 0:
        weights[0] = 1
    quota = draw(st.integers(1, sum(weights)))
    at_least = draw(st.none() | st.integers(1, n)) if kind == "mixed" else None
    return AgreementRule(
        at_least=at_least,
        weights=tuple(zip(names, map(float, weights), strict=True)),
        quota=float(quota),
        veto=veto if kind == "mixed" else (),
    )


# -- brute force, from the definitions -------------------------------------------------------------
def outcomes(sc: Scenario) -> np.ndarray:
    digits = np.array(list(itertools.product(*(range(int(r)) for r in sc.space.radices))))
    return sc.evaluate(digits)


def brute(sc: Scenario) -> dict:
    names, r, rule = sc.party_names, sc.reservations, sc.rule
    n = len(names)
    utils = outcomes(sc)
    accepting = [frozenset(names[i] for i in range(n) if u[i] >= r[i]) for u in utils]

    def passes(group) -> bool:
        return rule.passes_names(group, names)

    ok = [passes(a) for a in accepting]
    passing = [i for i in range(len(utils)) if ok[i]]
    pivotal = [
        any(names[p] in accepting[x] and not passes(accepting[x] - {names[p]}) for x in passing)
        for p in range(n)
    ]
    blocks = {
        c: not any(passes(a - set(c)) for a in accepting)
        for k in range(n + 1)
        for c in map(frozenset, itertools.combinations(names, k))
    }
    minimal = {c for c, b in blocks.items() if b and not any(blocks[c - {x}] for x in c)}
    support = [0] * (n + 1)
    for a in accepting:
        support[len(a)] += 1
    pu = utils[passing]
    widest = max((len(accepting[x]) for x in passing), default=0)
    best_product = max(
        (
            math.prod(utils[x][i] - r[i] for i in range(n) if names[i] in accepting[x])
            for x in passing
            if len(accepting[x]) == widest
        ),
        default=None,
    )
    return {
        "passing": len(passing),
        "pivotal": pivotal,
        "best": [float(pu[:, i].max()) if passing else None for i in range(n)],
        "worst": [float(pu[:, i].min()) if passing else None for i in range(n)],
        "accepted": [sum(names[i] in accepting[x] for x in passing) for i in range(n)],
        "blocking": minimal,
        "support": support,
        "frontier": {tuple(row) for row in pu[pareto_indices(pu)]} if passing else set(),
        "widest": widest,
        "best_product": best_product,
        "nash": max((np.prod(np.maximum(u - r, 0)) for u in pu), default=None),
        "utilitarian": max((u.sum() for u in pu), default=None),
        "ir": int((utils >= r).all(axis=1).sum()),
    }


def full_consensus(sc: Scenario) -> cons.Consensus:
    """The consensus block for any rule (``analyze`` skips it under unanimity)."""
    a = analyze(sc)
    if a.consensus is not None:
        return a.consensus
    tally = cons.ConsensusTally(sc.rule, sc.party_names, sc.reservations)
    utils = outcomes(sc)
    tally.add(0, utils, cons.acceptance(utils, sc.reservations)[0])
    return tally.finish(sc.space, a.frontier, a.frontier_digits)


def check_against_brute_force(sc: Scenario, c: cons.Consensus) -> None:
    b = brute(sc)
    names, r = sc.party_names, sc.reservations
    assert c.passing_outcomes == b["passing"]
    assert list(c.support) == b["support"]
    assert [p.pivotal for p in c.parties] == b["pivotal"]
    assert [p.passing_accepted for p in c.parties] == b["accepted"]
    for i, p in enumerate(c.parties):
        for pkg, want in ((p.best_passing, b["best"][i]), (p.worst_passing, b["worst"][i])):
            if want is None:
                assert pkg is None
                continue
            assert pkg is not None and pkg.utilities[i] == want
            u = sc.evaluate(np.array([sc.space.encode(pkg.outcome)]))[0]
            assert tuple(u) == pkg.utilities
            assert sc.rule.passes_names(pkg.accepted_by, names)
            assert set(pkg.accepted_by) == {
                x for x, ui, ri in zip(names, u, r, strict=True) if ui >= ri
            }
    assert c.blocking_coalitions is not None and not c.blocking_truncated
    assert {frozenset(x) for x in c.blocking_coalitions} == b["blocking"]
    sizes = [len(x) for x in c.blocking_coalitions]
    assert sizes == sorted(sizes)
    assert {tuple(row) for row in c.frontier} == b["frontier"]
    if b["passing"] == 0:
        assert c.nash is c.best is c.utilitarian is c.egalitarian is None
        assert c.blocking_coalitions == ((),)
        return
    assert c.best is not None and len(c.best.accepted_by) == b["widest"]
    product = math.prod(c.best.utilities[names.index(x)] - r[names.index(x)]
                        for x in c.best.accepted_by)  # fmt: skip
    assert product == pytest.approx(b["best_product"], abs=1e-12)
    assert c.nash is not None and c.utilitarian is not None
    nash = np.prod(np.maximum(np.array(c.nash.utilities) - r, 0))
    assert nash == pytest.approx(b["nash"], abs=1e-12)
    assert sum(c.utilitarian.utilities) == pytest.approx(b["utilitarian"])
    for pkg in (c.nash, c.kalai_smorodinsky, c.egalitarian, c.utilitarian, c.best):
        assert pkg is not None and sc.rule.passes_names(pkg.accepted_by, names)
        assert set(pkg.left_out) == set(names) - set(pkg.accepted_by)


@SETTINGS
@given(data=st.data())
def test_consensus_equals_brute_force(build, data):
    sc = data.draw(games(build))
    a = analyze(sc)
    b = brute(sc)
    assert a.passing_outcomes == b["passing"]
    assert a.agreement_rule == sc.rule.to_dict()
    assert a.agreement_rule_text == sc.rule.describe(sc.party_names)
    if sc.rule.is_unanimity(sc.party_names):
        assert a.consensus is None
    else:
        assert a.consensus is not None
    check_against_brute_force(sc, full_consensus(sc))
    json.dumps(a.to_dict(), allow_nan=False)


@SETTINGS
@given(data=st.data())
def test_unanimity_is_the_special_case(build, data):
    sc = data.draw(games(build, unanimity=True))
    n = len(sc.parties)
    a = analyze(sc)
    b = brute(sc)
    assert a.passing_outcomes == b["ir"] >= (a.zopa_outcomes or 0)
    assert a.consensus is None and a.agreement_rule == {}
    # written differently, still unanimity: the same analysis but for the rule as written
    same = {k: v for k, v in a.to_dict().items() if k not in ("timings", "agreement_rule")}
    for rule in (AgreementRule(at_least=n), AgreementRule(all_but=0), AgreementRule(share=1.0)):
        d = analyze(replace(sc, rule=rule)).to_dict()
        assert d["agreement_rule"] == rule.to_dict()
        assert {k: v for k, v in d.items() if k not in ("timings", "agreement_rule")} == same
    # the consensus block under unanimity: its solutions are the analysis's own
    c = full_consensus(sc)
    check_against_brute_force(sc, c)
    for key in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        mine, theirs = getattr(c, key), getattr(a, key)
        assert (mine is None) == (theirs is None)
        if mine is not None:
            assert (mine.outcome, mine.utilities) == (theirs.outcome, theirs.utilities)
    if c.passing_outcomes:
        assert all(p.pivotal for p in c.parties)
        assert set(c.blocking_coalitions or ()) == {(x,) for x in sc.party_names}


def test_passing_equals_zopa_without_ties_at_the_reservation(build):
    sc = build.additive([4, 5, 3, 3], 3, 7, [0.2, 0.25, 0.3])  # continuous random utilities
    a = analyze(sc)
    assert a.zopa_outcomes and a.passing_outcomes == a.zopa_outcomes


@pytest.mark.parametrize("info", accord.list_scenarios(), ids=lambda i: i.name)
def test_packaged_scenarios_under_unanimity(info):
    sc = accord.load(info.name)
    base = analyze(replace(sc, rule=AgreementRule()))
    d = base.to_dict()
    assert d["agreement_rule"] == {} and d["consensus"] is None
    n = len(sc.parties)
    other = analyze(replace(sc, rule=AgreementRule(at_least=n, veto=sc.party_names))).to_dict()
    drop = ("timings", "agreement_rule")
    assert {k: v for k, v in other.items() if k not in drop} == {
        k: v for k, v in d.items() if k not in drop
    }
    if base.method == "enumeration":
        work = sc.at().discretized()
        utils = work.utilities()
        assert base.passing_outcomes == int((utils >= work.reservations).all(axis=1).sum())
        assert base.zopa_outcomes == int((utils > work.reservations).all(axis=1).sum())
    if not sc.rule.is_unanimity(sc.party_names):
        a = analyze(sc)
        assert a.consensus is not None
        check_against_brute_force(sc.at().discretized(), a.consensus)


@SETTINGS
@given(data=st.data())
def test_a_veto_holder_below_its_reservation_never_passes(build, data):
    sc = data.draw(games(build))
    names = sc.party_names
    holder = data.draw(st.sampled_from(names))
    veto = sc.rule.veto if holder in sc.rule.veto else (*sc.rule.veto, holder)
    vetoed = replace(sc, rule=replace(sc.rule, veto=veto))
    c = full_consensus(vetoed)
    i = names.index(holder)
    me = c.parties[i]
    assert me.passing_accepted == c.passing_outcomes
    if c.passing_outcomes:
        assert me.worst_passing is not None
        assert me.worst_passing.utilities[i] >= sc.reservations[i]
        assert me.pivotal and (holder,) in (c.blocking_coalitions or ())
    utils = outcomes(sc)
    below = utils[:, i] < sc.reservations[i]
    codes, _ = cons.acceptance(utils, sc.reservations)
    ok = vetoed.rule.passes(cons.code_bits(codes, len(names)), names)
    assert not ok[below].any()


@SETTINGS
@given(data=st.data())
def test_vetoes_and_higher_thresholds_never_enlarge_the_passing_set(build, data):
    sc = data.draw(games(build))
    names, r = sc.party_names, sc.reservations
    bits = cons.code_bits(cons.acceptance(outcomes(sc), r)[0], len(names))

    def passing(rule: AgreementRule) -> np.ndarray:
        return rule.passes(bits, names)

    base = passing(sc.rule)
    holder = data.draw(st.sampled_from(names))
    if holder not in sc.rule.veto:
        more = replace(sc.rule, veto=(*sc.rule.veto, holder))
        assert not (passing(more) & ~base).any()
        assert analyze(replace(sc, rule=more)).passing_outcomes <= analyze(sc).passing_outcomes
    k = data.draw(st.integers(1, len(names) - 1))
    low, high = AgreementRule(at_least=k), AgreementRule(at_least=k + 1)
    assert not (passing(high) & ~passing(low)).any()
    counts = [analyze(replace(sc, rule=x)).passing_outcomes for x in (low, high)]
    assert counts[1] is not None and counts[0] is not None and counts[1] <= counts[0]


def test_nothing_passes(build):
    sc = replace(build.additive([3, 3], 3, 1, [2.0, 2.0, 2.0]), rule=AgreementRule(at_least=2))
    a = analyze(sc)
    c = a.consensus
    assert a.passing_outcomes == 0 and c is not None
    assert c.best is None and c.nash is None and c.frontier.shape == (0, 3)
    assert not any(p.pivotal for p in c.parties)
    assert all(p.best_passing is None and p.worst_passing is None for p in c.parties)
    assert c.to_dict()["blocking_coalitions"] == [[]]
    assert c.support == (9, 0, 0, 0)


def test_not_enumerated_says_so(build):
    sc = replace(build.additive([6, 7, 5, 4], 3, 4), rule=AgreementRule(at_least=2))
    a = analyze(sc, max_enumerate=100, samples=500)
    assert a.passing_outcomes is None and a.consensus is None
    assert any("passing the agreement rule not counted" in w for w in a.warnings)
    u = analyze(replace(sc, rule=AgreementRule()), max_enumerate=100, samples=500)
    assert u.passing_outcomes is None
    assert not any("agreement rule" in w for w in u.warnings)


def test_many_parties_use_the_sparse_patterns(build, monkeypatch):
    sc = replace(build.additive([3, 4, 2], 5, 3, [0.4, 0.5, 0.3, 0.6, 0.5]))
    sc = replace(sc, rule=AgreementRule(all_but=2, veto=("p1",)))
    dense = analyze(sc).to_dict()
    monkeypatch.setattr(cons, "_TABLE_PARTIES", 0)
    sparse = analyze(sc).to_dict()
    assert {k: v for k, v in sparse.items() if k != "timings"} == {
        k: v for k, v in dense.items() if k != "timings"
    }


def test_blocking_coalitions_are_cut_at_the_limit():
    names = tuple(f"p{i}" for i in range(6))
    rule = AgreementRule(at_least=2)
    everyone = np.ones((1, 6), dtype=bool)
    found, truncated = cons.blocking_coalitions(everyone, rule, names)
    assert not truncated and len(found) == math.comb(6, 5)  # any 5 leave one: it fails
    few, cut = cons.blocking_coalitions(everyone, rule, names, limit=2)
    assert cut and few == found[:2]


def test_text_output_shows_the_rule(build):
    sc = build.additive([3, 4, 3], 4, 5, [0.4, 0.5, 0.45, 0.5])
    sc = replace(sc, rule=AgreementRule(all_but=1, veto=("p0",)))
    console = Console(record=True, width=120)
    render_analysis(console, analyze(sc).to_dict())
    text = console.export_text()
    assert "at least 3 of 4 parties, including p0" in text
    assert "minimal blocking coalitions: p0" in text
    assert "best package" in text and "pivotal" in text
    plain = Console(record=True, width=120)
    render_analysis(plain, analyze(replace(sc, rule=AgreementRule())).to_dict())
    assert "Agreement rule" not in plain.export_text()


def test_blocking_search_stops_when_too_many_candidates():
    names = tuple(f"p{i}" for i in range(20))
    everyone = np.ones((1, 20), dtype=bool)
    found, truncated = cons.blocking_coalitions(everyone, AgreementRule(share=0.5), names)
    assert truncated and found == []  # the smallest blocking coalitions have 11 parties
    pairs, cut = cons.blocking_coalitions(everyone, AgreementRule(all_but=1), names, limit=200)
    assert not cut and len(pairs) == math.comb(20, 2)  # any two leave too few
