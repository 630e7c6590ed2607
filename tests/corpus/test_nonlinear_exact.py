"""accord's hyper-rectangle frontier is exactly the Pareto frontier on the 10^10 ANAC 2014 domains.

For every corpus folder with a ``pareto.xml`` whose outcome space has 10^10 outcomes (ten issues
of ten values: ``anac-y2014-10issues*``, ``nonlinear-S-1NAGUNL-114``, ``nonlinear-S-1NIKFRT-1``
and the svn copies ``ANAC2014-S-1NMVMAF-2/3/4``, deduplicated), ``hyperrectangle_frontier``
must claim ``exact`` and return the same set of utility vectors as an exhaustive brute force.

The brute force uses only the public data (``space.radices``,
``HyperRectangleUtility.rectangles`` / ``.masks(space)`` / ``.max_utility``), never
``accord.analysis.nonlinear*``:

1. **Value classes.** On each issue, values whose mask columns agree for every rectangle of both
   parties are interchangeable; one representative per class is kept (an untouched issue has
   one class). That leaves 1.7e7–6.4e7 combinations per domain, all of which are covered.
2. **Meet in the middle.** The issues are split into two halves (the split with the fewest
   half-combinations). Every class combination of each half gets, per party, a bitmask (uint64
   words, 64 rectangles per word) of the rectangles whose constraints on that half's issues
   hold (a rectangle not touching the half holds there). Half-combinations with identical
   masks for both parties are interchangeable and deduplicated (a few thousand remain).
3. **Pairs.** For every pair of half-combinations (all of them, in chunks of rows of the first
   half) the rectangles containing the outcome are the AND of the two masks, and the score is
   the weighted popcount, read byte by byte from 256-entry tables of rectangle-utility sums
   (negative utilities included), divided by ``max_utility`` as ``evaluate`` does. The corpus
   utilities are integers, so these sums equal ``evaluate``'s exactly.
4. **Streaming Pareto filter.** Each chunk's points weakly dominated by the running front are
   dropped (a staircase binary search); the rest are merged with the front by
   ``pareto_indices``.

``test_brute_force_matches_full_enumeration`` checks the brute force itself against
``scenario.evaluate`` over every outcome of small random scenarios (negative utilities,
excluded ranges and more than 64 rectangles included).

Skipped when the corpus (``../shared/scenarios`` next to the repository) is absent.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from accord.analysis import hyperrectangle_frontier, pareto_indices
from accord.io import load_path
from accord.preferences import Bound, HyperRectangle, HyperRectangleUtility
from accord.scenario import Scenario
from accord.testing.scenarios import hyper_rectangle_scenario

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios"
if not CORPUS.is_dir():
    pytest.skip(f"scenario corpus not found at {CORPUS}", allow_module_level=True)

pytestmark = pytest.mark.corpus
TOL = 1e-9

PARETO_XML = sorted(CORPUS.glob("*/*/pareto.xml"))


def _ids(folders: list[Path]) -> list[str]:
    return [f"{p.parent.name}/{p.name}" for p in folders]


def _size(scenario: Scenario) -> int:
    return int(np.prod([int(r) for r in scenario.space.radices], dtype=object))


def _signature(scenario: Scenario) -> tuple:
    """Everything the utilities depend on: the radices and, per party, the scale and each
    rectangle's utility and per-issue value masks."""
    parties = []
    for p in scenario.parties:
        f = p.utility
        assert isinstance(f, HyperRectangleUtility)
        rects = tuple(
            (r.utility, tuple((i, m.tobytes()) for i, m in masks))
            for r, masks in zip(f.rectangles, f.masks(scenario.space), strict=True)
        )
        parties.append((f.max_utility, rects))
    return (tuple(int(r) for r in scenario.space.radices), tuple(parties))


def _ten_to_the_ten() -> tuple[list[Path], list[Path]]:
    """All 10^10 folders, and one per distinct scenario (the svn copies repeat genius10.4's)."""
    every, distinct, seen = [], [], set()
    for folder in sorted(
        {p.parent for p in PARETO_XML}, key=lambda f: (f.parent.name != "genius10.4", f)
    ):
        scenario = load_path(folder)
        if _size(scenario) != 10**10:
            continue
        every.append(folder)
        sig = _signature(scenario)
        if sig not in seen:
            seen.add(sig)
            distinct.append(folder)
    return sorted(every), sorted(distinct)


EVERY, DISTINCT = _ten_to_the_ten()


# ---------------------------------------------------------------------------------------------
# brute force


