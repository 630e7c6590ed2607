"""The HTML pages of sessions: the trainer's (sessions, new session, a session and its debrief)
and each participant's seat page with its move forms and utility meter."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from accord.errors import AccordError
from accord.live import MoveRefused
from accord.live.hub import STORED, Live
from accord.mechanisms import PROTOCOLS
from accord.registry import strategies
from accord.web import auth
from accord.web.forms import QUERY_PACKAGES, FormError, metered, move_from_form
from accord.web.seatview import host_payload, seat_payload
from accord.web.tokens import csrf_token

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page of template ``name`` with ``context``."""
    page = request.app.state.templates.get_template(name).render(**context)
    return HTMLResponse(page, status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html")


# -- the trainer ------------------------------------------------------------------------------


def _scenario_choices(request: Request) -> list[tuple[str, str]]:
    from accord.api import list_scenarios

    hub = auth.hub(request)
    out = [(s.name, s.name) for s in list_scenarios()]
    out += [(f"{STORED}{s.id}", f"{s.name} (stored)") for s in hub.store.scenarios()]
    return out


def _strategies(role: str, protocol: str) -> list[str]:
    return [s.id for s in strategies(role) if protocol in s.protocols]


@router.get("/t/{token}/", response_class=HTMLResponse)
def trainer(request: Request, token: str) -> HTMLResponse:
    auth.admin(request, token)
    hub = auth.hub(request)
    rows = []
    for s in reversed(hub.sessions()):
        try:
            state = hub.state(s.id)
            status = "finished" if state.finished else f"{state.moves} moves"
        except AccordError as exc:
            status = f"cannot be replayed: {exc}"
        rows.append(
            {
                "id": s.id,
                "title": s.title,
                "protocol": s.spec.protocol,
                "scenario": s.scenario,
                "created": s.created,
                "status": status,
            }
        )
    return render(
        request,
        "trainer.html",
        token=token,
        sessions=rows,
        scenarios=_scenario_choices(request),
        protocols=list(PROTOCOLS),
    )


@router.get("/t/{token}/new", response_class=HTMLResponse)
def new_session(
    request: Request, token: str, scenario: str, protocol: str = "alternating-offers"
) -> HTMLResponse:
    auth.admin(request, token)
    info = PROTOCOLS.get(protocol)
    if info is None:
        raise HTTPException(400, f"unknown protocol {protocol!r}")
    try:
        sc = auth.hub(request).scenario(scenario)
    except AccordError as exc:
        raise HTTPException(400, str(exc)) from None
    low, high = info.mediators
    return render(
        request,
        "new_session.html",
        token=token,
        csrf=csrf_token(auth.secret(request), token),
        scenario=scenario,
        scenario_name=sc.name,
        protocol=protocol,
        parties=sc.party_names,
        party_strategies=_strategies(info.party_role, protocol),
        mediator_strategies=_strategies("mediator", protocol),
        mediators=max(low, 1) if high != 0 else 0,
        default_rounds=sc.timeline.deadline or info.default_rounds,
        caucus=protocol == "caucus",
    )


@router.post("/t/{token}/sessions")
async def create_session(request: Request, token: str) -> Response:
    auth.admin(request, token)
    form = await request.form()
    auth.check_csrf(request, token, _text(form.get("csrf")))
    protocol = _text(form.get("protocol"))
    scenario = _text(form.get("scenario"))
    parties = [_text(v) for k, v in sorted(form.multi_items()) if k.startswith("party")]
    mediators = [_text(v) for k, v in sorted(form.multi_items()) if k.startswith("mediator")]
    options: dict[str, Any] = {}
    try:
        rounds = int(_text(form.get("rounds")) or 0) or None
        if protocol == "caucus":
            options["budget"] = int(_text(form.get("budget")) or 50)
        seed_text = _text(form.get("seed"))
        seed = int(seed_text) if seed_text else None
        sid = auth.hub(request).create(
            _text(form.get("title"))[:200],
            scenario,
            parties,
            protocol=protocol,
            mediators=mediators,
            rounds=rounds,
            options=options,
            seed=seed,
        )
    except (AccordError, ValueError) as exc:
        raise HTTPException(400, f"cannot create this session: {exc}") from None
    return RedirectResponse(f"/t/{token}/sessions/{sid}", status_code=303)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _trainer_live(request: Request, token: str, sid: str) -> Live:
    auth.admin(request, token)
    try:
        return auth.hub(request).live(sid)
    except AccordError:
        raise HTTPException(404, auth.NOT_FOUND) from None


@router.get("/t/{token}/sessions/{sid}", response_class=HTMLResponse)
def session_page(request: Request, token: str, sid: str) -> HTMLResponse:
    live = _trainer_live(request, token, sid)
    state = auth.hub(request).state(sid)
    payload = host_payload(live, state, auth.secret(request))
    debrief = _debrief(request, live, state) if state.finished else None
    base = str(request.base_url).rstrip("/")
    return render(request, "session.html", token=token, s=payload, debrief=debrief, base=base)


def _debrief(request: Request, live: Live, state: Any) -> dict[str, Any]:
    from accord.live.debrief import debrief
    from accord.web.charts import debrief_figure

    analysis = _analysis(request, live)
    found = debrief(live.scenario, state.result, analysis)
    out = found.to_dict()
    if len(found.parties) >= 2:
        out["figure"] = debrief_figure(analysis, found.offers, found.deal)
    return out


def _analysis(request: Request, live: Live) -> Any:
    from accord.analysis.report import analyze

    cache: dict[str, Any] = request.app.state.analyses
    key = live.stored.scenario
    if key not in cache:
        cache[key] = analyze(live.scenario, time_limit=10.0)
    return cache[key]


# -- a participant ----------------------------------------------------------------------------


def _seat_context(request: Request, seat: auth.Seat, **extra: Any) -> dict[str, Any]:
    hub = auth.hub(request)
    state = hub.state(seat.live.stored.id)
    payload = seat_payload(seat.live, state, seat.seat)
    figure = None
    if (
        payload["role"] == "mediator"
        and payload["protocol"] == "caucus"
        and len(payload["parties"]) >= 2
    ):
        from accord.web.charts import disclosure_figure

        figure = disclosure_figure(payload["parties"], payload["seen"].get("notebook", {}))
    return {
        "token": seat.token,
        "csrf": csrf_token(auth.secret(request), seat.token),
        "s": payload,
        "figure": figure,
        "query_packages": QUERY_PACKAGES,
        "error": None,
        "meter": None,
        **extra,
    }


@router.get("/s/{token}", response_class=HTMLResponse)
def seat_page(request: Request, token: str) -> HTMLResponse:
    seat = auth.seat(request, token)
    return render(request, "seat.html", **_seat_context(request, seat))


@router.get("/s/{token}/panel", response_class=HTMLResponse)
def seat_panel(request: Request, token: str) -> HTMLResponse:
    seat = auth.seat(request, token)
    return render(request, "_panel.html", **_seat_context(request, seat))


@router.get("/s/{token}/meter", response_class=HTMLResponse)
def meter(request: Request, token: str) -> HTMLResponse:
    """The seat's own utility of the package composed in the form (parties only)."""
    seat = auth.seat(request, token)
    return render(request, "_meter.html", meter=_meter(seat, dict(request.query_params)))


def _meter(seat: auth.Seat, form: dict[str, Any]) -> dict[str, Any]:
    if seat.seat < 0:
        raise HTTPException(404, auth.NOT_FOUND)
    try:
        return metered(seat.live.scenario, seat.seat, form, "choose a value for every issue")
    except FormError as exc:
        return {"error": str(exc)}


@router.post("/s/{token}/move")
async def move(request: Request, token: str) -> Response:
    seat = auth.seat(request, token)
    form = dict((await request.form()).items())
    auth.check_csrf(request, token, _text(form.get("csrf")))
    hub = auth.hub(request)
    htmx = request.headers.get("hx-request") == "true"
    template = "_panel.html" if htmx else "seat.html"
    if form.get("action") == "meter":
        context = _seat_context(request, seat, meter=_meter(seat, form), form=form)
        return render(request, template, **context)
    state = hub.state(seat.live.stored.id)
    prompt = state.waiting.to_dict() if state.waiting and state.waiting.seat == seat.seat else None
    try:
        if prompt is None:
            raise FormError("it is not your turn")
        made = move_from_form(form, prompt, seat.live.scenario.space)
        hub.move(seat.live.stored.id, seat.seat, made)
    except (FormError, MoveRefused) as exc:
        context = _seat_context(request, seat, error=str(exc), form=form)
        return render(request, template, status=200 if htmx else 400, **context)
    if htmx:
        return render(request, template, **_seat_context(request, seat))
    return RedirectResponse(f"/s/{token}", status_code=303)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(status_code=204)
