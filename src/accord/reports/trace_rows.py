"""Rows of a case report read from a mediation trace: the mediator's proposals with the
parties' responses, and the outside events the mechanism applied."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.mechanisms.trace import Trace, TraceEvent
from accord.scenario import Scenario

__all__ = ["ProposalRow", "applied_events", "is_proposal", "proposal_rows"]


def is_proposal(e: TraceEvent) -> bool:
    """A mediator's proposal: kind ``proposal``, or an ``offer`` noted ``proposal``."""
    return e.outcome is not None and (
        e.kind == "proposal" or (e.kind == "offer" and e.note == "proposal")
    )


def _verdict(e: TraceEvent) -> str | None:
    """``accept``/``reject`` for a response to a proposal, ``None`` for anything else."""
    if e.kind in ("accept", "reject"):
        return e.kind
    if e.kind != "vote":
        return None
    if e.note in ("accept", "reject"):
        return e.note
    try:
        data = json.loads(e.note)
    except ValueError:
        return "vote"
    if isinstance(data, dict) and "accept" in data:
        return "accept" if data["accept"] else "reject"
    return "vote"


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """One proposal of the mediator: when, to whom, the package, each party's expected utility
    of it at that round, and the responses (party, ``accept``/``reject``/``vote``)."""

    number: int
    round: int
    mediator: str | None
    recipient: str | None
    outcome: int
    package: dict[str, Any]
    utilities: tuple[float, ...]
    responses: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "round": self.round,
            "mediator": self.mediator,
            "recipient": self.recipient,
            "outcome": self.outcome,
            "package": dict(self.package),
            "utilities": [u if math.isfinite(u) else None for u in self.utilities],
            "responses": [{"party": p, "response": r} for p, r in self.responses],
        }


def _utilities(scenario: Scenario, rnd: int, outcome: int, cache: dict[int, Scenario]) -> tuple:
    if rnd not in cache:
        cache[rnd] = scenario.at(round=rnd)
    digits = np.array([scenario.space.from_index(outcome)])
    return tuple(float(u) for u in cache[rnd].evaluate(digits)[0])


def _package(scenario: Scenario, outcome: int) -> dict[str, Any]:
    values = scenario.space.decode(scenario.space.from_index(outcome))
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}


def proposal_rows(scenario: Scenario, trace: Trace) -> list[ProposalRow]:
    """Every proposal in trace order, numbered from 1. A response (accept, reject or vote) is
    attached to the latest earlier proposal of the same package (to its recipient, if any)."""
    found: list[tuple[TraceEvent, list[tuple[str, str]]]] = []
    for e in trace:
        if is_proposal(e):
            found.append((e, []))
            continue
        verdict = _verdict(e)
        if verdict is None or e.outcome is None or e.party is None:
            continue
        for prop, answers in reversed(found):
            if prop.outcome == e.outcome and prop.recipient in (None, e.party):
                answers.append((e.party, verdict))
                break
    cache: dict[int, Scenario] = {}
    return [
        ProposalRow(
            number=i,
            round=e.round,
            mediator=e.party,
            recipient=e.recipient,
            outcome=int(e.outcome or 0),
            package=_package(scenario, int(e.outcome or 0)),
            utilities=_utilities(scenario, e.round, int(e.outcome or 0), cache),
            responses=tuple(answers),
        )
        for i, (e, answers) in enumerate(found, start=1)
    ]


def _event_name(note: str, names: list[str]) -> str | None:
    """The timeline event a trace ``event`` entry names (its note, or the note's JSON
    ``name``/``event`` key, or the longest event name the note starts with)."""
    candidates = [note.strip()]
    try:
        data = json.loads(note)
    except ValueError:
        data = None
    if isinstance(data, dict):
        candidates += [str(data[k]) for k in ("name", "event") if k in data]
    for c in candidates:
        if c in names:
            return c
    prefixed = [n for n in names if note.startswith(n)]
    return max(prefixed, key=len) if prefixed else None  # 'storm passes' is not 'storm'


def applied_events(scenario: Scenario, trace: Trace) -> list[dict[str, Any]]:
    """The timeline's events up to the trace's last round, each with the round at which the
    trace records it (``in_trace``) or only its scheduled round."""
    last = max((e.round for e in trace), default=0)
    names = [e.name for e in scenario.timeline.events]
    seen: dict[str, int] = {}
    for e in trace:
        if e.kind == "event":
            name = _event_name(e.note, names)
            if name is not None and name not in seen:
                seen[name] = e.round
    out = []
    for ev in scenario.timeline.events:
        if ev.name not in seen and ev.round > last:
            continue
        out.append(
            {
                "name": ev.name,
                "round": seen.get(ev.name, ev.round),
                "scheduled_round": ev.round,
                "date": ev.date,
                "description": ev.description.strip(),
                "in_trace": ev.name in seen,
            }
        )
    return out
