import json
import math

import numpy as np
import pytest

from accord.analysis import analyze, pareto_indices
from accord.outcomes import IntegerIssue, OutcomeSpace, RealIssue
from accord.preferences import AffineValue, LinearAdditive
from accord.scenario import Party, Scenario

KEYS = {
    "agreement_rule",
    "agreement_rule_text",
    "passing_outcomes",
    "consensus",
    "scenario",
    "parties",
    "issues",
    "outcomes",
    "exact",
    "proven_gap",
    "method",
    "pareto",
    "nash",
    "kalai_smorodinsky",
    "egalitarian",
    "utilitarian",
    "zopa_outcomes",
    "opposition",
    "warnings",
    "timings",
}


def test_enumeration_schema_and_values(build):
    sc = build.additive([4, 5, 3], seed=1, reservations=[0.3, 0.2])
    a = analyze(sc)
    d = a.to_dict()
    assert set(d) == KEYS
    json.dumps(d, allow_nan=False)
    assert d["method"] == "enumeration" and d["exact"] is True
    assert d["outcomes"] == 60
    assert d["parties"] == [{"name": "p0", "reservation": 0.3}, {"name": "p1", "reservation": 0.2}]
    utils = build.all_utilities(sc)
    assert np.array_equal(a.frontier, utils[pareto_indices(utils)])
    assert d["pareto"] == a.frontier.tolist()
    assert d["zopa_outcomes"] == int(((utils > [0.3, 0.2]).all(axis=1)).sum())
    nash = d["nash"]
    assert nash is not None
    digits = sc.space.encode(nash["outcome"])
    assert sc.evaluate(np.array([digits]))[0].tolist() == nash["utilities"]
    gains = (utils - [0.3, 0.2]).clip(min=0).prod(axis=1)
    assert math.prod(u - r for u, r in zip(nash["utilities"], [0.3, 0.2], strict=True)) == (
        pytest.approx(gains.max())
    )
    assert set(d["timings"]) == {"load", "utilities", "frontier", "solutions"}


def test_minkowski_when_too_big_to_enumerate(build):
    sc = build.additive([6, 7, 5, 4], seed=4)
    small = analyze(sc)
    big = analyze(sc, max_enumerate=100)
    assert big.method == "minkowski" and big.exact
    assert np.array_equal(small.frontier, big.frontier)
    assert big.zopa_outcomes is None
    assert small.nash is not None and big.nash is not None
    assert small.nash.utilities == big.nash.utilities
    assert any("ZOPA" in w for w in big.warnings)


def test_hyperrectangle_and_sampling_methods(build):
    sc = build.rectangles(4, 4, 6, seed=2)
    a = analyze(sc, max_enumerate=10)
    assert a.method == "hyperrectangle" and a.exact
    assert np.allclose(a.frontier, analyze(sc).frontier)
    three = build.additive([3, 3, 3], parties=3, seed=3)
    s = analyze(three, max_enumerate=5, samples=50, rng=np.random.default_rng(1))
    assert s.method == "sampling" and not s.exact
    again = analyze(three, max_enumerate=5, samples=50, rng=np.random.default_rng(1))
    assert np.array_equal(s.frontier, again.frontier)


def test_continuous_is_discretised_with_warning():
    space = OutcomeSpace((RealIssue("price", 0.0, 10.0), IntegerIssue("n", 1, 3)))
    up = LinearAdditive((0.5, 0.5), (AffineValue(0.1, 0.0), AffineValue(0.5, -0.5)))
    down = LinearAdditive((0.5, 0.5), (AffineValue(-0.1, 1.0), AffineValue(0.5, -0.5)))
    sc = Scenario("cont", space, (Party("a", up), Party("b", down, reservation=-math.inf)))
    d = analyze(sc, discretize=5).to_dict()
    json.dumps(d, allow_nan=False)
    assert d["outcomes"] is None and d["exact"] is False
    assert any("discretised" in w for w in d["warnings"])
    assert any("non-finite reservation" in w for w in d["warnings"])
    assert d["parties"][1]["reservation"] is None
    assert len(d["pareto"]) == 5


def test_nothing_rational_gives_none(build):
    sc = build.additive([3, 3], seed=0, reservations=[2.0, 2.0])
    d = analyze(sc).to_dict()
    assert d["nash"] is None and d["kalai_smorodinsky"] is None
    assert d["zopa_outcomes"] == 0
    assert d["opposition"] is not None
