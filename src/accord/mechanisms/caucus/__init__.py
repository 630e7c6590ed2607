"""Caucus (shuttle) mediation: messages, the roles' views and interfaces, the confidentiality
rules and audit, the run, and phase-by-phase mediation."""

from accord.mechanisms.caucus.caucus_roles import (
    CaucusMediator,
    CaucusParty,
    MediatorView,
    Notebook,
    PartyView,
    to_party,
)
from accord.mechanisms.caucus.confidentiality import audit
from accord.mechanisms.caucus.messages import (
    MAX_PACKAGES,
    Answer,
    Exchange,
    Message,
    Query,
    proposal,
    rank,
    rate,
    red_line,
    refusal,
    top_issue,
)
from accord.mechanisms.caucus.shuttle import PROTOCOL, run_caucus

__all__ = [
    "MAX_PACKAGES",
    "PROTOCOL",
    "Answer",
    "CaucusMediator",
    "CaucusParty",
    "Exchange",
    "MediatorView",
    "Message",
    "Notebook",
    "PartyView",
    "Query",
    "audit",
    "proposal",
    "rank",
    "rate",
    "red_line",
    "refusal",
    "run_caucus",
    "to_party",
    "top_issue",
]
