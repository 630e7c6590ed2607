"""People as participants: a person's moves arrive from outside (over HTTP) and enter the same
mechanisms, through the same sealed views, as an agent's.

A :class:`Person` plays its seat from the list of moves that person has made so far, in order.
When the mechanism asks it for a move it has not made yet, it raises :class:`Waiting` with a
:class:`Prompt`: what the person is asked and what it may see now. ``Waiting`` derives from
:class:`BaseException`, so the guarded call of the mechanism (which turns an ``Exception`` into
the participant's recorded failure) lets it through, and the run stops there.
:mod:`accord.live.live_session` replays a session this way after every move: the same seed and the
same moves give the same run, so a session is its specification plus its moves.

Everything a person is shown comes from the view the mechanism handed to its seat (its own
preferences, the public history, its own inbox) and from what it was itself asked: nothing
here can reach another party's preferences or disclosures.

**Moves** are plain JSON objects, ``{"act": …}``:

========================  =============================================================
ask                        moves
========================  =============================================================
``offer`` (AO propose)     ``{"act": "offer", "outcome": i}``, ``{"act": "end"}``
``respond`` (AO)           ``{"act": "accept"}``, ``{"act": "offer", "outcome": i}`` (reject
                           and counter-offer), ``{"act": "end"}``
``vote`` (single text)     ``{"act": "vote", "accept": true|false}``
``propose`` (text med.)    ``{"act": "propose", "outcome": i}``
``answer`` (caucus party)  ``{"act": "answer", "ratings"|"ranking"|"issue"|"threshold"|
                           "accept"|"reason"|"refused": …}``
``message`` (caucus med.)  ``{"act": "ask", "kind": k, "packages": [i, …], "note": "…"}``,
                           ``{"act": "close"}`` (end the caucus with this party)
========================  =============================================================
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from accord.mechanisms.alternating_offers.agent_role import AgentView, Response
from accord.mechanisms.caucus.caucus_roles import MediatorView as CaucusMediatorView
from accord.mechanisms.caucus.caucus_roles import PartyView, to_party
from accord.mechanisms.caucus.messages import QUERY_KINDS, Answer, Message, Query
from accord.mechanisms.single_text.text_roles import MediatorView as TextMediatorView
from accord.mechanisms.single_text.text_roles import VoterView
from accord.outcomes.space import OutcomeSpace

Move = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Prompt:
    """What the mechanism asks the person at ``seat`` now: ``ask`` (the kind of move due) and
    ``data`` (JSON-safe: what the move is about, e.g. the offer to answer or the query)."""

    seat: int
    ask: str
    round: int
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"seat": self.seat, "ask": self.ask, "round": self.round, **self.data}


class Waiting(BaseException):
    """A person was asked for a move it has not made: the run stops here."""

    def __init__(self, prompt: Prompt):
        super().__init__(prompt.ask)
        self.prompt = prompt


class MoveError(Exception):
    """A recorded move does not fit what the mechanism asked (the person's failure)."""


def package(space: OutcomeSpace, outcome: int) -> dict[str, Any]:
    """An outcome index as ``{issue: value}`` (JSON-safe values)."""
    values = space.decode(space.from_index(int(outcome)))
    return {k: json_value(v) for k, v in values.items()}


def json_value(value: Any) -> Any:
    if isinstance(value, bool | str | int) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    try:
        return value.item()  # numpy scalars
    except AttributeError:
        return str(value)


def _outcome(move: Move, size: int) -> int:
    outcome = move.get("outcome")
    if isinstance(outcome, bool) or not isinstance(outcome, int) or not 0 <= outcome < size:
        raise MoveError(f"outcome {outcome!r} is not a package of this scenario")
    return outcome


def _keeps_refusal(method: Callable[..., T]) -> Callable[..., T]:
    """A role method whose :class:`MoveError` the person keeps (``refusal``): the mechanism
    records it only as the participant's failure text."""

    @functools.wraps(method)
    def keeping(self: Person, *args: Any) -> T:
        try:
            return method(self, *args)
        except MoveError as exc:
            self.refusal = str(exc)
            raise

    return keeping


class Person:
    """A seat played by a person. ``moves`` are the person's moves so far, oldest first;
    ``refusal`` is why the last one did not fit what was asked (``None`` when it did)."""

    def __init__(self, seat: int, moves: Sequence[Move]):
        self.seat = seat
        self.moves = list(moves)
        self.used = 0
        self.view: Any = None
        self.refusal: str | None = None

    def start(self, view: Any) -> None:
        self.view = view

    def _peek(self, ask: str, round: int, **data: Any) -> Move:
        if self.used >= len(self.moves):
            raise Waiting(Prompt(self.seat, ask, round, data))
        return self.moves[self.used]

    def _take(self, ask: str, round: int, acts: tuple[str, ...], **data: Any) -> Move:
        move = self._peek(ask, round, **data)
        if move.get("act") not in acts:
            raise MoveError(f"{ask}: move {move.get('act')!r} is not one of {', '.join(acts)}")
        self.used += 1
        return move

    def seen(self) -> dict[str, Any]:
        """What this person may see now (JSON-safe), from the view its seat was handed: the
        round and deadline every view has, and what :meth:`sees` adds for the role."""
        view = self.view
        if view is None:
            return {}
        return {"round": view.round, "rounds": view.rounds, **self.sees(view)}

    def sees(self, view: Any) -> dict[str, Any]:
        """The role's part of :meth:`seen`."""
        return {}


class PersonAgent(Person):
    """A person negotiating by alternating offers."""

    @_keeps_refusal
    def propose(self, view: AgentView) -> int | None:
        move = self._take("offer", view.round, ("offer", "end"))
        if move["act"] == "end":
            return None
        return _outcome(move, view.preferences.space.size or 0)

    @_keeps_refusal
    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        space = view.preferences.space
        move = self._peek(
            "respond",
            view.round,
            offer=int(offer),
            proposer=proposer,
            package=package(space, offer),
            utility=view.preferences.utility(offer),
        )
        act = move.get("act")
        if act == "offer":  # reject; ``propose`` takes the counter-offer
            return Response.REJECT
        self._take("respond", view.round, ("accept", "end"))
        return Response.ACCEPT if act == "accept" else Response.END

    def sees(self, view: AgentView) -> dict[str, Any]:
        prefs = view.preferences
        return {
            "me": view.name,
            "reservation": prefs.reservation,
            "history": [
                {
                    "round": r.round,
                    "party": r.party,
                    "outcome": r.outcome,
                    "package": package(prefs.space, r.outcome),
                    "utility": prefs.utility(r.outcome),
                }
                for r in view.history
            ],
        }


class PersonVoter(Person):
    """A person voting in single-text mediation; it remembers what it was asked."""

    def __init__(self, seat: int, moves: Sequence[Move]):
        super().__init__(seat, moves)
        self.asked: list[dict[str, Any]] = []

    @_keeps_refusal
    def vote(self, view: VoterView, current: int, proposal: int) -> bool:
        space = view.preferences.space
        own = view.preferences
        data = {
            "current": int(current),
            "proposal": int(proposal),
            "current_package": package(space, current),
            "proposal_package": package(space, proposal),
            "current_utility": own.utility(current),
            "proposal_utility": own.utility(proposal),
        }
        move = self._take("vote", view.round, ("vote",), **data)
        accept = move.get("accept")
        if not isinstance(accept, bool):
            raise MoveError("a vote is accept: true or false")
        self.asked.append({"round": view.round, **data, "accept": accept})
        return accept

    def sees(self, view: VoterView) -> dict[str, Any]:
        return {
            "me": view.name,
            "reservation": view.preferences.reservation,
            "votes": list(self.asked),
        }


class PersonTextMediator(Person):
    """A person mediating by single text: proposes texts, sees the votes."""

    @_keeps_refusal
    def propose(self, view: TextMediatorView) -> int:
        move = self._take(
            "propose",
            view.round,
            ("propose",),
            text=view.text,
            package=package(view.space, view.text),
        )
        return _outcome(move, view.space.size or 0)

    def observe(self, view: TextMediatorView, accepted: bool) -> bool:
        return False

    def sees(self, view: TextMediatorView) -> dict[str, Any]:
        return {
            "me": "mediator",
            "parties": list(view.parties),
            "text": view.text,
            "text_package": package(view.space, view.text),
            "history": [
                {
                    "round": r.round,
                    "proposal": r.proposal,
                    "package": package(view.space, r.proposal),
                    "votes": dict(zip(view.parties, r.votes, strict=True)),
                    "moved": r.moved,
                }
                for r in view.history
            ],
        }


def _message(space: OutcomeSpace, message: Message) -> dict[str, Any]:
    body = message.body
    out: dict[str, Any] = {"round": message.round, "from": message.sender, "kind": body.kind}
    if isinstance(body, Query):
        out["packages"] = [{"outcome": p, "package": package(space, p)} for p in body.packages]
        out["note"] = body.note
        return out
    for key in ("ratings", "ranking", "issue", "threshold", "accept", "reason", "refused"):
        value = getattr(body, key)
        if isinstance(value, tuple):
            value = [json_value(v) for v in value]
        out[key] = json_value(value) if not isinstance(value, list) else value
    return out


class PersonParty(Person):
    """A person in caucus mediation: answers the mediator's queries in private."""

    @_keeps_refusal
    def answer(self, view: PartyView, query: Query) -> Answer:
        space = view.space
        packages = (
            [
                {"outcome": p, "package": package(space, p), "utility": float(u)}
                for p, u in zip(query.packages, view.utilities(query.packages), strict=True)
            ]
            if query.packages
            else []
        )
        move = self._take(
            "answer", view.round, ("answer",), kind=query.kind, packages=packages, note=query.note
        )
        if move.get("refused"):
            return Answer(query.kind, refused=True, reason=str(move.get("reason", "")))
        return _answer(query, move)

    def sees(self, view: PartyView) -> dict[str, Any]:
        return {
            "me": view.name,
            "reservation": view.reservation,
            "delay_cost": view.delay_cost,
            "inbox": [_message(view.space, m) for m in view.inbox],
            "outbox": [_message(view.space, m) for m in view.outbox],
            "public": list(view.public),
        }


def _answer(query: Query, move: Move) -> Answer:
    kind = query.kind
    try:
        if kind == "rate":
            ratings = tuple(float(x) for x in move.get("ratings", ()))
            if len(ratings) != len(query.packages) or not all(map(math.isfinite, ratings)):
                raise MoveError("give one finite rating per package")
            return Answer(kind, ratings=ratings)
        if kind == "rank":
            ranking = tuple(int(x) for x in move.get("ranking", ()))
            if sorted(ranking) != sorted(query.packages):
                raise MoveError("rank every package of the query exactly once")
            return Answer(kind, ranking=ranking)
        if kind == "top_issue":
            return Answer(kind, issue=str(move.get("issue", "")))
        if kind == "red_line":
            threshold = move.get("threshold")
            value = None if threshold is None else float(threshold)
            if value is not None and not math.isfinite(value):
                raise MoveError("a red line is a finite number")
            return Answer(kind, threshold=value)
        accept = move.get("accept")
        if not isinstance(accept, bool):
            raise MoveError("answer a proposal with accept: true or false")
        return Answer(kind, accept=accept, reason=str(move.get("reason", "")))
    except (TypeError, ValueError) as exc:
        raise MoveError(f"answer to {kind}: {exc}") from None


class PersonCaucusMediator(Person):
    """A person mediating in caucus: asks each party in private, proposes packages."""

    @_keeps_refusal
    def next_message(self, view: CaucusMediatorView, party: str) -> Message | None:
        move = self._take(
            "message", view.round, ("ask", "close"), party=party, budget=view.budget_left(party)
        )
        if move["act"] == "close":
            return None
        kind = move.get("kind")
        if kind not in QUERY_KINDS:
            raise MoveError(f"unknown query kind {kind!r}: one of {', '.join(QUERY_KINDS)}")
        size = view.space.size or 0
        raw = move.get("packages", [])
        if not isinstance(raw, list):
            raise MoveError("packages is a list of outcomes")
        packages = tuple(_outcome({"outcome": p}, size) for p in raw)
        note = move.get("note", "")
        if not isinstance(note, str) or len(note) > 2000:
            raise MoveError("a note is a text of at most 2,000 characters")
        query = Query(kind, packages, note)
        # a proposal may use every party's disclosures; a query only the asked party's
        others = [p for p in view.parties if p != party] if kind == "proposal" else []
        return to_party(view, party, query, *others)

    def sees(self, view: CaucusMediatorView) -> dict[str, Any]:
        space = view.space
        notebook = {
            p: [
                {
                    "round": x.round,
                    "query": _message(space, x.query),
                    "answer": _message(space, x.answer),
                }
                for x in view.notebook.of(p)
            ]
            for p in view.parties
        }
        return {
            "me": view.name,
            "parties": list(view.parties),
            "budget": {p: view.budget_left(p) for p in view.parties},
            "locked": {space.issues[i].name: v for i, v in view.locked.items()},
            "notebook": notebook,
        }


#: The person class for each (protocol, role).
PEOPLE: dict[tuple[str, str], type[Person]] = {
    ("alternating-offers", "agent"): PersonAgent,
    ("single-text", "party"): PersonVoter,
    ("single-text", "mediator"): PersonTextMediator,
    ("caucus", "party"): PersonParty,
    ("caucus", "mediator"): PersonCaucusMediator,
}
