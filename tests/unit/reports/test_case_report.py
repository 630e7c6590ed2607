"""Case reports: timeline rows, the report's data, the PNG and the self-contained HTML page."""

import json
from html.parser import HTMLParser

import numpy as np
import pytest

import accord
from accord.io.yaml_format import dumps_yaml, loads_yaml
from accord.mechanisms.trace import Trace, TraceEvent
from accord.reports import case_report, timeline_rows
from accord.reports.case import escalation_row
from accord.reports.html import render_html, write_html
from accord.reports.png import plot_case
from accord.reports.trace_rows import proposal_rows

CASES = ["hostage-release-2023", "harbour-strike"]


@pytest.fixture(scope="module", params=CASES)
def case(request):
    sc = accord.load(request.param)
    result = accord.mediate(sc)
    return sc, result, case_report(sc, result, accord.analyze_timeline(sc))


@pytest.mark.parametrize("name", CASES)
def test_escalation_shrinks_the_zopa_in_the_timeline_rows(name):
    rows = timeline_rows(accord.analyze_timeline(accord.load(name)))
    assert rows[0]["name"] == "start" and not rows[0]["event"]
    by_name = {r["name"]: r for r in rows}
    before, after = rows[0]["zopa"], by_name["escalation"]["zopa"]
    assert 0 < after < before
    assert escalation_row(rows) is by_name["escalation"]
    # red lines go up at the escalation
    for party, r in by_name["escalation"]["reservations"].items():
        assert r > rows[0]["reservations"][party]


@pytest.mark.parametrize("name", CASES)
def test_timeline_rows_agree_with_snapshots(name):
    sc = accord.load(name)
    rows = timeline_rows(accord.analyze_timeline(sc))
    assert [r["name"] for r in rows[1:]] == [e.name for e in sc.timeline.events]
    for r in rows[1:]:
        a = accord.analyze(sc.at(through=r["name"]))
        assert r["zopa"] == a.zopa_outcomes
        assert a.nash is not None and r["nash_package"] == a.nash.outcome
        assert r["nash_utilities"] == pytest.approx(list(a.nash.utilities))
        assert list(r["reservations"].values()) == pytest.approx(list(a.reservations))


def test_event_changes_are_described():
    timeline = accord.analyze_timeline(accord.load("hostage-release-2023"))
    rows = {r["name"]: r for r in timeline_rows(timeline)}
    assert rows["first releases"]["changes"] == "public information only"
    esc = rows["escalation"]
    assert "reservation" in esc["changes"] and "unavailable: Hamas" in esc["changes"]
    assert esc["unavailable"] == ["Hamas"] and rows["channel restored"]["unavailable"] == []
    assert esc["risks"]["first phase"] == pytest.approx(0.2)


def test_report_proposals_match_the_trace(case):
    sc, result, report = case
    props = [e for e in result.trace if e.kind == "proposal" or e.note == "proposal"]
    assert len(report.proposals) == len(props) > 0
    for row, e in zip(report.proposals, props, strict=True):
        assert (row.round, row.outcome, row.recipient) == (e.round, e.outcome, e.recipient)
        assert row.package == sc.space.decode(sc.space.from_index(e.outcome))
        expected = sc.at(round=e.round).evaluate(np.array([sc.space.from_index(e.outcome)]))[0]
        assert row.utilities == pytest.approx(tuple(expected))
    assert [p.number for p in report.proposals] == list(range(1, len(props) + 1))


def test_agreement_is_grouped_by_phase(case):
    sc, result, report = case
    assert report.agreed and result.outcome is not None
    phases = [s.name for s in report.by_phase]
    assert phases == [p.name for p in sc.timeline.phases]
    merged = {k: v for s in report.by_phase for k, v in s.package.items()}
    assert merged == result.outcome
    for i, o in enumerate(report.outcomes):
        # the phases' expected utilities add up to the party's expected utility
        total = sum(s.expected[o.name] for s in report.by_phase)
        assert total == pytest.approx(o.expected)
        assert o.utility == pytest.approx(result.utilities[i])
        assert o.expected >= o.reservation
    later = report.by_phase[1]
    assert later.reach < report.by_phase[0].reach  # a later phase is less likely to hold
    assert report.distance_to_nash is not None and report.distance_to_nash >= 0


