"""A NegMAS negotiator playing inside accord's alternating offers (``negmas:`` agent specs).

:class:`NegmasAgent` is an accord :class:`~accord.mechanisms.Agent` that hosts one NegMAS
``SAONegotiator``. It gives the negotiator what NegMAS's own ``SAOMechanism`` would, built only
from the agent's sealed view:

* **preferences**: a NegMAS utility function of the view's own preferences
  (:func:`~accord.negmas.ufuns.own_ufun`: accord's utilities exactly, the reservation value as
  ``reserved_value``, the discount as ``ExpDiscountedUFun``) over the scenario's issues
  (:func:`~accord.negmas.outcomes.outcome_space`);
* **a mechanism to join**: a *shadow* ``SAOMechanism`` (:class:`ShadowMechanism`) with one seat
  per party, named after the parties and ordered from the first mover, that is never stepped
  by NegMAS: its state (step, relative time, standing offer and proposer, this round's offers)
  is set from the view before every call. The other seats are empty placeholders — no other
  party's preferences exist on the NegMAS side;
* **time**, aligned with ``SAOMechanism(n_steps=rounds, one_offer_per_step=False)``, which
  calls every negotiator once per step in a fixed order starting with the first: one NegMAS
  step is one accord round (one action of each party, same order), ``state.step`` is accord's
  round, and the relative time a negotiator sees during step ``s`` is NegMAS's
  ``(s + 1) / (n_steps + 1)`` (the larger of that and ``elapsed / time_limit`` under a
  wall-time limit) — not accord's ``round / rounds``. Measured on NegMAS 0.16.0: in
  ``SAOMechanism(n_steps=5)`` negotiators see ``1/6, 2/6, …, 5/6``; the tests check that a
  hosted negotiator makes the same offers, in the same rounds, with the same agreement;
* **the opponent's utility function**, only under the regime "utilities public, reservations
  private" (protocol option ``public_utilities``) and in bilateral runs: the negotiator is
  made with ``private_info={"opponent_ufun": …}``, what the ANL 2024 competition gave its
  agents — the other party's utility function, exact (:func:`~accord.negmas.ufuns.public_ufun`),
  with ``reserved_value`` 0 — so ``negotiator.opponent_ufun`` is set. Without the regime (the
  default), or with more than two parties, ``private_info`` is empty and ``opponent_ufun``
  is ``None``;
* **calls**: NegMAS asks a negotiator once per turn, ``negotiator(state)`` →
  ``SAOResponse(response, counter_offer)``. accord's ``respond`` makes that call and keeps the
  counter-offer for the ``propose`` that follows a rejection; the opening ``propose`` makes it
  with no standing offer. ``ACCEPT_OFFER`` → accept, ``END_NEGOTIATION`` and ``LEAVE`` → end,
  a ``None`` counter-offer → walking away (NegMAS's ``end_on_no_response``); ``WAIT`` and
  ``NO_RESPONSE`` have no accord equivalent and fail the run;
* **callbacks**: ``on_negotiation_start`` (through the shadow's first step), and, from the
  public history before each call, ``on_round_end``/``on_round_start`` for every round passed,
  ``on_partner_response`` (the parties between two offers accepted, the next one rejected) and
  ``on_partner_proposal``. ``on_negotiation_end`` is never called: accord agents are not told
  that a negotiation ended.

NegMAS negotiators enumerate the outcome space, so spaces accord does not enumerate for agents
(over 10^7 outcomes) are refused: the run ends as the agent's recorded failure, not a hang.
NegMAS negotiators draw random numbers from Python's global ``random`` module, which accord
does not seed: a randomised NegMAS negotiator is not reproducible from the run's seed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from negmas.mechanisms import MechanismStepResult
from negmas.sao import ResponseType, SAOMechanism, SAONegotiator, SAOResponse, SAOState

from accord.errors import AgentError
from accord.mechanisms.alternating_offers.agent_role import AgentView, OfferRecord, Response
from accord.negmas.outcomes import OutcomeCodec, outcome_space
from accord.negmas.ufuns import own_ufun, public_ufun

_ENDS = (ResponseType.END_NEGOTIATION, ResponseType.LEAVE)


class ShadowMechanism(SAOMechanism):
    """An ``SAOMechanism`` whose state the hosting agent sets from accord's view: stepping it
    starts the negotiation (callbacks included) and calls nobody; ``time`` is accord's
    elapsed wall time."""

    def __init__(self, elapsed: Callable[[], float], **kwargs: Any):
        super().__init__(**kwargs)
        self.elapsed = elapsed

    @property
    def time(self) -> float:
        return self.elapsed()

    def __call__(self, state: SAOState, action: Any = None) -> MechanismStepResult:
        return MechanismStepResult(self.state, completed=False)


class _Seat(SAONegotiator):
    """Another party's seat in the shadow mechanism: it has no preferences and is never
    asked anything (its moves come from accord's history)."""

    def propose(self, state: SAOState, dest: str | None = None) -> None:
        raise AgentError(self.name, "a placeholder seat is never asked to propose")


class NegmasAgent:
    """An accord agent that plays a NegMAS ``SAONegotiator`` (built by ``factory`` for each
    negotiation); see the module documentation."""

    def __init__(self, factory: Callable[..., Any], label: str):
        self.factory = factory
        self.label = label
        self.negotiator: Any = None
        self.os: Any = None  # the NegMAS outcome space (built at start under public utilities)
        self.mechanism: ShadowMechanism | None = None
        self.codec: OutcomeCodec | None = None
        self.pending: int | None = None  # the counter-offer kept for the next propose
        self.seen = 0  # offers of the history already reported to the negotiator
        self.round = -1  # the last round the negotiator was told had started

    def start(self, view: AgentView) -> None:
        self.mechanism, self.pending, self.seen, self.round = None, None, 0, -1
        self.codec = OutcomeCodec(view.preferences.space)
        self.os = None
        info = self._private_info(view)
        if not info:
            self.negotiator = self.factory()
        elif _takes(self.factory, "private_info"):
            self.negotiator = self.factory(private_info=info)
        else:  # as NegMAS's Negotiator.__init__ would have stored it
            self.negotiator = self.factory()
            self.negotiator.private_info.update(info)

    def _private_info(self, view: AgentView) -> dict[str, Any]:
        """What ANL 2024 put in ``private_info``: the opponent's utility function, when the
        run shows utilities (``view.public_utilities``) and is bilateral; else nothing."""
        public = view.public_utilities
        if public is None or len(view.parties) != 2:
            return {}
        (other,) = (p for p in view.parties if p != view.name)
        self.os = outcome_space(view.preferences.space)
        return {"opponent_ufun": public_ufun(public[other], self.os)}

    # -- accord's calls ------------------------------------------------------------------
    def propose(self, view: AgentView) -> int | None:
        if self.mechanism is not None and self.pending is not None:
            offer, self.pending = self.pending, None
            return offer
        response = self._call(view)
        return self._offer(response)

    def respond(self, view: AgentView, offer: int, proposer: str) -> Response:
        response = self._call(view)
        kind = response.response
        if kind == ResponseType.ACCEPT_OFFER:
            return Response.ACCEPT
        if kind in _ENDS:
            return Response.END
        if kind != ResponseType.REJECT_OFFER:
            raise AgentError(self.label, f"NegMAS response {kind.name} has no accord equivalent")
        counter = self._offer(response)
        if counter is None:
            return Response.END  # rejecting without a counter-offer ends it in NegMAS
        self.pending = counter
        return Response.REJECT

    # -- the NegMAS side -----------------------------------------------------------------
    def _offer(self, response: SAOResponse) -> int | None:
        if response.response in _ENDS or response.outcome is None:
            return None
        if response.response != ResponseType.REJECT_OFFER:
            raise AgentError(self.label, f"NegMAS response {response.response.name} to propose")
        assert self.codec is not None
        return self.codec.index(response.outcome)

    def _open(self, view: AgentView) -> ShadowMechanism:
        """Build the shadow mechanism at the first call (only then is the first mover known)
        and start the negotiator in it."""
        prefs = view.preferences
        if not prefs.enumerated:  # NegMAS negotiators enumerate (and sort) the space
            raise AgentError(
                self.label,
                f"NegMAS negotiators enumerate the outcome space; {prefs.space.size:.3g} "
                "outcomes are too many",
            )
        history = view.history
        first = history[0].party if history else view.name
        k = view.parties.index(first)
        order = view.parties[k:] + view.parties[:k]
        os = self.os if self.os is not None else outcome_space(prefs.space)
        mechanism = ShadowMechanism(
            lambda: view.elapsed,
            outcome_space=os,
            n_steps=view.rounds,
            time_limit=view.seconds if view.seconds else float("inf"),
            name="accord",
        )
        for party in order:
            if party == view.name:
                mechanism.add(self.negotiator, ufun=own_ufun(prefs, os))
            else:
                mechanism.add(_Seat(name=party, id=party))
        mechanism.step()  # starts: on_negotiation_start, on_round_start; calls nobody
        state = mechanism.state
        if state.has_error:  # NegMAS keeps a start-up error in the state instead of raising
            details = str(state.error_details or "an error")
            raise AgentError(self.label, f"failed to start in NegMAS: {details}")
        self.round = 0
        return mechanism

    def _call(self, view: AgentView) -> SAOResponse:
        if self.mechanism is None:
            if self.negotiator is None:
                self.start(view)
            self.mechanism = self._open(view)
        mechanism = self.mechanism
        state = mechanism.state
        history = view.history
        self._rounds(view, state)
        self._news(view, state, history)
        state.step = view.round
        state.time = view.elapsed
        state.relative_time = mechanism.relative_time
        last = history[-1] if history else None
        assert self.codec is not None
        state.current_offer = None if last is None else self.codec.outcome(last.outcome)
        state.current_proposer = None if last is None else last.party
        state.new_offers = [
            (r.party, self.codec.outcome(r.outcome)) for r in history if r.round == view.round
        ]
        state.n_acceptances = 0 if last is None else 1 + self._accepted(view, last)
        own_state = mechanism.state_for(self.negotiator)
        if not _takes_dest(self.negotiator):  # as SAOMechanism: such a negotiator gets none
            result: SAOResponse = self.negotiator(own_state)
            return result
        k = view.parties.index(view.name)
        dest = view.parties[(k + 1) % len(view.parties)]  # as SAOMechanism passes it
        result = self.negotiator(own_state, dest=dest)
        return result

    def _rounds(self, view: AgentView, state: SAOState) -> None:
        while self.round < view.round:
            self.negotiator.on_round_end(state)
            self.round += 1
            state.step = self.round
            self.negotiator.on_round_start(state)

    def _news(self, view: AgentView, state: SAOState, history: Sequence[OfferRecord]) -> None:
        """Report the other parties' offers (and implied responses) since the last call."""
        assert self.codec is not None
        parties, n = view.parties, len(view.parties)
        for k in range(self.seen, len(history)):
            record = history[k]
            if record.party == view.name:
                continue
            if k > 0:
                before = history[k - 1]
                standing = self.codec.outcome(before.outcome)
                p, q = parties.index(before.party), parties.index(record.party)
                for j in range(1, (q - p) % n + 1):  # who acted in between: accepted
                    who = parties[(p + j) % n]
                    if who == view.name:
                        continue
                    rejected = who == record.party  # ... but the one who made this offer
                    self.negotiator.on_partner_response(
                        state=state,
                        partner_id=who,
                        outcome=standing,
                        response=ResponseType.REJECT_OFFER
                        if rejected
                        else ResponseType.ACCEPT_OFFER,
                    )
            self.negotiator.on_partner_proposal(
                state=state, partner_id=record.party, offer=self.codec.outcome(record.outcome)
            )
        self.seen = len(history)

    def _accepted(self, view: AgentView, last: OfferRecord) -> int:
        """How many parties accepted the standing offer since it was made (stacked
        alternating offers: everyone between its proposer and this agent)."""
        parties, n = view.parties, len(view.parties)
        return (parties.index(view.name) - parties.index(last.party)) % n - 1


def _takes(factory: Callable[..., Any], name: str) -> bool:
    """Whether ``factory`` (a class or a partial of one) accepts the keyword ``name``."""
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == name or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def _takes_dest(negotiator: object) -> bool:
    """Whether the negotiator's ``__call__`` accepts ``dest`` (NegMAS 0.16's SAOMechanism calls
    one that does not without it)."""
    try:
        params = inspect.signature(type(negotiator).__call__).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "dest" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
