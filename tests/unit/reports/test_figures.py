"""Static figures draw the analysis they are given; plot_result picks the case figure for a
scenario with a timeline and the offers plot otherwise."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import accord
from accord.reports import case_report, plot_analysis, plot_negotiation, plot_result
from accord.reports.png import plot_case

PNG = b"\x89PNG\r\n\x1a\n"
SRC = Path(accord.__file__).parent


def test_plot_analysis_draws_the_analysis_it_is_given(tmp_path):
    sc = accord.load("supply-contract")  # continuous: the cloud is discretised like analyze
    analysis = accord.analyze(sc, discretize=5)
    plot_analysis(sc, analysis, tmp_path / "a.png", discretize=5)
    assert (tmp_path / "a.png").read_bytes()[:8] == PNG


@pytest.mark.parametrize("name", ["job-offer", "hostage-release-2023"])
def test_plot_result_chooses_the_figure(tmp_path, name):
    sc = accord.load(name).discretized(11)
    result = accord.mediate(sc, "caucus", seed=0)
    timeline = accord.analyze_timeline(sc)
    plot_result(sc, result, tmp_path / "chosen.png", timeline)
    if sc.timeline.is_empty:
        plot_negotiation(sc, result, tmp_path / "expected.png", timeline.start.analysis)
    else:
        report = case_report(sc, result, timeline)
        plot_case(sc, result, tmp_path / "expected.png", report=report)
    chosen = (tmp_path / "chosen.png").read_bytes()
    assert chosen[:8] == PNG and chosen == (tmp_path / "expected.png").read_bytes()


def test_a_report_refuses_the_analysis_of_another_scenario():
    sc = accord.load("hostage-release-2023")
    result = accord.mediate(sc, "caucus", seed=0, rounds=5)
    with pytest.raises(accord.ScenarioError, match="timeline analysis is of 'job-offer'"):
        case_report(sc, result, accord.analyze_timeline(accord.load("job-offer")))


def test_only_the_reports_draw():
    drawing = set()
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "reports":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(n.split(".")[0] in ("matplotlib", "plotly") for n in names):
                drawing.add(str(rel))
    assert drawing == set()
