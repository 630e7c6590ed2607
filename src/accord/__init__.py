"""accord: mediated, multi-party, multi-issue negotiation.

The public API: :func:`load` a scenario (file, folder or packaged name), :func:`analyze` it,
:func:`negotiate` on it.
"""

from accord.analysis import Analysis, analyze
from accord.api import load, negotiate
from accord.errors import AccordError, AgentError, ProtocolError, ScenarioError, StorageError
from accord.mechanisms.result import NegotiationResult
from accord.scenario import Party, Scenario

__all__ = [
    "AccordError",
    "AgentError",
    "Analysis",
    "NegotiationResult",
    "Party",
    "ProtocolError",
    "Scenario",
    "ScenarioError",
    "StorageError",
    "analyze",
    "load",
    "negotiate",
]
__version__ = "0.1.0"
