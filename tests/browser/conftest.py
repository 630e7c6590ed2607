"""A live ``accord serve`` and a real browser for the browser tests.

The app runs under uvicorn in a background thread on a free local port, on a fresh session
store; Playwright drives Debian's Chromium (``/usr/bin/chromium``; Playwright's own browsers are
never downloaded). Everything skips cleanly when Chromium, Playwright, FastAPI or uvicorn is
missing. Screenshots go to ``build/screenshots/``; when ``ACCORD_SCREENSHOTS`` names a folder
(relative to the repository, e.g. ``docs/img``), the README's (:data:`README_SHOTS`) go there
too.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


CHROMIUM = _chromium()
if CHROMIUM is None:
    pytest.skip("needs Debian's chromium (/usr/bin/chromium)", allow_module_level=True)
for _module in ("playwright.sync_api", "fastapi", "uvicorn", "jinja2"):
    pytest.importorskip(_module)

import uvicorn  # noqa: E402
from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    sync_playwright,
)

from accord.web.server import admin_link, create_app  # noqa: E402

VIEWPORT: ViewportSize = {"width": 1280, "height": 860}
#: The screenshots the README shows (the others are kept in build/screenshots only).
README_SHOTS = frozenset(
    {
        "web-trainer",
        "web-new-session",
        "web-session",
        "web-party",
        "web-mediator",
        "web-results",
        "web-builder",
        "web-scenarios",
    }
)


class LogTail(logging.Handler):
    """The server's log records (the app logs every incident with its traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def problems(self) -> list[str]:
        return [line for line in self.lines if "incident" in line or "Traceback" in line]


@dataclass(frozen=True, slots=True)
class LiveServer:
    """The running app: its base URL, the trainer's link and the server's log."""

    base: str
    trainer: str
    app: Any
    log: LogTail


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("browser") / "sessions.db"
    app = create_app(db)
    tail = LogTail()
    tail.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    loggers = [logging.getLogger(name) for name in ("accord.web", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(tail)
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="accord-serve", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail("the accord server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(base, admin_link(app, base), app, tail)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for logger in loggers:
            logger.removeHandler(tail)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Makes fresh browser contexts (separate cookies and storage: one per person), all closed
    at the end of the test."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, **options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def new_page(new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """A page in a fresh context; its console errors and failed requests are collected in
    ``page.problems`` (a list attached to the page object)."""

    def make(**options: Any) -> Page:
        page = new_context(**options).new_page()
        problems: list[str] = []
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on(
            "console",
            lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        page.problems = problems  # type: ignore[attr-defined]
        return page

    return make


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, "web-trainer")`` saves ``build/screenshots/web-trainer.png`` (and into
    ``$ACCORD_SCREENSHOTS`` when set); ``full_page`` as in Playwright."""
    extra = os.environ.get("ACCORD_SCREENSHOTS", "").strip()
    folders = [SHOTS]
    if extra:
        folder = Path(extra)
        folders.append(folder if folder.is_absolute() else ROOT / folder)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str, *, full_page: bool = False) -> Path:
        page.mouse.move(0, 0)  # no hover effects (plotly's mode bar)
        data = page.screenshot(full_page=full_page, animations="disabled", caret="hide")
        for folder in folders if name in README_SHOTS else folders[:1]:
            (folder / f"{name}.png").write_bytes(data)
        return SHOTS / f"{name}.png"

    return take
