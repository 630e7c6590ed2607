"""Alternating offers: bilateral (Rubinstein-style, with a deadline) and multilateral stacked
alternating offers (Aydoğan et al. 2017).

Parties act in turn, starting with the first mover. The first acts by proposing; each next
party either accepts the standing offer, rejects it and makes a counter-offer (which becomes the
standing offer), or ends the negotiation. An offer passes when every other party has accepted
it in a row. One **round** is one action of each party. The negotiation ends at agreement,
when a party walks away or fails, or at the deadline (rounds and/or wall time).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from accord.errors import ProtocolError
from accord.mechanisms.protocol import Agent, Response
from accord.mechanisms.result import Deadline, NegotiationResult
from accord.mechanisms.trace import Kind, Trace, TraceEvent, events_from_rows
from accord.mechanisms.view import AgentView, OfferRecord, OwnPreferences
from accord.scenario import Scenario

_RawEvent = tuple[int, float, int | None, Kind, int | None, str]


def own_preferences(scenario: Scenario, party_index: int) -> OwnPreferences:
    """The (cached, shared) presorted preferences of one party."""
    key = f"own-preferences:{party_index}"
    cached = scenario._cache.get(key)
    if cached is None:
        cached = OwnPreferences(scenario, party_index)
        scenario._cache[key] = cached
    return cached


class _Failure(Exception):
    def __init__(self, party: int, reason: str):
        super().__init__(reason)
        self.party = party
        self.reason = reason


class _Session:
    """State of one running negotiation (private to this module)."""

    def __init__(
        self, scenario: Scenario, agents: Sequence[Agent], deadline: Deadline, seed: int | None
    ):
        n = len(scenario.parties)
        self.scenario = scenario
        self.agents = agents
        self.deadline = deadline
        self.names = scenario.party_names
        self.size = scenario.space.size or 0
        self.events: list[_RawEvent] = []
        self.history: list[OfferRecord] = []
        t0 = time.perf_counter()
        self.clock = [t0, t0]
        rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]
        self.views = [
            AgentView(
                own_preferences(scenario, i),
                self.names,
                deadline.rounds,
                deadline.seconds,
                self.history,
                rngs[i],
                self.clock,
            )
            for i in range(n)
        ]

    def now(self) -> float:
        return self.clock[1] - self.clock[0]

    def record(
        self, rnd: int, party: int | None, kind: Kind, outcome: int | None = None, note: str = ""
    ) -> None:
        self.events.append((rnd, self.now(), party, kind, outcome, note))

    def timed(self, party: int) -> float:
        t = time.perf_counter()
        self.clock[1] = t
        return t

    def check_time(self, party: int, started: float) -> None:
        limit = self.deadline.per_call
        took = time.perf_counter() - started
        if limit is not None and took > limit:
            raise _Failure(party, f"took {took:.3f} s, over the {limit} s limit per call")


def run_alternating_offers(
    scenario: Scenario,
    agents: Sequence[Agent],
    *,
    agent_ids: Sequence[str] | None = None,
    deadline: Deadline | None = None,
    seed: int | None = None,
    first: int = 0,
) -> NegotiationResult:
    """Run one negotiation; agent ``i`` plays party ``i`` of the scenario."""
    deadline = deadline or Deadline()
    n = len(scenario.parties)
    if n < 2 or len(agents) != n:
        raise ProtocolError(f"need one agent per party ({n} parties, {len(agents)} agents)")
    if deadline.rounds is None and deadline.seconds is None:
        raise ProtocolError("a negotiation needs a deadline in rounds or seconds")
    if not 0 <= first < n:
        raise ProtocolError(f"first mover {first} is not a party index")
    ids = tuple(agent_ids) if agent_ids is not None else tuple(type(a).__name__ for a in agents)
    s = _Session(scenario, agents, deadline, seed)
    agreement: int | None = None
    reason, failed, rnd = "deadline", None, 0
    try:
        for i in range(n):
            started = s.timed(i)
            try:
                agents[i].start(s.views[i])
            except Exception as exc:
                raise _Failure(i, f"raised {exc!r} in start") from exc
            s.check_time(i, started)
        agreement, reason, rnd = _loop(s, n, first)
    except _Failure as f:
        failed = ids[f.party]
        reason = f"failure: agent {ids[f.party]} ({s.names[f.party]}) {f.reason}"
        rnd = s.views[f.party].round
        s.record(rnd, f.party, "failure", None, f.reason)
    return _result(s, ids, agreement, reason, failed, rnd, seed)


def _loop(s: _Session, n: int, first: int) -> tuple[int | None, str, int]:
    # The hot path, with local names: before each agent call the shared clock is set (agents
    # read it), after it the per-call limit is checked when one is set; events are recorded as
    # plain tuples (stamped with the start of the call that caused them).
    rounds, seconds, per_call = s.deadline.rounds, s.deadline.seconds, s.deadline.per_call
    agents, views, names, size = s.agents, s.views, s.names, s.size
    clock = s.clock
    t0 = clock[0]
    event = s.events.append
    offered = s.history.append
    perf = time.perf_counter
    accept, reject, end = Response.ACCEPT, Response.REJECT, Response.END
    current: int | None = None
    proposer = first
    accepts = 0
    turn = 0
    while True:
        rnd = turn // n
        if rounds is not None and rnd >= rounds:
            s.record(rounds, None, "timeout", None, f"{rounds} rounds")
            return None, "deadline", rounds
        if seconds is not None:
            now = perf()
            clock[1] = now
            if now - t0 >= seconds:
                s.record(rnd, None, "timeout", None, f"{seconds} s")
                return None, "deadline", rnd
        i = (first + turn) % n
        view = views[i]
        view._round = rnd
        agent = agents[i]
        if current is not None:
            started = clock[1] = perf()
            try:
                answer = agent.respond(view, current, names[proposer])
            except Exception as exc:
                raise _Failure(i, f"raised {exc!r} in respond") from exc
            if per_call is not None:
                took = perf() - started
                if took > per_call:
                    raise _Failure(i, f"took {took:.3f} s, over the {per_call} s limit per call")
            if answer is accept:
                event((rnd, started - t0, i, "accept", current, ""))
                accepts += 1
                if accepts == n - 1:
                    event((rnd, started - t0, None, "agreement", current, ""))
                    return current, "agreement", rnd + 1
                turn += 1
                continue
            if answer is end:
                event((rnd, started - t0, i, "end", None, ""))
                return None, f"ended by {names[i]}", rnd + 1
            if answer is not reject:
                raise _Failure(i, f"illegal response {answer!r}")
            event((rnd, started - t0, i, "reject", current, ""))
        started = clock[1] = perf()
        try:
            offer = agent.propose(view)
        except Exception as exc:
            raise _Failure(i, f"raised {exc!r} in propose") from exc
        if per_call is not None:
            took = perf() - started
            if took > per_call:
                raise _Failure(i, f"took {took:.3f} s, over the {per_call} s limit per call")
        if offer is None:
            event((rnd, started - t0, i, "end", None, ""))
            return None, f"ended by {names[i]}", rnd + 1
        if type(offer) is not int:
            if not isinstance(offer, np.integer):
                raise _Failure(i, f"illegal offer {offer!r}: not an outcome index")
            offer = int(offer)
        if not 0 <= offer < size:
            raise _Failure(i, f"illegal offer {offer!r}: not an outcome index")
        offered(OfferRecord(rnd, names[i], offer))
        event((rnd, started - t0, i, "offer", offer, ""))
        current, proposer, accepts = offer, i, 0
        turn += 1


def _result(
    s: _Session,
    ids: tuple[str, ...],
    agreement: int | None,
    reason: str,
    failed: str | None,
    rnd: int,
    seed: int | None,
) -> NegotiationResult:
    t = s.views[0].time
    utilities, discounted = [], []
    for view in s.views:
        p = view.preferences
        u = p.utility(agreement) if agreement is not None else p.reservation
        utilities.append(u)
        discounted.append(u * (p.discount**t) if p.discount is not None else u)
    raw, names = s.events, s.names

    def events() -> tuple[TraceEvent, ...]:
        return events_from_rows(
            (r, tm, names[p] if p is not None else None, k, o, note) for r, tm, p, k, o, note in raw
        )

    outcome = (
        s.scenario.space.decode(s.scenario.space.from_index(agreement))
        if agreement is not None
        else None
    )
    return NegotiationResult(
        scenario=s.scenario.name,
        parties=s.names,
        agents=ids,
        agreement=agreement,
        outcome=outcome,
        utilities=tuple(utilities),
        discounted=tuple(discounted),
        rounds=rnd,
        time=s.now(),
        reason=reason,
        failed=failed,
        seed=seed,
        trace=Trace.deferred(events),
    )
