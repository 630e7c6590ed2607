"""The result store (SQLite) and its exports (CSV, Parquet)."""

from accord.storage.export import EXPORT_FORMATS, export
from accord.storage.store import RUN_COLUMNS, SCHEMA_VERSION, Store, TournamentRow

__all__ = ["EXPORT_FORMATS", "RUN_COLUMNS", "SCHEMA_VERSION", "Store", "TournamentRow", "export"]
