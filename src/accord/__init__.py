"""accord: mediated, multi-party, multi-issue negotiation."""

from accord.errors import AccordError, AgentError, ProtocolError, ScenarioError, StorageError
from accord.scenario import Party, Scenario

__all__ = [
    "AccordError",
    "AgentError",
    "Party",
    "ProtocolError",
    "Scenario",
    "ScenarioError",
    "StorageError",
]
__version__ = "0.1.0"
