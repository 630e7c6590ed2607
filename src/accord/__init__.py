"""accord: mediated, multi-party, multi-issue negotiation.

The public API: :func:`load` a scenario (file, folder or packaged name), :func:`convert` it to
another format, :func:`list_scenarios` that ship with accord, :func:`analyze` it (at every point
of its timeline with :func:`analyze_timeline`; :func:`robustness` under uncertain priorities),
:func:`negotiate` on it or :func:`mediate` it; :func:`divide` divisible items fairly. Every
negotiation and mediation is a :class:`RunSpec` run by :func:`run` into a
:class:`NegotiationResult`; strategies plug in with :func:`register_agent`,
:func:`register_mediator` and :func:`register_party`. Reports and figures are in
:mod:`accord.reports`.
"""

from accord.agreement import AgreementRule
from accord.analysis import Analysis, Snapshot, TimelineAnalysis, analyze, analyze_timeline
from accord.analysis.fair_division import Division
from accord.analysis.robustness import Robustness, robustness
from accord.api import ScenarioInfo, convert, divide, list_scenarios, load
from accord.errors import (
    AccordError,
    AgentError,
    ConfigError,
    ParticipantFailure,
    ProtocolError,
    ScenarioError,
    StorageError,
)
from accord.mechanisms import Deadline, Failure, NegotiationResult, RunSpec
from accord.mechanisms.result import summarize
from accord.registry import (
    StrategyInfo,
    register_agent,
    register_mediator,
    register_party,
    strategies,
    strategy,
)
from accord.runner import NASH_SECONDS, mediate, mediation, negotiate, negotiation, repeat, run
from accord.scenario import Party, Scenario

__all__ = [
    "NASH_SECONDS",
    "AccordError",
    "AgentError",
    "AgreementRule",
    "Analysis",
    "ConfigError",
    "Deadline",
    "Division",
    "Failure",
    "NegotiationResult",
    "ParticipantFailure",
    "Party",
    "ProtocolError",
    "Robustness",
    "RunSpec",
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "Snapshot",
    "StorageError",
    "StrategyInfo",
    "TimelineAnalysis",
    "analyze",
    "analyze_timeline",
    "convert",
    "divide",
    "list_scenarios",
    "load",
    "mediate",
    "mediation",
    "negotiate",
    "negotiation",
    "register_agent",
    "register_mediator",
    "register_party",
    "repeat",
    "robustness",
    "run",
    "strategies",
    "strategy",
    "summarize",
]
__version__ = "0.1.0"
