"""The case figure as a static PNG (matplotlib, headless): outcome cloud, frontiers, Nash
points and reservation lines before (dashed) and after (dotted) the escalation, the numbered
proposals and the agreement."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.mechanisms.result import NegotiationResult
from accord.reports.case import CaseReport, case_report
from accord.reports.utility_space import Stage, UtilitySpace, utility_space
from accord.scenario import Scenario

__all__ = ["plot_case"]

#: Proposals numbered on the figure at most (the first ones; all are drawn).
MAX_LABELS = 40
_BEFORE, _AFTER = "#1f4e79", "#c0392b"


def _draw_stage(ax: Any, stage: Stage, colour: str, ls: str, joined: bool) -> None:
    """One stage; a projected (more than two parties) frontier is drawn as points only."""
    zopa = "" if stage.zopa is None else f", ZOPA {stage.zopa:,} outcomes"
    if stage.frontier.size:
        ax.plot(
            *stage.frontier.T,
            ls=ls if joined else "none",
            marker=".",
            c=colour,
            ms=4,
            lw=1.2,
            label=f"frontier{'' if joined else ' (projected)'}, {stage.label}",
        )
    ax.axvline(
        stage.reservation[0],
        c=colour,
        ls=ls,
        lw=0.9,
        label=f"reservation values, {stage.label}{zopa}",
    )
    ax.axhline(stage.reservation[1], c=colour, ls=ls, lw=0.9)
    if stage.nash is not None:
        ax.scatter(
            [stage.nash[0]],
            [stage.nash[1]],
            marker="*",
            s=260,
            c="gold",
            edgecolors=colour,
            linewidths=1.2,
            zorder=6,
            label=f"Nash point, {stage.label}",
        )


def _draw(ax: Any, space: UtilitySpace) -> None:
    ax.scatter(
        space.cloud[:, 0],
        space.cloud[:, 1],
        s=5,
        c="#b8c4d6",
        alpha=0.5,
        lw=0,
        label=f"packages ({len(space.cloud):,})",
    )
    _draw_stage(ax, space.before, _BEFORE, "--", not space.projected)
    if space.after is not None:
        _draw_stage(ax, space.after, _AFTER, ":", not space.projected)
    if space.proposals:
        xs = [p[1] for p in space.proposals]
        ys = [p[2] for p in space.proposals]
        ax.plot(
            xs,
            ys,
            "o-",
            c="#16a085",
            ms=6,
            lw=0.7,
            alpha=0.85,
            zorder=7,
            label=f"proposals ({len(xs)})",
        )
        labels: dict[tuple[float, float], list[str]] = {}
        for number, x, y, _ in space.proposals[:MAX_LABELS]:
            labels.setdefault((round(x, 4), round(y, 4)), []).append(str(number))
        for (x, y), nums in labels.items():
            ax.annotate(
                ",".join(nums),
                (x, y),
                xytext=(5, 5),
                textcoords="offset points",
                fontsize=8,
                color="#0e6655",
            )
    if space.agreement is not None:
        ax.scatter(
            [space.agreement[0]],
            [space.agreement[1]],
            marker="o",
            s=180,
            facecolors="none",
            edgecolors="black",
            linewidths=2,
            zorder=8,
            label="agreement",
        )


def plot_case(
    scenario: Scenario,
    result: NegotiationResult,
    path: str | Path,
    *,
    report: CaseReport | None = None,
) -> None:
    """Write the case figure to ``path`` (PNG): the report's utility space (made, with its
    timeline analysis, when ``report`` is not given)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rep = report if report is not None else case_report(scenario, result)
    space = utility_space(rep)
    fig, ax = plt.subplots(figsize=(8, 7), dpi=110)
    _draw(ax, space)
    ax.set_xlabel(f"expected utility of {space.axes[0]}")
    ax.set_ylabel(f"expected utility of {space.axes[1]}")
    title = f"{space.title}: {rep.reason} after {rep.rounds} rounds"
    if space.projected:
        title += f" (first 2 of {len(rep.parties)} parties)"
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=7.5, framealpha=0.9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
