"""Caucus (shuttle) mediation with confidentiality by construction.

Parties never talk to each other. Each **round** the acting mediator meets every party in
turn, privately (a *caucus*): it sends queries (:mod:`accord.mechanisms.caucus_messages`:
rate or rank a few packages, name the top issue, state a red line, consider a proposal) and
the party answers. Every answered query counts against the party's **disclosure budget**.
The negotiation ends when every party has accepted the same proposal (the agreement), when a
mediator or party fails, when no party has budget left, or after the last round.

A coalition of mediators shares one channel: the :class:`Notebook` of every exchange, and
the rounds (member ``r mod m`` leads round ``r``).

**Confidentiality by construction.** Every message carries its provenance (sender,
recipient, ``derived_from``). The mechanism delivers to a party only queries derived from
that party's own disclosures and the mediator's proposals; a message that would leak — a
query declaring another party's disclosures, a relayed answer, a note quoting another
party's private reason — is not delivered and ends the negotiation as a recorded failure
(:class:`~accord.errors.ProtocolError`) of the mediator. The trace records every message with
``party`` = sender, ``recipient`` = receiver and its provenance in the note (JSON), kinds
``query``/``disclosure`` (answers)/``proposal``/``vote``; :func:`audit` re-checks a trace.
The trace is the auditor's record and holds the disclosures: it is not shown to parties.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from accord.errors import ProtocolError
from accord.mechanisms.caucus_messages import (
    CaucusMediator,
    CaucusParty,
    Clock,
    Exchange,
    MediatorView,
    Message,
    Notebook,
    PartyView,
    Query,
)
from accord.mechanisms.caucus_rules import check_answer, check_delivery, check_query
from accord.mechanisms.mediation import ActorFailure, checked_call
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.trace import Kind, Trace, TraceEvent
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


class _Session:
    """State of one running caucus mediation (private to this module)."""

    def __init__(
        self,
        scenario: Scenario,
        mediators: Sequence[CaucusMediator],
        mediator_ids: tuple[str, ...],
        parties: Sequence[CaucusParty],
        rounds: int,
        budget: int,
        seed: int | None,
    ):
        self.start_round = 0
        self.locked: dict[int, int] = {}
        self.original = scenario
        self.timeline = scenario.timeline
        self.applied: set[str] = set()
        self.away: frozenset[str] = frozenset()
        self.delay_cost: dict[str, float] = dict(scenario.timeline.delay_cost)
        scenario = scenario.at()  # the start of its timeline (itself when it has none)
        self.scenario = scenario
        self.mediators = mediators
        self.mids = mediator_ids
        self.parties = parties
        self.names = scenario.party_names
        self.size = scenario.space.size or 0
        self.clock = Clock(rounds)
        self.budget = {n: budget for n in self.names}
        self.notebook = Notebook(self.names)
        self.events: list[TraceEvent] = []
        self.votes: dict[int, dict[str, bool]] = {}
        self.reasons: dict[str, set[str]] = {n: set() for n in self.names}
        self.proposals = 0
        self.t0 = time.perf_counter()
        ss = np.random.SeedSequence(seed)
        party_ss = ss.spawn(len(self.names) + 1)
        query_seeds = party_ss[-1].generate_state(len(self.names))
        seeds = {n: int(x) for n, x in zip(self.names, query_seeds, strict=True)}
        self.mviews = [
            MediatorView(
                mid,
                mediator_ids,
                scenario.space,
                self.names,
                self.notebook,
                self.budget,
                self.clock,
                seeds,
            )
            for mid in mediator_ids
        ]
        self.pviews = [
            PartyView(
                p.name,
                scenario.space,
                p.utility,
                float(p.reservation),
                self.clock,
                np.random.default_rng(party_ss[i]),
            )
            for i, p in enumerate(scenario.parties)
        ]
        for view in self.pviews:
            view.delay_cost = float(self.delay_cost.get(view.name, 0.0))

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def record(
        self,
        party: str | None,
        kind: Kind,
        outcome: int | None = None,
        note: str = "",
        recipient: str | None = None,
    ) -> None:
        ev = TraceEvent(self.clock.round, self.now(), party, kind, outcome, note, recipient)
        self.events.append(ev)

    def record_message(self, message: Message, package: int | None) -> None:
        """One delivered message; ``package`` is the proposal it puts or votes on."""
        kind = _trace_kind(message)
        self.record(message.sender, kind, package, _note(message), message.recipient)

    def public(self, text: str) -> None:
        for view in self.pviews:
            view.public.append(text)

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
        for view, party in zip(self.pviews, snapshot.parties, strict=True):
            view._utility = party.utility
            view.reservation = float(party.reservation)
            view.delay_cost = float(state.delay_cost.get(party.name, 0.0))
        self.scenario = snapshot
        self.delay_cost = dict(state.delay_cost)
        self.away = state.unavailable
        if state.deadline is not None:
            self.clock.rounds = min(max(state.deadline, rnd + 1), self.clock.rounds)
        for e in due:
            self.applied.add(e.name)
            if e.round < self.start_round:
                continue  # recorded by the phase that was under way then
            text = f"{e.name}" + (f" ({e.date})" if e.date else "")
            self.record(
                None, "event", None, text + (f": {e.description.strip()}" if e.description else "")
            )
            self.public(f"event: {text}")

    def guarded(self, actor: str, what: str, call: Any, *args: Any) -> Any:
        return checked_call(actor, what, call, *args)


def _exchange(s: _Session, m: int, p: int, message: Any) -> int | None:
    """Deliver one message to party ``p``, get and record its answer; returns the agreement."""
    mid, name = s.mids[m], s.names[p]
    try:
        check_delivery(message, mid, name, s.names, s.reasons)
        check_query(message.body, s.size)
    except ProtocolError as exc:
        s.record(mid, "failure", None, f"ProtocolError: {exc}", name)
        raise ActorFailure(mid, f"ProtocolError: {exc}") from None
    delivered = Message(mid, name, message.derived_from, message.body, s.clock.round)
    s.pviews[p].inbox.append(delivered)
    query = message.body
    package = query.packages[0] if query.kind == "proposal" else None
    if package is not None and s.locked:
        digits = s.scenario.space.from_index(package)
        if any(digits[i] != v for i, v in s.locked.items()):
            s.record(mid, "failure", None, "proposal changes an issue settled earlier", name)
            raise ActorFailure(mid, "ProtocolError: proposal changes an issue settled earlier")
    s.record_message(delivered, package)
    answer = s.guarded(name, "answer", s.parties[p].answer, s.pviews[p], query)
    problem = check_answer(query, answer, s.scenario.space.names)
    if problem is not None:
        raise ActorFailure(name, problem)
    reply = Message(name, mid, frozenset({name}), answer, s.clock.round)
    s.pviews[p].outbox.append(reply)
    s.notebook.add(name, Exchange(s.clock.round, delivered, reply))
    s.record_message(reply, package)
    s.budget[name] -= 1
    if answer.reason:
        s.reasons[name].add(answer.reason)
    if package is None:
        return None
    s.proposals += 1
    votes = s.votes.setdefault(package, {})
    votes[name] = bool(answer.accept) and not answer.refused
    return package if all(votes.get(n, False) for n in s.names) else None


def _caucus(s: _Session, m: int, p: int) -> int | None:
    name = s.names[p]
    for _ in range(MAX_QUERIES_PER_CAUCUS):
        if s.budget[name] <= 0:
            return None
        message = s.guarded(
            s.mids[m], "next_message", s.mediators[m].next_message, s.mviews[m], name
        )
        if message is None:
            return None
        agreement = _exchange(s, m, p, message)
        if agreement is not None:
            return agreement
    return None


def _loop(s: _Session) -> tuple[int | None, str, int]:
    rnd = s.start_round
    while rnd < s.clock.rounds:
        s.clock.round = rnd
        s.apply_events(rnd)
        if rnd >= s.clock.rounds:
            break
        m = rnd % len(s.mediators)
        s.public(f"round {rnd}: caucuses led by {s.mids[m]}")
        for p in range(len(s.names)):
            if "mediator" in s.away or s.names[p] in s.away:
                continue  # the mediator cannot meet this party this round
            agreement = _caucus(s, m, p)
            if agreement is not None:
                s.record(None, "agreement", agreement)
                s.public(f"agreement in round {rnd}")
                return agreement, "agreement", rnd + 1
        if all(b <= 0 for b in s.budget.values()):
            s.record(None, "end", None, "every disclosure budget is spent")
            return None, "budget exhausted", rnd + 1
        rnd += 1
    s.record(None, "timeout", None, f"{s.clock.rounds} rounds")
    return None, "deadline", s.clock.rounds


def _ids(ids: str | Sequence[str] | None, objects: Sequence[Any]) -> tuple[str, ...]:
    """One distinct id per object: repeated ids get ``#2``, ``#3``…"""
    if ids is None:
        ids = [type(o).__name__ for o in objects]
    elif isinstance(ids, str):
        ids = [ids] * len(objects)
    out: list[str] = []
    for i in ids:
        out.append(
            i if i not in out else f"{i}#{sum(o == i or o.startswith(i + '#') for o in out) + 1}"
        )
    return tuple(out)


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
    locked: Mapping[str, Value] | None = None,
    start_round: int = 0,
) -> NegotiationResult:
    """Run one caucus mediation; ``parties[i]`` plays party ``i`` of the scenario.

    ``locked`` holds issues at given values (settled in an earlier phase, or left for a later
    one): proposals must keep them, which the mechanism enforces. ``start_round`` starts the
    clock later on the scenario's timeline (a later phase of a phased mediation).

    ``mediator`` is one mediator or a coalition (a sequence) sharing one notebook and
    alternating rounds. ``details`` of the result: queries answered per party, proposals put,
    the budget and the share of it each party used.
    """
    mediators = list(mediator) if isinstance(mediator, Sequence) else [mediator]
    n = len(scenario.parties)
    if n < 2 or len(parties) != n:
        raise ProtocolError(f"need one party strategy per party ({n} parties, {len(parties)})")
    if scenario.space.is_continuous:
        raise ProtocolError("caucus mediation needs a discrete space: discretise the scenario")
    if not mediators or rounds < 1 or query_budget < 1:
        raise ProtocolError("caucus mediation needs a mediator, rounds >= 1 and a budget >= 1")
    mids = _ids(mediator_id, mediators)
    pids = tuple(party_ids) if party_ids is not None else _ids(None, parties)
    if len(mids) != len(mediators) or len(pids) != n:
        raise ProtocolError("one id per mediator and per party is needed")
    if set(mids) & set(scenario.party_names):
        raise ProtocolError(f"mediator ids {mids} must differ from the party names")
    s = _Session(scenario, mediators, mids, parties, rounds, query_budget, seed)
    s.start_round = start_round
    space = scenario.space
    s.locked = {
        space.issue_index(n): space.issues[space.issue_index(n)].index_of(v)
        for n, v in (locked or {}).items()
    }
    for view in s.mviews:
        view.locked = dict(s.locked)
    agreement, reason, failed, rnd = None, "deadline", None, 0
    try:
        for i, med in enumerate(mediators):
            s.guarded(mids[i], "start", med.start, s.mviews[i])
        for i, party in enumerate(parties):
            s.guarded(s.names[i], "start", party.start, s.pviews[i])
        agreement, reason, rnd = _loop(s)
    except ActorFailure as f:
        failed = pids[s.names.index(f.actor)] if f.actor in s.names else f.actor
        reason = f"failure: {f.actor} {f.reason}"
        rnd = s.clock.round + 1
        if not (s.events and s.events[-1].kind == "failure"):
            s.record(f.actor, "failure", None, f.reason)
    return _result(s, mids, pids, agreement, reason, failed, rnd, seed)


