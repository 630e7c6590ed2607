"""The rules of caucus mediation: what may be delivered to a party, what a legal query and a
legal answer are, and an audit of a recorded trace (:mod:`accord.mechanisms.caucus`).

**What a party can never receive** — checked by the mechanism on every delivery, whatever
provenance the mediator declares, and re-checked by :func:`audit` on a trace:

1. anything but a query or a proposal from the mediator it is meeting — never another party's
   answer, vote, notebook or message;
2. in the free-text note of a query or proposal, another party's disclosures as the mechanism
   can recognise them: a private reason it gave (any stretch of :data:`MIN_QUOTE` or more
   characters), a rating or red line it stated (any decimal number or percentage in the note
   that equals one at the precision it is written), or the issue it named as mattering most.

**What rests on the mediator's declared provenance** (enforced as declared, re-checked by the
audit, but not provable by the mechanism): *which* packages a mediator asks a party about. A
``rate``, ``rank``, ``top_issue`` or ``red_line`` query may be declared to derive only from
its recipient, and a mediator that nonetheless chose its packages from another party's answers
(say, to have party B rate party A's favourite package) cannot be told apart from one that
chose them at random: a package is an outcome of the public space, not a disclosure. Proposals
may derive from everyone — that is what a mediator's proposal is.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.errors import ProtocolError
from accord.mechanisms.caucus.messages import MAX_PACKAGES, QUERY_KINDS, Answer, Message, Query
from accord.mechanisms.trace import Trace

#: Longest private reason a party may give.
MAX_REASON = 500
#: Private reasons at least this long are looked for in every note to another party.
MIN_QUOTE = 8

_NUMBER = re.compile(r"(?<![\w.])[-+]?(\d*\.\d+|\d+)(\s*%)?")


@dataclass(slots=True)
class Disclosed:
    """What one party has told the mediators so far, in the forms a note could repeat."""

    reasons: set[str] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)
    issues: set[str] = field(default_factory=set)

    def add(self, answer: Answer) -> None:
        if answer.reason:
            self.reasons.add(answer.reason)
        if answer.refused:
            return
        self.numbers.update(float(x) for x in answer.ratings)
        if answer.threshold is not None:
            self.numbers.add(float(answer.threshold))
        if answer.issue is not None:
            self.issues.add(answer.issue)


def _decimals(note: str) -> Iterable[tuple[float, float]]:
    """``(value, half a unit of the last digit written)`` of every decimal number or
    percentage in ``note`` (plain integers are counts and rounds, not utilities)."""
    for m in _NUMBER.finditer(note):
        digits, percent = m.group(1), m.group(2)
        if "." not in digits and not percent:
            continue
        places = len(digits.split(".")[1]) if "." in digits else 0
        value = float(m.group(0).replace("%", "").strip())
        half = 0.5 * 10.0**-places
        if percent:
            value, half = value / 100.0, half / 100.0
        yield value, half


def leaked(note: str, recipient: str, disclosed: Mapping[str, Disclosed]) -> str | None:
    """Why ``note`` would tell ``recipient`` another party's disclosure (``None`` if it
    would not): rule 2 of the module documentation."""
    if not note:
        return None
    numbers = list(_decimals(note))
    for other, told in disclosed.items():
        if other == recipient:
            continue
        if any(len(r) >= MIN_QUOTE and r in note for r in told.reasons):
            return f"a note to {recipient!r} quotes {other!r}'s private reason"
        for value, half in numbers:
            if any(abs(value - x) <= half + 1e-12 for x in told.numbers):
                return f"a note to {recipient!r} states a number {other!r} disclosed"
        for issue in told.issues:
            if re.search(rf"(?<!\w){re.escape(issue)}(?!\w)", note, re.IGNORECASE):
                return f"a note to {recipient!r} names the issue {other!r} said matters most"
    return None


def check_delivery(
    message: Any,
    sender: str,
    recipient: str,
    parties: Sequence[str],
    disclosed: Mapping[str, Disclosed],
) -> None:
    """Raise :class:`ProtocolError` unless ``message`` may be delivered to ``recipient``:
    a query of the acting mediator, declared to derive only from the recipient (proposals: from
    anyone), whose note repeats no other party's disclosure (checked whatever the label says).
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
    if not isinstance(message.body.note, str):
        raise ProtocolError(f"a note must be a string, not {message.body.note!r}")
    problem = leaked(message.body.note, recipient, disclosed)
    if problem is not None:
        raise ProtocolError(f"leak: {problem}")


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
        if not isinstance(p, int) or isinstance(p, bool) or not 0 <= p < size:
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
        if not ok or not all(_finite(x) for x in answer.ratings):
            return f"ratings {answer.ratings!r} for {len(query.packages)} packages"
    elif query.kind == "rank" and sorted(answer.ranking) != sorted(query.packages):
        return f"ranking {answer.ranking!r} is not an order of {query.packages!r}"
    elif query.kind == "top_issue" and answer.issue not in issues:
        return f"{answer.issue!r} is not an issue"
    elif query.kind == "red_line" and not (answer.threshold is None or _finite(answer.threshold)):
        return f"red line {answer.threshold!r} is neither a number nor None (no red line)"
    elif query.kind == "proposal" and not isinstance(answer.accept, bool):
        return f"accept must be True or False, not {answer.accept!r}"
    return None


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def audit(trace: Trace, parties: Sequence[str]) -> list[str]:
    """Every delivery in ``trace`` that breaks confidentiality (empty when none does): a
    message to a party that is not a query or proposal, a query whose recorded provenance
    names another party, or a note that repeats another party's earlier disclosure (the
    checks of :func:`check_delivery`, replayed on the record)."""
    problems = []
    disclosed = {p: Disclosed() for p in parties}
    for i, e in enumerate(trace):
        if e.recipient not in parties or e.kind == "failure":
            if e.kind in ("disclosure", "vote") and e.party in disclosed:
                disclosed[e.party].add(_answer_of(e.note))
            continue
        if e.kind not in ("query", "proposal"):
            problems.append(f"event {i}: a {e.kind} was delivered to {e.recipient!r}")
            continue
        data = json.loads(e.note)
        source = set(data.get("derived_from", ()))
        if e.kind == "query" and not source <= {e.recipient}:
            problems.append(f"event {i}: a query to {e.recipient!r} derives from {sorted(source)}")
        problem = leaked(str(data.get("note", "")), str(e.recipient), disclosed)
        if problem is not None:
            problems.append(f"event {i}: {problem}")
    return problems


def _answer_of(note: str) -> Answer:
    """The disclosed content of a recorded answer (enough for :class:`Disclosed`)."""
    try:
        data = json.loads(note)
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return Answer(
        data.get("kind", "rate"),
        ratings=tuple(data.get("ratings") or ()),
        issue=data.get("issue"),
        threshold=data.get("threshold"),
        reason=data.get("reason", ""),
        refused=bool(data.get("refused", False)),
    )
