"""``accord serve`` in a real browser: the trainer sets sessions up through the forms, people
play them from their personal links (htmx polling, utility meter), the mediator caucuses with
two parties in separate browsers, and a scenario built in the builder loads in ``accord
analyze``.

Runs against a live uvicorn server and Debian's Chromium (see ``conftest.py``); skipped when
either is unavailable. ``ACCORD_SCREENSHOTS=docs/img`` also writes the README's screenshots.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

#: Longest wait for something a page polls for (htmx polls every 2 s).
POLL_WAIT = 10_000


# -- helpers ------------------------------------------------------------------------------------
def no_server_problems(live_server: Any) -> None:
    problems = live_server.log.problems()
    assert not problems, "the server logged errors:\n" + "\n".join(problems)


def no_page_problems(*pages: Page) -> None:
    for page in pages:
        problems = getattr(page, "problems", [])
        assert not problems, f"{page.url}: " + "; ".join(problems)


def mark_stale(page: Page, selector: str) -> None:
    """Mark the element so that :func:`wait_replaced` can tell when a swap (htmx) or a page load
    replaced it."""
    page.locator(selector).evaluate("el => el.setAttribute('data-stale', '1')")


def wait_replaced(page: Page, selector: str, timeout: float = POLL_WAIT) -> None:
    page.wait_for_selector(f"{selector}:not([data-stale])", state="attached", timeout=timeout)


def submit(page: Page, button: str, *, swapped: str = "#panel") -> None:
    """Click a form button and wait until the part it updates (htmx) or the page is replaced."""
    mark_stale(page, swapped)
    page.click(button)
    wait_replaced(page, swapped)


def post_form(page: Page, button: Locator) -> None:
    """Click a button that posts its form as a plain (full page) form post and wait for the
    page that answers it."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        button.click()
    assert answer.value.status < 400, answer.value.text()[:300]
    page.wait_for_load_state()


def wait_plots(page: Page) -> None:
    """Wait until every plotly figure the page carries is drawn."""
    plots = page.locator(".plot[data-figure]")
    for k in range(plots.count()):
        expect(plots.nth(k).locator(".main-svg").first).to_be_attached(timeout=15_000)


def number(text: str) -> float:
    found = re.search(r"-?\d+(?:\.\d+)?", text)
    assert found, f"no number in {text!r}"
    return float(found.group())


def create_session(
    page: Page,
    trainer: str,
    scenario: str,
    protocol: str,
    seats: dict[str, str],
    fields: dict[str, str],
    *,
    shot: Callable[[str], Any] | None = None,
) -> dict[str, str]:
    """As the trainer: choose the scenario and protocol, then the seats and fields on the
    new-session form; returns each person's personal link by seat label (on the host page)."""
    page.goto(trainer)
    page.locator("form[action$='/new'] select[name=scenario]").select_option(scenario)
    page.locator("form[action$='/new'] select[name=protocol]").select_option(protocol)
    page.get_by_role("button", name="Choose seats…").click()
    expect(page.locator("h1")).to_contain_text(f"New {protocol} session on {scenario}")
    for name, who in seats.items():
        select = page.locator(f"select[name={name}]")
        if who != "person":
            options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            assert who in options, f"{who!r} is not offered for {name}: {options}"
        select.select_option(who)
    for name, value in fields.items():
        page.locator(f"input[name={name}]").fill(value)
    if shot is not None:
        shot("web-new-session")
    post_form(page, page.get_by_role("button", name="Create session"))
    page.wait_for_url(re.compile(r"/t/[^/]+/sessions/[^/]+$"))
    expect(page.locator("#status")).to_be_visible()
    links = page.locator("a.seat-link")
    return {
        links.nth(k).get_attribute("data-seat") or "": links.nth(k).get_attribute("href") or ""
        for k in range(links.count())
    }


def brief_points(page: Page) -> list[list[float]]:
    """The seat's points per value of each issue, from its private brief."""
    rows = page.locator("#brief table tr")
    points = []
    for k in range(1, rows.count()):
        cell = rows.nth(k).locator("td").nth(2).inner_text()
        points.append([float(part.rsplit(":", 1)[1]) for part in cell.split(", ")])
    return points


def compose(page: Page, choice: list[int], prefix: str = "") -> None:
    """Choose value ``choice[j]`` of issue ``j`` in the package composer."""
    for j, v in enumerate(choice):
        page.locator(f"select[name={prefix}i{j}]").select_option(str(v))


