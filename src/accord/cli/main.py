"""The ``accord`` command line. Thin: parse, call one library function, render."""

from accord.cli import negotiate_cmds, scenario_cmds
from accord.cli.app import app

__all__ = ["app", "negotiate_cmds", "scenario_cmds"]
