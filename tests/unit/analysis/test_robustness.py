"""Robustness under uncertain weights and reservation values: zero-width ranges reproduce the
exact analysis, seeds reproduce results, real ranges give probabilities strictly inside (0, 1),
the exact methods agree with each other, and the YAML key round-trips."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accord.analysis import analyze, dominated_by
from accord.analysis.profiles import sample_profiles, sampled_utilities
from accord.analysis.robustness import robustness
from accord.cli.main import app
from accord.errors import ScenarioError
from accord.io.yaml_format import dumps_yaml, loads_yaml
from accord.preferences.uncertainty import Normal, PartyUncertainty, Uniform
from accord.scenario import Scenario


def with_uncertainty(scenario: Scenario, make) -> Scenario:
    """Give every party the uncertainty ``make(party)``."""
    parties = tuple(dataclasses.replace(p, uncertainty=make(p)) for p in scenario.parties)
    return dataclasses.replace(scenario, parties=parties)


def zero_width(party) -> PartyUncertainty:
    names = [f"i{j}" for j in range(len(party.utility.weights))]
    weights = tuple((n, Uniform(w, w)) for n, w in zip(names, party.utility.weights, strict=True))
    return PartyUncertainty(weights, Uniform(party.reservation, party.reservation))


def zero_sd(party) -> PartyUncertainty:
    names = [f"i{j}" for j in range(len(party.utility.weights))]
    return PartyUncertainty(tuple((n, Normal(0.0)) for n in names), Normal(0.0))


def wide(party) -> PartyUncertainty:
    names = [f"i{j}" for j in range(len(party.utility.weights))]
    weights = tuple(
        (n, Uniform(0.0, 2 * w)) for n, w in zip(names, party.utility.weights, strict=True)
    )
    return PartyUncertainty(weights, Normal(0.1))


def all_digits(scenario: Scenario) -> np.ndarray:
    return scenario.space.all_digits()


@given(
    radices=st.lists(st.integers(2, 4), min_size=1, max_size=4),
    parties=st.integers(2, 3),
    seed=st.integers(0, 10_000),
    levels=st.sampled_from([None, 3]),
    make=st.sampled_from([zero_width, zero_sd]),
)
@settings(max_examples=40, deadline=None)
def test_zero_width_gives_exact_zero_one_answers(build, radices, parties, seed, levels, make):
    """Every outcome as a package: P(accept) is exactly IR per party, P(Pareto) exactly 'not
    strictly dominated by any outcome' of the nominal utilities, whatever the method."""
    base = build.additive(radices, parties, seed, [0.3, 0.4, 0.2][:parties], levels)
    sc = with_uncertainty(base, make)
    digits = all_digits(sc)
    u = sc.evaluate(digits)
    ir = u >= base.reservations
    efficient = ~dominated_by(u, u)
    methods = ["enumeration", "sampling"] + (["minkowski"] if parties == 2 else [])
    for method in methods:
        r = robustness(sc, 25, seed, packages=digits, method=method)
        assert set(np.unique(r.p_accept)) <= {0.0, 1.0}
        np.testing.assert_array_equal(r.p_accept == 1.0, ir)
        np.testing.assert_array_equal(r.p_agreement == 1.0, ir.all(axis=1))
        np.testing.assert_array_equal(r.p_pareto, efficient.astype(float))
        assert r.exact == (method != "sampling")


def test_zero_width_agrees_with_the_exact_analysis(build):
    base = build.additive([4, 3, 5, 2], 2, 11, [0.35, 0.3])
    sc = with_uncertainty(base, zero_width)
    exact = analyze(base)
    r = robustness(sc, 50, 3)
    assert r.method == "minkowski" and r.exact
    # the candidates are the exact frontier (and the solutions on it): all Pareto-optimal
    front = {tuple(row) for row in exact.frontier_digits}
    assert {tuple(row) for row in r.digits} == front
    assert (r.p_pareto == 1.0).all()
    np.testing.assert_array_equal(r.p_accept == 1.0, r.utilities >= base.reservations)
    assert set(np.unique(r.p_accept)) <= {0.0, 1.0}
    nash = exact.nash
    assert nash is not None
    i = r.labels.index(next(lab for lab in r.labels if "nash" in lab))
    assert r.outcomes[i] == nash.outcome and (r.p_agreement[i] == 1.0)


