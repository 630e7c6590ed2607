"""A tournament report as one self-contained HTML page: tables and figures (PNG inline), no
external resource of any kind."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import StorageError
from accord.reports.html import STYLE
from accord.reports.html import table as html_table
from accord.reports.tournament import (
    CONFIDENCE,
    MEASURES,
    Board,
    Estimate,
    Pairwise,
    ScenarioRow,
    TournamentReport,
)

_BLUE, _GREY = "#1f4e79", "#7f8c8d"
_CI = ("mean", "low", "high")


def _label(text: str) -> str:
    """``text`` as matplotlib shows it literally (a ``$`` would start mathematics)."""
    return text.replace("$", r"\$")


def _png(fig: Any, alt: str) -> str:
    """The figure as an ``<img>`` with the PNG inline (base64)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<p><img alt="{escape(alt)}" src="data:image/png;base64,{data}"></p>\n'


def _barh(labels: Sequence[str], values: np.ndarray, title: str, xlabel: str, **kw: Any) -> str:
    """Horizontal bars, the first on top (``kw``: ``xerr``, ``color``)."""
    from matplotlib.figure import Figure

    if not len(labels):
        return ""
    fig = Figure(figsize=(8, 1.2 + 0.38 * len(labels)))
    ax = fig.subplots()
    ax.barh(range(len(labels)), values, ecolor="black", capsize=3, **kw)
    ax.set_yticks(range(len(labels)), [_label(x) for x in labels])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(_label(title))
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return _png(fig, title)


def _bars_png(board: Board) -> str:
    """Mean utility by strategy with its confidence interval (best on top)."""
    rows = [r.utility for r in board.leaderboard if r.utility.mean is not None]
    mean, low, high = (np.array([getattr(e, k) for e in rows], dtype=float) for k in _CI)
    return _barh(
        [r.strategy for r in board.leaderboard if r.utility.mean is not None],
        mean,
        f"Mean utility by {board.role}",
        f"mean utility, {CONFIDENCE:.0%} bootstrap interval",
        xerr=np.vstack([mean - low, high - mean]) if rows else None,
        color=_BLUE,
    )


def _heatmap_png(pairwise: Pairwise) -> str:
    """The pairwise table as a heat map (rows: the strategy; columns: whom it faced)."""
    from matplotlib.figure import Figure

    k = len(pairwise.strategies)
    if k == 0:
        return ""
    values = np.array([[np.nan if v is None else v for v in row] for row in pairwise.utility])
    side = 2.5 + 0.55 * k
    fig = Figure(figsize=(side + 1.5, side))
    ax = fig.subplots()
    image = ax.imshow(np.ma.masked_invalid(values), cmap="viridis", aspect="auto")
    fig.colorbar(image, ax=ax, label="mean utility of the row strategy")
    labels = [_label(s) for s in pairwise.strategies]
    ax.set_xticks(range(k), labels, rotation=40, ha="right")
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("facing")
    if k <= 14:
        low, high = np.nanmin(values), np.nanmax(values)
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                colour = "black" if v > low + 0.6 * (high - low) else "white"
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8, color=colour)
    ax.set_title("Mean utility of the row strategy against the column strategy")
    fig.tight_layout()
    return _png(fig, "Pairwise heat map: mean utility of the row strategy")


def _agreement_png(rows: Sequence[ScenarioRow]) -> str:
    """The agreement rate of each scenario."""
    rate = np.array([np.nan if r.agreement is None else r.agreement for r in rows], dtype=float)
    return _barh(
        [r.scenario for r in rows],
        np.nan_to_num(rate),
        "Agreement rate by scenario",
        "agreement rate (runs that did not fail as a whole)",
        color=_GREY,
    )


def _ci(e: Estimate, digits: int = 3) -> str:
    if e.mean is None:
        return "–"
    return f"{e.mean:.{digits}f} [{e.low:.{digits}f}, {e.high:.{digits}f}]"


def _fraction(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _board_html(board: Board) -> str:

    heads = ("strategy", "runs", "utility", "advantage", "agreement", "welfare")
    headers = (*heads, "Pareto distance", "Nash distance", "failures", "errors")
    rows = [
        (r.strategy, r.runs, *(_ci(getattr(r, m)) for m in MEASURES), r.failures, r.errors)
        for r in board.leaderboard
    ]
    table = board.per_scenario
    cells = [
        (
            scenario,
            *(
                f"{'–' if u is None else f'{u:.3f}'} / {_fraction(a)} ({n:,})"
                for u, a, n in zip(table.utility[i], table.agreement[i], table.runs[i], strict=True)
            ),
        )
        for i, scenario in enumerate(table.scenarios)
    ]
    out = (
        f"<h2>{escape(board.role.capitalize())} leaderboard</h2>\n"
        + html_table(headers, rows)
        + _bars_png(board)
        + f"<h3>By scenario: mean utility / agreement rate (runs), by {escape(board.role)}</h3>\n"
        + html_table(("scenario", *table.strategies), cells)
    )
    if board.pairwise is not None and board.pairwise.strategies:
        pair = board.pairwise
        matrix = [
            (a, *("–" if u is None else f"{u:.3f} ({n:,})" for u, n in zip(us, ns, strict=True)))
            for a, us, ns in zip(pair.strategies, pair.utility, pair.n, strict=True)
        ]
        out += (
            f"<h3>Pairwise: mean utility of the row {escape(board.role)} facing the column one "
            "(seats)</h3>\n" + _heatmap_png(pair) + html_table(("", *pair.strategies), matrix)
        )
    return out


def render_html(report: TournamentReport) -> str:
    """The whole page as a string (see :func:`write_tournament_html`)."""

    t = report.tournament
    status = f"{report.completed:,} of {report.planned:,} planned runs stored"
    if report.completed < report.planned:
        status += " (the tournament is incomplete)"
    status += f"; {report.failed:,} failed ({report.errors:,} of them as a whole)"
    config = [
        (k, ", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in report.config.items()
    ]
    scenarios = [
        (s.scenario, s.runs, s.failed, s.errors, _fraction(s.agreement)) for s in report.scenarios
    ]
    body = (
        f"<h1>Tournament {escape(t.name)}</h1>\n"
        f'<p class="meta">{escape(report.store)}, tournament {t.id} · digest {escape(t.digest)}'
        f" · accord {escape(t.accord_version)} · root seed {t.root_seed} · started "
        f"{escape(t.started)} · finished {escape(t.finished or 'not yet')}</p>\n"
        f"<p>{escape(status)}.</p>\n"
        f'<p class="caveat">{escape(report.ci_method)}</p>\n'
        "<h2>Configuration</h2>\n"
        + html_table(("setting", "value"), [(k, "" if v is None else str(v)) for k, v in config])
        + "".join(_board_html(b) for b in report.boards)
        + "<h2>Scenarios</h2>\n"
        + _agreement_png(report.scenarios)
        + html_table(("scenario", "runs", "failed", "errors", "agreement rate"), scenarios)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(t.name)}: tournament report</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def write_tournament_html(report: TournamentReport, path: str | Path) -> None:
    """Write the report to ``path``: one self-contained HTML file (the figures are inline PNG;
    nothing is loaded from anywhere)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise StorageError(f"{target}: cannot write: no folder {target.parent}")
    try:
        target.write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise StorageError(f"{target}: cannot write: {exc.strerror}") from None
