import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.clauses import ClauseValue, ExtensionRule
from accord.errors import ScenarioError
from accord.outcomes import DiscreteIssue, OutcomeSpace
from accord.phases import Event, Phase, Timeline, phased_utility
from accord.preferences import LinearAdditive, TableValue
from accord.scenario import Party, Scenario


def test_extension_rule_arithmetic():
    rule = ExtensionRule(per=10, days=1, cap=5)
    assert [rule.extension(n) for n in (0, 9, 10, 19, 20, 49, 50, 51, 200)] == [
        0,
        0,
        1,
        1,
        2,
        4,
        5,
        5,
        5,
    ]
    assert rule.units_for(3) == 30
    assert ExtensionRule(per=5, days=2).extension(23) == 8  # no cap
    with pytest.raises(ScenarioError):
        rule.units_for(6)  # beyond the cap
    with pytest.raises(ScenarioError):
        ExtensionRule(per=0)
    with pytest.raises(ScenarioError):
        rule.extension(-1)


@given(st.integers(1, 20), st.integers(0, 4), st.integers(0, 30), st.integers(0, 500))
def test_extension_is_monotone_capped_and_earned_in_whole_blocks(per, days, cap, units):
    rule = ExtensionRule(per=per, days=days, cap=cap)
    got = rule.extension(units)
    assert 0 <= got <= cap
    assert rule.extension(units + per) >= got
    if got and days:
        assert rule.units_for(got) <= units


def test_clause_value_uses_the_rule_arithmetic():
    rules = {"none": None, "1/10": ExtensionRule(10, 1, 5), "1/5": ExtensionRule(5, 1, 5)}
    issue = DiscreteIssue("clause", ("none", "1/10", "1/5"))
    # 40 more releases possible: 1/10 gives 4 days for 40 releases, 1/5 gives 5 days for 25.
    releasing_side = ClauseValue(rules, units=40, per_day=0.0, per_unit=0.02)
    pausing_side = ClauseValue(rules, units=40, per_day=0.15, per_unit=0.0)
    assert np.allclose(releasing_side.table(issue), [0.0, 0.8, 0.5])
    assert np.allclose(pausing_side.table(issue), [0.0, 0.6, 0.75])
    with pytest.raises(ScenarioError):
        ClauseValue(rules, 40, 0.1, 0.1).option("1/3")


def two_phase_scenario(risk1=0.1, risk2=0.5):
    space = OutcomeSpace((DiscreteIssue("a", ("lo", "hi")), DiscreteIssue("b", ("lo", "hi"))))
    table = TableValue({"lo": 0.0, "hi": 1.0})
    u = LinearAdditive((0.5, 0.5), (table, table))
    timeline = Timeline(
        phases=(
            Phase("one", ("a",), breakdown_risk=risk1),
            Phase("two", ("b",), requires="one", breakdown_risk=risk2),
        ),
        events=(Event("escalation", round=5, reservation={"x": 0.4}, risk={"one": 0.3}),),
    )
    return Scenario("t", space, (Party("x", u, 0.1), Party("y", u, 0.1)), timeline=timeline)


def test_phased_expected_utility_multiplies_reach_along_preconditions():
    sc = two_phase_scenario()
    snap = sc.at()
    best = np.array([[1, 1]])
    # phase one holds with 0.9; phase two needs one and holds with 0.5 more: 0.45
    assert snap.evaluate(best)[0, 0] == pytest.approx(0.5 * 0.9 + 0.5 * 0.45)
    after = sc.at(through="escalation")
    assert after.evaluate(best)[0, 0] == pytest.approx(0.5 * 0.7 + 0.5 * 0.35)
    assert after.party("x").reservation == 0.4 and after.party("y").reservation == 0.1
    assert sc.at(round=4).party("x").reservation == 0.1
    assert sc.at(round=5).party("x").reservation == 0.4


def test_timeline_validation():
    with pytest.raises(ScenarioError):
        Timeline(phases=(Phase("two", ("b",), requires="one"),))
    with pytest.raises(ScenarioError):
        Timeline(events=(Event("late", 5), Event("early", 1)))
    with pytest.raises(ScenarioError):
        Timeline(events=(Event("e", 1, risk={"nope": 0.2}),))
    with pytest.raises(ScenarioError):
        two_phase_scenario().timeline.event("nothing")
    with pytest.raises(ScenarioError):
        Phase("p", ("a",), breakdown_risk=1.5)


def test_phases_need_additive_utilities_and_known_issues():
    sc = two_phase_scenario()
    bad = Timeline(phases=(Phase("p", ("zzz",)),))
    with pytest.raises(ScenarioError):
        phased_utility(sc.parties[0].utility, sc.space.names, bad)