# -- a person against an agent ------------------------------------------------------------------
def test_person_completes_negotiation_against_agent(
    live_server: Any, new_page: Callable[..., Page], screenshot: Callable[..., Path]
) -> None:
    trainer = new_page()
    links = create_session(
        trainer,
        live_server.trainer,
        "job-offer",
        "alternating-offers",
        {"party000": "person", "party001": "conceder"},
        {"rounds": "20", "seed": "1"},
        shot=lambda name: screenshot(trainer, name, full_page=True),
    )
    host_url = trainer.url
    assert set(links) == {"candidate"}, links  # the agent's seat has no link
    expect(trainer.locator("#status")).to_contain_text("waiting for")
    screenshot(trainer, "web-session", full_page=True)

    person = new_page()
    person.goto(links["candidate"])
    expect(person.locator("#me")).to_have_text("candidate")
    red_line = number(person.locator("#brief strong").first.inner_text())
    assert red_line == pytest.approx(0.35)
    points = brief_points(person)
    best = [max(range(len(p)), key=p.__getitem__) for p in points]
    rounds = 20

    checked_meter = False
    offers = accepted = 0
    high = 1.0
    for _ in range(rounds + 2):
        person.wait_for_selector("#outcome, #offer", timeout=POLL_WAIT)
        if person.locator("#outcome").count():
            break
        round_no = int(number(person.locator("#turn p.muted").first.inner_text()))
        on_table = person.locator("#on-table")
        if on_table.count():
            utility = number(on_table.locator("strong").nth(1).inner_text())
            # my aspiration falls linearly from 0.9 to my red line at the deadline
            target = 0.9 - (0.9 - red_line) * (round_no - 1) / (rounds - 1)
            if utility >= max(red_line, target):
                submit(person, "#accept")
                accepted += 1
                continue
            if round_no >= rounds - 1:
                submit(person, "#walk")
                continue
        if not checked_meter:
            # the meter follows the composer: two different salaries, two different utilities
            compose(person, [0, *best[1:]])
            expect(person.locator("#meter-value")).to_be_visible()
            low = person.locator("#meter-value").inner_text()
            compose(person, best)
            expect(person.locator("#meter-value")).not_to_have_text(low)
            high = number(person.locator("#meter-value").inner_text())
            assert high > number(low)
            assert high == pytest.approx(1.0, abs=1e-3)  # the best package of an additive utility
            expect(person.locator("#meter")).to_contain_text("above your red line")
            checked_meter = True
        else:
            compose(person, best)
        if offers == 3:  # mid-negotiation: offers listed, a counter-offer composed and metered
            expect(person.locator("#meter-value")).to_have_text(f"{high:.3f}")
            screenshot(person, "web-party", full_page=True)
        submit(person, "#offer")
        offers += 1
        expect(person.locator("#error")).to_have_count(0)
    else:
        pytest.fail("the negotiation did not end within the deadline")

    outcome = person.locator("#outcome")
    expect(outcome).to_be_visible()
    assert offers >= 1 and checked_meter
    assert person.locator("#history tr").count() >= 2  # the offers so far
    if accepted:
        expect(outcome).to_have_text("Agreement")
        assert number(person.locator("#turn").inner_text().split("Your utility:")[1]) >= red_line
    screenshot(person, "web-party-end", full_page=True)

    trainer.goto(host_url)
    results = trainer.locator("#results")
    expect(results).to_be_visible()
    expect(results).to_contain_text("Agreement" if accepted else "No agreement")
    expect(results.locator("table").first).to_contain_text("salary")
    expect(trainer.locator("#status")).to_contain_text("Finished")
    wait_plots(trainer)
    results.scroll_into_view_if_needed()
    screenshot(trainer, "web-results", full_page=True)

    trainer.goto(live_server.trainer)
    expect(trainer.locator("table")).to_contain_text("finished")
    screenshot(trainer, "web-trainer")
    no_page_problems(trainer, person)
    no_server_problems(live_server)


# -- a mediator and two parties, three browsers --------------------------------------------------
def ask(mediator: Page, kind: str, packages: list[list[int]]) -> None:
    """As the mediator: put a question with these packages to the party in caucus."""
    mediator.locator("#kind").select_option(kind)
    for k, package in enumerate(packages):
        compose(mediator, package, prefix=f"q{k}_")
    submit(mediator, "#ask")


