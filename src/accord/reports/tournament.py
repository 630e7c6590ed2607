"""The report of a tournament: what a result store says about the strategies that played in it.

:func:`tournament_report` reads one tournament of a store into a :class:`TournamentReport`: a
leaderboard per role (the agents of an alternating-offers tournament; the mediators and the
party strategies of a mediated one), a scenario × strategy table and a pairwise table, each
leaderboard mean with a 95 % percentile-bootstrap confidence interval.
:func:`~accord.reports.tournament_html.write_tournament_html`
writes the report as one self-contained HTML page.

What is averaged over what:

* **utility** and **advantage** (utility − reservation value): over the seats a strategy
  played (both seats of a self-play run count); a mediator's are its parties' (every seat of
  the runs it mediated);
* **agreement** (rate), **welfare** (sum of the utilities), distance to the **Pareto** frontier
  and to the **Nash** point: over the runs a strategy took part in (a self-play run once);
* a run that failed as a whole (an *error*: it has no utilities) counts in ``runs`` and
  ``errors``, in no mean; a participant's failure ends its run at the reservation values: that
  run counts in every mean, and in the failing strategy's ``failures``.

**Confidence intervals.** Percentile bootstrap of the mean with ``resamples`` resamples, each
estimate with its own generator seeded from ``seed``, the role, the strategy and the measure
(an interval does not depend on which other strategies played). Each :class:`Estimate` names
the ``method`` that drew its resamples: ``multinomial`` (exact; few distinct values: each
value's count in a resample drawn from the multinomial distribution, which is what resampling
the observations gives), ``resample`` (exact; up to ``exact_max`` observations, resampled with
replacement in chunks) or ``blocks`` (approximate; more observations with many distinct
values: shuffled into ``exact_max`` blocks of almost equal size, the blocks resampled).
:attr:`TournamentReport.ci_method` says this and how often each method was used.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import AccordError, StorageError
from accord.storage.store import RUN_COLUMNS, Store, TournamentRow

__all__ = [
    "EXACT_MAX",
    "MULTINOMIAL_RATIO",
    "Board",
    "Estimate",
    "LeaderboardRow",
    "Pairwise",
    "ScenarioRow",
    "ScenarioTable",
    "TournamentReport",
    "bootstrap_mean",
    "tournament_report",
]

#: Observations above which a mean's bootstrap resamples blocks of observations (see above).
EXACT_MAX = 5_000
#: The multinomial draw is used when there are at most ``n / MULTINOMIAL_RATIO`` distinct values.
MULTINOMIAL_RATIO = 16
#: The confidence level of every interval.
CONFIDENCE = 0.95
#: Elements of resampled indices drawn at once (memory stays flat for any store).
_CHUNK = 1 << 21
#: The measures of a leaderboard row, in order (their index seeds their generators).
MEASURES = ("utility", "advantage", "agreement", "welfare", "pareto_distance", "nash_distance")
#: The configuration keys the report summarises.
_SUMMARY = (
    *("scenarios", "agents", "mediators", "parties", "protocol", "rounds", "seconds"),
    *("repetitions", "rotate_roles", "self_play", "alternate_first", "seed"),
)
_ROLES = ("agent", "party strategy", "mediator")


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A mean of ``n`` observations with its confidence interval ``[low, high]`` (all
    ``None`` without observations) and the bootstrap ``method`` that drew it."""

    mean: float | None
    low: float | None
    high: float | None
    n: int
    method: str

    def to_dict(self) -> dict[str, Any]:
        return _data(self)


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    """One strategy of a leaderboard (see the module's documentation for what each mean is
    over): ``runs`` it took part in, ``failures`` (runs in which it was the participant that
    failed) and ``errors`` (its runs that failed as a whole)."""

    strategy: str
    runs: int
    utility: Estimate
    advantage: Estimate
    agreement: Estimate
    welfare: Estimate
    pareto_distance: Estimate
    nash_distance: Estimate
    failures: int
    errors: int

    def to_dict(self) -> dict[str, Any]:
        return _data(self)


