"""Tools for testing agents: the public conformance suite and scenario generators.

``from accord.testing import check_agent``; ``check_agent("my-agent").passed``.
"""

from accord.testing.conformance import ConformanceReport, RunCheck, check_agent
from accord.testing.scenarios import (
    additive_scenario,
    conformance_scenarios,
    hyper_rectangle_scenario,
    packaged_scenarios,
)

__all__ = [
    "ConformanceReport",
    "RunCheck",
    "additive_scenario",
    "check_agent",
    "conformance_scenarios",
    "hyper_rectangle_scenario",
    "packaged_scenarios",
]
