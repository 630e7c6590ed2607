"""Tools for testing strategies: the public conformance suites of every role and scenario
generators.

``from accord.testing import check_agent``; ``check_agent("my-agent").passed``; likewise
``check_mediator("my-mediator")`` and ``check_party("my-party-strategy")``.
"""

from accord.testing.conformance import ConformanceReport, RunCheck, check_agent
from accord.testing.role_conformance import check_mediator, check_party
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
    "check_mediator",
    "check_party",
    "conformance_scenarios",
    "hyper_rectangle_scenario",
    "packaged_scenarios",
]
