import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.cli.main import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_analyze_json_has_the_documented_schema():
    r = invoke("analyze", "job-offer", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    for key in (
        "parties",
        "outcomes",
        "exact",
        "pareto",
        "nash",
        "kalai_smorodinsky",
        "egalitarian",
        "utilitarian",
        "zopa_outcomes",
        "opposition",
        "warnings",
        "timings",
    ):
        assert key in data
    assert data["outcomes"] == 6 * 5 * 4 * 4 * 3
    assert data["exact"] is True
    assert [p["name"] for p in data["parties"]] == ["candidate", "employer"]
    assert set(data["nash"]["outcome"]) == {
        "salary",
        "remote_days",
        "start",
        "signing_bonus",
        "title",
    }


def test_analyze_text_and_plot(tmp_path):
    png = tmp_path / "a.png"
    r = invoke("analyze", "river-basin", "--plot", str(png))
    assert r.exit_code == 0, r.output
    assert "Nash" in r.stdout and "Pareto frontier" in r.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("accord: 1\nname: x\nissues: []\nparties: []\n")
    r = invoke("analyze", str(bad))
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "bad.yaml:" in r.stderr
    r = invoke("analyze", "no-such-scenario")
    assert r.exit_code == 2 and "no-such-scenario" in r.stderr


@pytest.mark.parametrize("fmt", ["yaml", "genius", "geniusweb"])
def test_convert_round_trips(tmp_path, fmt):
    out = tmp_path / ("job.yaml" if fmt == "yaml" else "job")
    r = invoke("convert", "job-offer", str(out), "--to", fmt)
    assert r.exit_code == 0, r.output
    a = json.loads(invoke("analyze", "job-offer", "--json").stdout)
    b = json.loads(invoke("analyze", str(out), "--json").stdout)
    assert np.allclose(a["pareto"], b["pareto"], rtol=0, atol=1e-12)


def test_scenarios_lists_packaged():
    r = invoke("scenarios", "--json")
    assert r.exit_code == 0
    names = {row["name"] for row in json.loads(r.stdout)}
    assert {"job-offer", "river-basin", "supply-contract"} <= names


def test_negotiate_json_trace_and_repeat(tmp_path):
    trace = tmp_path / "t.jsonl"
    r = invoke(
        "negotiate",
        "job-offer",
        "-a",
        "boulware",
        "-a",
        "conceder",
        "--json",
        "--trace",
        str(trace),
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["reason"] == "agreement" and data["agreement"] is not None
    lines = trace.read_text().splitlines()
    assert json.loads(lines[-1])["kind"] == "agreement"
    r = invoke("negotiate", "job-offer", "-a", "random", "-a", "random", "--repeat", "5", "--json")
    summary = json.loads(r.stdout)
    assert summary["runs"] == 5 and summary["seeds"] == [0, 1, 2, 3, 4]


def test_negotiate_unknown_agent_is_bad_input():
    r = invoke("negotiate", "job-offer", "-a", "nobody", "-a", "conceder")
    assert r.exit_code == 2 and "nobody" in r.stderr


def test_agents_lists_registry():
    r = invoke("agents", "--json")
    ids = {row["id"] for row in json.loads(r.stdout)}
    assert {"boulware", "conceder", "linear", "hardliner", "random"} <= ids


def test_mediate_caucus_report_and_json(tmp_path):
    r = invoke("mediate", "job-offer", "-m", "caucus")
    assert r.exit_code == 0, r.output
    assert "Told the mediator in private" in r.stdout and "distance to the Nash point" in r.stdout
    trace = tmp_path / "m.jsonl"
    r = invoke("mediate", "river-basin", "-m", "caucus", "--json", "--trace", str(trace))
    data = json.loads(r.stdout)
    assert data["mediator"] == "caucus" and data["details"]["protocol"] == "caucus"
    assert len(data["details"]["nash_utilities"]) == 3
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    private = [e for e in events if e["kind"] in ("query", "disclosure")]
    assert private and all("recipient" in e for e in private)


def test_mediate_single_text_and_bad_party():
    r = invoke("mediate", "job-offer", "-m", "annealing", "--rounds", "200", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["details"]["protocol"] == "single-text"
    r = invoke("mediate", "job-offer", "-m", "caucus", "-p", "hard")
    assert r.exit_code == 2 and "not caucus" in r.stderr


def test_mediate_the_packaged_case_writes_png_and_offline_html(tmp_path):
    png, html = tmp_path / "case.png", tmp_path / "case.html"
    r = invoke(
        "mediate",
        "hostage-release-2023",
        "-m",
        "caucus",
        "-p",
        "pressured",
        "--budget",
        "200",
        "--plot",
        str(png),
        "--html",
        str(html),
    )
    assert r.exit_code == 0, r.output
    for words in ("Timeline", "escalation", "ZOPA", "phase by phase", "agreed package"):
        assert words in r.stdout
    assert png.read_bytes()[:4] == b"\x89PNG"
    page = html.read_text(encoding="utf-8")
    assert "hostage-release-2023" in page and "<script" in page
    # nothing is fetched: no external scripts or stylesheets (plotly.js is inlined)
    assert not re.search(r"<script[^>]*\ssrc=", page) and "<link" not in page


def test_scenarios_table_never_wraps_a_name_at_80_columns():
    r = runner.invoke(app, ["scenarios"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    cells = [c.strip() for line in lines for c in line.split("│")]
    rows = json.loads(invoke("scenarios", "--json").stdout)
    assert "hostage-release-2023" in {row["name"] for row in rows}
    for row in rows:
        assert row["name"] in cells, row["name"]  # whole, in one cell of one line
        for party in row["parties"]:
            assert party in cells, party
    # wider: each description on its scenario's line, whole or cut with an ellipsis
    wide = runner.invoke(app, ["scenarios"], env={"COLUMNS": "110"}).stdout.splitlines()
    cut = 0
    for row in rows:
        line = next(x for x in wide if f"│ {row['name']} " in x)
        shown = line.split("│")[-2].strip()
        cut += shown.endswith("…")
        whole = shown == row["description"]
        assert whole or (shown.endswith("…") and row["description"].startswith(shown[:-1]))
    assert cut > 0


def test_version():
    import accord

    r = invoke("--version")
    assert r.exit_code == 0 and r.stdout == f"accord {accord.__version__}\n"