def test_mediated_session_three_browsers(
    live_server: Any, new_page: Callable[..., Page], screenshot: Callable[..., Path]
) -> None:
    trainer = new_page()
    links = create_session(
        trainer,
        live_server.trainer,
        "job-offer",
        "caucus",
        {"party000": "person", "party001": "person", "mediator000": "person"},
        {"budget": "10", "seed": "2"},
    )
    host_url = trainer.url
    parties = ["candidate", "employer"]
    assert set(parties) <= set(links) and len(links) == 3, links
    (mediator_seat,) = set(links) - set(parties)

    pages = {}
    for seat in (mediator_seat, *parties):  # the mediator's page loads plotly: start it first
        pages[seat] = new_page()  # a browser context of its own: one per person
        pages[seat].goto(links[seat], wait_until="commit")
    for seat, page in pages.items():
        expect(page.locator("#me")).to_have_text(seat)
    mediator = pages[mediator_seat]
    expect(mediator.locator("#brief")).to_contain_text("The issues (public)")

    caucus = mediator.locator("#turn h2").first
    expect(caucus).to_contain_text("Caucus with")
    first = caucus.inner_text().removeprefix("Caucus with").strip()
    assert first in parties
    second = parties[1 - parties.index(first)]
    a, b = pages[first], pages[second]
    deal = [2, 2, 1, 1, 1]  # 70k, 2 remote days, in 1 month, 2k, Senior Engineer
    rated = [deal, [5, 4, 1, 3, 2], [0, 0, 0, 0, 0]]
    private_reason = "the salary works for me"

    # caucus with the first party; its page and the mediator's find each other's moves by
    # polling (htmx, every 2 s)
    ask(mediator, "rate", rated)
    expect(mediator.locator("#turn h1")).to_have_text(f"Waiting for {first}")
    expect(a.locator("#answer")).to_be_visible(timeout=POLL_WAIT)
    expect(a.locator("#query")).to_contain_text("rate")
    expect(a.locator("input[name=rating2]")).to_be_visible()
    submit(a, "#answer")
    expect(a.locator("#turn h1")).to_have_text(f"Waiting for {mediator_seat}")
    expect(caucus).to_have_text(f"Caucus with {first}", timeout=POLL_WAIT)
    expect(mediator.locator("#turn")).to_contain_text("9 more question(s)")
    ask(mediator, "proposal", [deal])
    expect(a.locator("#yes")).to_be_visible(timeout=POLL_WAIT)
    expect(a.locator("#query")).to_contain_text("proposal")
    expect(a.locator("#turn")).to_contain_text("salary = 70k")
    a.locator("input[name=reason]").fill(private_reason)
    screenshot(a, "web-party-query", full_page=True)
    submit(a, "#yes")
    expect(mediator.locator("#close")).to_be_visible(timeout=POLL_WAIT)
    expect(caucus).to_have_text(f"Caucus with {first}")
    expect(mediator.locator("#turn")).to_contain_text("8 more question(s)")
    submit(mediator, "#close")

    # caucus with the second party, whose page is reloaded instead (plain page loads)
    expect(caucus).to_have_text(f"Caucus with {second}")
    ask(mediator, "rate", rated)
    b.reload()
    submit(b, "#answer")
    expect(caucus).to_have_text(f"Caucus with {second}", timeout=POLL_WAIT)
    ask(mediator, "proposal", [deal])
    b.reload()
    expect(b.locator("#turn")).to_contain_text("salary = 70k")
    submit(b, "#yes")

    for page in pages.values():
        expect(page.locator("#outcome")).to_have_text("Agreement", timeout=POLL_WAIT)
        expect(page.locator("#turn")).to_contain_text("70k")

    # the mediator sees what each party disclosed, and the disclosure plot
    told = mediator.locator("section", has_text="What each party told you")
    expect(told).to_contain_text(f"{first} (8 questions left)")
    expect(told).to_contain_text(f"{second} (8 questions left)")
    expect(told).to_contain_text(f"accepts: “{private_reason}”")
    plot = mediator.locator("section", has_text="What the parties disclosed")
    expect(plot).to_be_visible()
    wait_plots(mediator)
    expect(plot.locator(".scatterlayer .point")).to_have_count(3)  # the packages both rated
    screenshot(mediator, "web-mediator", full_page=True)
    screenshot(a, "web-party-a-end", full_page=True)
    screenshot(b, "web-party-b-end", full_page=True)

    # nothing private of one party reaches the other's page: not its red line, its utility of
    # the deal, its points per value, its ratings or its reason
    private = {}
    for who in parties:
        page = pages[who]
        red = page.locator("#brief strong").first.inner_text()
        mine = page.locator("#turn").inner_text().split("Your utility:")[1].split()[0]
        cells = page.locator("#brief table tr td:nth-child(3)").all_inner_texts()
        answers = page.locator("section", has_text="Your caucuses with the mediator")
        ratings = [t for t in answers.locator("tr td:nth-child(3)").all_inner_texts() if "," in t]
        assert len(ratings) == 1, ratings
        private[who] = {f"red line: {red}", f"Your utility: {mine}", *cells, *ratings}
        expect(told).to_contain_text(ratings[0])  # what the mediator was told
    for who in parties:
        other = second if who == first else first
        text = pages[who].locator("body").inner_text()
        leaked = [s for s in private[other] - private[who] if s in text]
        assert not leaked, f"{who}'s page shows {other}'s private {leaked}"
    assert private_reason not in b.locator("body").inner_text()

    # the debrief's figure is checked in the first test: spare this page loading plotly
    trainer.route("**/plotly.min.js", lambda route: route.fulfill(body="", status=200))
    trainer.goto(host_url)
    expect(trainer.locator("#results")).to_contain_text("Agreement")
    expect(trainer.locator("#results")).to_contain_text("salary")
    trainer.goto(live_server.trainer)
    expect(trainer.locator("table")).to_contain_text("caucus")
    screenshot(trainer, "web-trainer")  # both sessions listed
    no_page_problems(trainer, *pages.values())
    no_server_problems(live_server)


