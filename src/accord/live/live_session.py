"""A live session: a run some of whose seats people play, advanced one move at a time.

A live session is a :class:`~accord.mechanisms.spec.RunSpec` whose participant ids say
:data:`PERSON` for every seat a person plays, plus the moves the people have made, in order.
:meth:`LiveSession.state` replays the run through :func:`accord.run` with
:class:`~accord.live.people.Person` objects in the people's seats and registry agents in the
others: agents play at once, and the run stops where a person has not moved yet
(:class:`~accord.live.people.Waiting`). The same spec and moves give the same state, so storing
the moves is storing the session: a restarted server loses nothing.

Rules that keep the replay exact: a live session's deadline is in rounds (wall time cannot be
replayed) and has no per-call limit (a person may think; an agent's speed must not change the
past). :meth:`LiveSession.advance` checks a move before it is kept: only the seat the
mechanism waits for may move, and a move the mechanism would refuse (an illegal offer, a
mediator's note that leaks a disclosure) is refused with the reason, not recorded as a failure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from accord.errors import AccordError, ProtocolError
from accord.live.people import PEOPLE, Move, Person, Prompt, Waiting
from accord.mechanisms import PROTOCOLS
from accord.mechanisms.caucus.shuttle import mediator_names
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.spec import CAUCUS, RunSpec
from accord.registry import REGISTRIES
from accord.runner import run, scenario_for
from accord.scenario import Scenario

#: The participant id of a seat played by a person.
PERSON = "person"


class MoveRefused(AccordError):
    """A move that is not due, or that the mechanism would refuse (nothing is recorded)."""


@dataclass(frozen=True, slots=True)
class SeatInfo:
    """One seat of a live session: ``seat`` (party ``i`` >= 0, mediator ``j`` = ``-1 - j``),
    its role, the name it plays under and who plays it (a person, or a registry spec)."""

    seat: int
    role: str
    name: str
    participant: str

    @property
    def person(self) -> bool:
        return self.participant == PERSON

    @property
    def label(self) -> str:
        """How people are told of the seat: its name, or "the mediator" for a mediator a
        person plays under no name of the scenario's."""
        return "the mediator" if self.role == "mediator" and self.name == PERSON else self.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "seat": self.seat,
            "role": self.role,
            "name": self.label,
            "participant": self.participant,
        }


