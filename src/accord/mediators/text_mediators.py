"""Built-in single-text mediators.

Mediators propose random single-issue changes of the text (they know no utilities); voters
(:mod:`accord.mediators.party_strategies`) compare the proposal with the current text by their
own utility. Klein et al. found that
annealing — provisionally accepting worse texts early, less and less as the negotiation cools —
reaches higher social welfare on nonlinear utilities than hill-climbing, and that it works best
in the mediator, because annealing voters are exploited by hard ones (a prisoner's dilemma).
"""

from __future__ import annotations

import math

import numpy as np

from accord.mechanisms.single_text import MediatorView
from accord.mechanisms.spec import SINGLE_TEXT
from accord.outcomes.space import OutcomeSpace
from accord.registry import register_mediator


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


@register_mediator("hill-climbing", protocols=(SINGLE_TEXT,))
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


@register_mediator("annealing", protocols=(SINGLE_TEXT,))
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


__all__ = ["AnnealingMediator", "HillClimbingMediator", "mutate", "temperature"]