# -- the scenario builder ------------------------------------------------------------------------
def builder_fill(page: Page, field: str, value: str) -> None:
    """Type into a builder field; with htmx, wait for the check its change triggers."""
    locator = page.locator(f"[name='{field}']")
    if page.evaluate("typeof htmx !== 'undefined'"):
        # an issue's name or values redraw the form; any other field only the verdict
        swapped = "#builder-form" if field.startswith("issue-") else "#builder-status"
        mark_stale(page, swapped)
        locator.fill(value)
        locator.press("Tab")  # leaving the field fires its change: htmx checks the form
        wait_replaced(page, swapped)
    else:
        locator.fill(value)


def test_builder_scenario_loads_with_analyze(
    live_server: Any,
    new_page: Callable[..., Page],
    screenshot: Callable[..., Path],
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from accord.cli.main import app as cli

    page = new_page()
    page.goto(live_server.trainer)
    page.get_by_role("link", name="Builder").click()
    expect(page.locator("h1")).to_have_text("Scenario builder")
    assert page.locator("input[name^=issue-][name$=-name]").count() == 1
    post_form(page, page.get_by_role("button", name="Add an issue"))
    expect(page.locator("input[name$=-values]")).to_have_count(2)

    builder_fill(page, "name", "office-lease")
    builder_fill(page, "description", "A tenant and a landlord settle rent and term.")
    builder_fill(page, "issue-0-name", "rent")
    builder_fill(page, "issue-0-values", "900, 1000, 1100")
    builder_fill(page, "issue-1-name", "term")
    builder_fill(page, "issue-1-values", "1 year, 3 years")
    post_form(page, page.get_by_role("button", name="Check", exact=True))
    expect(page.locator("#builder-errors")).to_be_visible()  # the parties are not filled in yet
    scores = {
        "tenant": ("0.3", ["1", "0.5", "0"], ["0.2", "1"], "0.6", "0.4"),
        "landlord": ("0.4", ["0", "0.6", "1"], ["1", "0.3"], "0.7", "0.3"),
    }
    for p, (name, (red, rent, term, w_rent, w_term)) in enumerate(scores.items()):
        builder_fill(page, f"party-{p}-name", name)
        builder_fill(page, f"party-{p}-reservation", red)
        builder_fill(page, f"party-{p}-weight-0", w_rent)
        builder_fill(page, f"party-{p}-weight-1", w_term)
        for v, s in enumerate(rent):
            builder_fill(page, f"party-{p}-score-0-{v}", s)
        for v, s in enumerate(term):
            builder_fill(page, f"party-{p}-score-1-{v}", s)
    summary = page.locator("#builder-summary")
    if not summary.count():  # without htmx the form is checked on request only
        post_form(page, page.get_by_role("button", name="Check", exact=True))
    expect(summary).to_contain_text("A valid scenario")
    expect(summary).to_contain_text("Nash point")
    expect(summary).to_contain_text("6")  # outcomes: 3 rents x 2 terms
    screenshot(page, "web-builder", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download YAML").click()
    download = download_info.value
    assert download.suggested_filename == "office-lease.yaml"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert "office-lease" in path.read_text(encoding="utf-8")

    done = CliRunner().invoke(cli, ["analyze", str(path)])
    assert done.exit_code == 0, done.output
    assert "tenant" in done.output and "landlord" in done.output

    # saved to the library, it opens with its analysis and is listed among the scenarios
    post_form(page, page.get_by_role("button", name="Save to the library"))
    page.wait_for_url(re.compile(r"/scenarios/stored:"))
    expect(page.locator("body")).to_contain_text("office-lease")
    page.get_by_role("link", name="scenarios").first.click()
    expect(page.locator("h1")).to_have_text("Scenario library")
    expect(page.locator("table")).to_contain_text("office-lease")
    expect(page.locator("table")).to_contain_text("job-offer")
    screenshot(page, "web-scenarios", full_page=True)
    no_page_problems(page)
    no_server_problems(live_server)
