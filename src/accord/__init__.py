"""accord: mediated, multi-party, multi-issue negotiation.

The public API: :func:`load` a scenario (file, folder or packaged name), :func:`convert` it to
another format, :func:`list_scenarios` that ship with accord, :func:`analyze` it (at every point
of its timeline with :func:`analyze_timeline`; :func:`robustness` under uncertain priorities),
:func:`negotiate` on it or :func:`mediate` it; :func:`divide` divisible items fairly. Reports
and figures are in :mod:`accord.reports`.
"""

from accord.analysis import Analysis, Snapshot, TimelineAnalysis, analyze, analyze_timeline
from accord.analysis.fair_division import Division
from accord.analysis.robustness import Robustness, robustness
from accord.api import ScenarioInfo, convert, divide, list_scenarios, load, mediate, negotiate
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
    "Robustness",
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "Snapshot",
    "StorageError",
    "TimelineAnalysis",
    "analyze",
    "analyze_timeline",
    "convert",
    "divide",
    "list_scenarios",
    "load",
    "mediate",
    "negotiate",
    "robustness",
]
__version__ = "0.1.0"
