"""Single-text mediation (Raiffa's single negotiating text; Klein et al. 2003).

A mediator holds one text (an outcome). Each **round** it proposes a change; every party votes
on replacing the text by the proposal; the text moves when the votes pass the scenario's
agreement rule (:mod:`accord.agreement`; by default every party must accept). A mediator may
also adopt a proposal the votes do not pass (the annealing mediator of Klein, Faratin, Sayama &
Bar-Yam does, with a probability that falls as it cools); the trace says when it did. After the
last round the text is the agreement if the parties whose utility of it is at least their
reservation value pass the rule, and there is no agreement otherwise; under a rule other than
unanimity ``details`` say who accepted it and who was left out.

The mediator sees the space's structure, the text, its proposals and the votes, never a
utility (:class:`~accord.mechanisms.single_text.text_roles.MediatorView`); a voter sees only its
own preferences (:class:`~accord.mechanisms.single_text.text_roles.VoterView`). A mediator or
voter that raises, answers illegally or is too slow ends the run as a recorded failure. The
initial text (option ``initial``, default the scenario's opening text, else a uniformly random
outcome, the mechanism's draw of the seed layout: :mod:`accord.mechanisms.session`).

Trace: a ``proposal`` by the mediator (to every party: no ``recipient``); each party's ``vote``
on it (note ``accept`` or ``reject``, ``recipient`` = the mediator); an ``event`` when the text
moves (note ``text moved``, or ``text moved by the mediator (…)`` without unanimity); at the
end ``agreement`` or ``end`` (with the reason).

References: H. Raiffa (1982), *The Art and Science of Negotiation*, Harvard University Press;
M. Klein, P. Faratin, H. Sayama, Y. Bar-Yam (2003), "Negotiating complex contracts", Group
Decision and Negotiation 12:111–125.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.errors import ParticipantFailure, ProtocolError
from accord.mechanisms.own import OwnUtility
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.session import Option, ProtocolInfo, Session, mediator_seat
from accord.mechanisms.single_text.text_roles import (
    MediatorView,
    ProposalRecord,
    SingleTextMediator,
    TextState,
    Voter,
    VoterView,
)
from accord.mechanisms.sink import TraceSink
from accord.mechanisms.spec import SINGLE_TEXT, Deadline, RunSpec
from accord.scenario import Scenario

_MEDIATOR = mediator_seat(0)


class TextSession(Session):
    """One running single-text mediation."""

    protocol = SINGLE_TEXT

    def __init__(
        self,
        scenario: Scenario,
        spec: RunSpec,
        mediator: SingleTextMediator,
        voters: Sequence[Voter],
        initial: int | None,
    ):
        rounds = spec.deadline.rounds
        super().__init__(scenario, spec, rounds, spec.mediators)
        self.mediator = mediator
        self.voters = voters
        own = [OwnUtility(scenario, i) for i in range(len(self.names))]
        self.own = list(own)
        space = scenario.space
        if initial is None:
            initial = scenario.opening_index
        if initial is None:
            digits = space.sample(np.random.default_rng(self.seeds.mechanism()), 1)[0]
            initial = space.to_index(digits)
        elif not 0 <= int(initial) < self.size:
            raise ProtocolError(f"initial text {initial!r} is not an outcome index")
        self.initial = int(initial)
        self.state = TextState(self.initial)
        self.mview = MediatorView(
            space, self.names, self.clock, self.seeds.mediator(0), self.state, scenario.rule
        )
        self.vviews = [
            VoterView(own[i], self.names, self.clock, self.seeds.party(i))
            for i in range(len(self.names))
        ]
        self.proposals = self.unanimous = self.adopted = 0
        self.accepting: list[str] | None = None  # who accepts the agreement (set at the end)
        self.accepts = [0] * len(self.names)

    @property
    def mediator_name(self) -> str:
        return self.mediator_names[0]

    def play(self) -> NegotiationResult:
        failure = None
        agreement: int | None = None
        reason = "deadline"
        try:
            self.call(_MEDIATOR, "start", self.mediator.start, self.mview)
            for i, voter in enumerate(self.voters):
                self.call(i, "start", voter.start, self.vviews[i])
            rnd = 0
            while (self.clock.rounds is None or rnd < self.clock.rounds) and not (
                self.clock.out_of_time()
            ):
                self.clock.round = rnd
                self.step()
                rnd += 1
            self.clock.round = rnd
            agreement, reason = self.close()
        except ParticipantFailure as error:
            failure = self.record_failure(error)
        return self.result(agreement, reason, self.clock.round, failure, self.details())

    def step(self) -> None:
        """One round: a proposal, every party's vote, the mediator's decision."""
        proposal = self.call(_MEDIATOR, "propose", self.mediator.propose, self.mview)
        if isinstance(proposal, bool) or not isinstance(proposal, int | np.integer):
            raise self.failure(_MEDIATOR, f"illegal proposal {proposal!r}: not an outcome index")
        if not 0 <= int(proposal) < self.size:
            raise self.failure(_MEDIATOR, f"illegal proposal {proposal!r}: outside the space")
        proposal = int(proposal)
        self.proposals += 1
        self.record(self.mediator_name, "proposal", proposal)
        votes = []
        for i, voter in enumerate(self.voters):
            vote = self.call(i, "vote", voter.vote, self.vviews[i], self.state.text, proposal)
            if not isinstance(vote, bool | np.bool_):
                raise self.failure(i, f"illegal vote {vote!r}: not a bool")
            votes.append(bool(vote))
            self.accepts[i] += bool(vote)
            note = "accept" if vote else "reject"
            self.record(self.names[i], "vote", proposal, note, self.mediator_name)
        self.decide(proposal, tuple(votes))

    def decide(self, proposal: int, votes: tuple[bool, ...]) -> None:
        passed = self.passes([n for n, v in zip(self.names, votes, strict=True) if v])
        rnd = self.clock.round
        history = self.state.history
        history.append(ProposalRecord(rnd, proposal, votes, False))
        adopt = self.call(_MEDIATOR, "observe", self.mediator.observe, self.mview, passed)
        if adopt is not None and not isinstance(adopt, bool | np.bool_):
            raise self.failure(_MEDIATOR, f"illegal answer {adopt!r} from observe: not a bool")
        if not (passed or bool(adopt)):
            return
        history[-1] = ProposalRecord(rnd, proposal, votes, True)
        self.state.text = proposal
        if passed:
            self.unanimous += 1
            rejected = len(votes) - sum(votes)
            note = "text moved" + (f" ({rejected} of {len(votes)} rejected)" if rejected else "")
            self.record(None, "event", proposal, note)
        else:
            self.adopted += 1
            rejected = len(votes) - sum(votes)
            note = f"text moved by the mediator ({rejected} of {len(votes)} rejected)"
            self.record(self.mediator_name, "event", proposal, note)

    def close(self) -> tuple[int | None, str]:
        """Agreement iff the parties that value the final text at least at their reservation
        value pass the agreement rule (by default: every party)."""
        text = self.state.text
        below = [own.name for own in self.own if own.utility(text) < own.reservation]
        accepting = [n for n in self.names if n not in below]
        if not self.passes(accepting):
            note = f"final text below the reservation value of {', '.join(below)}"
            if not self.unanimity:
                note += f" (the rule needs {self.rule.describe(self.names)})"
            self.record(None, "end", text, note)
            return None, f"no agreement: {note}"
        self.record(None, "agreement", text)
        self.accepting = accepting
        return text, "agreement"

    def details(self) -> dict[str, Any]:
        return {
            "protocol": SINGLE_TEXT,
            "initial_text": self.initial,
            "final_text": self.state.text,
            "proposals": self.proposals,
            "accepted": self.unanimous,
            "adopted_without_unanimity": self.adopted,
            "accepts_by_party": dict(zip(self.names, self.accepts, strict=True)),
            **self.rule_details(self.accepting),
        }


def play(
    scenario: Scenario,
    spec: RunSpec,
    parties: Sequence[Any],
    mediators: Sequence[Any],
    options: dict[str, Any],
    sink: TraceSink | None = None,
) -> NegotiationResult:
    initial = options["initial"]
    return TextSession(scenario, spec, mediators[0], parties, initial).stream_to(sink).play()


PROTOCOL = ProtocolInfo(
    name=SINGLE_TEXT,
    summary="a mediator amends one negotiating text; the parties vote on each change",
    party_role="party",
    party_interface=Voter,
    mediator_interface=SingleTextMediator,
    mediators=(1, 1),
    default_rounds=1000,
    options=(Option("initial", int, None, "the first text (default: a random outcome)"),),
    play=play,
)


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
    per_call: float | None = 5.0,
) -> NegotiationResult:
    """Run single-text mediation between participant objects (voter ``i`` plays party ``i``)
    through the run contract, for ``rounds`` rounds. Works for any number of parties ≥ 2 and
    spaces of any size (nothing is enumerated)."""
    ids = tuple(party_ids) if party_ids is not None else tuple(type(p).__name__ for p in parties)
    med_id = mediator_id if mediator_id is not None else type(mediator).__name__
    if len(ids) != len(parties):
        raise ProtocolError(f"{len(ids)} party ids for {len(parties)} parties")
    options = {} if initial is None else {"initial": int(initial)}
    spec = RunSpec(
        scenario.name,
        ids,
        SINGLE_TEXT,
        mediators=(med_id,),
        deadline=Deadline(rounds=rounds, per_call=per_call),
        seed=seed,
        options=options,
    )
    return PROTOCOL.run(spec, scenario, parties, [mediator])
