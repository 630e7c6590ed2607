"""The result store: one SQLite file (WAL mode, versioned schema) holding tournaments and runs.

Tables (schema version 1):

* ``meta`` — ``schema_version``;
* ``tournaments`` — ``id``, ``name``, ``digest`` (the configuration's hash: the same
  configuration is the same tournament), ``config`` (JSON), ``accord_version``, ``root_seed``,
  ``planned``, ``started``, ``finished`` (UTC, ISO 8601);
* ``runs`` — primary key ``(tournament, run_id)``; the scenario, protocol, ``parties`` (party
  names by seat), ``participants`` (strategy spec by seat), ``mediators``, ``options``,
  ``repetition``, ``seed``, ``status`` (``done`` or ``failed``), ``agreed``, ``agreement``
  (the outcome), ``utilities`` and ``reservations`` (by seat), ``welfare``,
  ``pareto_distance`` and ``nash_distance`` (of the final utilities), ``rounds``, ``seconds``
  (duration), ``reason``, ``failed`` (the participant that failed) and ``error`` (why), and
  optionally ``trace`` (the compact trace, zlib-compressed JSON).

Lists and the outcome are JSON text. Writes come in batches, one transaction each, and a run
already stored is never stored twice (``INSERT OR IGNORE`` on the primary key): a process killed
at any moment loses nothing committed and duplicates nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import StorageError
from accord.storage.sqlite import now, open_db

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tournaments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    config TEXT NOT NULL,
    accord_version TEXT NOT NULL,
    root_seed INTEGER NOT NULL,
    planned INTEGER NOT NULL,
    started TEXT NOT NULL,
    finished TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    tournament INTEGER NOT NULL REFERENCES tournaments(id),
    run_id INTEGER NOT NULL,
    scenario TEXT NOT NULL,
    protocol TEXT NOT NULL,
    parties TEXT NOT NULL,
    participants TEXT NOT NULL,
    mediators TEXT NOT NULL,
    options TEXT NOT NULL,
    repetition INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL,
    agreed INTEGER NOT NULL,
    agreement TEXT,
    utilities TEXT NOT NULL,
    reservations TEXT NOT NULL,
    welfare REAL,
    pareto_distance REAL,
    nash_distance REAL,
    rounds INTEGER NOT NULL,
    seconds REAL NOT NULL,
    reason TEXT NOT NULL,
    failed TEXT,
    error TEXT,
    trace BLOB,
    PRIMARY KEY (tournament, run_id)
) WITHOUT ROWID;
"""

#: The columns of ``runs`` after ``tournament``, in order: what a worker's row holds.
RUN_COLUMNS = (
    "run_id",
    "scenario",
    "protocol",
    "parties",
    "participants",
    "mediators",
    "options",
    "repetition",
    "seed",
    "status",
    "agreed",
    "agreement",
    "utilities",
    "reservations",
    "welfare",
    "pareto_distance",
    "nash_distance",
    "rounds",
    "seconds",
    "reason",
    "failed",
    "error",
    "trace",
)
_JSON_COLUMNS = frozenset(
    ("parties", "participants", "mediators", "options", "agreement", "utilities", "reservations")
)
_INSERT = (
    f"INSERT OR IGNORE INTO runs (tournament, {', '.join(RUN_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(RUN_COLUMNS) + 1))})"
)


@dataclass(frozen=True, slots=True)
class TournamentRow:
    """One tournament as the store keeps it."""

    id: int
    name: str
    digest: str
    config: dict[str, Any]
    accord_version: str
    root_seed: int
    planned: int
    started: str
    finished: str | None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in TournamentRow.__slots__}


