"""An accord agent playing inside NegMAS (its ``SAOMechanism`` and tournaments).

:func:`negotiator` (or :class:`AccordNegotiator` directly) gives a NegMAS ``SAONegotiator``
that plays any accord agent spec (``"conceder"``, ``"aspiration:curve=linear"``, even a
``negmas:`` spec). The accord agent gets its usual sealed :class:`AgentView`, built only from
what NegMAS gives this negotiator:

* **its own preferences**: a one-party accord scenario over the NegMAS outcome space (each
  contiguous integer issue an integer issue, any other discrete issue a categorical one, values
  in NegMAS's order) whose utility evaluates this negotiator's own NegMAS ufun
  (:class:`NegmasUtility`), the ufun's ``reserved_value`` as reservation, and the discount of
  an ``ExpDiscountedUFun`` (factor ``relative_time``) as discount. Nothing of another party;
* **time**: the view's round is NegMAS's ``state.step`` and its rounds NegMAS's ``n_steps``
  (``time_limit`` as wall seconds), so the agent sees accord's ``round / rounds`` clock exactly
  as it would in accord — one NegMAS step is one accord round;
* **history**: the offers this negotiator saw (``on_partner_proposal``) and made, as accord
  offer records (party = NegMAS negotiator id), in order.

NegMAS asks ``respond`` then (after a rejection) ``propose`` in one turn, as accord does; an
accord agent's ``None`` offer is NegMAS's refusal to offer, which ends the negotiation
(``end_on_no_response``). NegMAS issues without a finite list of values (continuous) are not
supported: discretise them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from negmas.outcomes import ContiguousIssue
from negmas.preferences import BaseUtilityFunction, ExpDiscountedUFun
from negmas.sao import ResponseType, SAONegotiator, SAOState

from accord.errors import AgentError
from accord.mechanisms.alternating_offers.agent_role import Agent, AgentView, OfferRecord, Response
from accord.mechanisms.own import own_preferences
from accord.mechanisms.session import Clock
from accord.negmas.outcomes import OutcomeCodec
from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Issue
from accord.outcomes.space import OutcomeSpace
from accord.registry import AGENTS, make_agent
from accord.scenario import Party, Scenario

_RESPONSES = {
    Response.ACCEPT: ResponseType.ACCEPT_OFFER,
    Response.REJECT: ResponseType.REJECT_OFFER,
    Response.END: ResponseType.END_NEGOTIATION,
}


def accord_space(os: Any) -> OutcomeSpace:
    """accord's outcome space of a NegMAS Cartesian outcome space (same issues and values,
    same order)."""
    issues: list[Issue] = []
    for issue in getattr(os, "issues", ()):
        if isinstance(issue, ContiguousIssue) and getattr(issue, "step", 1) == 1:
            issues.append(IntegerIssue(issue.name, int(issue.min_value), int(issue.max_value)))
        elif issue.is_discrete():
            issues.append(DiscreteIssue(issue.name, tuple(issue.all)))
        else:
            raise AgentError(
                str(issue.name), "accord agents need discrete NegMAS issues: discretise it"
            )
    return OutcomeSpace(tuple(issues))


@dataclass(frozen=True, slots=True)
class NegmasUtility:
    """An accord utility function (digits → utilities) evaluating a NegMAS ufun."""

    ufun: BaseUtilityFunction
    space: OutcomeSpace
    codec: OutcomeCodec = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "codec", OutcomeCodec(self.space))

    def evaluate(self, space: OutcomeSpace, digits: np.ndarray) -> np.ndarray:
        d = np.atleast_2d(digits)
        values, ufun = self.codec.values, self.ufun
        return np.array([float(ufun(values(row))) for row in d.tolist()], dtype=float)


def own_scenario(ufun: BaseUtilityFunction, os: Any, name: str) -> Scenario:
    """A one-party accord scenario holding a NegMAS negotiator's own preferences."""
    space = accord_space(os)
    discount = None
    base = ufun
    if isinstance(ufun, ExpDiscountedUFun) and ufun.factor == "relative_time":
        discount = ufun.discount if ufun.discount not in (None, 1.0) else None
        base = ufun.ufun
    reserved = float(ufun.reserved_value)
    party = Party(
        name, NegmasUtility(base, space), reservation=reserved, discount=discount, source="negmas"
    )
    return Scenario(name=f"negmas:{name}", space=space, parties=(party,))


class AccordNegotiator(SAONegotiator):
    """A NegMAS negotiator playing the accord agent ``spec`` (see the module documentation).
    ``seed`` seeds the agent's own generator (``view.rng``)."""

    def __init__(self, spec: str = "boulware", *, seed: int | None = None, **kwargs: Any):
        kwargs.setdefault("name", spec)
        super().__init__(**kwargs)
        self.spec = spec
        self.seed = seed
        self.agent: Agent | None = None
        self.view: AgentView | None = None
        self.clock: Clock | None = None
        self.history: list[OfferRecord] = []
        self.codec: OutcomeCodec | None = None

    def on_negotiation_start(self, state: SAOState) -> None:
        super().on_negotiation_start(state)
        if self.ufun is None:
            raise AgentError(self.spec, "an accord agent needs a NegMAS ufun")
        nmi = self.nmi
        scenario = own_scenario(self.ufun, nmi.outcome_space, self.id)
        prefs = own_preferences(scenario, 0)
        limit = nmi.time_limit
        seconds = float(limit) if limit is not None and limit != float("inf") else None
        self.clock = Clock(nmi.n_steps, seconds)
        self.clock.t0 -= float(state.time or 0.0)
        self.history = []
        self.codec = OutcomeCodec(scenario.space)
        parties = tuple(nmi.negotiator_ids)
        seed = np.random.SeedSequence(self.seed)
        self.view = AgentView(prefs, parties, self.clock, self.history, seed)
        self.agent = make_agent(self.spec)
        self.agent.start(self.view)

    def on_partner_proposal(self, state: SAOState, partner_id: str, offer: Any) -> None:
        super().on_partner_proposal(state, partner_id, offer)
        if self.codec is not None and offer is not None:
            self.history.append(OfferRecord(state.step, partner_id, self.codec.index(offer)))

    def _ready(self, state: SAOState) -> tuple[Agent, AgentView]:
        if self.agent is None or self.view is None or self.clock is None:
            raise AgentError(self.spec, "asked to act before the negotiation started")
        self.clock.round = int(state.step)
        return self.agent, self.view

    def propose(self, state: SAOState, dest: str | None = None) -> tuple[Any, ...] | None:
        agent, view = self._ready(state)
        offer = agent.propose(view)
        if offer is None:
            return None
        assert self.codec is not None
        index = int(offer)
        self.history.append(OfferRecord(int(state.step), self.id, index))
        return self.codec.outcome(index)

    def respond(self, state: SAOState, source: str | None = None) -> ResponseType:
        agent, view = self._ready(state)
        offer = state.current_offer
        if offer is None:
            return ResponseType.REJECT_OFFER
        assert self.codec is not None
        proposer = state.current_proposer or source or ""
        answer = agent.respond(view, self.codec.index(offer), proposer)
        if answer not in _RESPONSES:
            raise AgentError(self.spec, f"illegal response {answer!r}")
        return _RESPONSES[answer]


def negotiator(spec: str, *, seed: int | None = None, **kwargs: Any) -> AccordNegotiator:
    """A NegMAS ``SAONegotiator`` playing the accord agent ``spec`` (checked now: an unknown
    spec raises :class:`~accord.errors.AgentError` here, not in the mechanism)."""
    AGENTS.info(spec)
    return AccordNegotiator(spec, seed=seed, **kwargs)