@dataclass(frozen=True, slots=True)
class LiveState:
    """A live session after ``moves`` moves: who must move (``waiting``) or, when it is over,
    the ``result``; :attr:`seen` is what each person's seat may see now (read from the views
    its seat was handed, when first asked)."""

    moves: int
    waiting: Prompt | None
    result: NegotiationResult | None
    people: Mapping[int, Person] = field(default_factory=dict, repr=False, compare=False)
    _seen: dict[int, Mapping[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def finished(self) -> bool:
        return self.result is not None

    def seen_by(self, seat: int) -> Mapping[str, Any]:
        """What the person at ``seat`` may see now (empty for a seat no person plays)."""
        known = self._seen.get(seat)
        if known is None:
            person = self.people.get(seat)
            known = self._seen[seat] = person.seen() if person is not None else {}
        return known

    @property
    def seen(self) -> dict[int, Mapping[str, Any]]:
        """:meth:`seen_by` of every person's seat."""
        return {seat: self.seen_by(seat) for seat in self.people}


class LiveSession:
    """A run spec whose :data:`PERSON` seats people play; ``scenario`` is the scenario the
    spec names, already loaded."""

    def __init__(self, spec: RunSpec, scenario: Scenario):
        info = PROTOCOLS.get(spec.protocol)
        if info is None:
            raise ProtocolError(f"unknown protocol {spec.protocol!r}")
        if spec.deadline.seconds is not None:
            raise ProtocolError("a live session's deadline is in rounds (wall time cannot replay)")
        if spec.seed is None:
            raise ProtocolError("a live session needs a seed (its replays must agree)")
        rounds = spec.deadline.rounds
        sc = scenario_for(spec, scenario)
        if rounds is None:
            rounds = sc.timeline.deadline or info.default_rounds
        self.spec = replace(spec, deadline=replace(spec.deadline, rounds=rounds, per_call=None))
        self.info = info
        self.scenario = sc
        info.check_participants(self.spec, sc)
        info.check_options(self.spec)
        names = mediator_names(sc, spec.mediators) if spec.protocol == CAUCUS else spec.mediators
        seats = [
            SeatInfo(i, info.party_role, sc.parties[i].name, p) for i, p in enumerate(spec.parties)
        ]
        seats += [
            SeatInfo(-1 - j, "mediator", name, m)
            for j, (m, name) in enumerate(zip(spec.mediators, names, strict=True))
        ]
        for s in seats:
            if s.person and (spec.protocol, s.role) not in PEOPLE:
                raise ProtocolError(f"a person cannot play a {s.role} in {spec.protocol}")
            if not s.person:
                self._make(s)  # an unknown strategy fails now, not at the first move
        self.seats = tuple(seats)

    def _make(self, seat: SeatInfo, moves: Sequence[Move] = ()) -> object:
        if seat.person:
            return PEOPLE[(self.spec.protocol, seat.role)](seat.seat, moves)
        return REGISTRIES[seat.role].make(seat.participant, self.spec.protocol)

    def seat(self, seat: int) -> SeatInfo:
        for s in self.seats:
            if s.seat == seat:
                return s
        raise ProtocolError(f"no seat {seat} in this session")

    def state(self, moves: Sequence[tuple[int, Move]]) -> LiveState:
        """Replay the session with these ``(seat, move)`` moves, in order."""
        by_seat: dict[int, list[Move]] = {s.seat: [] for s in self.seats if s.person}
        for seat, move in moves:
            if seat not in by_seat:
                raise ProtocolError(f"a move for seat {seat}, which no person plays")
            by_seat[seat].append(move)
        objects = {s.seat: self._make(s, by_seat.get(s.seat, ())) for s in self.seats}
        parties = [objects[s.seat] for s in self.seats if s.seat >= 0]
        mediators = [objects[s.seat] for s in self.seats if s.seat < 0]
        waiting: Prompt | None = None
        result: NegotiationResult | None = None
        try:
            result = run(self.spec, scenario=self.scenario, parties=parties, mediators=mediators)
        except Waiting as signal:
            waiting = signal.prompt
        people = {seat: obj for seat, obj in objects.items() if isinstance(obj, Person)}
        return LiveState(len(moves), waiting, result, people)

    def advance(
        self,
        moves: Sequence[tuple[int, Move]],
        seat: int,
        move: Move,
        now: LiveState | None = None,
    ) -> LiveState:
        """The state after ``seat`` plays ``move``; :class:`MoveRefused` when it is not that
        seat's turn or the mechanism refuses the move (then nothing changes). ``now``: the
        state after ``moves`` when the caller knows it (saves a replay)."""
        if not isinstance(move, dict) or not isinstance(move.get("act"), str):
            raise MoveRefused('a move is an object with an "act"')
        if now is None or now.moves != len(moves):
            now = self.state(moves)
        if now.waiting is None:
            raise MoveRefused("the session is over")
        if now.waiting.seat != seat:
            raise MoveRefused(f"it is {self.seat(now.waiting.seat).label}'s turn")
        after = self.state([*moves, (seat, move)])
        failure = after.result.failure if after.result is not None else None
        me = self.seat(seat)
        if failure is not None and failure.participant == PERSON and failure.seat == me.name:
            # the person's own reason, or the mechanism's refusal ("ProtocolError: …")
            refusal = after.people[seat].refusal
            raise MoveRefused(refusal or failure.reason.removeprefix("ProtocolError: "))
        return after