def test_same_seed_same_results_other_seed_differs(build):
    sc = with_uncertainty(build.additive([4, 3, 3], 2, 5, [0.3, 0.3]), wide)
    a = robustness(sc, 200, 42)
    b = robustness(sc, 200, 42)
    c = robustness(sc, 200, 43)
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
    for name in ("accept", "agree", "pareto"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not all(np.array_equal(getattr(a, n), getattr(c, n)) for n in ("accept", "pareto"))


def test_wide_ranges_give_probabilities_strictly_between(build):
    sc = with_uncertainty(build.additive([4, 4, 3], 2, 9, [0.3, 0.35]), wide)
    r = robustness(sc, 400, 1)
    inside = lambda p: ((p > 0) & (p < 1)).any()  # noqa: E731
    assert inside(r.p_accept) and inside(r.p_pareto)
    assert (r.p_agreement <= r.p_accept.min(axis=1)).all()


def test_exact_methods_agree_and_sampling_is_an_upper_bound(build):
    sc = with_uncertainty(build.additive([3, 4, 3, 2], 2, 4, [0.2, 0.2]), wide)
    mink = robustness(sc, 150, 8, method="minkowski")
    enum = robustness(sc, 150, 8, method="enumeration")
    samp = robustness(sc, 150, 8, method="sampling")
    np.testing.assert_array_equal(mink.pareto, enum.pareto)
    np.testing.assert_array_equal(mink.accept, enum.accept)
    assert (samp.pareto >= enum.pareto).all() and not samp.exact
    assert any("upper bound" in w for w in samp.warnings)


def test_three_parties_enumerate_and_reservation_only_is_fixed(build):
    sc = with_uncertainty(build.additive([3, 3, 2], 3, 2, [0.3, 0.3, 0.3]), wide)
    r = robustness(sc, 100, 0)
    assert r.method == "enumeration" and r.p_accept.shape[1] == 3
    only_res = with_uncertainty(
        build.additive([3, 3], 2, 2), lambda p: PartyUncertainty((), Uniform(0, 1))
    )
    f = robustness(only_res, 300, 0)
    assert f.method == "fixed" and (f.p_pareto == 1.0).all()
    assert ((f.p_accept > 0) & (f.p_accept < 1)).any()


def test_hyperrectangle_parties_take_reservation_uncertainty(build):
    base = build.rectangles(3, 4, 6, seed=1)
    sc = with_uncertainty(base, lambda p: PartyUncertainty((), Uniform(0.0, 0.5)))
    r = robustness(sc, 100, 0)
    assert r.method == "fixed" and r.exact
    with pytest.raises(ScenarioError, match="linear-additive"):
        robustness(with_uncertainty(base, lambda p: PartyUncertainty((("x0", Uniform(0, 1)),))), 5)


def test_weights_renormalised_to_nominal_sum(build):
    sc = with_uncertainty(build.additive([3, 3, 3], 2, 0), wide)
    prof = sample_profiles(sc, 500, 5)
    for party, w in zip(sc.parties, prof.weights, strict=True):
        assert w is not None and (w >= 0).all()
        np.testing.assert_allclose(w.sum(axis=1), sum(party.utility.weights))
        assert w.std(axis=0).min() > 0
    u = sampled_utilities(sc, prof.block(0, 3), sc.space.all_digits())
    assert u.shape == (3, sc.space.size, 2)


def test_validation_errors(build):
    base = build.additive([3, 3], 2, 0)
    with pytest.raises(ScenarioError, match="unknown issues"):
        robustness(
            with_uncertainty(base, lambda p: PartyUncertainty((("nope", Uniform(0, 1)),))), 5
        )
    with pytest.raises(ScenarioError, match="at least 1"):
        robustness(base, 0)
    with pytest.raises(ScenarioError, match="high is below low"):
        Uniform(1.0, 0.0)
    with pytest.raises(ScenarioError, match="below 0"):
        PartyUncertainty((("i0", Uniform(-1.0, 1.0)),))
    with pytest.raises(ScenarioError, match="standard deviation"):
        Normal(-1.0)
    with pytest.raises(ScenarioError, match="minkowski"):
        robustness(build.additive([3, 3], 3, 0), 5, method="minkowski")


YAML = """\
accord: 1
name: uncertain
issues:
  - {name: a, values: [x, y, z]}
  - {name: b, type: integer, low: 0, high: 3}
parties:
  - name: p
    reservation: 0.3
    utility:
      type: linear-additive
      weights: {a: 0.6, b: 0.4}
      values: {a: {table: {x: 1.0, y: 0.5, z: 0.0}}, b: {linear: {slope: 0.25}}}
    uncertainty:
      weights: {a: [0.4, 0.8], b: {distribution: normal, sd: 0.1}}
      reservation: {distribution: uniform, low: 0.2, high: 0.4}
  - name: q
    reservation: 0.25
    utility:
      type: linear-additive
      weights: {a: 0.5, b: 0.5}
      values: {a: {table: {x: 0.0, y: 0.5, z: 1.0}}, b: {linear: {slope: -0.25, offset: 1}}}
    uncertainty:
      reservation: {distribution: normal, mean: 0.3, sd: 0.05}
"""


def test_yaml_round_trip_and_errors():
    sc = loads_yaml(YAML)
    p, q = sc.parties
    assert p.uncertainty == PartyUncertainty(
        (("a", Uniform(0.4, 0.8)), ("b", Normal(0.1))), Uniform(0.2, 0.4)
    )
    assert q.uncertainty == PartyUncertainty((), Normal(0.05, 0.3))
    again = loads_yaml(dumps_yaml(sc))
    assert [x.uncertainty for x in again.parties] == [p.uncertainty, q.uncertainty]


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("[0.4, 0.8]", "[0.4, 0.8, 1]", 14, "give a range as \\[low, high\\]"),
        ("sd: 0.1", "sd: -0.1", 14, "greater than or equal to 0"),
        ("normal, sd: 0.1", "beta, sd: 0.1", 14, "does not match"),
        ("{a: [0.4, 0.8]", "{c: [0.4, 0.8]", 7, "unknown issues \\['c'\\]"),
        ("[0.4, 0.8]", "[0.8, 0.4]", 7, "high is below low"),
        ("    uncertainty:\n      weights", "    uncertain:\n      weights", 13, "uncertain"),
    ],
)
def test_yaml_errors_have_lines(old, new, line, message):
    assert old in YAML
    with pytest.raises(ScenarioError, match=message) as info:
        loads_yaml(YAML.replace(old, new, 1), source="u.yaml")
    assert info.value.line == line