def test_report_to_dict_is_json(case):
    _, _, report = case
    data = json.loads(json.dumps(report.to_dict()))
    assert data["scenario"] == report.name
    assert len(data["timeline"]) == len(report.timeline)
    assert data["agreement_by_phase"][0]["package"]


def test_responses_attach_to_the_proposal():
    sc = accord.load("hostage-release-2023")
    trace = Trace(
        (
            TraceEvent(0, 0.0, "m", "proposal", 5, "", "Hamas"),
            TraceEvent(0, 0.1, "Hamas", "vote", 5, json.dumps({"accept": False})),
            TraceEvent(1, 0.2, "m", "offer", 7, "proposal"),
            TraceEvent(1, 0.3, "Hamas", "accept", 7),
            TraceEvent(1, 0.4, "Government of Israel", "vote", 7, "reject"),
            TraceEvent(1, 0.5, "Hamas", "offer", 9),
        )
    )
    rows = proposal_rows(sc, trace)
    assert [r.outcome for r in rows] == [5, 7]
    assert rows[0].responses == (("Hamas", "reject"),)
    assert rows[1].responses == (("Hamas", "accept"), ("Government of Israel", "reject"))


def test_png_is_a_png(case, tmp_path):
    sc, result, report = case
    path = tmp_path / "case.png"
    plot_case(sc, result, path, report=report)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000


class _Links(HTMLParser):
    """Every src/href attribute of real tags (script contents are not parsed as tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_script = tag == "script"
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.text.append(data)


def test_html_is_self_contained(case, tmp_path):
    sc, result, report = case
    path = tmp_path / "case.html"
    write_html(report, sc, result, path)
    html = path.read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(html)
    assert parser.links == []  # no src= or href= at all: nothing is fetched
    assert "link" not in parser.tags and "iframe" not in parser.tags and "img" not in parser.tags
    text = " ".join(parser.text)
    assert "http://" not in text and "https://" not in text
    assert "@import" not in html and "url(http" not in html
    # the plotly.js bundle is inlined once, and both figures use it
    from plotly.offline import get_plotlyjs

    assert html.count(get_plotlyjs()) == 1
    assert html.count("Plotly.newPlot") >= 2


def test_html_has_the_case_content(case):
    sc, result, report = case
    html = render_html(report, sc, result)
    assert "modelling assumption" in html  # the caveat
    for ev in sc.timeline.events:
        assert f"<td>{ev.name}</td>" in html
    for row in report.timeline:
        if row["zopa"] is not None:
            assert f'<td class="num">{row["zopa"]:,}</td>' in html
    for share in report.by_phase:
        assert f"<td>{share.name}</td>" in html
        for issue, value in share.package.items():
            assert f"{issue} = {value}" in html
    assert "The agreed package" in html and "utility-space" in html


def test_fictional_case_loads_and_round_trips():
    sc = accord.load("harbour-strike")
    assert len(sc.parties) == 3 and len(sc.mediators) == 2
    t = sc.timeline
    assert t.phases[1].requires == t.phases[0].name and t.deadline is not None
    assert any(e.unavailable for e in t.events) and any(e.available for e in t.events)
    assert any(e.risk for e in t.events) and any(e.deadline for e in t.events)
    back = loads_yaml(dumps_yaml(sc))
    assert back.timeline == t and back.mediators == sc.mediators
    assert np.array_equal(back.utilities(), sc.utilities())
    for ev in t.events:
        assert np.array_equal(
            back.at(through=ev.name).utilities(), sc.at(through=ev.name).utilities()
        )


def test_fictional_case_nash_package_has_the_clause():
    sc = accord.load("harbour-strike")
    for snap in (sc, sc.at(through="escalation")):
        nash = accord.analyze(snap).nash
        assert nash is not None
        assert nash.outcome["job_guarantee"] != "none"


@pytest.mark.parametrize("name", CASES)
def test_events_recorded_in_the_trace_are_reported(name):
    sc = accord.load(name)
    result = accord.mediate(sc, "caucus", ["pressured"], seed=0, query_budget=200)
    report = case_report(sc, result, accord.analyze_timeline(sc))
    recorded = [e.round for e in result.trace if e.kind == "event"]
    names = [e["name"] for e in report.events if e["in_trace"]]
    assert len(names) == len(set(names)) == len(recorded) > 0
    assert [e["round"] for e in report.events if e["in_trace"]] == recorded
    assert "escalation" in names  # these runs agree only after the escalation
    assert report.agreement_round is not None and report.agreement_round > 7
