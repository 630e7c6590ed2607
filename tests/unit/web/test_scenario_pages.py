"""The trainer's scenario pages: library, detail, YAML download, builder and the JSON API; only
the trainer's token opens them."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.api import list_scenarios, load
from accord.cli.main import app as cli
from accord.io.yaml_format import dumps_yaml, loads_yaml
from accord.web.tokens import seat_token

HTML = {"accept": "text/html"}


def _text(response) -> str:
    return html.unescape(response.text)


# -- who may open the pages -----------------------------------------------------------------------
ROUTES = [
    ("get", "/t/{token}/scenarios"),
    ("get", "/t/{token}/scenarios/job-offer"),
    ("get", "/t/{token}/scenarios/job-offer/yaml"),
    ("post", "/t/{token}/scenarios/upload"),
    ("get", "/t/{token}/builder"),
    ("post", "/t/{token}/builder"),
]
API = [("get", "/api/scenarios"), ("get", "/api/scenarios/job-offer"), ("post", "/api/scenarios")]


def _tokens(app, admin: str) -> dict[str, str]:
    return {
        "none": "",
        "wrong": "admin.AAAAAAAAAAAAAAAAAAAAAAAA",
        "garbage": "../../etc",
        "seat": seat_token(app.state.secret, "abc123", 0),
        "mediator seat": seat_token(app.state.secret, "abc123", -1),
        "admin of another server": admin[:-2] + ("xx" if not admin.endswith("xx") else "yy"),
    }


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_pages_need_the_trainers_token(client, app, admin, csrf, method, route):
    for kind, token in _tokens(app, admin).items():
        data = {"csrf": csrf(token)} if method == "post" else None
        r = client.request(method, route.format(token=token), data=data, headers=HTML)
        assert r.status_code == 404, (kind, r.status_code)
        assert "job-offer" not in r.text
    # and the real one opens it (a POST without a form is refused, not hidden)
    r = client.request(method, route.format(token=admin), headers=HTML)
    assert r.status_code in ((200,) if method == "get" else (400, 403))


@pytest.mark.parametrize(("method", "route"), API)
def test_api_needs_the_trainers_bearer_token(client, app, admin, method, route):
    for kind, token in _tokens(app, admin).items():
        for value in (f"Bearer {token}", token, f"Basic {admin}"):
            r = client.request(method, route, headers={"Authorization": value})
            assert r.status_code == 404, (kind, value, r.status_code)
    assert client.request(method, route).status_code == 404  # no header at all
    if method == "get":
        ok = client.get(route, headers={"Authorization": f"Bearer {admin}"})
        assert ok.status_code == 200


# -- library, detail, download ------------------------------------------------------------------
def test_library_lists_packaged_scenarios_and_the_upload_form(client, admin, csrf):
    r = client.get(f"/t/{admin}/scenarios")
    assert r.status_code == 200
    page = _text(r)
    for info in list_scenarios():
        assert f'href="/t/{admin}/scenarios/{info.name}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert f'value="{csrf(admin)}"' in page
    assert f'href="/t/{admin}/"' in page  # back to the trainer's home
    assert "<script>" not in page and "onclick" not in page  # the CSP forbids inline scripts


def test_stored_scenarios_appear_in_the_library(client, app, admin):
    sid = app.state.hub.store.add_scenario("my-case", dumps_yaml(load("river-basin")), "upload")
    page = _text(client.get(f"/t/{admin}/scenarios"))
    assert f'href="/t/{admin}/scenarios/stored:{sid}"' in page
    assert "my-case" in page
    assert client.get(f"/t/{admin}/scenarios/stored:{sid}").status_code == 200


def test_detail_shows_every_party_and_the_analysis(client, admin):
    from accord.analysis.report import analyze

    scenario = load("job-offer")
    expected = analyze(scenario)
    r = client.get(f"/t/{admin}/scenarios/job-offer")
    assert r.status_code == 200
    page = _text(r)
    for party in scenario.parties:
        assert party.name in page
        assert f"{party.reservation:.3f}" in page
    for issue in scenario.space.issues:
        assert issue.name in page
    assert "60k, 65k, 70k, 75k, 80k, 85k" in page
    assert f"{expected.zopa_outcomes:,} packages" in page
    assert f"{len(expected.frontier)} packages" in page
    assert expected.nash is not None
    for issue, value in expected.nash.outcome.items():
        assert f"{issue} = {value}" in page
    for party, u in zip(expected.parties, expected.nash.utilities, strict=True):
        assert f"{party} {u:.3f}" in page


def test_unknown_scenarios_are_not_found(client, admin):
    for ref in ("no-such-case", "stored:ffffffffffff", "stored:", "..%2F..%2Fetc"):
        assert client.get(f"/t/{admin}/scenarios/{ref}", headers=HTML).status_code == 404
        assert client.get(f"/t/{admin}/scenarios/{ref}/yaml").status_code == 404
    api = client.get("/api/scenarios/nope", headers={"Authorization": f"Bearer {admin}"})
    assert api.status_code == 404


def test_yaml_download_round_trips(client, admin):
    r = client.get(f"/t/{admin}/scenarios/river-basin/yaml")
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="river-basin.yaml"'
    again = loads_yaml(r.text)
    original = load("river-basin")
    assert again.space == original.space
    assert again.party_names == original.party_names


def test_api_scenario_detail(client, admin):
    r = client.get("/api/scenarios/job-offer", headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 200
    body = r.json()
    assert body["ref"] == "job-offer"
    assert [(p["name"], p["reservation"]) for p in body["parties"]] == [
        ("candidate", 0.35),
        ("employer", 0.40),
    ]
    assert [i["name"] for i in body["issues"]][:2] == ["salary", "remote_days"]
    schema = client.get("/api/openapi.json").json()
    assert schema["paths"]["/api/scenarios"]["post"]["summary"]
    assert "/t/{token}/scenarios" not in schema["paths"]


# -- the builder ----------------------------------------------------------------------------------
def _lease(csrf_value: str, action: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf": csrf_value,
        "action": action,
        "name": "office-lease",
        "description": "A tenant and a landlord agree on rent and term.",
        "issues": "2",
        "parties": "2",
        "issue-0-name": "rent",
        "issue-0-values": "900, 1000, 1100",
        "issue-1-name": "term",
        "issue-1-values": "1 year, 3 years",
        "party-0-name": "tenant",
        "party-0-reservation": "0.3",
        "party-0-weight-0": "0.7",
        "party-0-weight-1": "0.3",
        "party-0-score-0-0": "1",
        "party-0-score-0-1": "0.6",
        "party-0-score-0-2": "0",
        "party-0-score-1-0": "0.2",
        "party-0-score-1-1": "1",
        "party-1-name": "landlord",
        "party-1-reservation": "0.4",
        "party-1-weight-0": "0.6",
        "party-1-weight-1": "0.4",
        "party-1-score-0-0": "0",
        "party-1-score-0-1": "0.5",
        "party-1-score-0-2": "1",
        "party-1-score-1-0": "0.3",
        "party-1-score-1-1": "1",
    }
    form.update(changes)
    return form


def _post(client, admin, form, **headers):
    return client.post(
        f"/t/{admin}/builder", data=form, headers={**HTML, **headers}, follow_redirects=False
    )


def test_builder_page_is_a_plain_form(client, admin, csrf):
    r = client.get(f"/t/{admin}/builder")
    assert r.status_code == 200
    page = _text(r)
    assert f'<form method="post" action="/t/{admin}/builder"' in page
    for action in ("add_issue", "add_party", "check", "save", "download"):
        assert f'name="action" value="{action}"' in page
    assert f'value="{csrf(admin)}"' in page
    assert "<script>" not in page and "onchange" not in page


def test_builder_save_stores_the_scenario(client, app, admin, csrf):
    r = _post(client, admin, _lease(csrf(admin), "save"))
    assert r.status_code == 303
    ref = r.headers["location"].rsplit("/", 1)[1]
    assert ref.startswith("stored:")
    [stored] = app.state.hub.store.scenarios()
    assert (stored.name, stored.origin) == ("office-lease", "builder")
    scenario = app.state.hub.scenario(ref)
    assert scenario.party_names == ("tenant", "landlord")
    assert scenario.space.size == 6
    assert [p.reservation for p in scenario.parties] == [0.3, 0.4]
    # the tenant likes the lowest rent best, the landlord the highest
    cheap = {"rent": "900", "term": "3 years"}
    utilities = scenario.evaluate(np.array([scenario.space.encode(cheap)]))[0]
    assert list(utilities) == pytest.approx([1.0, 0.4])
    detail = client.get(r.headers["location"])
    assert detail.status_code == 200 and "landlord" in detail.text


def test_builder_download_is_accepted_by_accord_analyze(client, app, admin, csrf, tmp_path):
    r = _post(client, admin, _lease(csrf(admin), "download"))
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="office-lease.yaml"'
    path = tmp_path / "office-lease.yaml"
    path.write_text(r.text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert '"office-lease"' in result.output
    assert app.state.hub.store.scenarios() == []  # a download stores nothing


def test_builder_check_shows_the_summary(client, admin, csrf):
    from accord.analysis.report import analyze

    r = _post(client, admin, _lease(csrf(admin), "check"))
    assert r.status_code == 200
    page = _text(r)
    assert 'id="builder-summary"' in page and 'id="builder-errors"' not in page
    built = loads_yaml(
        client.post(f"/t/{admin}/builder", data=_lease(csrf(admin), "download")).text
    )
    expected = analyze(built)
    assert f"{expected.zopa_outcomes:,} packages every party prefers" in page
    assert expected.nash is not None
    assert all(f"{k} = {v}" in page for k, v in expected.nash.outcome.items())
    # what was typed is shown back
    assert 'value="900, 1000, 1100"' in page and 'value="landlord"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"party-1-score-0-2": "2.0"}, "landlord: rent = 1100: score: 2.0 is out of range"),
        ({"party-0-weight-1": "lots"}, "tenant: term: weight: 'lots' is not a number"),
        ({"party-0-reservation": "1.5"}, "tenant: red line: 1.5 is out of range"),
        ({"issue-1-values": " , "}, "a discrete issue needs a non-empty 'values' list"),
        ({"issue-1-name": ""}, "issues[1] → name"),
        ({"issue-1-name": "rent"}, "issue 'rent' appears twice"),
        ({"issue-0-values": "900, 900, 1100"}, "value '900' appears twice"),
        ({"name": ""}, "name"),
    ],
)
def test_builder_errors_are_shown(client, app, admin, csrf, changes, message):
    check = _post(client, admin, _lease(csrf(admin), "check", **changes))
    assert check.status_code == 200
    page = _text(check)
    assert 'id="builder-errors"' in page and 'id="builder-summary"' not in page
    assert message in page
    assert "Traceback" not in page
    save = _post(client, admin, _lease(csrf(admin), "save", **changes))
    assert save.status_code == 400 and message in _text(save)
    assert app.state.hub.store.scenarios() == []


def test_builder_adds_and_removes_rows(client, admin, csrf):
    page = _text(_post(client, admin, _lease(csrf(admin), "add_issue")))
    assert 'name="issue-2-name"' in page and 'name="issues" value="3"' in page
    assert 'name="party-1-weight-2" value="1"' in page
    assert 'id="builder-errors"' not in page  # editing is not checking
    page = _text(_post(client, admin, _lease(csrf(admin), "add_party")))
    assert 'name="party-2-name"' in page and 'name="party-2-score-0-2"' in page
    page = _text(_post(client, admin, _lease(csrf(admin), "remove_issue:0")))
    assert 'name="issue-1-name"' not in page
    assert 'name="issue-0-name" value="term"' in page
    assert 'name="party-0-score-0-1" value="1"' in page  # the tenant's term scores moved up
    page = _text(_post(client, admin, _lease(csrf(admin), "remove_party:0")))
    assert 'value="tenant"' not in page and 'name="party-0-name" value="landlord"' in page


def test_builder_with_htmx_answers_the_fragment(client, app, admin, csrf):
    r = _post(client, admin, _lease(csrf(admin), "check"), **{"HX-Request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.text and 'id="builder-summary"' in r.text
    r = _post(client, admin, _lease(csrf(admin), "save"), **{"HX-Request": "true"})
    [stored] = app.state.hub.store.scenarios()
    assert r.headers["hx-redirect"] == f"/t/{admin}/scenarios/stored:{stored.id}"


def test_builder_posts_need_the_form_token(client, app, admin, csrf):
    other = seat_token(app.state.secret, "abc123", 0)
    for given in ("", "forged", csrf(other)):
        for action in ("save", "check", "add_issue", "download"):
            r = _post(client, admin, _lease(given, action))
            assert r.status_code == 403, (given, action)
    form = _lease(csrf(admin), "save")
    del form["csrf"]
    assert _post(client, admin, form).status_code == 403
    assert app.state.hub.store.scenarios() == []


def test_builder_caps_the_rows(client, admin, csrf):
    form = _lease(csrf(admin), "add_issue", issues="100000")
    page = _text(_post(client, admin, form))
    assert len(re.findall(r'name="issue-\d+-name"', page)) == 20
    assert 'value="add_issue"' not in page  # at the limit the button goes
