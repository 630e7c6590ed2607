"""Sessions over HTTP: the trainer creates them, people play through their links (pages and
API), forms are protected, and a restarted server continues every session where it was."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from accord.web.server import create_app
from accord.web.tokens import admin_token, csrf_token, seat_token


def _links(html: str) -> list[str]:
    return re.findall(r'class="seat-link" data-seat="[^"]*" href="[^"]*/s/([^"]+)"', html)


def _new(client, admin, csrf, **fields) -> str:
    data = {"csrf": csrf(admin), "title": "class 1", "rounds": "20", "seed": "3", **fields}
    r = client.post(f"/t/{admin}/sessions", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r.headers["location"]


def test_a_person_negotiates_against_an_agent_through_the_pages(client, admin, csrf):
    assert client.get(f"/t/{admin}/").status_code == 200
    form = client.get(f"/t/{admin}/new", params={"scenario": "job-offer"})
    assert form.status_code == 200 and "party000" in form.text
    host = _new(
        client,
        admin,
        csrf,
        scenario="job-offer",
        protocol="alternating-offers",
        party000="person",
        party001="conceder",
    )
    (token,) = _links(client.get(host).text)
    page = client.get(f"/s/{token}")
    assert page.status_code == 200 and "Your move" in page.text and "Your priorities" in page.text
    meter = client.get(f"/s/{token}/meter", params={f"i{j}": "0" for j in range(5)})
    assert re.search(r'id="meter-value">0\.\d{3}<', meter.text)
    best = {"i0": "5", "i1": "4", "i2": "1", "i3": "3", "i4": "2"}  # the candidate's best
    for _ in range(25):
        page = client.get(f"/s/{token}")
        if 'id="outcome"' in page.text:
            break
        action = "accept" if 'id="accept"' in page.text and "0.8" in page.text else "offer"
        r = client.post(
            f"/s/{token}/move",
            data={"csrf": csrf(token), "action": action, **best},
            follow_redirects=False,
        )
        assert r.status_code == 303, re.findall(r'id="error">([^<]*)', r.text)
    assert 'id="outcome">Agreement' in client.get(f"/s/{token}").text  # the conceder gives in
    results = client.get(host)
    assert 'id="results"' in results.text and "Nash" in results.text
    assert "debrief-data" in results.text


def test_an_illegal_move_shows_the_reason_and_changes_nothing(client, admin, csrf):
    host = _new(
        client,
        admin,
        csrf,
        scenario="job-offer",
        protocol="alternating-offers",
        party000="person",
        party001="boulware",
    )
    (token,) = _links(client.get(host).text)
    r = client.post(f"/s/{token}/move", data={"csrf": csrf(token), "action": "offer", "i0": "1"})
    assert r.status_code == 400 and "every issue" in r.text
    r = client.post(f"/s/{token}/move", data={"csrf": csrf(token), "action": "accept"})
    assert r.status_code == 400 and "not a move you can make" in r.text
    api = client.get("/api/seat", headers={"Authorization": f"Bearer {token}"}).json()
    assert api["moves"] == 0 and api["my_turn"]


def test_forms_need_their_csrf_token_and_cross_site_posts_are_refused(client, admin, csrf):
    host = _new(
        client,
        admin,
        csrf,
        scenario="job-offer",
        protocol="alternating-offers",
        party000="person",
        party001="boulware",
    )
    (token,) = _links(client.get(host).text)
    move = {"action": "offer", **{f"i{j}": "0" for j in range(5)}}
    assert client.post(f"/s/{token}/move", data=move).status_code == 403
    assert client.post(f"/s/{token}/move", data={**move, "csrf": csrf(admin)}).status_code == 403
    r = client.post(
        f"/s/{token}/move",
        data={**move, "csrf": csrf(token)},
        headers={"Origin": "http://evil.example"},
    )
    assert r.status_code == 403
    r = client.post(f"/t/{admin}/sessions", data={"csrf": "x", "scenario": "job-offer"})
    assert r.status_code == 403
    ok = client.post(f"/s/{token}/move", data={**move, "csrf": csrf(token)}, follow_redirects=False)
    assert ok.status_code == 303


def test_a_mediated_session_over_the_api_reaches_agreement(client, admin):
    trainer = {"Authorization": f"Bearer {admin}"}
    r = client.post(
        "/api/sessions",
        headers=trainer,
        json={
            "scenario": "job-offer",
            "parties": ["person", "person"],
            "protocol": "caucus",
            "mediators": ["person"],
            "budget": 10,
            "seed": 2,
        },
    )
    assert r.status_code == 201
    seats = {s["seat"]: {"Authorization": f"Bearer {s['token']}"} for s in r.json()["seats"]}

    def move(seat, body, status=200):
        reply = client.post("/api/seat/move", headers=seats[seat], json=body)
        assert reply.status_code == status, reply.text
        return reply.json()

    move(0, {"act": "answer", "accept": True}, status=409)  # not Ann's turn: nothing asked yet
    move(-1, {"act": "ask", "kind": "proposal", "packages": [100]})
    prompt = client.get("/api/seat", headers=seats[0]).json()["prompt"]
    assert prompt["kind"] == "proposal" and prompt["packages"][0]["outcome"] == 100
    move(0, {"act": "answer", "accept": True, "reason": "fine by me"})
    move(-1, {"act": "close"})
    move(-1, {"act": "ask", "kind": "proposal", "packages": [100]})
    final = move(1, {"act": "answer", "accept": True})
    assert final["finished"] and final["result"]["agreement"]
    whole = client.get(f"/api/sessions/{r.json()['id']}", headers=trainer).json()
    assert whole["result"]["agreement"] and set(whole["result"]["utilities"]) == {
        "candidate",
        "employer",
    }
    assert client.get(f"/api/sessions/{r.json()['id']}", headers=seats[0]).status_code == 404


def test_a_single_text_session_with_a_person_mediator(client, admin):
    trainer = {"Authorization": f"Bearer {admin}"}
    r = client.post(
        "/api/sessions",
        headers=trainer,
        json={
            "scenario": "job-offer",
            "parties": ["truthful", "person"],
            "protocol": "single-text",
            "mediators": ["person"],
            "rounds": 2,
            "seed": 2,
        },
    )
    seats = {s["seat"]: s["token"] for s in r.json()["seats"] if s["token"]}
    med, bob = seats[-1], seats[1]
    page = client.get(f"/s/{med}")
    assert 'id="propose"' in page.text
    for _ in range(2):
        client.post(
            f"/s/{med}/move",
            data={
                "csrf": csrf_of(client, med),
                "action": "propose",
                **{f"i{j}": "1" for j in range(5)},
            },
        )
        r2 = client.post(
            f"/s/{bob}/move",
            data={"csrf": csrf_of(client, bob), "action": "yes"},
            follow_redirects=False,
        )
        assert r2.status_code == 303
    end = client.get(f"/s/{bob}")
    assert 'id="outcome"' in end.text and "Your votes" in end.text


def csrf_of(client, token: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(f"/s/{token}").text).group(1)


def test_a_restarted_server_continues_every_session_where_it_was(tmp_path):
    db = tmp_path / "sessions.db"
    app = create_app(db)
    admin = admin_token(app.state.secret)
    with TestClient(app) as client:
        r = client.post(
            "/api/sessions",
            headers={"Authorization": f"Bearer {admin}"},
            json={
                "scenario": "job-offer",
                "parties": ["person", "boulware"],
                "rounds": 30,
                "seed": 9,
            },
        )
        sid = r.json()["id"]
        token = seat_token(app.state.secret, sid, 0)
        me = {"Authorization": f"Bearer {token}"}
        for outcome in (700, 701, 702):
            assert (
                client.post(
                    "/api/seat/move", headers=me, json={"act": "offer", "outcome": outcome}
                ).status_code
                == 200
            )
        before = client.get("/api/seat", headers=me).json()
        page_before = client.get(f"/s/{token}").text
    app.state.store.close()  # the server stops

    again = create_app(db)  # and starts on the same store
    assert admin_token(again.state.secret) == admin  # the same links still work
    with TestClient(again) as client:
        after = client.get("/api/seat", headers=me).json()
        assert after == before and after["moves"] == 3
        assert client.get(f"/s/{token}").text == page_before
        r = client.post(
            f"/s/{token}/move",
            data={"csrf": csrf_token(again.state.secret, token), "action": "end"},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert client.get("/api/seat", headers=me).json()["finished"]


def test_seats_are_told_the_agreement_rule_of_a_consensus_game(client, admin, csrf):
    seats = {f"party{j:03d}": "person" if j < 2 else "truthful" for j in range(6)}
    host = _new(
        client,
        admin,
        csrf,
        scenario="riverside-redevelopment",
        protocol="caucus",
        mediator000="caucus",
        **seats,
    )
    tokens = _links(client.get(host).text)
    assert len(tokens) == 2
    page = client.get(f"/s/{tokens[0]}").text
    rule = re.search(r'<p id="rule">([^<]*)</p>', page)
    assert rule is not None
    assert "at least 5 of 6 parties, including Millbrook Developments and Wenmouth City" in (
        rule.group(1)
    )
    job = _new(
        client,
        admin,
        csrf,
        scenario="job-offer",
        protocol="alternating-offers",
        party000="person",
        party001="conceder",
    )
    (token,) = _links(client.get(job).text)
    assert 'id="rule"' not in client.get(f"/s/{token}").text  # unanimity: nothing to add
