"""accord: mediated, multi-party, multi-issue negotiation.

The public API: :func:`load` a scenario (file, folder or packaged name), :func:`analyze` it,
:func:`negotiate` on it or :func:`mediate` it; :func:`divide` divisible items fairly.
"""

from accord.analysis import Analysis, analyze
from accord.analysis.fair_division import Division, divide
from accord.api import load, mediate, negotiate
from accord.errors import AccordError, AgentError, ProtocolError, ScenarioError, StorageError
from accord.mechanisms.result import NegotiationResult
from accord.scenario import Party, Scenario

__all__ = [
    "AccordError",
    "AgentError",
    "Analysis",
    "Division",
    "NegotiationResult",
    "Party",
    "ProtocolError",
    "Scenario",
    "ScenarioError",
    "StorageError",
    "analyze",
    "divide",
    "load",
    "mediate",
    "negotiate",
]
__version__ = "0.1.0"
