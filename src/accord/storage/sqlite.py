"""Opening an accord SQLite file: WAL mode, a ``meta`` table with the schema version and the
kind of store, clear errors for a file that is not one."""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

from accord.errors import StorageError


def open_db(
    path: Path, schema: str, version: int, kind: str, *, threads: bool = False
) -> sqlite3.Connection:
    """A connection to the store of ``kind`` at ``path``, created with ``schema`` when new;
    :class:`StorageError` when the file is not an accord store of that kind and version.
    ``threads``: the connection may be used from several threads (the caller serialises)."""
    try:
        db = sqlite3.connect(path, timeout=30.0, check_same_thread=not threads)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            if tables:
                raise StorageError(f"{path}: an SQLite file, but not an accord store")
            with db:
                db.executescript(schema)
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(version),)
                )
                db.execute("INSERT OR REPLACE INTO meta VALUES ('kind', ?)", (kind,))
            return db
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        found = meta.get("kind", "results")  # result stores of schema 1 predate the key
        if found != kind:
            raise StorageError(f"{path}: a store of {found}, not of {kind}")
        stored = meta.get("schema_version")
        if stored is None or int(stored) != version:
            raise StorageError(
                f"{path}: {kind} store schema version {stored}, this accord reads version {version}"
            )
        return db
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path}: not an accord store ({exc})") from None


def now(timespec: str = "seconds") -> str:
    """The time now, UTC, ISO 8601: how the stores stamp what they keep."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec=timespec)
