"""The ``accord`` command line. Thin: parse, call one library function, render."""

from accord.cli import (
    divide_cmds,
    mediate_cmds,
    negotiate_cmds,
    report_cmds,
    scenario_cmds,
    serve_cmds,
    tournament_cmds,
)
from accord.cli.app import app

__all__ = [
    "app",
    "divide_cmds",
    "mediate_cmds",
    "negotiate_cmds",
    "report_cmds",
    "scenario_cmds",
    "serve_cmds",
    "tournament_cmds",
]
