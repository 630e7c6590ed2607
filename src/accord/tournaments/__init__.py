"""Tournaments: many runs, planned from one configuration, seeded, stored, resumable.

:func:`load_config` reads a tournament file into a :class:`TournamentConfig`; :func:`make_plan`
turns it into the deterministic :class:`Plan` of runs (each a
:class:`~accord.mechanisms.spec.RunSpec` with its own seed from the root seed);
:func:`run_tournament` runs the plan on an executor (serial, local processes or a Dask cluster)
into a :class:`~accord.storage.Store`, skipping what the store already holds;
:func:`replay` runs one stored run again.
"""

from accord.tournaments.config import TournamentConfig, load_config, parse_config
from accord.tournaments.driver import (
    EXECUTORS,
    Progress,
    TournamentSummary,
    make_executor,
    replay,
    run_tournament,
)
from accord.tournaments.plan import Plan, PlannedRun, make_plan, run_seed

__all__ = [
    "EXECUTORS",
    "Plan",
    "PlannedRun",
    "Progress",
    "TournamentConfig",
    "TournamentSummary",
    "load_config",
    "make_executor",
    "make_plan",
    "parse_config",
    "replay",
    "run_seed",
    "run_tournament",
]
