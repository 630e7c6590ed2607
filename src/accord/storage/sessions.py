"""The session store: one SQLite file (WAL mode, versioned schema) holding live sessions, every
move made in them, and the scenarios uploaded or built for them.

Tables (schema version 1; ``meta`` also holds ``kind`` = ``sessions`` and the server's
``secret``, from which the web app derives every access token):

* ``scenarios`` — ``id``, ``name``, ``origin`` (``upload`` or ``builder``), ``yaml`` (the
  scenario as accord YAML), ``created``;
* ``sessions`` — ``id``, ``title``, ``scenario`` (a packaged scenario's name, or
  ``stored:ID`` for a stored one), ``spec`` (the run spec, JSON), ``created``;
* ``moves`` — primary key ``(session, seq)``: the seat that moved, the move (JSON) and when.

A move is committed before it is acknowledged and the ``(session, seq)`` key admits one move at
each position, so two clients racing for the same turn cannot both win, and a restart loses
nothing that was acknowledged.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import StorageError
from accord.mechanisms.spec import RunSpec
from accord.storage.sqlite import now, open_db

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scenarios (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    origin TEXT NOT NULL,
    yaml TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    scenario TEXT NOT NULL,
    spec TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS moves (
    session TEXT NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    seat INTEGER NOT NULL,
    move TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (session, seq)
) WITHOUT ROWID;
"""


@dataclass(frozen=True, slots=True)
class StoredScenario:
    id: str
    name: str
    origin: str
    yaml: str
    created: str


@dataclass(frozen=True, slots=True)
class StoredSession:
    id: str
    title: str
    scenario: str
    spec: RunSpec
    created: str


class SessionStore:
    """A session store on disk (created when missing); safe to share between threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._db = open_db(self.path, _SCHEMA, SCHEMA_VERSION, "sessions", threads=True)
        self._lock = threading.Lock()
        with self._lock, self._db:
            row = self._db.execute("SELECT value FROM meta WHERE key='secret'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('secret', ?)", (secrets.token_hex(32),))
        with contextlib.suppress(OSError):
            self.path.chmod(0o600)  # it holds the secret every token derives from

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _all(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    @property
    def secret(self) -> bytes:
        """The server's secret (made once, kept in the store)."""
        return bytes.fromhex(self._all("SELECT value FROM meta WHERE key='secret'")[0][0])

    # -- scenarios -----------------------------------------------------------------------------
    def add_scenario(self, name: str, yaml: str, origin: str) -> str:
        sid = secrets.token_hex(6)
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO scenarios VALUES (?, ?, ?, ?, ?)",
                (sid, name, origin, yaml, now("milliseconds")),
            )
        return sid

    def scenarios(self) -> list[StoredScenario]:
        rows = self._all("SELECT id, name, origin, yaml, created FROM scenarios ORDER BY created")
        return [StoredScenario(*r) for r in rows]

    def scenario(self, sid: str) -> StoredScenario:
        rows = self._all("SELECT id, name, origin, yaml, created FROM scenarios WHERE id=?", (sid,))
        if not rows:
            raise StorageError(f"no stored scenario {sid!r}")
        return StoredScenario(*rows[0])

    # -- sessions ------------------------------------------------------------------------------
    def add_session(self, title: str, scenario: str, spec: RunSpec) -> str:
        sid = secrets.token_hex(6)
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (sid, title, scenario, spec.to_json(), now("milliseconds")),
            )
        return sid

    def sessions(self) -> list[StoredSession]:
        rows = self._all("SELECT id, title, scenario, spec, created FROM sessions ORDER BY created")
        return [StoredSession(r[0], r[1], r[2], RunSpec.from_json(r[3]), r[4]) for r in rows]

    def session(self, sid: str) -> StoredSession:
        rows = self._all(
            "SELECT id, title, scenario, spec, created FROM sessions WHERE id=?", (sid,)
        )
        if not rows:
            raise StorageError(f"no session {sid!r}")
        r = rows[0]
        return StoredSession(r[0], r[1], r[2], RunSpec.from_json(r[3]), r[4])

    # -- moves ---------------------------------------------------------------------------------
    def moves(self, session: str) -> list[tuple[int, dict[str, Any]]]:
        """The session's moves, in order, as ``(seat, move)``."""
        rows = self._all("SELECT seat, move FROM moves WHERE session=? ORDER BY seq", (session,))
        return [(int(seat), json.loads(move)) for seat, move in rows]

    def count(self, session: str) -> int:
        """How many moves the session has."""
        return int(self._all("SELECT COUNT(*) FROM moves WHERE session=?", (session,))[0][0])

    def add_move(self, session: str, seq: int, seat: int, move: dict[str, Any]) -> bool:
        """Keep move number ``seq`` (from 0); ``False`` when that position is already taken
        (another client moved first)."""
        try:
            with self._lock, self._db:
                self._db.execute(
                    "INSERT INTO moves VALUES (?, ?, ?, ?, ?)",
                    (session, seq, seat, json.dumps(move, sort_keys=True), now("milliseconds")),
                )
        except sqlite3.IntegrityError:
            return False
        return True
