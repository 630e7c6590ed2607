import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.analysis import (
    egalitarian,
    equal_gains,
    ideal_point,
    individually_rational,
    kalai_smorodinsky,
    nash,
    opposition,
    pareto_indices,
    utilitarian,
    zopa_count,
)
from accord.errors import AccordError

points2 = arrays(
    float,
    st.tuples(st.integers(1, 40), st.just(2)),
    elements=st.integers(0, 10).map(lambda x: x / 10),
)
reservation = st.tuples(st.integers(0, 6), st.integers(0, 6)).map(lambda r: np.array(r) / 10)


@settings(max_examples=200, deadline=None)
@given(points2, reservation)
def test_nash_on_frontier_rational_and_maximal(points, r):
    i = nash(points, r)
    ir = individually_rational(points, r)
    if not ir.any():
        assert i is None
        return
    assert i is not None
    p = points[i]
    assert (p >= r).all()
    front = points[pareto_indices(points)]
    assert any((f == p).all() for f in front)  # lies on the frontier
    best = max(np.prod(q - r) for q in points[ir])  # brute force over every IR point
    assert np.prod(p - r) >= best - 1e-12


@settings(max_examples=200, deadline=None)
@given(points2, reservation)
def test_solutions_maximise_their_objective(points, r):
    ir = individually_rational(points, r)
    for fn, obj in (
        (egalitarian, lambda q: (q - r).min()),
        (utilitarian, lambda q: q.sum()),
    ):
        i = fn(points, r)
        if not ir.any():
            assert i is None
            continue
        assert i is not None and ir[i]
        assert obj(points[i]) >= max(obj(q) for q in points[ir]) - 1e-12
    i = kalai_smorodinsky(points, r)
    if i is not None:
        ideal = points[ir].max(axis=0)
        span = np.where(ideal > r, ideal - r, 1.0)

        def ks(q):
            return np.where(ideal > r, (q - r) / span, 1.0).min()

        assert ks(points[i]) >= max(ks(q) for q in points[ir]) - 1e-12
        # the answer is Pareto optimal
        assert not ((points >= points[i]).all(axis=1) & (points > points[i]).any(axis=1)).any()


def test_same_answer_on_frontier_and_all_points():
    rng = np.random.default_rng(5)
    pts = np.round(rng.random((400, 3)) * 10) / 10
    front = pts[pareto_indices(pts)]
    r = np.array([0.2, 0.1, 0.3])
    for fn in (nash, kalai_smorodinsky, egalitarian, utilitarian):
        a, b = fn(pts, r), fn(front, r)
        assert a is not None and b is not None
        assert np.array_equal(pts[a], front[b])


def test_ties_prefer_larger_first_utility():
    pts = np.array([[0.4, 0.6], [0.6, 0.4], [0.5, 0.5]])
    assert utilitarian(pts) == 1
    assert nash(np.array([[0.2, 0.8], [0.8, 0.2]])) == 1


def test_kalai_smorodinsky_differs_from_egalitarian():
    pts = np.array([[1.0, 0.0], [0.0, 0.5], [0.6, 0.3], [0.4, 0.4]])
    ks, eg = kalai_smorodinsky(pts), egalitarian(pts)
    assert pts[ks].tolist() == [0.6, 0.3]  # normalised gains (0.6, 0.6)
    assert pts[eg].tolist() == [0.4, 0.4]


def test_none_when_nothing_is_rational():
    pts = np.array([[0.2, 0.9], [0.9, 0.2]])
    r = np.array([0.5, 0.5])
    for fn in (nash, kalai_smorodinsky, egalitarian, utilitarian, equal_gains):
        assert fn(pts, r) is None
    assert ideal_point(pts, r) is None
    assert zopa_count(pts, r) == 0


def test_zopa_is_strict():
    pts = np.array([[0.5, 0.6], [0.6, 0.6], [0.7, 0.5]])
    assert zopa_count(pts, np.array([0.5, 0.5])) == 1


def test_opposition_conventions():
    front = np.array([[1.0, 0.2], [0.9, 0.7], [0.75, 0.8], [0.3, 1.0]])
    # geniusweb: point with the smallest |u1 - u2| = (0.75, 0.8)
    assert opposition(front) == pytest.approx(np.hypot(0.25, 0.2))
    # negolog: max u1 + u2 = (0.9, 0.7)
    assert opposition(front, "negolog") == pytest.approx(np.hypot(0.1, 0.3))
    assert opposition(np.empty((0, 2))) is None
    with pytest.raises(AccordError):
        opposition(front, "other")  # type: ignore[arg-type]


def test_multilateral_brute_force():
    rng = np.random.default_rng(7)
    pts = np.round(rng.random((60, 4)) * 8) / 8
    r = np.array([0.1, 0.0, 0.2, 0.1])
    i = nash(pts, r)
    assert i is not None
    ir = [q for q in pts if (q >= r).all()]
    assert np.prod(pts[i] - r) == pytest.approx(max(np.prod(q - r) for q in ir))


def test_rejects_bad_reservations():
    with pytest.raises(AccordError):
        nash(np.zeros((2, 2)), np.array([0.0]))
    with pytest.raises(AccordError):
        nash(np.zeros((2, 2)), np.array([0.0, -np.inf]))
