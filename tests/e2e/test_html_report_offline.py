"""The HTML case report opens offline in a real browser (headless Chromium from Debian's
`chromium` package, which .ci/run installs) and its plotly figures render."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import accord
from accord.reports import case_report
from accord.reports.html import write_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")


def dump_dom(page: Path, profile: Path) -> str:
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: the page must be offline
        f"--user-data-dir={profile}",
        "--virtual-time-budget=10000",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_case_report_renders_offline(tmp_path):
    scenario = accord.load("hostage-release-2023").discretized(11)
    result = accord.mediate(scenario, "caucus", ["pressured"], seed=0, query_budget=200)
    page = tmp_path / "case.html"
    report = case_report(scenario, result, accord.analyze_timeline(scenario))
    write_html(report, scenario, result, page)
    dom = dump_dom(page, tmp_path / "profile")
    assert "hostage-release-2023" in dom
    # plotly drew its figures: its SVG layers exist only after the inlined bundle ran
    assert dom.count('class="main-svg"') >= 2
