"""The trainer's scenario pages: the library, a scenario's detail, uploads and the builder, and
the same as JSON under ``/api/scenarios``.

Every route first checks the trainer's token (404 otherwise); every form post carries the CSRF
token. Uploads are read by :mod:`accord.web.uploads` (bounded, checked, loaded in a sandbox); the
builder (:class:`Builder`, one server-rendered form) is turned into accord YAML and checked by
the YAML loader, whose messages are the builder's. Analyses run in a sandbox too, since a stored
scenario may be large.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from accord.analysis.report import Analysis, analyze
from accord.api import list_scenarios
from accord.errors import AccordError
from accord.live.hub import STORED
from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Issue
from accord.preferences.utility import LinearAdditive
from accord.scenario import Scenario
from accord.tournaments.sandbox import call_isolated
from accord.web import auth, uploads
from accord.web.builder_form import Builder
from accord.web.pages import render
from accord.web.tokens import csrf_token

router = APIRouter()

#: Limits of an analysis shown on a page.
ANALYSIS_SECONDS = 20.0
ANALYSIS_MEMORY_MB = 1024
#: Largest builder form body, and most fields in it.
BUILDER_BODY = 2 * 1024 * 1024
BUILDER_FIELDS = 12_000

_packaged = functools.cache(list_scenarios)  # the packaged files do not change while serving


# -- helpers -------------------------------------------------------------------------------------
def _csrf(request: Request, token: str) -> str:
    return csrf_token(auth.secret(request), token)


def ref_url(token: str, ref: str) -> str:
    return f"/t/{token}/scenarios/{quote(ref, safe=':')}"


def _scenario(request: Request, ref: str) -> Scenario:
    try:
        return auth.hub(request).scenario(ref)
    except AccordError:
        raise HTTPException(404, auth.NOT_FOUND) from None


def _rows(request: Request) -> list[dict[str, Any]]:
    """Every scenario the trainer may use: packaged first, then stored, oldest first."""
    rows = [
        {
            "ref": info.name,
            "name": info.name,
            "origin": "packaged",
            "parties": list(info.parties),
            "issues": info.issues,
            "description": info.description,
        }
        for info in _packaged()
    ]
    hub = auth.hub(request)
    for stored in hub.store.scenarios():
        ref = f"{STORED}{stored.id}"
        try:
            sc = hub.scenario(ref)
            parties, issues = list(sc.party_names), len(sc.space.issues)
        except AccordError:
            parties, issues = [], 0
        rows.append(
            {
                "ref": ref,
                "name": stored.name,
                "origin": stored.origin,
                "parties": parties,
                "issues": issues,
                "description": f"{stored.origin}, {stored.created[:16].replace('T', ' ')}",
            }
        )
    return rows


def _library(request: Request, token: str, message: str = "", status: int = 200) -> HTMLResponse:
    return render(
        request,
        "scenarios.html",
        status,
        token=token,
        csrf=_csrf(request, token),
        rows=_rows(request),
        message=message,
        ref_url=ref_url,
    )


def issue_text(issue: Issue) -> str:
    if isinstance(issue, DiscreteIssue):
        return ", ".join(str(v) for v in issue.values)
    kind = "integers" if isinstance(issue, IntegerIssue) else "real numbers"
    return f"{issue.low} … {issue.high} ({kind})"


def _number(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def analysis(scenario: Scenario) -> tuple[Analysis | None, str]:
    """The scenario's analysis in a sandbox, or ``None`` and why not."""
    answer = call_isolated(
        functools.partial(analyze, scenario),
        seconds=ANALYSIS_SECONDS,
        memory_mb=ANALYSIS_MEMORY_MB,
    )
    if answer.kind == "ok" and isinstance(answer.value, Analysis):
        return answer.value, ""
    if answer.kind == "raised":
        return None, f"the analysis failed: {answer.value}"
    return None, f"the analysis did not finish ({answer.kind}: {answer.value or 'limit reached'})"


