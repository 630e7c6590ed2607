"""The two-way NegMAS bridge (``pip install 'accord[negmas]'``).

* accord scenarios in NegMAS: :func:`outcome_space` (same issues and values, same order; an
  outcome tuple ↔ accord's outcome index with :func:`to_index` / :func:`to_outcome`) and
  :func:`ufuns` (one exact NegMAS utility function per party);
* accord agents in NegMAS: :func:`negotiator` — a NegMAS ``SAONegotiator`` playing any accord
  agent spec inside NegMAS's ``SAOMechanism`` and tournaments;
* NegMAS negotiators in accord: agent specs ``negmas:<module>.<Class>[:param=value,…]``
  (:class:`NegmasAgent`), usable wherever an agent spec is; under the regime "utilities
  public, reservations private" (option ``public_utilities``) a hosted negotiator also gets
  its opponent's utility function, as ANL 2024 gave it (:func:`public_ufun`).

This package is the only part of accord that imports NegMAS; the registry imports it when it
first meets a ``negmas:`` spec. See ``docs/negmas.md``.
"""

from __future__ import annotations

try:
    import negmas  # noqa: F401
except ImportError:  # the optional dependency is missing
    from accord.errors import AgentError

    raise AgentError("negmas", "NegMAS is not installed: pip install 'accord[negmas]'") from None

from accord.negmas.agent_spec import strategy_info
from accord.negmas.hosted import NegmasAgent, ShadowMechanism
from accord.negmas.negotiator import AccordNegotiator, negotiator
from accord.negmas.outcomes import OutcomeCodec, outcome_space, to_index, to_outcome
from accord.negmas.ufuns import (
    AccordUtility,
    negmas_scenario,
    own_ufun,
    party_ufun,
    public_ufun,
    ufuns,
)

__all__ = [
    "AccordNegotiator",
    "AccordUtility",
    "NegmasAgent",
    "OutcomeCodec",
    "ShadowMechanism",
    "negmas_scenario",
    "negotiator",
    "outcome_space",
    "own_ufun",
    "party_ufun",
    "public_ufun",
    "strategy_info",
    "to_index",
    "to_outcome",
    "ufuns",
]
