"""Built-in single-text mediators and voting strategies.

Mediators propose random single-issue changes of the text (they know no utilities); voters
compare the proposal with the current text by their own utility. Klein et al. found that
annealing — provisionally accepting worse texts early, less and less as the negotiation cools —
reaches higher social welfare on nonlinear utilities than hill-climbing, and that it works best
in the mediator, because annealing voters are exploited by hard ones (a prisoner's dilemma).
"""

from __future__ import annotations

import math

import numpy as np

from accord.agents.mediators.caucus_answers import truthful_answer
from accord.agents.registry import register_mediator, register_party
from accord.mechanisms.caucus_messages import Answer, PartyView, Query
from accord.mechanisms.mediation import MediatorView, VoterView
from accord.outcomes.space import OutcomeSpace


def mutate(space: OutcomeSpace, text: int, rng: np.random.Generator) -> int:
    """``text`` with one issue (chosen uniformly among issues with ≥ 2 values) set to a
    different value, chosen uniformly; ``text`` itself if no issue can change."""
    radices = space.radices
    free = np.flatnonzero(radices > 1)
    if free.size == 0:
        return text
    digits = list(space.from_index(text))
    issue = int(free[rng.integers(0, free.size)])
    shift = int(rng.integers(1, int(radices[issue])))
    digits[issue] = (digits[issue] + shift) % int(radices[issue])
    return space.to_index(digits)


def temperature(t0: float, cooling: float, time: float) -> float:
    """Linear cooling from ``t0`` at time 0 to 0 at time ``cooling`` (then 0)."""
    if cooling <= 0:
        return 0.0
    return t0 * max(0.0, 1.0 - time / cooling)


@register_mediator("hill-climbing")
class HillClimbingMediator:
    """Proposes a random single-issue change; the text moves only when every party accepts.

    The classic single negotiating text: each round one issue of the text, chosen at random, is
    set to another random value, and the change is kept only if all parties vote for it. With
    truthful voters this is a Pareto hill-climb and stops at the first local optimum.

    Reference: H. Raiffa (1982), The Art and Science of Negotiation, Harvard University Press;
    M. Klein, P. Faratin, H. Sayama, Y. Bar-Yam (2003), "Negotiating complex contracts", Group
    Decision and Negotiation 12:111-125.
    """

    def start(self, view: MediatorView) -> None:
        pass

    def propose(self, view: MediatorView) -> int:
        return mutate(view.space, view.text, view.rng)

    def observe(self, view: MediatorView, accepted: bool) -> bool:
        return False


@register_mediator("annealing")
class AnnealingMediator:
    """Simulated annealing in the mediator: may adopt changes not every party accepted.

    Proposes random single-issue changes like ``hill-climbing``. A change every party accepts
    always moves the text; one that ``r`` of ``n`` parties reject is adopted anyway with
    probability ``exp(-(r/n)/T)``, where the virtual temperature ``T`` falls linearly from
    ``t0`` at the start to 0 at relative time ``cooling`` (after that: pure hill-climbing). The
    mediator sees only the votes, never utilities, so the fraction of rejections stands in for
    the loss of the change. Parties can then vote truthfully.

    Reference: M. Klein, P. Faratin, H. Sayama, Y. Bar-Yam (2003), "Negotiating complex
    contracts", Group Decision and Negotiation 12:111-125; M. Klein, P. Faratin, Y. Bar-Yam
    (2002), "Using an annealing mediator to solve the prisoners' dilemma in the negotiation of
    complex contracts", AMEC IV, LNCS 2531.
    """

    def __init__(self, t0: float = 0.3, cooling: float = 0.8):
        self.t0 = float(t0)
        self.cooling = float(cooling)

    def start(self, view: MediatorView) -> None:
        pass

    def propose(self, view: MediatorView) -> int:
        return mutate(view.space, view.text, view.rng)

    def observe(self, view: MediatorView, accepted: bool) -> bool:
        if accepted:
            return False
        t = temperature(self.t0, self.cooling, view.time)
        if t <= 0:
            return False
        votes = view.votes
        loss = (len(votes) - sum(votes)) / max(len(votes), 1)
        return bool(view.rng.random() < math.exp(-loss / t))


@register_party("truthful")
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


@register_party("hard")
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


@register_party("annealing-voter")
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


__all__ = [
    "AnnealingMediator",
    "AnnealingVoter",
    "HardVoter",
    "HillClimbingMediator",
    "TruthfulVoter",
    "mutate",
    "temperature",
]
