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
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

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

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            response: Response = JSONResponse({"detail": "request too large"}, status_code=413)
        elif request.method not in ("GET", "HEAD", "OPTIONS") and _cross_site(request):
            response = JSONResponse({"detail": "cross-site request refused"}, status_code=403)
        else:
            try:
                response = await call_next(request)
            except Exception:  # the last line of defence: never a stack trace to a browser
                incident = secrets.token_hex(4)
                log.exception("incident %s in %s", incident, _route(request))
                response = _error(request, 500, f"something went wrong (incident {incident})")
        for key, value in _HEADERS.items():
            response.headers.setdefault(key, value)
        log.info(
            "%s %s %d %.1f ms",
            request.method,
            _route(request),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

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


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path", None) or "(unmatched)"


def _cross_site(request: Request) -> bool:
    """A browser's state-changing request from another origin."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    return origin.split("://", 1)[-1] != request.headers.get("host", "")


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
