"""Agreement rules (:mod:`accord.agreement`): which sets of accepting parties pass a package,
checked against a brute force over every subset of parties."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.agreement import RULE_KEYS, UNANIMITY, AgreementRule
from accord.errors import ScenarioError


def names_of(n: int) -> tuple[str, ...]:
    return tuple(f"p{i}" for i in range(n))


@st.composite
def rules(draw, n: int | None = None):
    """``(rule, names, share as a fraction (a, b) or None)`` for 1..7 parties."""
    n = draw(st.integers(1, 7)) if n is None else n
    names = names_of(n)
    at_least = draw(st.none() | st.integers(1, n))
    all_but = draw(st.none() | st.integers(0, n))
    fraction = draw(st.none() | st.tuples(st.integers(1, 8), st.integers(1, 8)))
    if fraction is not None and fraction[0] > fraction[1]:
        fraction = (fraction[1], fraction[0])
    share = None if fraction is None else fraction[0] / fraction[1]
    weighted = draw(st.booleans())
    weights = tuple((x, float(draw(st.integers(0, 5)))) for x in names) if weighted else ()
    quota = float(draw(st.integers(1, 12))) if weighted else None
    veto = tuple(draw(st.lists(st.sampled_from(names), unique=True, max_size=n)))
    rule = AgreementRule(at_least, all_but, share, weights, quota, veto)
    return rule, names, fraction


def brute(rule: AgreementRule, fraction, accepting: set[str], names: tuple[str, ...]) -> bool:
    """Whether ``accepting`` passes, straight from the definitions (exact integer arithmetic
    for the share ``a/b``: ``k/n >= a/b``)."""
    n, k = len(names), len(accepting)
    counting = [rule.at_least, rule.all_but, rule.share, rule.quota]
    if all(c is None for c in counting) and k < n:
        return False
    if rule.at_least is not None and k < rule.at_least:
        return False
    if rule.all_but is not None and n - k > rule.all_but:
        return False
    if fraction is not None and k * fraction[1] < fraction[0] * n:
        return False
    if rule.quota is not None and sum(w for x, w in rule.weights if x in accepting) < rule.quota:
        return False
    return set(rule.veto) <= accepting


def subsets(names: tuple[str, ...]):
    for r in range(len(names) + 1):
        for chosen in itertools.combinations(names, r):
            yield set(chosen)


# ------------------------------------------------------------------------------ passes
@settings(max_examples=300, deadline=None)
@given(rules())
def test_passes_is_the_brute_force_over_every_subset(drawn):
    rule, names, fraction = drawn
    every = list(subsets(names))
    rows = np.array([[x in s for x in names] for s in every], dtype=bool)
    vectorised = rule.passes(rows, names)
    expected = [brute(rule, fraction, s, names) for s in every]
    assert vectorised.tolist() == expected
    assert [rule.passes_names(s, names) for s in every] == expected


@settings(max_examples=200, deadline=None)
@given(rules(), st.data())
def test_adding_an_acceptor_never_turns_a_pass_into_a_fail(drawn, data):
    rule, names, _ = drawn
    for accepting in subsets(names):
        if not rule.passes_names(accepting, names):
            continue
        for extra in set(names) - accepting:
            assert rule.passes_names(accepting | {extra}, names), (accepting, extra)
    one = data.draw(st.sampled_from(names))
    full = rule.passes_names(names, names)
    assert full or not rule.passes_names(set(names) - {one}, names)


@settings(max_examples=200, deadline=None)
@given(rules())
def test_passes_keeps_the_leading_axes(drawn):
    rule, names, _ = drawn
    rng = np.random.default_rng(len(names))
    cube = rng.random((3, 4, len(names))) < 0.6
    flat = rule.passes(cube.reshape(-1, len(names)), names)
    assert rule.passes(cube, names).shape == (3, 4)
    assert rule.passes(cube, names).ravel().tolist() == flat.tolist()


def test_passes_needs_one_column_per_party():
    with pytest.raises(ValueError, match="2 acceptance columns for 3 parties"):
        UNANIMITY.passes(np.ones((1, 2), dtype=bool), ("a", "b", "c"))


@pytest.mark.parametrize(
    ("rule", "accepting", "ok"),
    [
        (UNANIMITY, "abcd", True),
        (UNANIMITY, "abc", False),
        (AgreementRule(at_least=3), "abd", True),
        (AgreementRule(at_least=3), "ab", False),
        (AgreementRule(all_but=1), "bcd", True),
        (AgreementRule(all_but=1), "cd", False),
        (AgreementRule(share=0.5), "ad", True),  # ceil(0.5 * 4) = 2
        (AgreementRule(share=0.6), "ad", False),  # ceil(0.6 * 4) = 3
        (AgreementRule(share=0.75), "abc", True),  # 0.75 * 4 is exactly 3
        (AgreementRule(weights=(("a", 3), ("b", 1), ("c", 1), ("d", 1)), quota=3), "a", True),
        (AgreementRule(weights=(("a", 3), ("b", 1), ("c", 1), ("d", 1)), quota=3), "bcd", True),
        (AgreementRule(weights=(("a", 3), ("b", 1), ("c", 1), ("d", 1)), quota=4), "bcd", False),
        (AgreementRule(all_but=1, veto=("a", "b")), "abc", True),
        (AgreementRule(all_but=1, veto=("a", "b")), "bcd", False),
        (AgreementRule(veto=("a",)), "abc", False),  # only vetoes: still unanimity
        (AgreementRule(all_but=4), "", True),  # nobody needs to accept
    ],
)
def test_passes_on_hand_picked_cases(rule, accepting, ok):
    assert rule.passes_names(set(accepting), tuple("abcd")) is ok


# ------------------------------------------------------------------------------ unanimity
@settings(max_examples=200, deadline=None)
@given(rules())
def test_is_unanimity_means_no_smaller_set_passes(drawn):
    rule, names, fraction = drawn
    proper = [s for s in subsets(names) if len(s) < len(names)]
    assert rule.is_unanimity(names) == (not any(brute(rule, fraction, s, names) for s in proper))


@pytest.mark.parametrize(
    ("rule", "n", "unanimous"),
    [
        (UNANIMITY, 3, True),
        (AgreementRule(veto=("p0", "p1")), 3, True),
        (AgreementRule(at_least=3), 3, True),
        (AgreementRule(at_least=2), 3, False),
        (AgreementRule(all_but=0), 3, True),
        (AgreementRule(share=1.0), 3, True),
        (AgreementRule(share=0.9), 3, True),  # ceil(2.7) = 3
        (AgreementRule(share=0.9), 10, False),
        (AgreementRule(all_but=1, veto=("p0", "p1")), 2, True),  # both must accept anyway
        (AgreementRule(weights=(("p0", 1), ("p1", 1), ("p2", 1)), quota=3), 3, True),
        (AgreementRule(weights=(("p0", 1), ("p1", 1), ("p2", 0)), quota=2), 3, False),
    ],
)
def test_is_unanimity_on_hand_picked_cases(rule, n, unanimous):
    assert rule.is_unanimity(names_of(n)) is unanimous


# ------------------------------------------------------------------------------ restricted
def test_restricted_drops_absent_vetoes_and_weights_and_caps_at_least():
    rule = AgreementRule(
        at_least=4, weights=(("a", 2), ("b", 1), ("c", 1), ("d", 1)), quota=2, veto=("a", "d")
    )
    small = rule.restricted(("b", "d"))
    assert small == AgreementRule(
        at_least=2, weights=(("b", 1.0), ("d", 1.0)), quota=2.0, veto=("d",)
    )
    small.check(("b", "d"))
    assert small.passes_names({"b", "d"}, ("b", "d"))
    assert not small.passes_names({"d"}, ("b", "d"))


def test_restricted_keeps_the_other_conditions_and_is_the_rule_on_all_parties():
    rule = AgreementRule(all_but=1, share=0.5, veto=("a", "b"))
    assert rule.restricted(("a", "b", "c")) == rule
    assert rule.restricted(("c", "d")) == AgreementRule(all_but=1, share=0.5)
    weighted = AgreementRule(weights=(("a", 1.0),), quota=1.0)
    assert weighted.restricted(("b",)) == UNANIMITY  # no weights left: no quota either


@settings(max_examples=200, deadline=None)
@given(rules(), st.data())
def test_a_restricted_rule_still_passes_when_everyone_left_accepts(drawn, data):
    rule, names, _ = drawn
    keep = tuple(data.draw(st.lists(st.sampled_from(names), unique=True, min_size=1)))
    small = rule.restricted(keep)
    assert set(small.veto) <= set(keep) and {x for x, _ in small.weights} <= set(keep)
    assert small.at_least is None or small.at_least <= len(keep)
    if not small.weights:  # a quota over the weights left may be out of reach; nothing else is
        assert small.passes_names(keep, keep)


# ------------------------------------------------------------------------------ describe
@pytest.mark.parametrize(
    ("rule", "n", "text"),
    [
        (UNANIMITY, 3, "all 3 parties"),
        (AgreementRule(veto=("p0",)), 4, "all 4 parties"),
        (
            AgreementRule(all_but=1, veto=("p0", "p1")),
            6,
            "at least 5 of 6 parties, including p0 and p1",
        ),
        (AgreementRule(at_least=2, veto=("p2",)), 4, "at least 2 of 4 parties, including p2"),
        (
            AgreementRule(share=0.5, veto=("p0", "p1", "p3")),
            6,
            "at least 3 of 6 parties, including p0, p1 and p3",
        ),
        (AgreementRule(at_least=2, all_but=3, share=0.2), 6, "at least 3 of 6 parties"),
        (
            AgreementRule(weights=(("p0", 2), ("p1", 1), ("p2", 1)), quota=2),
            3,
            "votes weighing at least 2",
        ),
        (
            AgreementRule(at_least=2, weights=(("p0", 2), ("p1", 1), ("p2", 1)), quota=2.5),
            3,
            "at least 2 of 3 parties and votes weighing at least 2.5",
        ),
    ],
)
def test_describe_says_the_rule_in_words(rule, n, text):
    assert rule.describe(names_of(n)) == text


# ------------------------------------------------------------------------------ as written
@settings(max_examples=300, deadline=None)
@given(rules())
def test_to_dict_and_from_dict_round_trip(drawn):
    rule, _, _ = drawn
    data = rule.to_dict()
    assert set(data) <= set(RULE_KEYS)
    assert AgreementRule.from_dict(data) == rule
    assert (data == {}) == (rule == UNANIMITY)


def test_to_dict_writes_only_the_conditions_given():
    assert UNANIMITY.to_dict() == {}
    rule = AgreementRule(all_but=1, weights=(("a", 2.0), ("b", 1.0)), quota=2.0, veto=("a",))
    assert rule.to_dict() == {
        "all_but": 1,
        "weights": {"a": 2.0, "b": 1.0},
        "quota": 2.0,
        "veto": ["a"],
    }


def test_from_dict_reads_the_written_shapes():
    assert AgreementRule.from_dict({"veto": "a"}) == AgreementRule(veto=("a",))
    assert AgreementRule.from_dict({"share": 1, "veto": None}) == AgreementRule(share=1.0)
    rule = AgreementRule.from_dict({"weights": {"a": 2, "b": 1}, "quota": 2})
    assert rule.weights == (("a", 2.0), ("b", 1.0)) and rule.quota == 2.0


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"majority": 2}, "unknown keys ['majority']"),
        ({"weights": [1, 2], "quota": 1}, "weights must map party names"),
        ({"at_least": 0}, "at_least must be >= 1"),
        ({"at_least": True}, "at_least must be a whole number"),
        ({"at_least": 2.0}, "at_least must be a whole number"),
        ({"all_but": -1}, "all_but must be >= 0"),
        ({"all_but": "1"}, "all_but must be a whole number"),
        ({"share": 0}, "share must be in (0, 1]"),
        ({"share": 1.5}, "share must be in (0, 1]"),
        ({"share": math.nan}, "share must be in (0, 1]"),
        ({"quota": 1}, "weights and quota go together"),
        ({"weights": {"a": 1}}, "weights and quota go together"),
        ({"weights": {"a": 1}, "quota": 0}, "quota must be > 0"),
        ({"weights": {"a": 1}, "quota": math.inf}, "quota must be > 0"),
        ({"weights": {"a": -1}, "quota": 1}, "weight of 'a' must be >= 0"),
        ({"weights": {"a": math.nan}, "quota": 1}, "weight of 'a' must be >= 0"),
        ({"veto": ["a", "a"]}, "veto holder is named twice"),
    ],
)
def test_bad_rules_are_refused_at_construction(data, words):
    with pytest.raises(ScenarioError) as err:
        AgreementRule.from_dict(data)
    assert words in err.value.reason


def test_a_party_weighted_twice_is_refused():
    with pytest.raises(ScenarioError, match="a party is weighted twice"):
        AgreementRule(weights=(("a", 1.0), ("a", 2.0)), quota=1.0)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (AgreementRule(veto=("z",)), "veto holder 'z' is not a party"),
        (AgreementRule(weights=(("a", 1.0), ("b", 1.0)), quota=1.0), "missing ['c']"),
        (
            AgreementRule(weights=(("a", 1.0), ("b", 1.0), ("c", 1.0), ("z", 1.0)), quota=1.0),
            "not parties ['z']",
        ),
        (AgreementRule(at_least=4), "at_least 4 is more than the 3 parties"),
        (
            AgreementRule(weights=(("a", 1.0), ("b", 1.0), ("c", 1.0)), quota=3.5),
            "no package can pass",
        ),
    ],
)
def test_check_refuses_a_rule_that_does_not_fit_the_parties(rule, words):
    with pytest.raises(ScenarioError) as err:
        rule.check(("a", "b", "c"))
    assert words in err.value.reason


def test_check_accepts_a_rule_that_fits():
    AgreementRule(all_but=1, veto=("a", "c")).check(("a", "b", "c"))
    AgreementRule(weights=(("a", 1.0), ("b", 1.0), ("c", 1.0)), quota=3.0).check(("a", "b", "c"))
    UNANIMITY.check(("a",))
