"""A tournament's plan: the deterministic list of runs a configuration asks for.

Run ``i`` of a plan is a :class:`~accord.mechanisms.spec.RunSpec` computed from ``i`` alone (no
list of specs is held: a plan of a million runs takes the memory of its configuration). Runs
are ordered scenario by scenario, then repetition, mediator (mediated tournaments), seat
assignment and first mover (``alternate_first``), so that a batch of consecutive runs mostly
shares one scenario.

**Seats.** With ``rotate_roles`` every ordered assignment of strategies to a scenario's ``k``
seats is played (k-permutations of the strategies; every k-tuple with ``self_play``); without,
every k-combination (with repetition under ``self_play``), seated in the configuration's order.

**Seeds.** Run ``i``'s seed comes from the root seed: child ``i`` of
``numpy.random.SeedSequence(seed)`` (what ``SeedSequence(seed).spawn(n)[i]`` is, for any
``n > i``), as a 63-bit integer: ``child.generate_state(1, numpy.uint64)[0] >> 1``. It is stored
with the run, so every run can be replayed on its own (:meth:`Plan.spec`).
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from accord.errors import ConfigError
from accord.mechanisms.spec import ALTERNATING_OFFERS, Deadline, RunSpec
from accord.tournaments.config import TournamentConfig


def run_seed(root: int, index: int) -> int:
    """The seed of run ``index`` of a tournament with root seed ``root``."""
    child = np.random.SeedSequence(root, spawn_key=(index,))
    return int(child.generate_state(1, np.uint64)[0]) >> 1


def seatings(
    strategies: Sequence[str], k: int, *, rotate: bool, self_play: bool
) -> list[tuple[str, ...]]:
    """Every assignment of ``strategies`` to ``k`` seats (see the module's documentation)."""
    items = list(strategies)
    out: Iterable[tuple[str, ...]]
    if rotate:
        out = itertools.product(items, repeat=k) if self_play else itertools.permutations(items, k)
    elif self_play:
        out = itertools.combinations_with_replacement(items, k)
    else:
        out = itertools.combinations(items, k)
    return list(out)


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """Run ``run_id`` of a plan: its spec and where it sits in the plan."""

    run_id: int
    spec: RunSpec
    repetition: int


@dataclass(frozen=True, slots=True)
class _Block:
    """The runs of one scenario: repetitions × templates (one per mediator) × seatings ×
    first movers."""

    start: int
    templates: tuple[RunSpec, ...]
    seatings: tuple[tuple[str, ...], ...]
    firsts: int

    @property
    def per_repetition(self) -> int:
        return len(self.templates) * len(self.seatings) * self.firsts


@dataclass(frozen=True, slots=True)
class Plan:
    """The runs of a tournament, computed on demand from their index."""

    config: TournamentConfig
    blocks: tuple[_Block, ...]
    size: int
    starts: tuple[int, ...]  # each block's first run

    def __len__(self) -> int:
        return self.size

    def run(self, run_id: int) -> PlannedRun:
        """Run ``run_id`` (``0 <= run_id < len(plan)``)."""
        if not 0 <= run_id < self.size:
            raise ConfigError(f"run {run_id} is not in this plan of {self.size} runs")
        block = self.blocks[bisect_right(self.starts, run_id) - 1]
        offset = run_id - block.start
        offset, first = divmod(offset, block.firsts)
        offset, seat = divmod(offset, len(block.seatings))
        repetition, template_index = divmod(offset, len(block.templates))
        spec = _seated(
            block.templates[template_index],
            block.seatings[seat],
            first if block.firsts > 1 else None,
        )
        return PlannedRun(run_id, spec.with_seed(run_seed(self.config.seed, run_id)), repetition)

    def spec(self, run_id: int) -> RunSpec:
        """The spec of run ``run_id``: what replays it."""
        return self.run(run_id).spec

    def __iter__(self) -> Iterator[PlannedRun]:
        return (self.run(i) for i in range(self.size))


@lru_cache(maxsize=4096)
def _seated(template: RunSpec, seats: tuple[str, ...], first: int | None) -> RunSpec:
    """``template`` with these strategies in its seats (and this first mover): the same few
    specs recur in every repetition, so they are built once."""
    options = template.options if first is None else {**template.options, "first": first}
    return replace(template, parties=seats, options=options)


def make_plan(config: TournamentConfig, scenarios: Sequence[Any] | None = None) -> Plan:
    """The plan of ``config``. Each scenario is loaded to count its parties, into this
    process's cache (runs here reuse it); ``scenarios``: the loaded scenarios, in the
    configuration's order, when the caller has them."""
    from accord.tournaments.cache import loaded as cached

    if scenarios is not None:
        loaded = list(scenarios)
    else:
        loaded = [
            cached(RunSpec(s, ("-",), discretize=config.discretize)).scenario
            for s in config.scenarios
        ]
    blocks: list[_Block] = []
    start = 0
    for reference, sc in zip(config.scenarios, loaded, strict=True):
        k = len(sc.parties)
        pool = config.agents or config.parties or ("truthful",)
        seats = seatings(pool, k, rotate=config.rotate_roles, self_play=config.self_play)
        if not seats:
            continue  # fewer strategies than seats without self-play: nothing to play here
        templates = _templates(config, reference, sc, seats[0])
        firsts = k if config.alternate_first and not config.mediated else 1
        block = _Block(start, templates, tuple(seats), firsts)
        blocks.append(block)
        start += block.per_repetition * config.repetitions
    if start == 0:
        raise ConfigError(f"tournament {config.name!r} plans no run (too few strategies?)")
    return Plan(config, tuple(blocks), start, tuple(b.start for b in blocks))


def _templates(
    config: TournamentConfig, reference: str, scenario: Any, seats: tuple[str, ...]
) -> tuple[RunSpec, ...]:
    """One spec per mediator (one without mediator for alternating offers); parties and seed
    are filled in per run."""
    deadline = Deadline(rounds=config.rounds, seconds=config.seconds, per_call=config.per_call)
    if not config.mediated:
        return (
            RunSpec(
                reference,
                seats,
                ALTERNATING_OFFERS,
                deadline=deadline,
                seed=0,
                options={"first": 0, **config.options},
                discretize=config.discretize,
            ),
        )
    from accord.registry import PARTY_STRATEGIES
    from accord.runner import mediation

    out = []
    for mediator in config.mediators:
        spec = mediation(
            scenario,
            mediator,
            list(seats),
            protocol=config.protocol,
            rounds=config.rounds,
            seed=0,
            query_budget=config.budget,
            phased=config.phased,
            per_call=config.per_call,
            discretize=config.discretize,
        )
        for party in config.parties:
            if spec.protocol not in PARTY_STRATEGIES.info(party).protocols:
                raise ConfigError(
                    f"party strategy {party!r} cannot take part in {spec.protocol} mediation "
                    f"(mediator {mediator!r})"
                )
        options = {**spec.options, **config.options}
        out.append(replace(spec, scenario=reference, deadline=deadline, options=options))
    return tuple(out)