@dataclass(frozen=True, slots=True)
class ScenarioTable:
    """Scenario × strategy: ``runs`` (runs of the strategy on the scenario), mean ``utility``
    and ``agreement`` rate (``None`` where there is nothing to average)."""

    scenarios: tuple[str, ...]
    strategies: tuple[str, ...]
    runs: tuple[tuple[int, ...], ...]
    utility: tuple[tuple[float | None, ...], ...]
    agreement: tuple[tuple[float | None, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return _data(self)


@dataclass(frozen=True, slots=True)
class Pairwise:
    """``utility[a][b]``: the mean utility of strategy ``a`` facing ``b`` (in a multilateral
    run, facing ``b`` in any other seat), over ``n[a][b]`` seats."""

    strategies: tuple[str, ...]
    n: tuple[tuple[int, ...], ...]
    utility: tuple[tuple[float | None, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return _data(self)


@dataclass(frozen=True, slots=True)
class Board:
    """The tables of one role (``agent``, ``mediator`` or ``party strategy``); a mediators'
    board has no pairwise table."""

    role: str
    leaderboard: tuple[LeaderboardRow, ...]
    per_scenario: ScenarioTable
    pairwise: Pairwise | None

    def to_dict(self) -> dict[str, Any]:
        return _data(self)


@dataclass(frozen=True, slots=True)
class ScenarioRow:
    """One scenario: its ``runs``, how many ``failed`` (status) and of those how many were
    ``errors`` (failed as a whole), and the ``agreement`` rate of its other runs."""

    scenario: str
    runs: int
    failed: int
    errors: int
    agreement: float | None

    def to_dict(self) -> dict[str, Any]:
        return _data(self)


@dataclass(frozen=True, slots=True)
class TournamentReport:
    """What one tournament of a store says (see :func:`tournament_report`)."""

    store: str
    tournament: TournamentRow
    config: dict[str, Any]
    planned: int
    completed: int
    failed: int
    errors: int
    mediated: bool
    scenarios: tuple[ScenarioRow, ...]
    boards: tuple[Board, ...]
    resamples: int
    seed: int
    confidence: float
    ci_method: str

    @property
    def methods(self) -> dict[str, int]:
        """How many leaderboard estimates each bootstrap method drew."""
        return _methods(self.boards)

    def board(self, role: str) -> Board:
        """The board of ``role`` (``agent``, ``mediator`` or ``party strategy``)."""
        for board in self.boards:
            if board.role == role:
                return board
        raise KeyError(role)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (the tournament without its full configuration: ``config``
        summarises it)."""
        out: dict[str, Any] = _data(self)
        del out["tournament"]["config"]
        return out


def _data(value: Any) -> Any:
    """Plain JSON-able data of a report value (dataclasses by field, tuples as lists)."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _data(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, tuple | list):
        return [_data(v) for v in value]
    if isinstance(value, dict):
        return {k: _data(v) for k, v in value.items()}
    return value


# -- the bootstrap ----------------------------------------------------------------------------


def bootstrap_mean(
    values: np.ndarray,
    rng: np.random.Generator,
    resamples: int = 1000,
    *,
    exact_max: int = EXACT_MAX,
) -> Estimate:
    """The mean of ``values`` (NaN dropped) with its 95 % percentile-bootstrap interval, drawn
    as the module's documentation describes."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return Estimate(None, None, None, 0, "none")
    distinct, counts = np.unique(x, return_counts=True)
    if len(distinct) <= max(1, n // MULTINOMIAL_RATIO):
        mean = float(counts @ distinct / n)
        draws = rng.multinomial(n, counts / n, size=resamples)
        means, method = draws @ distinct / n, "multinomial"
    elif n <= exact_max:
        mean = float(x.mean())
        means, method = _resampled(x, None, rng, resamples), "resample"
    else:
        mean = float(x.mean())
        edges = np.linspace(0, n, exact_max + 1).astype(np.intp)[:-1]
        sums = np.add.reduceat(x[rng.permutation(n)], edges)
        sizes = np.diff(np.append(edges, n)).astype(float)
        means, method = _resampled(sums, sizes, rng, resamples), "blocks"
    tail = (1.0 - CONFIDENCE) / 2
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return Estimate(mean, float(low), float(high), n, method)


def _resampled(
    sums: np.ndarray, sizes: np.ndarray | None, rng: np.random.Generator, resamples: int
) -> np.ndarray:
    """``resamples`` means of resamples (with replacement) of the items ``sums`` (each the
    total of ``sizes`` observations; of one when ``None``), drawn in chunks."""
    m = len(sums)
    step = max(1, _CHUNK // m)
    out = np.empty(resamples)
    for start in range(0, resamples, step):
        stop = min(resamples, start + step)
        idx = rng.integers(0, m, size=(stop - start, m))
        total = sums[idx].sum(axis=1)
        out[start:stop] = total / m if sizes is None else total / sizes[idx].sum(axis=1)
    return out


def _rng(seed: int, role: str, strategy: str, measure: int) -> np.random.Generator:
    key = [seed, _ROLES.index(role), zlib.crc32(strategy.encode("utf-8")), measure]
    return np.random.default_rng(key)


# -- reading the store ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Runs:
    """A tournament's runs as columns: per run (``R``), per seat (``S``) and per mediator
    (``M``) of a run. Strategy, mediator and failure codes share ``names``."""

    scenarios: tuple[str, ...]
    names: tuple[str, ...]
    scenario: np.ndarray
    agreed: np.ndarray
    scored: np.ndarray
    status_failed: np.ndarray
    welfare: np.ndarray
    pareto: np.ndarray
    nash: np.ndarray
    failed: np.ndarray
    seat_start: np.ndarray
    seat_count: np.ndarray
    seat_run: np.ndarray
    seat_strategy: np.ndarray
    seat_utility: np.ndarray
    seat_reservation: np.ndarray
    med_run: np.ndarray
    med_strategy: np.ndarray


_COLUMN = {name: i for i, name in enumerate(RUN_COLUMNS)}
_READ = (  # what _load reads of a row, in this order
    *("scenario", "agreed", "status", "participants", "utilities", "reservations", "mediators"),
    *("welfare", "pareto_distance", "nash_distance", "failed"),
)


def _load(rows: Iterable[Sequence[Any]]) -> _Runs:
    """Columns of the raw rows (each distinct JSON text is decoded once)."""
    names: dict[str, int] = {}
    scenarios: dict[str, int] = {}
    ids: dict[str, list[int]] = {}
    numbers: dict[str, list[float]] = {}

    def codes(text: str) -> list[int]:
        if text not in ids:
            ids[text] = [names.setdefault(v, len(names)) for v in json.loads(text)]
        return ids[text]

    def floats(text: str) -> list[float]:
        if text not in numbers:
            numbers[text] = [np.nan if v is None else float(v) for v in json.loads(text)]
        return numbers[text]

    per_run: list[tuple[Any, ...]] = []
    seat: tuple[list[Any], ...] = ([], [], [], [])
    med: tuple[list[int], list[int]] = ([], [])
    pick = itemgetter(*(_COLUMN[name] for name in _READ))
    for i, row in enumerate(rows):
        scenario, agreed, status, who, u, r, mediators, welfare, pareto, nash, failed = pick(row)
        who, u, r, mediators = codes(who), floats(u), floats(r), codes(mediators)
        k = len(who)
        fail = -1 if failed is None else names.setdefault(failed, len(names))
        scenario = scenarios.setdefault(scenario, len(scenarios))
        ok = len(u) > 0
        per_run.append((scenario, agreed, ok, status == "failed", welfare, pareto, nash, fail, k))
        nan = [np.nan] * k
        seat[0].extend([i] * k)
        seat[1].extend(who)
        seat[2].extend(u if len(u) == k else nan)
        seat[3].extend(r if len(r) == k else nan)
        med[0].extend([i] * len(mediators))
        med[1].extend(mediators)
    run = [np.asarray(col, dtype=float) for col in zip(*per_run, strict=True)] or [np.empty(0)] * 9
    count = run[8].astype(np.intp)
    seat_run, seat_strategy, med_run, med_strategy = (
        np.asarray(x, dtype=np.intp) for x in (*seat[:2], *med)
    )
    columns = [run[0].astype(np.intp), run[1], run[2] > 0, run[3] > 0, *run[4:7]]
    columns += [run[7].astype(np.intp), np.cumsum(count) - count, count, seat_run, seat_strategy]
    columns += [np.asarray(seat[2], dtype=float), np.asarray(seat[3], dtype=float)]
    columns += [med_run, med_strategy]
    return _Runs(tuple(scenarios), tuple(names), *columns)  # in the order of its fields


# -- the tables -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Observations:
    """One role's observations: per seat (``seat`` indexes the runs' seats) and per run."""

    role: str
    seat_strategy: np.ndarray
    seat: np.ndarray
    run_strategy: np.ndarray
    run: np.ndarray


def _distinct(run: np.ndarray, strategy: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (run, strategy) pairs, by run."""
    key = np.unique(run.astype(np.int64) * max(size, 1) + strategy)
    return (key // max(size, 1)).astype(np.intp), (key % max(size, 1)).astype(np.intp)


def _party_observations(runs: _Runs, role: str) -> _Observations:
    seats = np.arange(len(runs.seat_run))
    run, strategy = _distinct(runs.seat_run, runs.seat_strategy, len(runs.names))
    return _Observations(role, runs.seat_strategy, seats, strategy, run)


def _mediator_observations(runs: _Runs) -> _Observations:
    """A mediator's runs, and as its seats every seat of the runs it mediated."""
    run, strategy = _distinct(runs.med_run, runs.med_strategy, len(runs.names))
    counts = runs.seat_count[run]
    owner = np.repeat(np.arange(len(run)), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    seats = runs.seat_start[run][owner] + offset
    return _Observations("mediator", strategy[owner], seats, strategy, run)


def _groups(keys: np.ndarray) -> dict[int, np.ndarray]:
    """The positions of each key."""
    order = np.argsort(keys, kind="stable")
    values, starts = np.unique(keys[order], return_index=True)
    parts = np.split(order, starts[1:]) if len(keys) else []
    return {int(v): part for v, part in zip(values, parts, strict=True)}


def _leaderboard(
    runs: _Runs, obs: _Observations, resamples: int, seed: int, exact_max: int
) -> tuple[LeaderboardRow, ...]:
    by_seat, by_run = _groups(obs.seat_strategy), _groups(obs.run_strategy)
    rows = []
    for code, at in by_run.items():
        name = runs.names[code]
        seat = obs.seat[by_seat.get(code, np.empty(0, dtype=np.intp))]
        run = obs.run[at]
        scored = run[runs.scored[run]]
        values = (
            runs.seat_utility[seat],
            runs.seat_utility[seat] - runs.seat_reservation[seat],
            runs.agreed[scored],
            runs.welfare[scored],
            runs.pareto[scored],
            runs.nash[scored],
        )
        u, a, ag, w, p, n = (
            bootstrap_mean(v, _rng(seed, obs.role, name, m), resamples, exact_max=exact_max)
            for m, v in enumerate(values)
        )
        failures = int(np.count_nonzero(runs.failed[run] == code))
        errors = int(len(run) - len(scored))
        rows.append(LeaderboardRow(name, len(run), u, a, ag, w, p, n, failures, errors))
    last = float("inf")
    rows.sort(key=lambda r: (-r.utility.mean if r.utility.mean is not None else last, r.strategy))
    return tuple(rows)


def _means(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts and means (NaN where empty) of the finite ``values`` by ``keys`` < ``size``."""
    ok = np.isfinite(values)
    n = np.bincount(keys[ok], minlength=size)
    total = np.bincount(keys[ok], weights=values[ok], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return n, total / n


def _matrix(values: np.ndarray, shape: tuple[int, int]) -> tuple[tuple[float | None, ...], ...]:
    return tuple(tuple(_num(v) for v in row) for row in values.reshape(shape))


def _scenario_table(runs: _Runs, obs: _Observations, order: np.ndarray) -> ScenarioTable:
    """Scenario × strategy (``order``: the strategies' codes, in the leaderboard's order)."""
    pos = np.full(len(runs.names), -1, dtype=np.intp)
    pos[order] = np.arange(len(order))
    k, shape = len(order), (len(runs.scenarios), len(order))
    size = shape[0] * shape[1]
    run_key = runs.scenario[obs.run] * k + pos[obs.run_strategy]
    counts = np.bincount(run_key, minlength=size)
    seat_run = runs.seat_run[obs.seat]
    _, utility = _means(
        runs.scenario[seat_run] * k + pos[obs.seat_strategy], runs.seat_utility[obs.seat], size
    )
    agreed = np.where(runs.scored[obs.run], runs.agreed[obs.run], np.nan)
    _, agreement = _means(run_key, agreed, size)
    return ScenarioTable(
        runs.scenarios,
        tuple(runs.names[c] for c in order),
        tuple(tuple(int(v) for v in row) for row in counts.reshape(shape)),
        _matrix(utility, shape),
        _matrix(agreement, shape),
    )


def _pairwise(runs: _Runs, order: np.ndarray) -> Pairwise:
    """Each seat's utility against each distinct strategy in the run's other seats."""
    pos = np.full(len(runs.names), -1, dtype=np.intp)
    pos[order] = np.arange(len(order))
    k = len(order)
    keys, values = [], []
    for seats in np.unique(runs.seat_count):
        if seats < 2:
            continue
        at = runs.seat_start[runs.seat_count == seats][:, None] + np.arange(seats)
        who, utility = pos[runs.seat_strategy[at]], runs.seat_utility[at]
        for i in range(seats):
            others = np.delete(who, i, axis=1)
            row = np.repeat(np.arange(len(who)), seats - 1)
            pair = np.unique(row.astype(np.int64) * k + others.ravel())
            row, opponent = pair // k, pair % k
            keys.append(who[row, i] * k + opponent)
            values.append(utility[row, i])
    key = np.concatenate(keys) if keys else np.empty(0, dtype=np.intp)
    value = np.concatenate(values) if values else np.empty(0)
    n, mean = _means(key.astype(np.intp), value, k * k)
    return Pairwise(
        tuple(runs.names[c] for c in order),
        tuple(tuple(int(v) for v in row) for row in n.reshape(k, k)),
        _matrix(mean, (k, k)),
    )


def _board(runs: _Runs, obs: _Observations, resamples: int, seed: int, exact_max: int) -> Board:
    leaderboard = _leaderboard(runs, obs, resamples, seed, exact_max)
    code = {name: i for i, name in enumerate(runs.names)}
    order = np.asarray([code[r.strategy] for r in leaderboard], dtype=np.intp)
    pairwise = None if obs.role == "mediator" else _pairwise(runs, order)
    return Board(obs.role, leaderboard, _scenario_table(runs, obs, order), pairwise)


def _scenario_rows(runs: _Runs) -> tuple[ScenarioRow, ...]:
    size = len(runs.scenarios)
    total = np.bincount(runs.scenario, minlength=size)
    failed = np.bincount(runs.scenario, weights=runs.status_failed, minlength=size)
    errors = np.bincount(runs.scenario, weights=~runs.scored, minlength=size)
    _, agreement = _means(runs.scenario, np.where(runs.scored, runs.agreed, np.nan), size)
    return tuple(
        ScenarioRow(name, int(total[i]), int(failed[i]), int(errors[i]), _num(agreement[i]))
        for i, name in enumerate(runs.scenarios)
    )


def _methods(boards: Sequence[Board]) -> dict[str, int]:
    rows = [row for board in boards for row in board.leaderboard]
    return dict(sorted(Counter(getattr(r, m).method for r in rows for m in MEASURES).items()))


def _ci_method(boards: Sequence[Board], resamples: int, seed: int, exact_max: int) -> str:
    used = _methods(boards)
    tally = ", ".join(f"{k} {v}" for k, v in used.items()) or "none"
    return (
        f"{CONFIDENCE:.0%} percentile bootstrap of each mean: {resamples} resamples, seed {seed} "
        "(one generator per role, strategy and measure). Methods: 'multinomial' (exact: a "
        "resample's count of each distinct value drawn from the multinomial distribution, "
        f"used when there are at most n/{MULTINOMIAL_RATIO} distinct values); 'resample' "
        f"(exact: the observations resampled with replacement, up to {exact_max:,} "
        f"observations); 'blocks' (approximate: above {exact_max:,} observations, the "
        f"observations shuffled into {exact_max:,} blocks and the blocks resampled). "
        f"Estimates by method: {tally}."
    )


def _open(store: Store | str | Path) -> Store:
    if isinstance(store, Store):
        return store
    path = Path(store)
    if not path.exists():
        raise StorageError(f"no such store: {path}")
    if path.is_dir() or path.stat().st_size == 0:
        what = "a folder" if path.is_dir() else "an empty file"
        raise StorageError(f"{path}: {what}, not an accord store")
    return Store(path)


def tournament_report(
    store: Store | str | Path,
    tournament: int | str | None = None,
    *,
    resamples: int = 1000,
    seed: int = 0,
    exact_max: int = EXACT_MAX,
) -> TournamentReport:
    """The report of ``tournament`` (id or name; the latest by default) in ``store`` (a
    :class:`~accord.storage.Store` or the path of one, which must exist). ``resamples``,
    ``seed`` and ``exact_max`` set the bootstrap (see the module's documentation)."""
    if resamples < 1 or exact_max < 1 or seed < 0:
        raise AccordError("resamples and exact_max must be positive, seed not negative")
    db = _open(store)
    try:
        row = db.tournament(tournament)
        counts = db.counts(row.id)
        runs = _load(db.raw_runs(row.id))
    finally:
        if db is not store:
            db.close()
    mediated = bool(row.config.get("mediators")) or len(runs.med_run) > 0
    if mediated:
        roles = [_mediator_observations(runs), _party_observations(runs, "party strategy")]
    else:
        roles = [_party_observations(runs, "agent")]
    boards = tuple(_board(runs, obs, resamples, seed, exact_max) for obs in roles)
    return TournamentReport(
        store=str(db.path),
        tournament=row,
        config={k: row.config[k] for k in _SUMMARY if k in row.config},
        planned=row.planned,
        completed=counts["completed"],
        failed=counts["failed"],
        errors=int(np.count_nonzero(~runs.scored)),
        mediated=mediated,
        scenarios=_scenario_rows(runs),
        boards=boards,
        resamples=resamples,
        seed=seed,
        confidence=CONFIDENCE,
        ci_method=_ci_method(boards, resamples, seed, exact_max),
    )
