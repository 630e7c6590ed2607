"""The Typer application and what every command shares: error handling and JSON output.

Exit codes: 0 ok, 2 bad input (one line on stderr), 1 internal error.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from accord import AccordError, __version__

app = typer.Typer(
    name="accord",
    help="Model, analyse and run mediated multi-party negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True, highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"accord {__version__}\n")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Model, analyse and run mediated multi-party negotiations."""


def guarded(fn: F) -> F:
    """Turn accord errors into exit 2 with one line, anything else into exit 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AccordError as exc:
            err_console.print(f"accord: error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            err_console.print("accord: interrupted", markup=False)
            raise typer.Exit(130) from None
        except Exception as exc:
            err_console.print(f"accord: internal error: {exc!r}", markup=False)
            if _debug_env():
                traceback.print_exc()
            else:
                err_console.print("(set ACCORD_DEBUG=1 for the traceback)", markup=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _debug_env() -> bool:
    import os

    return os.environ.get("ACCORD_DEBUG", "") not in ("", "0")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, allow_nan=False) + "\n")


ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario file, a folder, or the name of a packaged scenario.")
]
PartiesOpt = Annotated[
    str | None,
    typer.Option("--parties", help="Comma-separated party (profile) names to keep, in order."),
]


def parse_parties(value: str | None) -> list[str] | None:
    return [p.strip() for p in value.split(",") if p.strip()] if value else None
