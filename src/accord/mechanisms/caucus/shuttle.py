"""Caucus (shuttle) mediation.

Parties never talk to each other. Each **round** the acting mediator meets every party in
turn, privately (a *caucus*): it sends queries (:mod:`accord.mechanisms.caucus.messages`: rate
or rank a few packages, name the top issue, state a red line, consider a proposal) and the
party answers. Every answered query counts against the party's **disclosure budget** (option
``budget``). The run ends when every party has accepted the same proposal (the agreement), when
a mediator or party fails, when no party has budget left, or after the last round. Under a
scenario agreement rule other than unanimity (:mod:`accord.agreement`) a proposal is the
agreement once every party that can still answer has voted on it and those that accepted pass
the rule; ``details`` then say who accepted it and who was left out.

A coalition of mediators shares one channel: the notebook of every exchange, and the rounds
(member ``r mod m`` leads round ``r``). When a scenario names its mediators and the run has as
many, they carry the scenario's names (Qatar, Egypt, …).

**Confidentiality.** Every message carries its provenance (sender, recipient,
``derived_from``). The mechanism delivers to a party only the acting mediator's queries and
proposals, refuses (as a recorded failure of the mediator, a
:class:`~accord.errors.ProtocolError`) a query declared to derive from another party's
disclosures, and — whatever the declaration — a note that repeats another party's private
reason, disclosed numbers or top issue: :mod:`accord.mechanisms.caucus.confidentiality` states
exactly what is guaranteed and what rests on the mediator's declaration. The trace records
every message with ``party`` = sender, ``recipient`` = receiver and its provenance in the note
(JSON), kinds ``query``/``disclosure`` (answers)/``proposal``/``vote``; ``audit`` re-checks a
trace. The trace is the auditor's record and holds the disclosures: it is not shown to parties.

Outside events of the scenario's timeline apply at their round (new red lines, risks, costs of
delay, availability, deadline), are public and are recorded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from accord.errors import ParticipantFailure, ProtocolError
from accord.mechanisms.caucus.caucus_roles import (
    CaucusMediator,
    CaucusParty,
    MediatorView,
    Notebook,
    PartyState,
    PartyView,
)
from accord.mechanisms.caucus.confidentiality import (
    Disclosed,
    check_answer,
    check_delivery,
    check_query,
)
from accord.mechanisms.caucus.messages import Exchange, Message, Query
from accord.mechanisms.own import OwnUtility
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.session import Option, ProtocolInfo, Seat, Session, mediator_seat
from accord.mechanisms.sink import TraceSink
from accord.mechanisms.spec import CAUCUS, Deadline, RunSpec
from accord.mechanisms.trace import Kind
from accord.outcomes.issues import Value
from accord.scenario import Scenario

#: Most queries one caucus (one meeting with one party) may hold.
MAX_QUERIES_PER_CAUCUS = 12


def _note(message: Message) -> str:
    body = message.body
    data: dict[str, Any] = {"kind": body.kind, "derived_from": sorted(message.derived_from)}
    if isinstance(body, Query):
        data.update(packages=list(body.packages), note=body.note)
    else:
        for key in ("ratings", "ranking", "issue", "threshold", "accept", "reason", "refused"):
            value = getattr(body, key)
            if isinstance(value, tuple):
                value = list(value) or None
            if value is not None and value != "" and (key != "refused" or value):
                data[key] = value
    return json.dumps(data, sort_keys=True)


def _trace_kind(message: Message) -> Kind:
    if isinstance(message.body, Query):
        return "proposal" if message.kind == "proposal" else "query"
    return "vote" if message.kind == "proposal" else "disclosure"


def mediator_names(scenario: Scenario, ids: Sequence[str]) -> tuple[str, ...]:
    """The scenario's mediator names when it names as many as there are mediators, else the
    ids (a repeated id gets ``#2``, ``#3``…)."""
    if scenario.mediators and len(scenario.mediators) == len(ids):
        names: tuple[str, ...] = tuple(scenario.mediators)
    else:
        out: list[str] = []
        for i in ids:
            taken = sum(o == i or o.startswith(i + "#") for o in out)
            out.append(i if not taken else f"{i}#{taken + 1}")
        names = tuple(out)
    if set(names) & set(scenario.party_names):
        raise ProtocolError(f"mediator names {names} must differ from the party names")
    return names


class CaucusSession(Session):
    """One running caucus mediation (one phase of a phased one)."""

    protocol = CAUCUS

    def __init__(
        self,
        scenario: Scenario,
        spec: RunSpec,
        mediators: Sequence[CaucusMediator],
        parties: Sequence[CaucusParty],
        budget: int,
        locked: Mapping[str, Value] | None = None,
        start_round: int = 0,
    ):
        if budget < 1:
            raise ProtocolError(f"caucus mediation needs a budget >= 1, got {budget}")
        self.original = scenario
        self.timeline = scenario.timeline
        super().__init__(
            scenario.at(), spec, spec.deadline.rounds, mediator_names(scenario, spec.mediators)
        )
        self.mediators = mediators
        self.parties = parties
        own = [OwnUtility(self.scenario, i) for i in range(len(self.names))]
        self.own = list(own)
        self.start_round = start_round
        self.applied: set[str] = set()
        self.away: frozenset[str] = frozenset()
        space = scenario.space
        self.locked = {
            space.issue_index(n): space.issues[space.issue_index(n)].index_of(v)
            for n, v in (locked or {}).items()
        }
        self.budget = {n: budget for n in self.names}
        self.exchanges: dict[str, list[Exchange]] = {n: [] for n in self.names}
        self.disclosed = {n: Disclosed() for n in self.names}
        self.votes: dict[int, dict[str, bool]] = {}
        self.accepting: list[str] | None = None  # who accepted the agreement (under a rule)
        self.proposals = 0
        self.inboxes: list[list[Message]] = [[] for _ in self.names]
        self.outboxes: list[list[Message]] = [[] for _ in self.names]
        self.public_news: list[list[str]] = [[] for _ in self.names]
        states = self.seeds.mechanism().generate_state(len(self.names))
        seeds = {n: int(x) for n, x in zip(self.names, states, strict=True)}
        notebook = Notebook(self.exchanges)
        self.mviews = [
            MediatorView(
                name,
                self.mediator_names,
                space,
                self.names,
                notebook,
                self.budget,
                self.clock,
                seeds,
                self.locked,
                self.seeds.mediator(j),
                scenario.rule,
            )
            for j, name in enumerate(self.mediator_names)
        ]
        delay = self.timeline.delay_cost
        self.states = [PartyState(o, float(delay.get(o.name, 0.0))) for o in own]
        self.pviews = [
            PartyView(
                self.states[i],
                self.clock,
                self.seeds.party(i),
                self.inboxes[i],
                self.outboxes[i],
                self.public_news[i],
            )
            for i in range(len(self.names))
        ]

    # -- the rules ------------------------------------------------------------------------------
    def public(self, text: str) -> None:
        for news in self.public_news:
            news.append(text)

    def apply_events(self, rnd: int) -> None:
        """Apply every timeline event due by round ``rnd``: new reservation values, risks
        (phased utilities), costs of delay, deadline and availability. Events are public."""
        due = [e for e in self.timeline.events if e.round <= rnd and e.name not in self.applied]
        if not due:
            return
        snapshot = self.original.at(round=rnd)
        state = self.timeline.state(
            {p.name: p.reservation for p in self.original.parties}, round=rnd
        )
        for i, party in enumerate(snapshot.parties):
            own = OwnUtility(snapshot, i)
            self.own[i] = own
            self.states[i].preferences = own
            self.states[i].delay_cost = float(state.delay_cost.get(party.name, 0.0))
        self.scenario = snapshot
        self.away = state.unavailable
        if state.deadline is not None and self.clock.rounds is not None:
            self.clock.rounds = min(max(state.deadline, rnd + 1), self.clock.rounds)
        for e in due:
            self.applied.add(e.name)
            if e.round < self.start_round:
                continue  # recorded by the phase that was under way then
            text = f"{e.name}" + (f" ({e.date})" if e.date else "")
            note = text + (f": {e.description.strip()}" if e.description else "")
            self.record(None, "event", None, note)
            self.public(f"event: {text}")

    def refuse(self, m: int, recipient: str, reason: str) -> ParticipantFailure:
        """Record that mediator ``m``'s message was not delivered, and its failure."""
        self.record(self.mediator_names[m], "failure", None, reason, recipient)
        return self.failure(mediator_seat(m), reason)

    def exchange(self, m: int, p: int, message: Any) -> int | None:
        """Deliver one message to party ``p``, get and record its answer; returns the
        agreement (a package every party has accepted) or ``None``."""
        mid, name = self.mediator_names[m], self.names[p]
        try:
            check_delivery(message, mid, name, self.names, self.disclosed)
            check_query(message.body, self.size)
        except ProtocolError as exc:
            raise self.refuse(m, name, f"ProtocolError: {exc}") from None
        query = message.body
        package = query.packages[0] if query.kind == "proposal" else None
        if package is not None and self.locked:
            digits = self.scenario.space.from_index(package)
            if any(digits[i] != v for i, v in self.locked.items()):
                raise self.refuse(
                    m,
                    name,
                    "ProtocolError: proposal changes a locked issue (settled earlier or left "
                    "for a later phase)",
                )
        delivered = Message(mid, name, message.derived_from, query, self.clock.round)
        self.inboxes[p].append(delivered)
        self.record(mid, _trace_kind(delivered), package, _note(delivered), name)
        answer = self.call(p, "answer", self.parties[p].answer, self.pviews[p], query)
        problem = check_answer(query, answer, self.scenario.space.names)
        if problem is not None:
            raise self.failure(p, problem)
        reply = Message(name, mid, frozenset({name}), answer, self.clock.round)
        self.outboxes[p].append(reply)
        self.exchanges[name].append(Exchange(self.clock.round, delivered, reply))
        self.record(name, _trace_kind(reply), package, _note(reply), mid)
        self.budget[name] -= 1
        self.disclosed[name].add(answer)
        if package is None:
            return None
        self.proposals += 1
        votes = self.votes.setdefault(package, {})
        votes[name] = bool(answer.accept) and not answer.refused
        if self.unanimity:
            return package if all(votes.get(n, False) for n in self.names) else None
        if any(n not in votes and self.budget[n] > 0 for n in self.names):
            return None  # a party that can still answer has not been asked yet
        accepting = [n for n in self.names if votes.get(n, False)]
        if not self.passes(accepting):
            return None
        self.accepting = accepting
        return package

    def caucus(self, m: int, p: int) -> int | None:
        name = self.names[p]
        seat: Seat = mediator_seat(m)
        for _ in range(MAX_QUERIES_PER_CAUCUS):
            if self.budget[name] <= 0:
                return None
            mediator = self.mediators[m]
            message = self.call(seat, "next_message", mediator.next_message, self.mviews[m], name)
            if message is None:
                return None
            agreement = self.exchange(m, p, message)
            if agreement is not None:
                return agreement
        return None

    def loop(self) -> tuple[int | None, str, int]:
        rnd = self.start_round
        clock = self.clock
        while clock.rounds is None or rnd < clock.rounds:
            if clock.out_of_time():
                break
            clock.round = rnd
            self.apply_events(rnd)
            if clock.rounds is not None and rnd >= clock.rounds:
                break
            m = rnd % len(self.mediators)
            self.public(f"round {rnd}: caucuses led by {self.mediator_names[m]}")
            for p, name in enumerate(self.names):
                if "mediator" in self.away or name in self.away:
                    continue  # the mediator cannot meet this party this round
                agreement = self.caucus(m, p)
                if agreement is not None:
                    self.record(None, "agreement", agreement)
                    self.public(f"agreement in round {rnd}")
                    return agreement, "agreement", rnd + 1
            if all(b <= 0 for b in self.budget.values()):
                self.record(None, "end", None, "every disclosure budget is spent")
                return None, "budget exhausted", rnd + 1
            rnd += 1
        limit = f"{clock.rounds} rounds" if clock.rounds is not None else f"{clock.seconds} s"
        self.record(None, "timeout", None, limit)
        return None, "deadline", clock.rounds if clock.rounds is not None else rnd

    def play(self) -> NegotiationResult:
        agreement, reason, rnd, failure = None, "deadline", 0, None
        try:
            for j, mediator in enumerate(self.mediators):
                self.call(mediator_seat(j), "start", mediator.start, self.mviews[j])
            for i, party in enumerate(self.parties):
                self.call(i, "start", party.start, self.pviews[i])
            agreement, reason, rnd = self.loop()
        except ParticipantFailure as error:
            failure = self.record_failure(error)
            rnd = self.clock.round + 1
        return self.result(agreement, reason, rnd, failure, self.details())

    # -- the result -----------------------------------------------------------------------------
    def discounted(self, i: int, utility: float, agreed: bool, rounds: int) -> float:
        """Discounted at the share of the rounds used, less the cost of delay: per round to
        the agreement, or over the whole deadline without one."""
        own = self.own[i]
        total = self.clock.rounds or max(rounds, 1)
        t = min(rounds / total, 1.0)
        u = utility * own.discount**t if own.discount is not None else utility
        return u - self.states[i].delay_cost * (rounds if agreed else total)

    def details(self) -> dict[str, Any]:
        asked = {n: len(self.exchanges[n]) for n in self.names}
        first = self.names[0]
        budget = asked[first] + self.budget[first]
        details: dict[str, Any] = {
            "protocol": CAUCUS,
            "queries": asked,
            "proposals": self.proposals,
            "budget": budget,
            "budget_used": {n: asked[n] / budget for n in self.names},
            "coalition": list(self.mediator_names),
            **self.rule_details(self.accepting),
        }
        if self.applied:
            details["events"] = [e.name for e in self.timeline.events if e.name in self.applied]
        return details


def play(
    scenario: Scenario,
    spec: RunSpec,
    parties: Sequence[Any],
    mediators: Sequence[Any],
    options: dict[str, Any],
    sink: TraceSink | None = None,
) -> NegotiationResult:
    """Run a caucus mediation, phase by phase when option ``phased`` is set."""
    budget = int(options["budget"])

    def phase(locked: Mapping[str, Value], start: int) -> NegotiationResult:
        session = CaucusSession(scenario, spec, mediators, parties, budget, locked, start)
        return session.stream_to(sink).play()

    if options["phased"]:
        from accord.mechanisms.caucus.phase_by_phase import run_in_phases

        return run_in_phases(scenario, phase)
    return phase({}, 0)


PROTOCOL = ProtocolInfo(
    name=CAUCUS,
    summary="mediators meet each party in private, ask bounded questions and propose packages",
    party_role="party",
    party_interface=CaucusParty,
    mediator_interface=CaucusMediator,
    mediators=(1, None),
    default_rounds=30,
    options=(
        Option("budget", int, 50, "questions each party will answer in all"),
        Option("phased", bool, False, "agree the scenario's phases one after another"),
    ),
    play=play,
)


def run_caucus(
    scenario: Scenario,
    mediator: CaucusMediator | Sequence[CaucusMediator],
    parties: Sequence[CaucusParty],
    *,
    rounds: int = 30,
    seed: int | None = None,
    query_budget: int = 50,
    mediator_id: str | Sequence[str] | None = None,
    party_ids: Sequence[str] | None = None,
    phased: bool = False,
    per_call: float | None = 5.0,
) -> NegotiationResult:
    """Run caucus mediation between participant objects through the run contract;
    ``parties[i]`` plays party ``i``, ``mediator`` is one mediator or a coalition (a sequence)
    sharing one notebook and alternating rounds. ``details`` of the result: queries answered
    per party, proposals put, the budget and the share of it each party used."""
    mediators = list(mediator) if isinstance(mediator, Sequence) else [mediator]
    if mediator_id is None:
        mids: Sequence[str] = [type(m).__name__ for m in mediators]
    else:
        mids = [mediator_id] * len(mediators) if isinstance(mediator_id, str) else mediator_id
    pids = tuple(party_ids) if party_ids is not None else tuple(type(p).__name__ for p in parties)
    if len(mids) != len(mediators) or len(pids) != len(parties):
        raise ProtocolError("one id per mediator and per party is needed")
    spec = RunSpec(
        scenario.name,
        pids,
        CAUCUS,
        mediators=tuple(mids),
        deadline=Deadline(rounds=rounds, per_call=per_call),
        seed=seed,
        options={"budget": query_budget, "phased": phased},
    )
    return PROTOCOL.run(spec, scenario, parties, mediators)
