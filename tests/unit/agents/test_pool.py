"""The pool helpers agree with the reference look-ups they replace."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.agents.pool import digits_at, window_positions
from accord.mechanisms import own_preferences
from accord.testing import additive_scenario

SC = additive_scenario((3, 4, 2, 3), seed=2)  # 72 outcomes, many tied utilities
PREFS = own_preferences(SC, 0)


@given(st.floats(min_value=-0.5, max_value=1.5, allow_nan=False))
@settings(max_examples=200, deadline=None)
def test_at_least_equals_a_linear_scan(target):
    u = PREFS.sorted_utilities
    worth = [i for i in range(len(u)) if u[i] >= target]
    assert PREFS.at_least(target) == (max(worth) if worth else 0)


def test_at_least_on_exact_utilities():
    for u in np.unique(PREFS.sorted_utilities):
        pos = PREFS.at_least(float(u))
        assert PREFS.sorted_utilities[pos] >= u
        assert pos == len(PREFS.sorted_utilities) - 1 or PREFS.sorted_utilities[pos + 1] < u


@given(st.integers(0, 10_000), st.integers(1, 600))
def test_window_positions_are_bounded_sorted_and_end_at_the_target(last, width):
    pos = window_positions(last, width)
    assert len(pos) <= width
    assert pos[-1] == last and pos.min() >= 0
    assert np.all(np.diff(pos) > 0)


def test_digits_at_matches_the_pool():
    pos = np.array([0, 5, 71])
    digits = digits_at(PREFS, pos)
    assert [SC.space.to_index(d) for d in digits] == [PREFS.outcome_at(int(p)) for p in pos]
