"""Exact, fast analysis of scenarios: Pareto frontiers, bargaining solutions, ZOPA, opposition.

``analyze(scenario)`` picks the method (and, under an agreement rule, adds the consensus block:
:mod:`accord.analysis.consensus`); ``analyze_timeline(scenario)`` analyses the start and
the snapshot after each event once; the pure functions work on utility arrays.
"""

from accord.analysis.bargaining import (
    egalitarian,
    equal_gains,
    ideal_point,
    individually_rational,
    kalai_smorodinsky,
    nash,
    opposition,
    utilitarian,
    zopa_count,
)
from accord.analysis.consensus import Consensus, Package, PartyStanding
from accord.analysis.enumeration import utility_chunks
from accord.analysis.minkowski import MinkowskiFrontier, minkowski_frontier
from accord.analysis.nonlinear import NonlinearFrontier, hyperrectangle_frontier
from accord.analysis.pareto import (
    dominated_by,
    is_dominated,
    pareto_chunked,
    pareto_indices,
    pareto_mask,
)
from accord.analysis.report import Analysis, Solution, Timings, analyze
from accord.analysis.timeline import Snapshot, TimelineAnalysis, analyze_timeline

__all__ = [
    "Analysis",
    "Consensus",
    "MinkowskiFrontier",
    "NonlinearFrontier",
    "Package",
    "PartyStanding",
    "Snapshot",
    "Solution",
    "TimelineAnalysis",
    "Timings",
    "analyze",
    "analyze_timeline",
    "dominated_by",
    "egalitarian",
    "equal_gains",
    "hyperrectangle_frontier",
    "ideal_point",
    "individually_rational",
    "is_dominated",
    "kalai_smorodinsky",
    "minkowski_frontier",
    "nash",
    "opposition",
    "pareto_chunked",
    "pareto_indices",
    "pareto_mask",
    "utilitarian",
    "utility_chunks",
    "zopa_count",
]