def test_cli_analyze_uncertainty_json_and_table(tmp_path):
    f = tmp_path / "u.yaml"
    f.write_text(YAML)
    runner = CliRunner()
    plain = json.loads(runner.invoke(app, ["analyze", str(f), "--json"]).stdout)
    assert "uncertainty" not in plain
    runs = [
        runner.invoke(app, ["analyze", str(f), "--uncertainty", "300", "--seed", "3", "--json"])
        for _ in range(2)
    ]
    assert all(r.exit_code == 0 for r in runs), runs[0].output
    first, second = (json.loads(r.stdout)["uncertainty"] for r in runs)
    assert first == second
    assert first["samples"] == 300 and first["seed"] == 3 and first["method"] == "minkowski"
    pkgs = first["packages"]
    assert {"nash", "frontier"} <= {lab for p in pkgs for lab in p["labels"]}
    assert set(pkgs[0]["p_accept"]) == {"p", "q"}
    agreement = [p["p_agreement"] for p in pkgs]
    assert agreement == sorted(agreement, reverse=True)
    assert any(0 < p["p_pareto"] < 1 or 0 < p["p_agreement"] < 1 for p in pkgs)
    text = runner.invoke(app, ["analyze", str(f), "--uncertainty", "50"])
    assert text.exit_code == 0 and "Most robust packages" in text.stdout