def _value_classes(space, masks: list[list[list[tuple[int, np.ndarray]]]]) -> list[np.ndarray]:
    """Per issue, one representative value per class of values every mask treats alike."""
    reps = []
    for i in range(len(space.radices)):
        rows = [m for party in masks for rect in party for j, m in rect if j == i]
        if not rows:
            reps.append(np.zeros(1, dtype=np.int64))
            continue
        _, first = np.unique(np.stack(rows).T, axis=0, return_index=True)
        reps.append(np.sort(first).astype(np.int64))
    return reps


def _split(sizes: list[int]) -> tuple[list[int], list[int]]:
    """The split of the issues into two halves with the fewest half-combinations."""
    k = len(sizes)
    best: tuple[int, list[int], list[int]] | None = None
    for bits in range(1, 2 ** (k - 1)):  # issue k-1 always in the second half
        a = [i for i in range(k) if bits >> i & 1]
        b = [i for i in range(k) if not bits >> i & 1]
        cost = int(np.prod([sizes[i] for i in a])) + int(np.prod([sizes[i] for i in b]))
        if best is None or cost < best[0]:
            best = (cost, a, b)
    if best is None:  # a single issue
        return [], list(range(k))
    return best[1], best[2]


def _half(
    issues: list[int], reps: list[np.ndarray], masks: list[list[list[tuple[int, np.ndarray]]]]
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Digits ``(n, len(issues))`` of the half's class combinations and, per party, the words
    ``(n, words)`` of the rectangles whose constraints on these issues hold; combinations with
    identical words for both parties are kept once."""
    if issues:
        grids = np.meshgrid(*[reps[i] for i in issues], indexing="ij")
        digits = np.stack([g.ravel() for g in grids], axis=1)
    else:
        digits = np.zeros((1, 0), dtype=np.int64)
    column = {issue: c for c, issue in enumerate(issues)}
    words = []
    for party in masks:
        w = np.zeros((digits.shape[0], (len(party) + 63) // 64), dtype=np.uint64)
        for r, rect in enumerate(party):
            holds = np.ones(digits.shape[0], dtype=bool)
            for issue, m in rect:
                if issue in column:
                    holds &= m[digits[:, column[issue]]]
            w[:, r // 64] |= holds.astype(np.uint64) << np.uint64(r % 64)
        words.append(w)
    _, first = np.unique(np.concatenate(words, axis=1), axis=0, return_index=True)
    first = np.sort(first)
    return digits[first], [w[first] for w in words]


def _byte_tables(f: HyperRectangleUtility) -> list[list[np.ndarray]]:
    """Per word, per used byte: the sum of the utilities of the rectangles of each bit set."""
    weights = np.array([r.utility for r in f.rectangles], dtype=float)
    bits = (np.arange(256)[:, None] >> np.arange(8)) & 1
    tables = []
    for w in range((len(weights) + 63) // 64):
        per_byte = []
        for byte in range(8):
            lo = w * 64 + byte * 8
            if lo >= len(weights):
                break
            eight = np.zeros(8)
            seg = weights[lo : lo + 8]
            eight[: len(seg)] = seg
            per_byte.append(bits @ eight)
        tables.append(per_byte)
    return tables


def _weakly_dominated(u: np.ndarray, front: np.ndarray) -> np.ndarray:
    """Rows of ``u`` (n, 2) dominated by or equal to a row of ``front``."""
    f = front[np.argsort(front[:, 0], kind="stable")]
    best_u2 = np.append(np.maximum.accumulate(f[::-1, 1])[::-1], -np.inf)  # over f1 >= q1
    return best_u2[np.searchsorted(f[:, 0], u[:, 0], side="left")] >= u[:, 1]


def brute_force_front(
    scenario: Scenario, pairs_per_chunk: int = 1 << 21
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct Pareto-optimal utility vectors ``(m, 2)`` over the whole space, and digits."""
    space = scenario.space
    utilities = []
    for p in scenario.parties:
        assert isinstance(p.utility, HyperRectangleUtility)
        utilities.append(p.utility)
    assert len(utilities) == 2
    masks = [f.masks(space) for f in utilities]
    reps = _value_classes(space, masks)
    first_half, second_half = _split([len(r) for r in reps])
    da, wa = _half(first_half, reps, masks)
    db, wb = _half(second_half, reps, masks)
    tables = [_byte_tables(f) for f in utilities]
    nb = db.shape[0]
    rows = max(1, pairs_per_chunk // nb)
    front = np.empty((0, 2))
    where = np.empty((0, 2), dtype=np.int64)  # (row of da, row of db) per front point
    starts = [0, *range(1, da.shape[0], rows)]  # one row first: a cheap seed front
    for start, stop in zip(starts, [*starts[1:], da.shape[0]], strict=True):
        columns = []
        for p, f in enumerate(utilities):
            score = np.zeros((stop - start, nb))
            for w, per_byte in enumerate(tables[p]):
                inside = wa[p][start:stop, w][:, None] & wb[p][None, :, w]
                octets = inside.view(np.uint8).reshape(stop - start, nb, 8)
                for byte, table in enumerate(per_byte):
                    score += table[octets[:, :, byte]]
            columns.append((score / f.max_utility).ravel())
        u = np.stack(columns, axis=1)
        keep = np.flatnonzero(~_weakly_dominated(u, front)) if len(front) else np.arange(len(u))
        if keep.size == 0:
            continue
        pairs = np.stack([start + keep // nb, keep % nb], axis=1)
        u, pairs = np.concatenate([front, u[keep]]), np.concatenate([where, pairs])
        sel = pareto_indices(u)
        front, where = u[sel], pairs[sel]
    digits = np.zeros((len(front), len(reps)), dtype=np.int64)
    digits[:, first_half] = da[where[:, 0]]
    digits[:, second_half] = db[where[:, 1]]
    return front, digits


def _by_first(u: np.ndarray) -> np.ndarray:
    return u[np.lexsort((-u[:, 1], -u[:, 0]))]


# ---------------------------------------------------------------------------------------------
# the brute force itself


def _with_negatives_and_excludes(scenario: Scenario, seed: int) -> Scenario:
    """Flip ~30 % of the rectangle utilities negative; give ~30 % an excluded range."""
    rng = np.random.default_rng(seed)
    values = int(scenario.space.radices[0])
    parties = []
    for p in scenario.parties:
        f = p.utility
        assert isinstance(f, HyperRectangleUtility)
        rects = []
        for rect in f.rectangles:
            sign = -1.0 if rng.random() < 0.3 else 1.0
            excludes: tuple[Bound, ...] = ()
            if rng.random() < 0.3:
                issue = int(rng.integers(len(scenario.space.issues)))
                lo = int(rng.integers(0, values))
                excludes = (Bound(issue, float(lo), float(rng.integers(lo, values))),)
            rects.append(HyperRectangle(sign * rect.utility, rect.includes, excludes))
        parties.append(replace(p, utility=HyperRectangleUtility(tuple(rects), f.max_utility)))
    return replace(scenario, parties=tuple(parties))


@pytest.mark.parametrize("rectangles", [10, 70])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_brute_force_matches_full_enumeration(seed: int, rectangles: int):
    base = hyper_rectangle_scenario(issues=6, values=5, rectangles=rectangles, seed=seed)
    twisted = _with_negatives_and_excludes(base, seed)
    assert any(r.utility < 0 for p in twisted.parties for r in p.utility.rectangles)
    assert any(r.excludes for p in twisted.parties for r in p.utility.rectangles)
    for scenario in (base, twisted):
        radices = [int(r) for r in scenario.space.radices]
        everything = np.indices(radices).reshape(len(radices), -1).T
        u = scenario.evaluate(everything)
        expected = _by_first(u[pareto_indices(u)])
        got, digits = brute_force_front(scenario, pairs_per_chunk=997)  # many chunks
        assert np.array_equal(_by_first(got), expected)
        assert np.array_equal(scenario.evaluate(digits), got)


# ---------------------------------------------------------------------------------------------
# the corpus


def test_the_ten_to_the_ten_domains_are_found():
    ids = _ids(EVERY)
    for name in (
        "genius10.4/anac-y2014-10issues",
        "genius10.4/nonlinear-S-1NAGUNL-114",
        "genius10.4/nonlinear-S-1NIKFRT-1",
        "genius-svn-history/ANAC2014-S-1NMVMAF-2",
    ):
        assert name in ids
    assert len(EVERY) == 9
    assert len(DISTINCT) == 6


@pytest.mark.parametrize("folder", DISTINCT, ids=_ids(DISTINCT))
def test_hyperrectangle_frontier_is_the_exact_frontier(folder: Path):
    scenario = load_path(folder)
    res = hyperrectangle_frontier(scenario, time_limit=60)
    assert res.exact, res.note
    assert res.gap == (0.0, 0.0)
    assert np.array_equal(scenario.evaluate(res.digits), res.utilities)
    truth, digits = brute_force_front(scenario)
    assert np.abs(scenario.evaluate(digits) - truth).max() <= TOL
    assert res.utilities.shape == truth.shape, (res.utilities, truth)
    assert np.abs(_by_first(res.utilities) - _by_first(truth)).max() <= TOL
