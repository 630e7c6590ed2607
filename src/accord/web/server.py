"""The web app: ``create_app(db)`` builds it on a session store; ``serve`` runs it (uvicorn).

The app is a thin skin over :mod:`accord.live` (sessions, people's moves) and the library
(loading, analysis). What it adds is access control and the pages:

* every page and API route takes a personal secret link's token (:mod:`accord.web.tokens`) and
  returns only what its holder may see (:mod:`accord.web.seatview`); an unknown token is a 404,
  whatever the route;
* every form carries a CSRF token derived from the page's token, and a cross-site ``Origin`` is
  refused; the JSON API under ``/api/`` takes the token as ``Authorization: Bearer`` (no
  cookies, so no cross-site requests ride on it); its OpenAPI description is
  ``/api/openapi.json``;
* responses forbid framing, referrers (the token is in the URL), caching and anything loaded
  from another origin (Content-Security-Policy ``default-src 'self'``); bodies over the limit
  are refused before they are read; an unexpected error answers a plain "something went
  wrong" with an incident number and never a stack trace; the access log records the route,
  never the URL (which holds the token).
"""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accord.live.hub import SessionHub
from accord.storage.sessions import SessionStore
from accord.web import vendor
from accord.web.tokens import admin_token

log = logging.getLogger("accord.web")

HERE = Path(__file__).parent
#: Largest request body accepted (uploads included).
MAX_BODY = 8 * 1024 * 1024
#: Largest uploaded scenario file or zip.
MAX_UPLOAD = 5 * 1024 * 1024

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'"
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.globals["htmx"] = vendor.HTMX.exists()
    return t


def create_app(db: str | Path, *, max_upload: int = MAX_UPLOAD) -> FastAPI:
    """The app on the session store at ``db`` (created when missing)."""
    store = SessionStore(db)
    app = FastAPI(
        title="accord",
        summary="Negotiate with agents or through a mediator; every seat sees only its own.",
        docs_url=None,  # the interactive docs load scripts from a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.store = store
    app.state.hub = SessionHub(store)
    app.state.secret = store.secret
    app.state.templates = templates()
    app.state.max_upload = max_upload
    app.state.analyses = {}  # scenario reference -> its analysis (the debrief's)

    app.add_middleware(Guard)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()[:5]
        )
        return _error(request, 422, f"bad request: {problems}")

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/static-lib/plotly.min.js", include_in_schema=False)
    def plotly_bundle() -> Response:
        path = vendor.plotly_js()
        if path is None:
            return Response("/* plotly is not installed */", media_type="text/javascript")
        return FileResponse(path, media_type="text/javascript")

    from accord.web import api_routes, pages, scenario_pages

    app.include_router(pages.router)
    app.include_router(scenario_pages.router)
    app.include_router(api_routes.router)
    return app


class Guard:
    """The app's outer layer (plain ASGI, cheap on every request): refuses bodies over
    :data:`MAX_BODY` and cross-site state-changing requests, adds the security headers, turns
    an unexpected error into a page without a stack trace, and logs the route — never the URL,
    which holds the token."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = Headers(scope=scope)
        status = 0

        extra = _STATIC_HEADERS if scope["path"].startswith(_STATIC) else _RAW_HEADERS

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present
                ]
            await send(message)

        length = headers.get("content-length")
        refusal = None
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            refusal = JSONResponse({"detail": "request too large"}, status_code=413)
        elif scope["method"] not in ("GET", "HEAD", "OPTIONS") and _cross_site(headers):
            refusal = JSONResponse({"detail": "cross-site request refused"}, status_code=403)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
        else:
            try:
                await self.app(scope, receive, send_with_headers)
            except Exception:  # the last line of defence: never a stack trace to a browser
                incident = secrets.token_hex(4)
                log.exception("incident %s in %s", incident, _route(scope))
                if status == 0:  # nothing sent yet
                    request = Request(scope)
                    page = _error(request, 500, f"something went wrong (incident {incident})")
                    await page(scope, receive, send_with_headers)
        if log.isEnabledFor(logging.INFO):
            took = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.1f ms", scope["method"], _route(scope), status, took)


_RAW_HEADERS = [(k.lower().encode(), v.encode()) for k, v in _HEADERS.items()]
#: the library's own files (style, scripts, plotly.js) may be cached for a day: pages never
_STATIC = ("/static/", "/static-lib/")
_STATIC_HEADERS = [
    (k, b"public, max-age=86400" if k == b"cache-control" else v) for k, v in _RAW_HEADERS
]


def _route(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "(unmatched)"


def _cross_site(headers: Headers) -> bool:
    """A browser's state-changing request from another origin. ``Sec-Fetch-Site`` decides when
    the browser sends it; otherwise ``Origin`` when it names a host (a page served with
    ``no-referrer`` posts its forms with ``Origin: null``: the form's CSRF token guards those)."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return False
    return origin.split("://", 1)[-1] != headers.get("host", "")


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": message}, status_code=status)
    page = request.app.state.templates.get_template("error.html").render(
        status=status, message=message
    )
    return HTMLResponse(page, status_code=status)


def admin_link(app: FastAPI, base: str) -> str:
    """The trainer's personal link on the server at ``base``."""
    return f"{base.rstrip('/')}/t/{admin_token(app.state.secret)}/"


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn until interrupted; prints the trainer's link."""
    import uvicorn

    app = create_app(db)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    print(f"accord serve: sessions in {Path(db).resolve()}")
    print(f"trainer's link (keep it private): {admin_link(app, f'http://{host}:{port}')}")
    if not vendor.HTMX.exists():
        print("htmx is not installed (python -m accord.web.vendor): pages will not update live")
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
