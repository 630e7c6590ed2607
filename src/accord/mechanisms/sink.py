"""Streaming traces: a run writes its events as JSON Lines while it happens.

A :class:`TraceSink` stands where a session keeps its rows (``Session.rows``): the mechanism
appends rows to it exactly as it would to the list, and the sink turns them into JSON Lines
(the same bytes as :meth:`~accord.mechanisms.trace.Trace.write`) and writes them in chunks of
:data:`CHUNK` rows, so memory stays bounded however long the run is. Rows written are not kept.

**Whole lines only.** A chunk is written as whole lines. :meth:`TraceSink.close` writes what is
buffered; after an exception (``KeyboardInterrupt`` included) it writes the buffered rows too —
each is a complete event — and, for a file the sink opened, cuts anything after the last
newline, so an interrupted run leaves a valid file ending at the last complete event (a run
that fails before its first event leaves none).

**The result's trace.** When the destination is a path, the run's result holds a *view* of
the file: a deferred :class:`~accord.mechanisms.trace.Trace` read back from it on first access
(times then carry the file's 9 decimal digits). When it is an open stream the sink cannot read
back, the result's trace raises :class:`~accord.errors.ProtocolError` on access, saying where
the events went.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import IO, Any

from accord.errors import ProtocolError
from accord.mechanisms.trace import Row, Trace, TraceEvent, event_dict

#: Rows per write: about 100 KB of JSON Lines.
CHUNK = 1024

#: Where a trace can be streamed: a path, or an open writable stream (text or binary).
TraceDestination = str | os.PathLike[str] | IO[str] | IO[bytes]

_encode = json.JSONEncoder().encode  # what json.dumps(obj) uses with no options


def row_line(row: Row) -> str:
    """The JSON Lines line of one row: ``json.dumps(TraceEvent(*row).to_dict()) + "\\n"``."""
    return _encode(event_dict(*row)) + "\n"


class TraceSink:
    """Rows in, JSON Lines out, a chunk at a time (see the module documentation).

    It has what a session asks of its rows: ``append``, ``len`` (rows recorded so far) and
    ``[-1]`` (the last row)."""

    __slots__ = ("_buffer", "_count", "_fh", "_last", "_owned", "_path", "_text", "closed", "name")

    def __init__(self, destination: TraceDestination):
        self._buffer: list[Row] = []
        self._count = 0
        self._last: Row | None = None
        self.closed = False
        if isinstance(destination, str | os.PathLike):
            self._path: Path | None = Path(destination)
            try:
                self._fh: Any = self._path.open("w+b")
            except OSError as exc:
                raise ProtocolError(f"cannot write the trace to {self._path}: {exc}") from None
            self._owned, self._text = True, False
            self.name = str(self._path)
        else:
            if not hasattr(destination, "write"):
                raise ProtocolError(f"cannot stream a trace to {destination!r}")
            self._path, self._fh, self._owned = None, destination, False
            self._text = isinstance(destination, io.TextIOBase)
            self.name = str(getattr(destination, "name", repr(destination)))

    # -- what a session uses ---------------------------------------------------------------------
    def append(self, row: Row) -> None:
        buf = self._buffer
        buf.append(row)
        if len(buf) >= CHUNK:
            self._write()

    def __len__(self) -> int:
        return self._count + len(self._buffer)

    def __getitem__(self, i: int) -> Row:
        if i != -1:
            raise IndexError("a streamed trace keeps only its last row")
        if self._buffer:
            return self._buffer[-1]
        if self._last is None:
            raise IndexError("no row recorded yet")
        return self._last

    # -- writing -----------------------------------------------------------------------------
    def _write(self) -> None:
        rows = self._buffer
        if not rows:
            return
        text = "".join([row_line(r) for r in rows])
        self._buffer = []
        self._last = rows[-1]
        self._count += len(rows)
        fh = self._fh
        fh.write(text if self._text else text.encode("utf-8"))
        fh.flush()  # readers (a tail -f, a crash) see each chunk as it is written

    def close(self, aborted: bool = False) -> None:
        """Write what is buffered and close (a stream given by the caller is flushed, not
        closed). ``aborted``: the run raised; whatever happens, a file the sink opened is left
        ending at the last complete line."""
        if self.closed:
            return
        self.closed = True
        cut = aborted and self._owned
        try:
            if cut:  # an interrupted write may have left half a line: the rows follow whole ones
                _cut_after_last_newline(self._fh)
            self._write()
        except BaseException:
            if not aborted:
                raise
        finally:
            if self._owned:
                try:
                    if cut:
                        _cut_after_last_newline(self._fh)
                finally:
                    self._fh.close()
                if cut and self._path is not None and self._path.stat().st_size == 0:
                    self._path.unlink()  # the run failed before its first event: no file

    def __enter__(self) -> TraceSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(aborted=kind is not None)

    # -- what the result holds ---------------------------------------------------------------
    def trace(self) -> Trace:
        """The run's trace: read back from the file on first access, or (for a stream) a trace
        that says where its events went."""
        path, name = self._path, self.name
        if path is not None:
            return Trace.deferred(lambda: Trace.read(path).events)

        def gone() -> tuple[TraceEvent, ...]:
            raise ProtocolError(
                f"the trace of this run was streamed to {name} and not kept; read it from there "
                "(Trace.read, Trace.from_jsonl)"
            )

        return Trace.deferred(gone)


def _cut_after_last_newline(fh: Any) -> None:
    """Truncate a binary file after its last ``\\n`` (a half-written line is dropped)."""
    fh.flush()
    end = fh.seek(0, os.SEEK_END)
    pos = end
    while pos > 0:
        start = max(0, pos - 65536)
        fh.seek(start)
        block = fh.read(pos - start)
        k = block.rfind(b"\n")
        if k >= 0:
            fh.truncate(start + k + 1)
            fh.seek(0, os.SEEK_END)  # write on from the new end, not past it
            return
        pos = start
    fh.truncate(0)
    fh.seek(0)
