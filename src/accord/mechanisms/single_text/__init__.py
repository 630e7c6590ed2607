"""Single-text mediation: the mediator's and the voters' views and interfaces, and the run."""

from accord.mechanisms.single_text.text_roles import (
    MediatorView,
    ProposalRecord,
    SingleTextMediator,
    Voter,
    VoterView,
)
from accord.mechanisms.single_text.text_session import PROTOCOL, run_single_text

__all__ = [
    "PROTOCOL",
    "MediatorView",
    "ProposalRecord",
    "SingleTextMediator",
    "Voter",
    "VoterView",
    "run_single_text",
]
