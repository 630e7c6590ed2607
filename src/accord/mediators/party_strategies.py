"""Built-in strategies of parties in mediated protocols: how a party votes on a single text
(``truthful``, ``hard``, ``annealing-voter``) and how it answers a caucus mediator's private
questions (``truthful``, ``guarded``; ``pressured`` is in :mod:`accord.mediators.pressured`)."""

from __future__ import annotations

import math

from accord.mechanisms.caucus import Answer, PartyView, Query, refusal
from accord.mechanisms.single_text import VoterView
from accord.mechanisms.spec import CAUCUS, SINGLE_TEXT
from accord.mediators.answers import truthful_answer
from accord.mediators.text_mediators import temperature
from accord.registry import register_party


@register_party("truthful", protocols=(SINGLE_TEXT, CAUCUS))
class TruthfulVoter:
    """Votes for a proposal iff it is worth at least as much to it as the current text.

    Reference: M. Klein, P. Faratin, H. Sayama, Y. Bar-Yam (2003), "Negotiating complex
    contracts", Group Decision and Negotiation 12:111-125 (the hill-climbing agent).
    """

    def start(self, view: VoterView) -> None:
        pass

    def vote(self, view: VoterView, current: int, proposal: int) -> bool:
        p = view.preferences
        return p.utility(proposal) >= p.utility(current)

    def answer(self, view: PartyView, query: Query) -> Answer:
        """Caucus mediation: answers every query truthfully (see :func:`truthful_answer`)."""
        return truthful_answer(view, query)


@register_party("hard", protocols=(SINGLE_TEXT,))
class HardVoter:
    """Votes only for strict improvements that are worth at least its reservation value.

    Reference: M. Klein, P. Faratin, H. Sayama, Y. Bar-Yam (2003), "Negotiating complex
    contracts", Group Decision and Negotiation 12:111-125 (the hill-climber that exploits
    annealers).
    """

    def start(self, view: VoterView) -> None:
        pass

    def vote(self, view: VoterView, current: int, proposal: int) -> bool:
        p = view.preferences
        u = p.utility(proposal)
        return u > p.utility(current) and u >= p.reservation


@register_party("annealing-voter", protocols=(SINGLE_TEXT,))
class AnnealingVoter:
    """Accepts worse proposals with probability exp(-Δu/T); T cools linearly to 0.

    Always votes for a proposal worth at least the current text; votes for one worth ``Δu``
    less with probability ``exp(-Δu/T)``, the temperature ``T`` falling linearly from ``t0`` at
    the start to 0 at relative time ``cooling`` (after that it votes truthfully).

    Reference: M. Klein, P. Faratin, H. Sayama, Y. Bar-Yam (2003), "Negotiating complex
    contracts", Group Decision and Negotiation 12:111-125 (the annealing agent).
    """

    def __init__(self, t0: float = 0.05, cooling: float = 0.8):
        self.t0 = float(t0)
        self.cooling = float(cooling)

    def start(self, view: VoterView) -> None:
        pass

    def vote(self, view: VoterView, current: int, proposal: int) -> bool:
        p = view.preferences
        loss = p.utility(current) - p.utility(proposal)
        if loss <= 0:
            return True
        t = temperature(self.t0, self.cooling, view.time)
        return t > 0 and bool(view.rng.random() < math.exp(-loss / t))


@register_party("guarded", protocols=(CAUCUS,))
class GuardedParty:
    """Answers a caucus mediator truthfully but only ranks: no ratings, no red line.

    It ranks packages, names its top issue and answers proposals truthfully, but never rates a
    package and never states its red line.

    Reference: H. Raiffa, J. Richardson, D. Metcalfe (2002), *Negotiation Analysis*, Harvard
    University Press (how much a party should confide in a mediator).
    """

    def start(self, view: PartyView) -> None:
        pass

    def answer(self, view: PartyView, query: Query) -> Answer:
        if query.kind in ("rate", "red_line"):
            return refusal(query)
        return truthful_answer(view, query)
