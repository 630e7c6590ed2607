"""Traces: the complete, replayable record of a negotiation.

Every offer, response, outside event, failure and the end is one :class:`TraceEvent`, with the
round, the seconds since the start, and the party. Outcomes are integer indices (Python ints,
so spaces of 10^50 outcomes are addressed exactly). A trace serialises to JSON Lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from accord.errors import ProtocolError

Kind = Literal[
    "offer",
    "accept",
    "reject",
    "end",
    "event",
    "failure",
    "agreement",
    "timeout",
    "proposal",
    "vote",
    "query",
    "disclosure",
]
#: Every kind, in order: offers and responses, outside events, failures and the end; in
#: mediation a mediator's proposal, a party's vote, a private query and a private disclosure.
KINDS: tuple[str, ...] = get_args(Kind)


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """One step of a negotiation. ``outcome`` is set for offers, accepts and the agreement."""

    round: int
    time: float
    party: str | None
    kind: Kind
    outcome: int | None = None
    note: str = ""
    recipient: str | None = None  # set for private messages (provenance: party → recipient)

    def to_dict(self) -> dict[str, Any]:
        return event_dict(
            self.round, self.time, self.party, self.kind, self.outcome, self.note, self.recipient
        )

    @staticmethod
    def from_dict(data: dict[str, Any]) -> TraceEvent:
        kind = data.get("kind")
        if kind not in KINDS:
            raise ProtocolError(f"unknown trace event kind {kind!r}")
        outcome = data.get("outcome")
        return TraceEvent(
            int(data["round"]),
            float(data.get("time", 0.0)),
            data.get("party"),
            kind,
            int(outcome) if outcome is not None else None,
            str(data.get("note", "")),
            data.get("recipient"),
        )


def event_dict(
    round_: int,
    time: float,
    party: str | None,
    kind: str,
    outcome: int | None,
    note: str,
    recipient: str | None,
) -> dict[str, Any]:
    """The JSON form of one event (``TraceEvent.to_dict``), from its fields: the one place
    that says what a trace line holds (streamed traces write rows through it)."""
    out: dict[str, Any] = {"round": round_, "time": round(time, 9), "kind": kind}
    if party is not None:
        out["party"] = party
    if outcome is not None:
        out["outcome"] = outcome
    if note:
        out["note"] = note
    if recipient is not None:
        out["recipient"] = recipient
    return out


#: One event as a mechanism records it: ``(round, time, party, kind, outcome, note,
#: recipient)``.
Row = tuple[int, float, str | None, Kind, int | None, str, str | None]


def events_from_rows(rows: Iterable[Row]) -> tuple[TraceEvent, ...]:
    """``TraceEvent(*row)`` for each row, built field by field: the same objects as the
    constructor's, about twice as fast (the frozen dataclass ``__init__`` goes through
    ``object.__setattr__`` once per field)."""
    new = object.__new__
    cls = TraceEvent
    set_round, set_time, set_party, set_kind, set_outcome, set_note, set_recipient = _SLOT_SETTERS
    out = []
    for r, tm, party, kind, outcome, note, recipient in rows:
        e = new(cls)
        set_round(e, r)
        set_time(e, tm)
        set_party(e, party)
        set_kind(e, kind)
        set_outcome(e, outcome)
        set_note(e, note)
        set_recipient(e, recipient)
        out.append(e)
    return tuple(out)


_SLOT_SETTERS = tuple(
    TraceEvent.__dict__[name].__set__
    for name in ("round", "time", "party", "kind", "outcome", "note", "recipient")
)


@dataclass(frozen=True, slots=True)
class Trace:
    """An ordered, immutable sequence of trace events.

    A mechanism may hand over a *deferred* trace (:meth:`deferred`): its events are recorded
    during the run as plain tuples and become :class:`TraceEvent` objects on first access of
    ``events`` (iteration, ``len``, equality, ``repr``, pickling, ``dataclasses.replace`` all
    go through it), so a caller that never looks at the trace does not pay for building them.
    """

    events: tuple[TraceEvent, ...]

    @classmethod
    def deferred(cls, build: Callable[[], tuple[TraceEvent, ...]]) -> Trace:
        """A trace whose events ``build()`` returns, called once, on first access."""
        trace = cls.__new__(cls)
        _EVENTS_SLOT.__set__(trace, _Deferred(build))
        return trace

    def __iter__(self) -> Iterator[TraceEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def offers(self, party: str | None = None) -> list[TraceEvent]:
        """The offers, optionally of one party."""
        return [e for e in self.events if e.kind == "offer" and (party is None or e.party == party)]

    def to_jsonl(self) -> str:
        return "".join(json.dumps(e.to_dict()) + "\n" for e in self.events)

    def write(self, path: str | Path) -> None:
        Path(path).write_text(self.to_jsonl(), encoding="utf-8")

    @staticmethod
    def from_jsonl(lines: Iterable[str]) -> Trace:
        events = []
        for i, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                events.append(TraceEvent.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise ProtocolError(f"trace line {i}: {exc}") from None
        return Trace(tuple(events))

    @staticmethod
    def read(path: str | Path) -> Trace:
        with Path(path).open(encoding="utf-8") as fh:
            return Trace.from_jsonl(fh)


class _Deferred:
    __slots__ = ("build",)

    def __init__(self, build: Callable[[], tuple[TraceEvent, ...]]):
        self.build = build


class _DeferredEvents:
    """``Trace.events``: the slot, with a deferred value built (once) when first read."""

    def __get__(self, obj: Trace | None, owner: type | None = None) -> Any:
        if obj is None:
            return _EVENTS_SLOT
        value = _EVENTS_SLOT.__get__(obj, owner)
        if type(value) is _Deferred:
            value = value.build()
            _EVENTS_SLOT.__set__(obj, value)
        return value

    def __set__(self, obj: Trace, value: Any) -> None:
        _EVENTS_SLOT.__set__(obj, value)  # only reached through object.__setattr__ (frozen)

    def __delete__(self, obj: Trace) -> None:
        _EVENTS_SLOT.__delete__(obj)


_EVENTS_SLOT: Any = Trace.__dict__["events"]  # the slot's member descriptor
type.__setattr__(Trace, "events", _DeferredEvents())
