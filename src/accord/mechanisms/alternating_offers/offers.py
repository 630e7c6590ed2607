"""Alternating offers: bilateral (Rubinstein-style, with a deadline) and multilateral stacked
alternating offers (Aydoğan et al. 2017).

Parties act in turn, starting with the first mover (option ``first``, a party index). The first
acts by proposing; each next party either accepts the standing offer, rejects it and makes a
counter-offer (which becomes the standing offer), or ends the negotiation. An offer passes when
every other party has accepted it in a row — or, under a scenario agreement rule other than
unanimity (:mod:`accord.agreement`), as soon as its proposer and the parties that accepted it in
a row pass the rule (``details`` then say who accepted and who was left out). One **round** is
one action of each party. The negotiation ends at agreement, when a party walks away or fails,
or at the deadline (rounds and/or wall time).

Information: each agent's view holds its own preferences, the public offer history and the
time. With the option ``public_utilities: true`` (the regime "utilities public, reservations
private", :mod:`~accord.mechanisms.alternating_offers.public`) it also holds the other
parties' utility functions, without their reservation values or discounts; off by default.

Trace: ``offer``, ``accept``, ``reject``, ``end`` by the acting party; ``agreement``,
``timeout`` or ``failure`` at the end.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.errors import ParticipantFailure, ProtocolError
from accord.mechanisms.alternating_offers.agent_role import Agent, AgentView, OfferRecord, Response
from accord.mechanisms.alternating_offers.public import PUBLIC_UTILITIES, public_utilities
from accord.mechanisms.own import own_preferences
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.session import Option, ProtocolInfo, Session, too_slow
from accord.mechanisms.sink import TraceSink
from accord.mechanisms.spec import ALTERNATING_OFFERS, Deadline, RunSpec
from accord.scenario import Scenario


class OffersSession(Session):
    """One running negotiation."""

    protocol = ALTERNATING_OFFERS
    party_role = "agent"

    def __init__(
        self,
        scenario: Scenario,
        spec: RunSpec,
        agents: Sequence[Agent],
        first: int,
        public: bool = False,
    ):
        super().__init__(scenario, spec, spec.deadline.rounds)
        n = len(scenario.parties)
        if not 0 <= first < n:
            raise ProtocolError(f"first mover {first} is not a party index")
        self.agents = agents
        self.first = first
        #: under a rule other than unanimity: passing[p][k] says whether an offer of party p
        #: accepted by the k parties after it in turn passes
        self.passing: list[list[bool]] | None = None
        if not self.unanimity:
            order = [[self.names[(p + j) % n] for j in range(n)] for p in range(n)]
            self.passing = [[self.passes(row[: k + 1]) for k in range(n)] for row in order]
        self.accepting: list[str] | None = None
        self.history: list[OfferRecord] = []
        prefs = [own_preferences(scenario, i) for i in range(n)]
        self.own = list(prefs)
        self.views = [
            AgentView(
                prefs[i],
                self.names,
                self.clock,
                self.history,
                self.seeds.party_seed(i),
                public_utilities(scenario, i) if public else None,
            )
            for i in range(n)
        ]

    def play(self) -> NegotiationResult:
        agreement: int | None = None
        reason, rnd, failure = "deadline", 0, None
        try:
            for i, agent in enumerate(self.agents):
                self.call(i, "start", agent.start, self.views[i])
            agreement, reason, rnd = self.loop()
        except ParticipantFailure as error:
            failure = self.record_failure(error)
            rnd = self.clock.round
        return self.result(agreement, reason, rnd, failure, self.rule_details(self.accepting))

    def loop(self) -> tuple[int | None, str, int]:
        # The hot path, with local names. It inlines Session.call (the guarded call: an
        # exception or a call over the per-call limit is the agent's failure) and
        # Session.record (rows stamped with the start of the call that caused them; ``event``
        # is list.append, or TraceSink.append when the trace is streamed).
        n, first = len(self.agents), self.first
        rounds, seconds, per_call = (
            self.deadline.rounds,
            self.deadline.seconds,
            self.deadline.per_call,
        )
        agents, views, names, size = self.agents, self.views, self.names, self.size
        clock = self.clock
        t0 = clock.t0
        event = self.rows.append
        offered = self.history.append
        perf = time.perf_counter
        fail = self.failure
        accept, reject, end = Response.ACCEPT, Response.REJECT, Response.END
        current: int | None = None
        proposer = first
        accepts = 0
        turn = 0
        passing = self.passing
        while True:
            rnd = turn // n
            if rounds is not None and rnd >= rounds:
                self.record(None, "timeout", None, f"{rounds} rounds", round=rounds)
                return None, "deadline", rounds
            if seconds is not None and perf() - t0 >= seconds:
                self.record(None, "timeout", None, f"{seconds} s", round=rnd)
                return None, "deadline", rnd
            i = (first + turn) % n
            clock.round = rnd
            view = views[i]
            agent = agents[i]
            if current is not None:
                started = perf()
                try:
                    answer = agent.respond(view, current, names[proposer])
                except Exception as exc:
                    raise fail(i, f"raised {exc!r} in respond") from exc
                if per_call is not None:
                    took = perf() - started
                    if took > per_call:
                        raise fail(i, too_slow(took, "respond", per_call))
                if answer is accept:
                    event((rnd, started - t0, names[i], "accept", current, "", None))
                    accepts += 1
                    if accepts == n - 1 or (passing is not None and passing[proposer][accepts]):
                        event((rnd, started - t0, None, "agreement", current, "", None))
                        if passing is not None:
                            self.accepting = [names[(proposer + j) % n] for j in range(accepts + 1)]
                        return current, "agreement", rnd + 1
                    turn += 1
                    continue
                if answer is end:
                    event((rnd, started - t0, names[i], "end", None, "", None))
                    return None, f"ended by {names[i]}", rnd + 1
                if answer is not reject:
                    raise fail(i, f"illegal response {answer!r}")
                event((rnd, started - t0, names[i], "reject", current, "", None))
            started = perf()
            try:
                offer = agent.propose(view)
            except Exception as exc:
                raise fail(i, f"raised {exc!r} in propose") from exc
            if per_call is not None:
                took = perf() - started
                if took > per_call:
                    raise fail(i, too_slow(took, "propose", per_call))
            if offer is None:
                event((rnd, started - t0, names[i], "end", None, "", None))
                return None, f"ended by {names[i]}", rnd + 1
            if type(offer) is not int:
                if not isinstance(offer, np.integer) or isinstance(offer, bool):
                    raise fail(i, f"illegal offer {offer!r}: not an outcome index")
                offer = int(offer)
            if not 0 <= offer < size:
                raise fail(i, f"illegal offer {offer!r}: not an outcome index")
            offered(OfferRecord(rnd, names[i], offer))
            event((rnd, started - t0, names[i], "offer", offer, "", None))
            current, proposer, accepts = offer, i, 0
            turn += 1


def play(
    scenario: Scenario,
    spec: RunSpec,
    parties: Sequence[Any],
    mediators: Sequence[Any],
    options: dict[str, Any],
    sink: TraceSink | None = None,
) -> NegotiationResult:
    """Run one negotiation; agent ``i`` plays party ``i`` of the scenario (streaming its rows
    to ``sink`` if given)."""
    if spec.deadline.rounds is None and spec.deadline.seconds is None:
        raise ProtocolError("a negotiation needs a deadline in rounds or seconds")
    public = bool(options[PUBLIC_UTILITIES])
    session = OffersSession(scenario, spec, parties, int(options["first"]), public)
    return session.stream_to(sink).play()


PROTOCOL = ProtocolInfo(
    name=ALTERNATING_OFFERS,
    summary="parties take turns to offer, accept or walk away (bilateral or stacked multilateral)",
    party_role="agent",
    party_interface=Agent,
    mediator_interface=None,
    mediators=(0, 0),
    default_rounds=1000,
    options=(
        Option("first", int, 0, "index of the party that moves first"),
        Option(
            PUBLIC_UTILITIES,
            bool,
            False,
            "utilities public, reservations private: each agent also sees the other parties' "
            "utility functions (not their reservation values or discounts)",
        ),
    ),
    play=play,
)


def run_alternating_offers(
    scenario: Scenario,
    agents: Sequence[Agent],
    *,
    agent_ids: Sequence[str] | None = None,
    deadline: Deadline | None = None,
    seed: int | None = None,
    first: int = 0,
    public_utilities: bool = False,
) -> NegotiationResult:
    """Run one negotiation between agent objects (agent ``i`` plays party ``i``) through the
    run contract: the same as :func:`accord.run` with these objects as the participants
    (``public_utilities``: the protocol option of that name)."""
    ids = tuple(agent_ids) if agent_ids is not None else tuple(type(a).__name__ for a in agents)
    spec = RunSpec(
        scenario.name,
        ids,
        ALTERNATING_OFFERS,
        deadline=deadline or Deadline(),
        seed=seed,
        options={"first": first, PUBLIC_UTILITIES: True} if public_utilities else {"first": first},
    )
    return PROTOCOL.run(spec, scenario, agents)
