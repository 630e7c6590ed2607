"""Single-text mediation (Raiffa's single negotiating text; Klein et al. 2003).

A mediator holds one text (an outcome). Each **round** it proposes a change; every party votes
on replacing the text by the proposal; the text moves when every party accepts. A mediator may
also adopt a proposal without unanimity (the annealing mediator of Klein, Faratin, Sayama &
Bar-Yam does, with a probability that falls as it cools); the trace says when it did. After the
last round the text is the agreement if every party's utility of it is at least its reservation
value, and there is no agreement otherwise.

The mediator sees the space's structure, the text, its proposals and the votes, never a
utility (:class:`~accord.mechanisms.mediation.MediatorView`); a voter sees only its own
preferences (:class:`~accord.mechanisms.mediation.VoterView`). A mediator or voter that raises,
answers illegally or is too slow ends the negotiation as a recorded failure.

Trace: a ``proposal`` by the mediator (to every party: no ``recipient``); each party's ``vote``
on it (note ``accept`` or ``reject``, ``recipient`` = the mediator); an ``event`` when the text
moves (note ``text moved``, or ``text moved by the mediator (…)`` without unanimity); at the
end ``agreement`` or ``end`` (with the reason).

References: H. Raiffa (1982), *The Art and Science of Negotiation*, Harvard University Press;
M. Klein, P. Faratin, H. Sayama, Y. Bar-Yam (2003), "Negotiating complex contracts", Group
Decision and Negotiation 12:111–125.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from accord.errors import ProtocolError
from accord.mechanisms.mediation import (
    ActorFailure,
    MediatorView,
    OwnUtility,
    ProposalRecord,
    SingleTextMediator,
    Voter,
    VoterView,
    _Clock,
    checked_call,
)
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.trace import Kind, Trace, TraceEvent
from accord.scenario import Scenario

_RawEvent = tuple[int, float, int | None, Kind, int | None, str, bool]
_MEDIATOR = -1  # actor id of the mediator inside a session


class _Session:
    """State of one running single-text negotiation (private to this module)."""

    def __init__(
        self,
        scenario: Scenario,
        mediator: SingleTextMediator,
        voters: Sequence[Voter],
        rounds: int,
        seed: int | None,
        initial: int | None,
    ):
        n = len(scenario.parties)
        self.scenario = scenario
        self.mediator = mediator
        self.voters = voters
        self.names = scenario.party_names
        self.size = scenario.space.size or 0
        self.events: list[_RawEvent] = []
        self.t0 = time.perf_counter()
        self.clock = _Clock(rounds)
        text_ss, mediator_ss, *voter_ss = np.random.SeedSequence(seed).spawn(n + 2)
        if initial is None:
            digits = scenario.space.sample(np.random.default_rng(text_ss), 1)[0]
            initial = scenario.space.to_index(digits)
        elif not isinstance(initial, int | np.integer) or not 0 <= int(initial) < self.size:
            raise ProtocolError(f"initial text {initial!r} is not an outcome index")
        self.text = int(initial)
        self.initial = self.text
        self.mview = MediatorView(
            scenario.space, self.names, self.clock, np.random.default_rng(mediator_ss), self.text
        )
        self.vviews = [
            VoterView(OwnUtility(scenario, i), self.names, self.clock, np.random.default_rng(ss))
            for i, ss in enumerate(voter_ss)
        ]
        self.proposals = self.unanimous = self.adopted = 0
        self.accepts = [0] * n

    def record(
        self,
        actor: int | None,
        kind: Kind,
        outcome: int | None = None,
        note: str = "",
        to_mediator: bool = False,
    ) -> None:
        now = time.perf_counter() - self.t0
        self.events.append((self.clock.round, now, actor, kind, outcome, note, to_mediator))

    def call(self, actor: int, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        return checked_call(actor, what, fn, *args)

    def start(self) -> None:
        self.call(_MEDIATOR, "start", self.mediator.start, self.mview)
        for i, voter in enumerate(self.voters):
            self.call(i, "start", voter.start, self.vviews[i])

    def step(self) -> None:
        """One round: a proposal, every party's vote, the mediator's decision."""
        proposal = self.call(_MEDIATOR, "propose", self.mediator.propose, self.mview)
        if isinstance(proposal, bool) or not isinstance(proposal, int | np.integer):
            raise ActorFailure(_MEDIATOR, f"illegal proposal {proposal!r}: not an outcome index")
        if not 0 <= int(proposal) < self.size:
            raise ActorFailure(_MEDIATOR, f"illegal proposal {proposal!r}: outside the space")
        proposal = int(proposal)
        self.proposals += 1
        self.record(_MEDIATOR, "proposal", proposal)
        votes = []
        for i, voter in enumerate(self.voters):
            vote = self.call(i, "vote", voter.vote, self.vviews[i], self.text, proposal)
            if not isinstance(vote, bool | np.bool_):
                raise ActorFailure(i, f"illegal vote {vote!r}: not a bool")
            votes.append(bool(vote))
            self.accepts[i] += bool(vote)
            self.record(i, "vote", proposal, "accept" if vote else "reject", to_mediator=True)
        self._decide(proposal, tuple(votes))

    def _decide(self, proposal: int, votes: tuple[bool, ...]) -> None:
        unanimous = all(votes)
        self.mview._history.append(ProposalRecord(self.clock.round, proposal, votes, False))
        adopt = self.call(_MEDIATOR, "observe", self.mediator.observe, self.mview, unanimous)
        if adopt is not None and not isinstance(adopt, bool | np.bool_):
            raise ActorFailure(_MEDIATOR, f"illegal answer {adopt!r} from observe: not a bool")
        moved = unanimous or bool(adopt)
        if moved:
            self.mview._history[-1] = ProposalRecord(self.clock.round, proposal, votes, True)
            self.text = proposal
            self.mview._text = proposal
            if unanimous:
                self.unanimous += 1
                self.record(None, "event", proposal, "text moved")
            else:
                self.adopted += 1
                rejected = len(votes) - sum(votes)
                note = f"text moved by the mediator ({rejected} of {len(votes)} rejected)"
                self.record(_MEDIATOR, "event", proposal, note)


def run_single_text(
    scenario: Scenario,
    mediator: SingleTextMediator,
    parties: Sequence[Voter],
    *,
    rounds: int = 1000,
    seed: int | None = None,
    mediator_id: str | None = None,
    party_ids: Sequence[str] | None = None,
    initial: int | None = None,
) -> NegotiationResult:
    """Run single-text mediation for ``rounds`` rounds; voter ``i`` plays party ``i``.

    ``initial`` is the first text (default: a uniformly random outcome drawn from ``seed``).
    Works for any number of parties ≥ 2 and spaces of any size (nothing is enumerated).
    """
    n = len(scenario.parties)
    if n < 2 or len(parties) != n:
        raise ProtocolError(f"need one voter per party ({n} parties, {len(parties)} voters)")
    if rounds < 1:
        raise ProtocolError(f"single-text mediation needs at least one round, got {rounds}")
    if scenario.space.is_continuous:
        raise ProtocolError(f"scenario {scenario.name!r} is continuous: discretise it first")
    ids = tuple(party_ids) if party_ids is not None else tuple(type(p).__name__ for p in parties)
    if len(ids) != n:
        raise ProtocolError(f"{len(ids)} party ids for {n} parties")
    med_id = mediator_id if mediator_id is not None else type(mediator).__name__
    s = _Session(scenario, mediator, parties, rounds, seed, initial)
    failed: str | None = None
    try:
        s.start()
        for rnd in range(rounds):
            s.clock.round = rnd
            s.step()
        s.clock.round = rounds
        agreement, reason = _close(s)
    except ActorFailure as f:
        who = f"mediator {med_id}" if f.actor == _MEDIATOR else f"party {ids[f.actor]}"
        failed = med_id if f.actor == _MEDIATOR else ids[f.actor]
        where = "" if f.actor == _MEDIATOR else f" ({s.names[f.actor]})"
        reason = f"failure: {who}{where} {f.reason}"
        s.record(f.actor, "failure", None, f.reason)
        agreement = None
    return _result(s, ids, med_id, agreement, reason, failed, seed)


def _close(s: _Session) -> tuple[int | None, str]:
    """Agreement iff every party values the final text at least at its reservation value."""
    below = [
        view.name
        for view in s.vviews
        if view.preferences.utility(s.text) < view.preferences.reservation
    ]
    if below:
        note = f"final text below the reservation value of {', '.join(below)}"
        s.record(None, "end", s.text, note)
        return None, f"no agreement: {note}"
    s.record(None, "agreement", s.text)
    return s.text, "agreement"


def _result(
    s: _Session,
    ids: tuple[str, ...],
    med_id: str,
    agreement: int | None,
    reason: str,
    failed: str | None,
    seed: int | None,
) -> NegotiationResult:
    utilities, discounted = [], []
    for view in s.vviews:
        p = view.preferences
        u = p.utility(agreement) if agreement is not None else p.reservation
        utilities.append(u)
        discounted.append(u * (p.discount**view.time) if p.discount is not None else u)

    def who(actor: int | None) -> str | None:
        return None if actor is None else med_id if actor == _MEDIATOR else s.names[actor]

    events = tuple(
        TraceEvent(r, tm, who(a), k, o, note, med_id if to_med else None)
        for r, tm, a, k, o, note, to_med in s.events
    )
    space = s.scenario.space
    details = {
        "protocol": "single-text",
        "initial_text": s.initial,
        "final_text": s.text,
        "proposals": s.proposals,
        "accepted": s.unanimous,
        "adopted_without_unanimity": s.adopted,
        "accepts_by_party": dict(zip(s.names, s.accepts, strict=True)),
    }
    return NegotiationResult(
        scenario=s.scenario.name,
        parties=s.names,
        agents=ids,
        agreement=agreement,
        outcome=space.decode(space.from_index(agreement)) if agreement is not None else None,
        utilities=tuple(utilities),
        discounted=tuple(discounted),
        rounds=s.clock.round,
        time=time.perf_counter() - s.t0,
        reason=reason,
        failed=failed,
        seed=seed,
        trace=Trace(events),
        mediator=med_id,
        details=details,
    )
