"""The rules of caucus mediation: what may be delivered to a party, what a legal query and a
legal answer are, and an audit of a recorded trace (:mod:`accord.mechanisms.caucus`)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from accord.errors import ProtocolError
from accord.mechanisms.caucus_messages import MAX_PACKAGES, QUERY_KINDS, Answer, Message, Query
from accord.mechanisms.trace import Trace

#: Longest private reason a party may give.
MAX_REASON = 500
#: Private reasons at least this long are looked for in every note to another party.
MIN_QUOTE = 8


def check_delivery(
    message: Any, sender: str, recipient: str, parties: Sequence[str], reasons: dict[str, set[str]]
) -> None:
    """Raise :class:`ProtocolError` unless ``message`` may be delivered to ``recipient``.

    A party may receive only the acting mediator's queries derived from its own disclosures
    and the mediator's proposals (derived from anyone); a note may not quote another party's
    private reason whatever the declared provenance says.
    """
    if not isinstance(message, Message) or not isinstance(message.body, Query):
        raise ProtocolError(f"only queries may be sent to a party, not {message!r}")
    if message.sender != sender or message.recipient != recipient:
        raise ProtocolError(
            f"message from {message.sender!r} to {message.recipient!r} in the caucus of "
            f"{sender!r} with {recipient!r}"
        )
    unknown = message.derived_from - set(parties)
    if unknown:
        raise ProtocolError(f"provenance names unknown parties {sorted(unknown)}")
    others = message.derived_from - {recipient}
    if others and message.kind != "proposal":
        raise ProtocolError(
            f"leak: a {message.kind} query to {recipient!r} derives from the disclosures of "
            f"{sorted(others)}"
        )
    for other, said in reasons.items():
        quoted = (r for r in said if len(r) >= MIN_QUOTE and r in message.body.note)
        if other != recipient and any(quoted):
            raise ProtocolError(f"leak: a note to {recipient!r} quotes {other!r}'s private reason")


def check_query(query: Query, size: int) -> None:
    if query.kind not in QUERY_KINDS:
        raise ProtocolError(f"unknown query kind {query.kind!r}")
    n = len(query.packages)
    if query.kind in ("rate", "rank") and not 1 <= n <= MAX_PACKAGES:
        raise ProtocolError(f"a {query.kind} query names 1..{MAX_PACKAGES} packages, not {n}")
    if query.kind == "proposal" and n != 1:
        raise ProtocolError("a proposal names exactly one package")
    if query.kind in ("top_issue", "red_line") and n:
        raise ProtocolError(f"a {query.kind} query names no packages")
    for p in query.packages:
        if not isinstance(p, int) or not 0 <= p < size:
            raise ProtocolError(f"{p!r} is not an outcome index")


def check_answer(query: Query, answer: Any, issues: Sequence[str]) -> str | None:
    """Why ``answer`` is not a legal answer to ``query`` (None when it is)."""
    if not isinstance(answer, Answer) or answer.kind != query.kind:
        return f"illegal answer {answer!r} to a {query.kind} query"
    if not isinstance(answer.reason, str) or len(answer.reason) > MAX_REASON:
        return f"a reason must be a string of at most {MAX_REASON} characters"
    if answer.refused:
        return None
    if query.kind == "rate":
        ok = len(answer.ratings) == len(query.packages)
        if not ok or not all(math.isfinite(float(x)) for x in answer.ratings):
            return f"ratings {answer.ratings!r} for {len(query.packages)} packages"
    elif query.kind == "rank" and sorted(answer.ranking) != sorted(query.packages):
        return f"ranking {answer.ranking!r} is not an order of {query.packages!r}"
    elif query.kind == "top_issue" and answer.issue not in issues:
        return f"{answer.issue!r} is not an issue"
    elif query.kind == "red_line" and not (
        answer.threshold is None
        or (isinstance(answer.threshold, int | float) and math.isfinite(answer.threshold))
    ):
        return f"red line {answer.threshold!r} is neither a number nor None (no red line)"
    elif query.kind == "proposal" and not isinstance(answer.accept, bool):
        return f"accept must be True or False, not {answer.accept!r}"
    return None


def audit(trace: Trace, parties: Sequence[str]) -> list[str]:
    """Every delivery in ``trace`` that breaks confidentiality (empty when none does): a
    message to a party that is not a query or proposal, or a query whose recorded provenance
    names another party."""
    problems = []
    for i, e in enumerate(trace):
        if e.recipient not in parties or e.kind == "failure":
            continue
        if e.kind not in ("query", "proposal"):
            problems.append(f"event {i}: a {e.kind} was delivered to {e.recipient!r}")
            continue
        source = set(json.loads(e.note).get("derived_from", ()))
        if e.kind == "query" and not source <= {e.recipient}:
            problems.append(f"event {i}: a query to {e.recipient!r} derives from {sorted(source)}")
    return problems
