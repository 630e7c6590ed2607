"""Exports of a store's runs: CSV (standard library) and Parquet (``pip install
accord[parquet]``). One row per run; list columns (parties, participants, utilities, …) are
JSON text in CSV and lists in Parquet; the trace is not exported."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from accord.errors import StorageError
from accord.storage.store import RUN_COLUMNS, Store

#: The formats :func:`export` writes.
EXPORT_FORMATS = ("csv", "parquet")
_COLUMNS = ("tournament", "name", *RUN_COLUMNS[:-1])
_LISTS = ("parties", "participants", "mediators", "utilities", "reservations")


def export(
    store: Store | str | Path,
    dst: str | Path,
    *,
    to: str = "csv",
    tournament: int | str | None = None,
) -> int:
    """Write the runs of one tournament (the latest by default) to ``dst``; returns the number
    of runs written."""
    if to not in EXPORT_FORMATS:
        raise StorageError(f"unknown export format {to!r}: use {' or '.join(EXPORT_FORMATS)}")
    db = store if isinstance(store, Store) else Store(store)
    try:
        row = db.tournament(tournament)
        raw = db.raw_runs(row.id)
        if to == "csv":
            return _csv(raw, row.id, row.name, Path(dst))
        return _parquet(raw, row.id, row.name, Path(dst))
    finally:
        if db is not store:
            db.close()


def _csv(raw: object, tid: int, name: str, dst: Path) -> int:
    n = 0
    try:
        with dst.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(_COLUMNS)
            for values in raw:  # type: ignore[attr-defined]
                writer.writerow((tid, name, *values))
                n += 1
    except OSError as exc:
        raise StorageError(f"{dst}: cannot write: {exc.strerror}") from None
    return n


def _parquet(raw: object, tid: int, name: str, dst: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise StorageError("Parquet export needs pyarrow: pip install 'accord[parquet]'") from None
    columns: dict[str, list[object]] = {c: [] for c in _COLUMNS}
    for values in raw:  # type: ignore[attr-defined]
        record = dict(zip(_COLUMNS, (tid, name, *values), strict=True))
        for key in _LISTS:
            record[key] = json.loads(str(record[key]))
        for key, value in record.items():
            columns[key].append(value)
    table = pa.table(columns)
    try:
        pq.write_table(table, dst)
    except OSError as exc:
        raise StorageError(f"{dst}: cannot write: {exc}") from None
    return table.num_rows
