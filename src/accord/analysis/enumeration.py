"""Stream the utilities of every outcome of an enumerable scenario, chunk by chunk.

``utility_chunks(scenario)`` yields ``(first_index, utilities)`` with ``utilities`` of shape
``(n_chunk, parties)`` in outcome-index order, never materialising more than about ``chunk``
outcomes at once. When every party is :class:`LinearAdditive` a fast path builds the chunk by
broadcasting the per-issue tables (no digit arrays, no gathers); it adds the terms in the same
order as :meth:`LinearAdditive.evaluate`, so the numbers are bit-for-bit identical.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from accord.errors import ScenarioError
from accord.preferences.utility import LinearAdditive
from accord.scenario import Scenario

__all__ = ["utility_chunks"]


def _split(radices: np.ndarray, chunk: int) -> int:
    """First issue of the longest suffix whose product is at most ``chunk`` (>= 1 issue left)."""
    size, s = 1, len(radices)
    while s > 0 and size * int(radices[s - 1]) <= chunk:
        size *= int(radices[s - 1])
        s -= 1
    return s


def _additive_chunks(scenario: Scenario, chunk: int) -> Iterator[tuple[int, np.ndarray]]:
    space = scenario.space
    radices = space.radices
    funcs = [p.utility for p in scenario.parties]
    tables = [f.issue_tables(space) for f in funcs if isinstance(f, LinearAdditive)]
    offsets = [float(f.offset) for f in funcs if isinstance(f, LinearAdditive)]
    s = _split(radices, chunk)
    tail = int(np.prod(radices[s:], dtype=np.int64))
    head = int(np.prod(radices[:s], dtype=np.int64)) if s else 1
    group = max(1, chunk // tail)
    for h0 in range(0, head, group):
        h1 = min(head, h0 + group)
        if s:
            hd = np.stack(np.unravel_index(np.arange(h0, h1), radices[:s]), axis=1)
        out = np.empty(((h1 - h0) * tail, len(funcs)))
        for p, (tabs, off) in enumerate(zip(tables, offsets, strict=True)):
            v = np.full(h1 - h0, off)
            for j in range(s):
                v = v + tabs[j][hd[:, j]]
            for j in range(s, len(radices)):
                v = (v[:, None] + tabs[j][None, :]).reshape(-1)
            out[:, p] = v
        yield h0 * tail, out


def utility_chunks(scenario: Scenario, chunk: int = 1 << 20) -> Iterator[tuple[int, np.ndarray]]:
    """``(first_index, utilities (n, parties))`` blocks covering the whole space in order."""
    space = scenario.space
    if space.size is None or not space.is_indexable:
        raise ScenarioError(f"scenario {scenario.name!r} cannot be enumerated")
    if all(isinstance(p.utility, LinearAdditive) for p in scenario.parties):
        yield from _additive_chunks(scenario, chunk)
        return
    for start, digits in space.chunks(chunk):
        yield start, scenario.evaluate(digits)