def summary(result: Analysis) -> dict[str, Any]:
    """What the pages show of an analysis."""
    nash = result.nash
    return {
        "outcomes": result.outcomes,
        "frontier": len(result.frontier),
        "zopa": result.zopa_outcomes,
        "method": result.method,
        "exact": result.exact,
        "nash": None if nash is None else dict(nash.outcome),
        "nash_utilities": None
        if nash is None
        else dict(zip(result.parties, (round(u, 4) for u in nash.utilities), strict=True)),
        "warnings": list(result.warnings),
    }


def _detail(scenario: Scenario) -> dict[str, Any]:
    """A scenario's issues and parties (every party: the trainer may see them all)."""
    issues = [{"name": i.name, "values": issue_text(i)} for i in scenario.space.issues]
    parties = []
    for p in scenario.parties:
        weights = None
        if isinstance(p.utility, LinearAdditive):
            weights = dict(zip(scenario.space.names, p.utility.weights, strict=True))
        parties.append({"name": p.name, "reservation": _number(p.reservation), "weights": weights})
    return {
        "name": scenario.name,
        "description": scenario.description,
        "issues": issues,
        "parties": parties,
        "outcomes": scenario.space.size,
    }


def _filename(name: str) -> str:
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "scenario")[:80] + ".yaml"


def yaml_response(name: str, text: str) -> Response:
    return Response(
        text,
        media_type="application/x-yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(name)}"'},
    )


async def _store_upload(request: Request, token: str | None) -> tuple[str, str]:
    """Read, check and store an upload: its ``(ref, name)``. :class:`UploadRefused` or 403."""

    def check(fields: dict[str, str]) -> None:
        if token is not None:
            auth.check_csrf(request, token, fields.get("csrf"))

    upload = await uploads.read_upload(request, check)
    loaded = await run_in_threadpool(uploads.load_upload, upload.filename, upload.data)
    sid = auth.hub(request).store.add_scenario(loaded.name, loaded.yaml, "upload")
    return f"{STORED}{sid}", loaded.name


# -- pages ---------------------------------------------------------------------------------------
@router.get("/t/{token}/scenarios", include_in_schema=False)
def library(request: Request, token: str) -> HTMLResponse:
    """The scenario library: packaged and stored scenarios, and the upload form."""
    auth.admin(request, token)
    return _library(request, token)


@router.post("/t/{token}/scenarios/upload", include_in_schema=False)
async def upload(request: Request, token: str) -> Response:
    """Store an uploaded scenario and open it; the library with the reason when refused."""
    auth.admin(request, token)
    try:
        ref, _ = await _store_upload(request, token)
    except uploads.UploadRefused as refused:
        return _library(request, token, str(refused), refused.status)
    return RedirectResponse(ref_url(token, ref), status_code=303)


@router.get("/t/{token}/scenarios/{ref}", include_in_schema=False)
def scenario_page(request: Request, token: str, ref: str) -> HTMLResponse:
    """A scenario: description, issues, every party's red line and the analysis."""
    auth.admin(request, token)
    scenario = _scenario(request, ref)
    cache: dict[str, Any] = request.app.state.analyses  # shared with the debrief
    result, why = (cache[ref], "") if ref in cache else analysis(scenario)
    if result is not None:
        cache[ref] = result
    return render(
        request,
        "scenario.html",
        token=token,
        ref=ref,
        yaml_url=ref_url(token, ref) + "/yaml",
        scenario=_detail(scenario),
        analysis=None if result is None else summary(result),
        analysis_error=why,
    )


@router.get("/t/{token}/scenarios/{ref}/yaml", include_in_schema=False)
def scenario_yaml(request: Request, token: str, ref: str) -> Response:
    """The scenario as accord YAML (a download)."""
    from accord.io.yaml_format import dumps_yaml

    auth.admin(request, token)
    scenario = _scenario(request, ref)
    return yaml_response(scenario.name, dumps_yaml(scenario))


@router.get("/t/{token}/builder", include_in_schema=False)
def builder_page(request: Request, token: str) -> Response:
    """The scenario builder, empty."""
    auth.admin(request, token)
    return _builder(request, token, Builder.empty(), status=200)


