"""The tournament report reads a store: its means are the stored runs' means (checked by hand
from ``Store.runs``), its intervals are seeded percentile bootstraps that contain the mean and
narrow with more data, failures and errors are counted where they belong, and its HTML page is
self-contained and escapes what the store holds."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import numpy as np
import pytest

import accord
from accord.errors import AccordError, StorageError
from accord.reports import bootstrap_mean, tournament_report, write_tournament_html
from accord.storage import Store
from accord.tournaments import parse_config, run_tournament

AGENTS = {
    "name": "report-ao",
    "agents": ["boulware", "conceder", "hardliner"],
    "scenarios": ["job-offer", "river-basin"],  # two parties, then three
    "rounds": 30,
    "repetitions": 1,
    "seed": 3,
}
MEDIATED = {
    "name": "report-mediated",
    "mediators": ["hill-climbing", "annealing"],
    "parties": ["truthful", "hard"],
    "scenarios": ["job-offer"],
    "rounds": 20,
    "repetitions": 1,
    "seed": 1,
}


def _run(config, path):
    run_tournament(parse_config(config), path)
    return path


@pytest.fixture(scope="module")
def ao_store(tmp_path_factory):
    return _run(AGENTS, tmp_path_factory.mktemp("ao") / "ao.db")


@pytest.fixture(scope="module")
def mediated_store(tmp_path_factory):
    return _run(MEDIATED, tmp_path_factory.mktemp("med") / "med.db")


@pytest.fixture(scope="module")
def failing_store(tmp_path_factory):
    """A planted failure: an agent that raises whenever it must make an offer."""
    from accord.agents import AgentBase
    from accord.mechanisms import Response
    from accord.registry import AGENTS as REGISTRY

    class Broken(AgentBase):
        def propose(self, view):
            raise ValueError("planted failure")

        def respond(self, view, offer, proposer):
            return Response.REJECT

    accord.register_agent("report-test-broken", Broken)
    try:
        config = {**AGENTS, "name": "report-fail", "agents": ["boulware", "report-test-broken"]}
        return _run({**config, "scenarios": ["job-offer"]}, tmp_path_factory.mktemp("f") / "f.db")
    finally:
        REGISTRY.remove("report-test-broken")


JSON_COLUMNS = ("parties", "participants", "mediators", "options", "agreement")
JSON_COLUMNS += ("utilities", "reservations")


def copy_store(src, dst, name, edit=lambda run: run):
    """The runs of ``src``'s tournament as a new tournament ``name`` in ``dst``, each run
    passed through ``edit`` (a dict of ``RUN_COLUMNS``)."""
    rows = []
    for run in stored(src):
        run = edit(dict(run))
        rows.append((*(json.dumps(v) if k in JSON_COLUMNS else v for k, v in run.items()), None))
    with Store(dst) as db:
        tid = db.begin(name, "0" * 16, {"name": name}, 0, len(rows))
        db.add(tid, rows)
    return dst


def stored(path):
    with Store(path) as db:
        return list(db.runs(db.tournament().id))


def row_of(report, strategy, role=None):
    board = report.boards[0] if role is None else report.board(role)
    return next(r for r in board.leaderboard if r.strategy == strategy)


# -- the bootstrap ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["continuous", "discrete", "binary"])
def test_the_interval_contains_the_mean_and_narrows_with_more_data(kind):
    draw = np.random.default_rng(7)

    def sample(n):
        if kind == "continuous":
            return draw.normal(0.5, 0.2, n)
        if kind == "discrete":
            return draw.choice([0.1, 0.4, 0.45, 0.9], n)
        return (draw.random(n) < 0.3).astype(float)

    widths = []
    for n in (40, 400, 4000):
        e = bootstrap_mean(sample(n), np.random.default_rng(0), 500)
        assert e.n == n and e.low <= e.mean <= e.high
        widths.append(e.high - e.low)
    assert widths[0] > widths[1] > widths[2] > 0
    assert widths[0] / widths[2] == pytest.approx(10, rel=0.35)  # ~ 1/sqrt(n)


def test_each_method_matches_plain_resampling_of_the_observations():
    draw = np.random.default_rng(1)
    n, resamples = 2000, 2000
    for x, method in (
        (draw.choice([0.2, 0.5, 0.55, 1.0], n, p=[0.5, 0.2, 0.2, 0.1]), "multinomial"),
        (draw.gamma(2.0, 0.1, n), "resample"),
    ):
        e = bootstrap_mean(x, np.random.default_rng(2), resamples)
        assert e.method == method
        plain = x[draw.integers(0, n, (resamples, n))].mean(axis=1)
        low, high = np.quantile(plain, [0.025, 0.975])
        assert e.mean == pytest.approx(x.mean())
        assert e.low == pytest.approx(low, abs=0.15 * (high - low))
        assert e.high == pytest.approx(high, abs=0.15 * (high - low))
    # above exact_max with many distinct values: blocks, close to the exact interval
    x = draw.gamma(2.0, 0.1, n)
    exact = bootstrap_mean(x, np.random.default_rng(3), resamples, exact_max=n)
    blocks = bootstrap_mean(x, np.random.default_rng(3), resamples, exact_max=200)
    assert (exact.method, blocks.method) == ("resample", "blocks")
    assert blocks.mean == pytest.approx(exact.mean)
    assert blocks.high - blocks.low == pytest.approx(exact.high - exact.low, rel=0.2)
    assert blocks.low < blocks.mean < blocks.high


def test_missing_values_are_dropped_and_nothing_gives_no_interval():
    e = bootstrap_mean(np.array([np.nan, 1.0, 1.0, np.nan]), np.random.default_rng(0), 100)
    assert (e.mean, e.low, e.high, e.n) == (1.0, 1.0, 1.0, 2)
    none = bootstrap_mean(np.array([np.nan]), np.random.default_rng(0), 100)
    assert (none.mean, none.low, none.high, none.n, none.method) == (None, None, None, 0, "none")


# -- the report -------------------------------------------------------------------------------


def test_means_and_rates_are_those_of_the_stored_runs(ao_store):
    runs = stored(ao_store)
    report = tournament_report(ao_store, resamples=200)
    seats, per_run = defaultdict(list), defaultdict(list)
    for r in runs:
        for who, u, res in zip(r["participants"], r["utilities"], r["reservations"], strict=True):
            seats[who].append((u, u - res))
        for who in set(r["participants"]):
            per_run[who].append(r)
    board = report.board("agent")
    assert {row.strategy for row in board.leaderboard} == set(AGENTS["agents"])
    for row in board.leaderboard:
        mine = per_run[row.strategy]
        assert row.runs == len(mine)
        assert row.agreement.mean == pytest.approx(sum(r["agreed"] for r in mine) / len(mine))
        assert row.agreement.n == len(mine)
        assert row.utility.mean == pytest.approx(np.mean([u for u, _ in seats[row.strategy]]))
        assert row.advantage.mean == pytest.approx(np.mean([a for _, a in seats[row.strategy]]))
        assert row.welfare.mean == pytest.approx(np.mean([r["welfare"] for r in mine]))
        assert row.nash_distance.mean == pytest.approx(np.mean([r["nash_distance"] for r in mine]))
        for e in (row.utility, row.agreement, row.welfare, row.pareto_distance):
            assert e.low <= e.mean <= e.high
    means = [row.utility.mean for row in board.leaderboard]
    assert means == sorted(means, reverse=True)
    assert report.planned == report.completed == len(runs) == 9 + 27
    assert report.failed == report.errors == 0 and not report.mediated


def test_the_scenario_and_pairwise_tables_are_hand_counts(ao_store):
    runs = stored(ao_store)
    report = tournament_report(ao_store, resamples=50)
    board = report.board("agent")
    table, pair = board.per_scenario, board.pairwise
    assert table.scenarios == ("job-offer", "river-basin")
    assert table.strategies == pair.strategies == tuple(r.strategy for r in board.leaderboard)
    for i, scenario in enumerate(table.scenarios):
        here = [r for r in runs if r["scenario"] == scenario]
        for j, who in enumerate(table.strategies):
            mine = [r for r in here if who in r["participants"]]
            utilities = [
                u
                for r in here
                for p, u in zip(r["participants"], r["utilities"], strict=True)
                if p == who
            ]
            assert table.runs[i][j] == len(mine)
            assert table.utility[i][j] == pytest.approx(np.mean(utilities))
            assert table.agreement[i][j] == pytest.approx(np.mean([r["agreed"] for r in mine]))
    faced = defaultdict(list)  # "facing" in a three-party run: any other seat
    for r in runs:
        seats = r["participants"]
        for s, (who, u) in enumerate(zip(seats, r["utilities"], strict=True)):
            for other in {o for t, o in enumerate(seats) if t != s}:
                faced[who, other].append(u)
    for a, who in enumerate(pair.strategies):
        for b, other in enumerate(pair.strategies):
            assert pair.n[a][b] == len(faced[who, other])
            assert pair.utility[a][b] == pytest.approx(np.mean(faced[who, other]))
    assert [s.runs for s in report.scenarios] == [9, 27]


def test_the_same_seed_gives_the_same_report_and_another_seed_other_intervals(ao_store):
    first = tournament_report(ao_store, resamples=300, seed=5).to_dict()
    assert tournament_report(ao_store, resamples=300, seed=5).to_dict() == first
    other = tournament_report(ao_store, resamples=300, seed=6).to_dict()
    rows = lambda d: d["boards"][0]["leaderboard"]  # noqa: E731
    assert [r["utility"]["mean"] for r in rows(other)] == [
        r["utility"]["mean"] for r in rows(first)
    ]
    assert [r["utility"]["low"] for r in rows(other)] != [r["utility"]["low"] for r in rows(first)]
    json.dumps(first, allow_nan=False)  # plain JSON, no NaN


def test_intervals_narrow_when_the_tournament_has_more_repetitions(tmp_path):
    small = tournament_report(_run(AGENTS, tmp_path / "one.db"), resamples=400)
    more = {**AGENTS, "name": "report-ao-4", "repetitions": 4}
    large = tournament_report(_run(more, tmp_path / "four.db"), resamples=400)
    for row in small.board("agent").leaderboard:
        big = row_of(large, row.strategy)
        assert big.utility.n == 4 * row.utility.n
        assert big.utility.mean == pytest.approx(row.utility.mean)  # deterministic agents
        assert big.utility.high - big.utility.low < row.utility.high - row.utility.low


def test_a_failing_participant_is_counted_against_its_strategy(failing_store):
    runs = stored(failing_store)
    planted = [r for r in runs if r["failed"] == "report-test-broken"]
    assert planted  # the plant worked
    report = tournament_report(failing_store, resamples=100)
    assert report.failed == len(planted) == sum(r["status"] == "failed" for r in runs)
    assert report.errors == 0  # the runs ended, at the reservation values
    assert row_of(report, "report-test-broken").failures == len(planted)
    assert row_of(report, "boulware").failures == 0
    broken = row_of(report, "report-test-broken")
    assert broken.agreement.mean == 0 and broken.advantage.mean == pytest.approx(0)
    assert report.to_dict()["failed"] == len(planted)


def test_a_mediated_tournament_has_a_mediator_and_a_party_board(mediated_store, tmp_path):
    def plant(run):
        if run["run_id"] == 0:  # failed as a whole: it never ran
            run.update(status="failed", agreed=0, agreement=None, utilities=[], reservations=[])
            run.update(welfare=None, pareto_distance=None, nash_distance=None, error="planted")
        elif run["run_id"] == 5:  # its mediator failed: the run ends at the reservations
            run.update(status="failed", agreed=0, agreement=None, failed=run["mediators"][0])
            run.update(utilities=run["reservations"], error="planted")
        return run

    path = copy_store(mediated_store, tmp_path / "planted.db", "planted", plant)
    runs = stored(path)
    report = tournament_report(path, resamples=100)
    assert (report.planned, report.completed, report.failed, report.errors) == (8, 8, 2, 1)
    assert report.mediated and [b.role for b in report.boards] == ["mediator", "party strategy"]
    assert report.board("mediator").pairwise is None
    assert report.board("party strategy").pairwise.strategies
    for mediator in MEDIATED["mediators"]:
        mine = [r for r in runs if mediator in r["mediators"]]
        ran = [r for r in mine if r["utilities"]]
        row = row_of(report, mediator, "mediator")
        assert row.runs == len(mine) == 4 and row.errors == len(mine) - len(ran)
        assert row.failures == sum(r["failed"] == mediator for r in mine)
        assert row.agreement.n == len(ran)
        assert row.agreement.mean == pytest.approx(np.mean([r["agreed"] for r in ran]))
        assert row.utility.mean == pytest.approx(np.mean([u for r in ran for u in r["utilities"]]))
    assert row_of(report, runs[5]["mediators"][0], "mediator").failures == 1
    assert row_of(report, runs[0]["mediators"][0], "mediator").errors == 1
    for party in MEDIATED["parties"]:
        row = row_of(report, party, "party strategy")
        assert row.failures == 0
        assert row.errors == int(party in runs[0]["participants"])


def test_bad_stores_are_storage_errors(tmp_path, ao_store):
    with pytest.raises(StorageError, match="no such store"):
        tournament_report(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()  # a report never creates a store
    (tmp_path / "text.db").write_text("not a database at all, " * 100)
    with pytest.raises(StorageError, match="not an accord store"):
        tournament_report(tmp_path / "text.db")
    (tmp_path / "empty.db").write_bytes(b"")
    with pytest.raises(StorageError, match="empty file"):
        tournament_report(tmp_path / "empty.db")
    with pytest.raises(StorageError, match="no tournament"):
        tournament_report(ao_store, "no-such-tournament")
    with pytest.raises(AccordError):
        tournament_report(ao_store, resamples=0)


# -- the HTML page ----------------------------------------------------------------------------


def test_the_html_page_is_self_contained_and_escapes_the_store(tmp_path, ao_store):
    # a store whose names would be markup, or mathematics to matplotlib, if not escaped
    evil, name = r"<script>alert('$\x$')</script>", "<b>t$x$</b>"

    def rename(run):
        run["participants"] = [evil if p == "conceder" else p for p in run["participants"]]
        return run

    path = copy_store(ao_store, tmp_path / "evil.db", name, rename)
    report = tournament_report(path, resamples=50)
    assert evil in {row.strategy for row in report.boards[0].leaderboard}
    write_tournament_html(report, tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert evil not in page and name not in page
    assert r"&lt;script&gt;alert(&#x27;$\x$&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;t$x$&lt;/b&gt;" in page
    assert not re.search(r"""(?:src|href)\s*=\s*(?!["']?data:)""", page)
    assert "http://" not in page and "https://" not in page and "<script" not in page
    images = re.findall(r'<img [^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 3  # utility bars, pairwise heat map, agreement by scenario
    import base64

    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)


def test_an_empty_tournament_reports_nothing_without_failing(tmp_path):
    with Store(tmp_path / "e.db") as db:
        db.begin("nothing-yet", "1" * 16, {"name": "nothing-yet", "agents": ["boulware"]}, 0, 4)
    report = tournament_report(tmp_path / "e.db")
    assert (report.planned, report.completed, report.boards[0].leaderboard) == (4, 0, ())
    write_tournament_html(report, tmp_path / "e.html")
    assert "0 of 4 planned runs stored (the tournament is incomplete)" in (
        tmp_path / "e.html"
    ).read_text(encoding="utf-8")