class Store:
    """A result store on disk (created when missing). Use as a context manager, or
    :meth:`close` it."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._db = open_db(self.path, _SCHEMA, SCHEMA_VERSION, "results")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- tournaments -------------------------------------------------------------------------

    def begin(self, name: str, digest: str, config: dict[str, Any], seed: int, planned: int) -> int:
        """The id of the tournament with this configuration ``digest``, created if new."""
        from accord import __version__

        row = self._db.execute("SELECT id FROM tournaments WHERE digest=?", (digest,)).fetchone()
        if row is not None:
            with self._db:
                self._db.execute("UPDATE tournaments SET finished=NULL WHERE id=?", (row[0],))
            return int(row[0])
        with self._db:
            cur = self._db.execute(
                "INSERT INTO tournaments (name, digest, config, accord_version, root_seed, "
                "planned, started) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, digest, json.dumps(config), __version__, seed, planned, now()),
            )
        return int(cur.lastrowid or 0)

    def finish(self, tournament: int) -> None:
        with self._db:
            self._db.execute("UPDATE tournaments SET finished=? WHERE id=?", (now(), tournament))

    def tournaments(self) -> list[TournamentRow]:
        rows = self._db.execute(
            "SELECT id, name, digest, config, accord_version, root_seed, planned, started, "
            "finished FROM tournaments ORDER BY id"
        ).fetchall()
        return [TournamentRow(r[0], r[1], r[2], json.loads(r[3]), *r[4:]) for r in rows]

    def tournament(self, which: int | str | None = None) -> TournamentRow:
        """A tournament by id or name (the latest when ``None``)."""
        rows = self.tournaments()
        if not rows:
            raise StorageError(f"{self.path}: no tournament stored")
        if which is None:
            return rows[-1]
        for row in reversed(rows):
            if row.id == which or row.name == which or str(row.id) == str(which):
                return row
        names = ", ".join(f"{r.id} ({r.name})" for r in rows)
        raise StorageError(f"{self.path}: no tournament {which!r}; stored: {names}")

    # -- runs --------------------------------------------------------------------------------

    def add(self, tournament: int, rows: Iterable[Sequence[Any]]) -> int:
        """Store worker rows (``RUN_COLUMNS``) in one transaction; returns how many were new."""
        before = self._db.total_changes
        with self._db:
            self._db.executemany(_INSERT, ((tournament, *row) for row in rows))
        return self._db.total_changes - before

    def done(self, tournament: int) -> Iterator[int]:
        """The ids of the stored runs, ascending."""
        cur = self._db.execute(
            "SELECT run_id FROM runs WHERE tournament=? ORDER BY run_id", (tournament,)
        )
        for (run_id,) in cur:
            yield int(run_id)

    def counts(self, tournament: int) -> dict[str, int]:
        """``completed`` (stored) and ``failed`` runs."""
        done, failed = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(status='failed'), 0) FROM runs WHERE tournament=?",
            (tournament,),
        ).fetchone()
        return {"completed": int(done), "failed": int(failed)}

    def runs(self, tournament: int, *, with_trace: bool = False) -> Iterator[dict[str, Any]]:
        """Every stored run as a mapping of ``RUN_COLUMNS`` (JSON columns decoded), by id."""
        columns = RUN_COLUMNS if with_trace else RUN_COLUMNS[:-1]
        cur = self._db.execute(
            f"SELECT {', '.join(columns)} FROM runs WHERE tournament=? ORDER BY run_id",
            (tournament,),
        )
        for row in cur:
            yield _decoded(columns, row)

    def raw_runs(self, tournament: int) -> Iterator[tuple[Any, ...]]:
        """Every stored run as its raw row (``RUN_COLUMNS`` without ``trace``), by id."""
        return iter(
            self._db.execute(
                f"SELECT {', '.join(RUN_COLUMNS[:-1])} FROM runs WHERE tournament=? "
                "ORDER BY run_id",
                (tournament,),
            )
        )

    def run(self, tournament: int, run_id: int) -> dict[str, Any]:
        """One stored run (with its trace, when one was stored)."""
        cur = self._db.execute(
            f"SELECT {', '.join(RUN_COLUMNS)} FROM runs WHERE tournament=? AND run_id=?",
            (tournament, run_id),
        )
        row = cur.fetchone()
        if row is None:
            raise StorageError(f"{self.path}: tournament {tournament} has no stored run {run_id}")
        return _decoded(RUN_COLUMNS, row)


def _decoded(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    """A stored row as a mapping of its columns, JSON columns decoded."""
    return {
        c: (json.loads(v) if c in _JSON_COLUMNS and v is not None else v)
        for c, v in zip(columns, row, strict=True)
    }
