"""The ``serve`` command: the web app where people negotiate (``pip install accord[web]``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord import AccordError
from accord.cli.app import app, guarded


@app.command()
@guarded
def serve(
    db: Annotated[
        Path, typer.Option("--db", help="The session store (SQLite; created when missing).")
    ] = Path("sessions.db"),
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
) -> None:
    """Serve the web app: people negotiate with agents, with each other or through a mediator,
    each through a personal secret link. Prints the trainer's link."""
    try:
        from accord.web.server import serve as run_server
    except ImportError as exc:
        raise AccordError(
            f"the web app needs its extra: pip install 'accord[web]' ({exc})"
        ) from None
    run_server(db, host=host, port=port)
