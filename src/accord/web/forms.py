"""Form posts into moves (:mod:`accord.live.people` documents the moves).

A package is composed issue by issue: field ``i{j}`` (or ``q{k}_i{j}`` for the k-th package of a
mediator's query) holds the index of the chosen value of issue ``j``. Anything that does not
parse is a :class:`FormError` with a message for the person; the mechanism checks the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accord.live import Move, own_utility
from accord.outcomes.space import OutcomeSpace
from accord.scenario import Scenario

#: Packages a mediator's query composes on the page.
QUERY_PACKAGES = 3


class FormError(ValueError):
    """A form that does not make a move."""


def _digit(form: Mapping[str, Any], key: str, size: int) -> int | None:
    raw = form.get(key)
    if raw is None or raw == "":
        return None
    text = str(raw)
    if not text.isdigit() or int(text) >= size:
        raise FormError(f"choose a value for every issue ({key})")
    return int(text)


def composed(form: Mapping[str, Any], space: OutcomeSpace, prefix: str = "") -> int | None:
    """The outcome composed in fields ``{prefix}i0``, ``{prefix}i1``…; ``None`` when none is
    set; :class:`FormError` when only some are."""
    digits = [
        _digit(form, f"{prefix}i{j}", issue.cardinality or 0)
        for j, issue in enumerate(space.issues)
    ]
    if all(d is None for d in digits):
        return None
    if any(d is None for d in digits):
        raise FormError("choose a value for every issue")
    return space.to_index([int(d) for d in digits if d is not None])


def metered(
    scenario: Scenario, party: int, params: Mapping[str, Any], missing: str
) -> dict[str, Any]:
    """Party ``party``'s own utility of the package composed in ``params`` (``i0``, ``i1``…),
    with its outcome and red line: the utility meter of the pages and the API. ``missing``:
    the :class:`FormError` message when no issue is chosen."""
    outcome = composed(params, scenario.space)
    if outcome is None:
        raise FormError(missing)
    return {
        "outcome": outcome,
        "utility": own_utility(scenario, party, outcome),
        "reservation": float(scenario.parties[party].reservation),
    }


def _number(form: Mapping[str, Any], key: str, what: str) -> float:
    try:
        value = float(str(form.get(key, "")).strip())
    except ValueError:
        raise FormError(f"{what}: a number, please") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise FormError(f"{what}: a finite number, please")
    return value


def move_from_form(form: Mapping[str, Any], prompt: Mapping[str, Any], space: OutcomeSpace) -> Move:
    """The move a form post makes, for the seat's current ``prompt``."""
    action = str(form.get("action", ""))
    ask = prompt.get("ask")
    if ask in ("offer", "respond"):
        if action == "accept" and ask == "respond":
            return {"act": "accept"}
        if action == "end":
            return {"act": "end"}
        if action == "offer":
            outcome = composed(form, space)
            if outcome is None:
                raise FormError("compose a package to offer")
            return {"act": "offer", "outcome": outcome}
    elif ask == "vote" and action in ("yes", "no"):
        return {"act": "vote", "accept": action == "yes"}
    elif ask == "propose" and action == "propose":
        outcome = composed(form, space)
        if outcome is None:
            raise FormError("compose a text to propose")
        return {"act": "propose", "outcome": outcome}
    elif ask == "answer":
        return _answer(form, prompt, action)
    elif ask == "message":
        if action == "close":
            return {"act": "close"}
        if action == "ask":
            return _query(form, space)
    raise FormError(f"{action or 'this'} is not a move you can make now")


def _answer(form: Mapping[str, Any], prompt: Mapping[str, Any], action: str) -> Move:
    if action == "refuse":
        return {"act": "answer", "refused": True, "reason": str(form.get("reason", ""))[:500]}
    kind = prompt.get("kind")
    packages = prompt.get("packages", [])
    if kind == "rate" and action == "answer":
        ratings = [_number(form, f"rating{k}", f"rating {k + 1}") for k in range(len(packages))]
        return {"act": "answer", "ratings": ratings}
    if kind == "rank" and action == "answer":
        places = [_number(form, f"rank{k}", f"place {k + 1}") for k in range(len(packages))]
        order = sorted(range(len(packages)), key=lambda k: places[k])
        return {"act": "answer", "ranking": [packages[k]["outcome"] for k in order]}
    if kind == "top_issue" and action == "answer":
        return {"act": "answer", "issue": str(form.get("issue", ""))}
    if kind == "red_line" and action == "answer":
        if str(form.get("threshold", "")).strip() == "":
            return {"act": "answer", "threshold": None}
        return {"act": "answer", "threshold": _number(form, "threshold", "red line")}
    if kind == "proposal" and action in ("yes", "no"):
        reason = str(form.get("reason", ""))[:500]
        return {"act": "answer", "accept": action == "yes", "reason": reason}
    raise FormError("answer the question asked")


def _query(form: Mapping[str, Any], space: OutcomeSpace) -> Move:
    kind = str(form.get("kind", ""))
    packages = []
    for k in range(QUERY_PACKAGES):
        outcome = composed(form, space, f"q{k}_")
        if outcome is not None:
            packages.append(outcome)
    if kind == "proposal":
        packages = packages[:1]
    elif kind in ("top_issue", "red_line"):
        packages = []
    note = str(form.get("note", ""))[:2000]
    return {"act": "ask", "kind": kind, "packages": packages, "note": note}
