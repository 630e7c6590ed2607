"""Route enumeration: every route of the app, called with every participant's token, the
trainer's, another session's and none, never returns another party's private preferences or
disclosures.

The scenario is written for the test so that each party's private numbers (value points,
utilities of every package, red line) print as strings that appear nowhere else: a party's
"markers". Disclosures carry their own markers (a reason, a made-up red line, made-up
ratings). Every response body of every holder is searched for every marker it may not see.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from accord.io.yaml_format import loads_yaml
from accord.web.tokens import seat_token

SCENARIO = """\
accord: 1
name: privacy-test
issues:
  - {name: price, values: [low, mid, high]}
  - {name: term, values: [short, long]}
parties:
  - name: Ann
    reservation: 0.3341
    utility:
      type: linear-additive
      weights: {price: 0.5, term: 0.5}
      values:
        price: {table: {low: 0.0, mid: 0.4411, high: 0.9173}}
        term: {table: {short: 0.1359, long: 0.8627}}
  - name: Bob
    reservation: 0.5813
    utility:
      type: linear-additive
      weights: {price: 0.6, term: 0.4}
      values:
        price: {table: {low: 0.93217, mid: 0.51373, high: 0.08719}}
        term: {table: {short: 0.77713, long: 0.21937}}
"""
#: what each party discloses to the mediator (made up: not its true numbers)
DISCLOSED = {
    "Ann": {"reason": "ANN-PRIVATE-REASON", "threshold": 0.2468, "ratings": [0.1357, 0.9753]},
    "Bob": {"reason": "BOB-PRIVATE-REASON", "threshold": 0.8642, "ratings": [0.3579, 0.7531]},
}


def _numbers(x: float) -> set[str]:
    return {f"{x:.2f}", f"{x:.3f}", f"{x:.4f}", repr(float(x))}


def preference_markers(scenario, i: int) -> set[str]:
    party = scenario.parties[i]
    space = scenario.space
    digits = np.array(list(itertools.product(*(range(len(s.values)) for s in space.issues))))
    out = _numbers(party.reservation)
    for u in party.utility.evaluate(space, digits):
        out |= {f"{u:.3f}", f"{u:.4f}", repr(float(u))}
    tables = party.utility.issue_tables(space)
    spans = [float(t.max() - t.min()) for t in tables]
    for table, span in zip(tables, spans, strict=True):
        out.add(f"{span / sum(spans) * 100:.0f}%")  # the issue's weight, as pages show it
        for x in table:
            if x != 0:
                out |= _numbers(x)
    return out


def disclosure_markers(name: str) -> set[str]:
    d = DISCLOSED[name]
    out = {d["reason"]} | _numbers(d["threshold"])
    for r in d["ratings"]:
        out |= _numbers(r)
    return out


def shows(body: str, marker: str) -> bool:
    """Whether ``body`` shows ``marker`` as a whole number or text: ``0.14`` is not in
    ``0.140``, ``-0.14`` or inside a word such as a token (``…m0.14Xy…``: tokens are random)."""
    return re.search(rf"(?<![\w.\-]){re.escape(marker)}(?!\w)", body) is not None


def all_routes(routes) -> list[Route]:
    """Every endpoint, inside included routers too (static files aside)."""
    out: list[Route] = []
    for r in routes:
        inner = getattr(r, "original_router", None)  # an included router
        if inner is not None:
            out += all_routes(inner.routes)
        elif isinstance(r, APIRoute | Route) and not isinstance(r, Mount):
            out.append(r)
    return out


def _bodies(client, app, tokens: dict[str, str | None], ids: dict[str, str]) -> dict[str, str]:
    """Every route called by every holder: holder -> all response bodies, concatenated."""
    seen: dict[str, list[str]] = {h: [] for h in tokens}
    routes = all_routes(app.routes)
    assert len(routes) >= 15
    for route in routes:
        if route.path.startswith("/static-lib/"):
            continue  # a library's file (plotly.js), the same for everyone
        params = set(re.findall(r"{(\w+)}", route.path))
        unknown = params - {"token", "sid", "ref"}
        assert not unknown, f"route {route.path}: teach this test its parameters {unknown}"
        for holder, token in tokens.items():
            for sid in ids.values():
                path = route.path.replace("{token}", token or "").replace("{sid}", sid)
                path = path.replace("{ref}", "job-offer")
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                for method in sorted(route.methods or {"GET"}):
                    if method == "HEAD":
                        continue
                    query = {"i0": "1", "i1": "1", "scenario": "job-offer"}
                    if method == "GET":
                        r = client.get(path, params=query, headers=headers)
                    else:
                        r = client.request(method, path, headers=headers, data={"action": "x"})
                    assert r.status_code < 500, f"{method} {path}: {r.status_code} {r.text[:200]}"
                    seen[holder].append(r.text)
                if "{sid}" not in route.path:
                    break
    return {h: "\n".join(v) for h, v in seen.items()}


def test_no_route_shows_anyone_another_partys_preferences_or_disclosures(client, app, admin):
    hub = app.state.hub
    ref = "stored:" + app.state.store.add_scenario("privacy-test", SCENARIO, "upload")
    scenario = loads_yaml(SCENARIO)
    caucus = hub.create(
        "c",
        ref,
        ["person", "person"],
        protocol="caucus",
        mediators=["person"],
        rounds=5,
        options={"budget": 10},
        seed=1,
    )
    offers = hub.create("o", ref, ["person", "person"], rounds=5, seed=1)
    text = hub.create(
        "t",
        ref,
        ["person", "person"],
        protocol="single-text",
        mediators=["person"],
        rounds=3,
        seed=1,
    )
    # the caucus: each party rates two packages, states a red line and explains a refusal
    for party in (0, 1):
        name = scenario.parties[party].name
        d = DISCLOSED[name]
        for ask, answer in (
            ({"kind": "rate", "packages": [1, 4]}, {"ratings": d["ratings"]}),
            ({"kind": "red_line"}, {"threshold": d["threshold"]}),
            ({"kind": "proposal", "packages": [2]}, {"accept": False, "reason": d["reason"]}),
        ):
            hub.move(caucus, -1, {"act": "ask", **ask})
            hub.move(caucus, party, {"act": "answer", **answer})
        hub.move(caucus, -1, {"act": "close"})
    hub.move(caucus, -1, {"act": "ask", "kind": "rate", "packages": [3]})  # Ann is asked again
    # alternating offers: Ann offers, Bob counters, Ann's turn to answer
    hub.move(offers, 0, {"act": "offer", "outcome": 5})
    hub.move(offers, 1, {"act": "offer", "outcome": 0})
    # single text: the mediator proposes, Ann votes, Bob's turn
    hub.move(text, -1, {"act": "propose", "outcome": 3})
    hub.move(text, 0, {"act": "vote", "accept": True})

    secret = app.state.secret
    ids = {"caucus": caucus, "offers": offers, "text": text}
    tokens: dict[str, str | None] = {"nobody": None, "forged": "admin.AAAAAAAAAAAAAAAAAAAAAAAA"}
    for name, sid in ids.items():
        for seat in (0, 1, -1):
            if seat == -1 and name == "offers":
                continue
            tokens[f"{name}:{seat}"] = seat_token(secret, sid, seat)
    tokens["forged-seat"] = f"{caucus}.p0.{'A' * 24}"
    bodies = _bodies(client, app, tokens, ids)

    prefs = {i: preference_markers(scenario, i) for i in (0, 1)}
    told = {i: disclosure_markers(scenario.parties[i].name) for i in (0, 1)}
    collisions = (prefs[0] | told[0]) & (prefs[1] | told[1])
    assert not collisions, f"markers not unique: {collisions}"  # the test's own premise

    for holder, body in bodies.items():
        if holder in ("nobody", "forged", "forged-seat"):
            forbidden = prefs[0] | prefs[1] | told[0] | told[1]
        else:
            session, seat = holder.split(":")
            seat_i = int(seat)
            if seat_i >= 0:  # a party: nothing of the other party's, from any session
                forbidden = prefs[1 - seat_i] | told[1 - seat_i]
            else:  # a mediator: disclosures only, never a utility function or red line
                forbidden = prefs[0] | prefs[1]
                if session != "caucus":
                    forbidden |= told[0] | told[1]
        leaked = sorted(m for m in forbidden if shows(body, m))
        where = [body[max(0, body.find(m) - 80) : body.find(m) + 40] for m in leaked[:2]]
        assert not leaked, f"{holder} saw {leaked[:5]} in {where}"

    # the premise: people do see their own, the caucus mediator the disclosures
    ann = client.get("/api/seat", headers={"Authorization": f"Bearer {tokens['offers:0']}"})
    assert "0.3341" in ann.text and "ANN" not in ann.text
    med = client.get(f"/s/{tokens['caucus:-1']}")
    assert "ANN-PRIVATE-REASON" in med.text and "BOB-PRIVATE-REASON" in med.text
    assert not any(shows(bodies["caucus:0"], m) for m in ("BOB-PRIVATE-REASON", "0.8642"))


@pytest.mark.parametrize("path", ["/s/{t}", "/s/{t}/panel", "/api/seat", "/t/{t}/"])
def test_a_wrong_or_missing_token_is_not_found_everywhere(client, path):
    for token in ("", "admin.x", "abc.p0.zzz", "a" * 500, "..%2F..", "admin"):
        url = path.replace("{t}", token)
        r = client.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})
        assert r.status_code in (404, 405), (url, r.status_code)
        assert "Traceback" not in r.text


def test_every_response_forbids_framing_outside_scripts_and_referrers(client, admin):
    r = client.get(f"/t/{admin}/")
    assert r.status_code == 200
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "http://" not in r.text.replace(str(client.base_url), "") and "https://" not in r.text