@router.post("/t/{token}/builder", include_in_schema=False)
async def builder_post(request: Request, token: str) -> Response:
    """The builder's buttons: add an issue or a party, check, save, download."""
    auth.admin(request, token)
    try:
        form = await uploads.read_form(request, BUILDER_BODY, max_fields=BUILDER_FIELDS)
    except uploads.UploadRefused as refused:
        raise HTTPException(refused.status, str(refused)) from None
    fields = uploads.text_fields(form)
    auth.check_csrf(request, token, fields.get("csrf"))
    builder = Builder.from_form(fields)
    action = fields.get("action", "check")
    if builder.edit(action):
        return _builder(request, token, builder, status=200)
    checked = builder.check()
    if checked.scenario is not None and action in ("save", "download"):
        from accord.io.yaml_format import dumps_yaml

        text = dumps_yaml(checked.scenario)
        if action == "download":
            return yaml_response(checked.scenario.name, text)
        sid = auth.hub(request).store.add_scenario(checked.scenario.name, text, "builder")
        url = ref_url(token, f"{STORED}{sid}")
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)
    result, why = (None, "")
    if checked.scenario is not None:
        result, why = await run_in_threadpool(analysis, checked.scenario)
    failed = checked.scenario is None and action in ("save", "download")
    return _builder(
        request,
        token,
        builder,
        status=400 if failed and not request.headers.get("hx-request") else 200,
        errors=checked.errors,
        analysis=None if result is None else summary(result),
        analysis_error=why,
    )


def _builder(request: Request, token: str, builder: Builder, status: int, **more: Any) -> Response:
    fragment = bool(request.headers.get("hx-request"))
    return render(
        request,
        "_builder_form.html" if fragment else "builder.html",
        status,
        token=token,
        csrf=_csrf(request, token),
        b=builder,
        checked="errors" in more,
        errors=more.get("errors", []),
        analysis=more.get("analysis"),
        analysis_error=more.get("analysis_error", ""),
        limits=Builder.limits(),
    )


# -- JSON API ------------------------------------------------------------------------------------
def _api_admin(request: Request) -> None:
    auth.admin(request, auth.bearer(request))


_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "not the trainer's token (or no such scenario)"}
}


@router.get("/api/scenarios", summary="List the scenarios (trainer only)", responses=_NOT_FOUND)
def api_scenarios(request: Request) -> list[dict[str, Any]]:
    """Every packaged and stored scenario: ``ref`` (a packaged name or ``stored:ID``, to open
    it or start a session on it), ``name``, ``origin`` (``packaged``, ``upload`` or
    ``builder``), ``parties`` and ``issues`` (how many)."""
    _api_admin(request)
    keys = ("ref", "name", "origin", "parties", "issues")
    return [{k: row[k] for k in keys} for row in _rows(request)]


@router.get(
    "/api/scenarios/{ref}",
    summary="One scenario with every party (trainer only)",
    responses=_NOT_FOUND,
)
def api_scenario(request: Request, ref: str) -> dict[str, Any]:
    """A scenario's issues (name and values) and parties (name, reservation value, and the
    weights of a linear-additive utility): what only the trainer may see."""
    _api_admin(request)
    return {"ref": ref, **_detail(_scenario(request, ref))}


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "accord YAML (.yaml, .yml) or a .zip of a scenario "
                            "folder (GENIUS, GeniusWeb, NegoLog, NegMAS)",
                        }
                    },
                }
            }
        },
    }
}


@router.post(
    "/api/scenarios",
    summary="Upload a scenario (trainer only)",
    status_code=201,
    openapi_extra=_UPLOAD_BODY,
    responses={
        400: {"description": "the file was refused: `detail` says why"},
        413: {"description": "the file is larger than the upload limit"},
        **_NOT_FOUND,
    },
)
async def api_upload(request: Request) -> JSONResponse:
    """Store an uploaded scenario (multipart field ``file``; at most the upload limit, 5 MB by
    default): 201 with its ``ref`` and ``name``, or 400/413 with ``detail``, one line saying
    what is wrong (``file:line: reason`` for a bad scenario file)."""
    _api_admin(request)
    try:
        ref, name = await _store_upload(request, None)
    except uploads.UploadRefused as refused:
        return JSONResponse({"detail": str(refused)}, status_code=refused.status)
    return JSONResponse({"ref": ref, "name": name}, status_code=201)