def _result(
    s: _Session,
    mids: tuple[str, ...],
    pids: tuple[str, ...],
    agreement: int | None,
    reason: str,
    failed: str | None,
    rnd: int,
    seed: int | None,
) -> NegotiationResult:
    space = s.scenario.space
    t = min(rnd / s.clock.rounds, 1.0)
    utilities, discounted = [], []
    for party, view in zip(s.scenario.parties, s.pviews, strict=True):
        u = float(view.utilities([agreement])[0]) if agreement is not None else view.reservation
        utilities.append(u)
        u_t = u * party.discount**t if party.discount is not None else u
        delay = s.delay_cost.get(party.name, 0.0) * (
            rnd if agreement is not None else s.clock.rounds
        )
        discounted.append(u_t - delay)
    asked = {n: len(s.notebook.of(n)) for n in s.names}
    budget = asked[s.names[0]] + s.budget[s.names[0]]
    details = {
        "protocol": "caucus",
        "queries": asked,
        "proposals": s.proposals,
        "budget": budget,
        "budget_used": {n: asked[n] / budget for n in s.names},
        "coalition": list(mids),
    }
    if s.applied:
        details["events"] = [e.name for e in s.timeline.events if e.name in s.applied]
    return NegotiationResult(
        scenario=s.scenario.name,
        parties=s.names,
        agents=pids,
        agreement=agreement,
        outcome=space.decode(space.from_index(agreement)) if agreement is not None else None,
        utilities=tuple(utilities),
        discounted=tuple(discounted),
        rounds=rnd,
        time=s.now(),
        reason=reason,
        failed=failed,
        seed=seed,
        trace=Trace(tuple(s.events)),
        mediator="+".join(mids),
        details=details,
    )
