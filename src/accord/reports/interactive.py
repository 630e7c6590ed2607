"""Interactive (plotly) figures of a case: the utility space and the ZOPA along the timeline.

Figures are returned as HTML fragments without the plotly.js bundle; the page that embeds them
(:mod:`accord.reports.html`) inlines the bundle once, so nothing is fetched over the network.
"""

from __future__ import annotations

from typing import Any

from accord.reports.case import CaseReport
from accord.reports.utility_space import Stage, UtilitySpace

__all__ = ["timeline_figure", "utility_figure"]

_CONFIG = {"displaylogo": False, "responsive": True}
_BEFORE, _AFTER = "#1f4e79", "#c0392b"


def _fragment(fig: Any, div_id: str) -> str:
    import plotly.io as pio

    return str(
        pio.to_html(
            fig,
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            config=_CONFIG,
            div_id=div_id,
        )
    )


def _stage_traces(go: Any, stage: Stage, colour: str, dash: str, joined: bool) -> list[Any]:
    """One stage; a projected (more than two parties) frontier is drawn as points only."""
    zopa = "" if stage.zopa is None else f" (ZOPA {stage.zopa:,} outcomes)"
    (rx, ry) = stage.reservation
    line = {"color": colour, "dash": dash, "width": 1.2}
    out = [
        go.Scatter(
            x=stage.frontier[:, 0],
            y=stage.frontier[:, 1],
            mode="lines+markers" if joined else "markers",
            marker={"size": 4, "color": colour},
            line=line,
            name=f"frontier{'' if joined else ' (projected)'}, {stage.label}",
        ),
        go.Scatter(
            x=[rx, rx, None, 0, 1],
            y=[0, 1, None, ry, ry],
            mode="lines",
            line=line,
            name=f"reservation values, {stage.label}{zopa}",
            hoverinfo="skip",
        ),
    ]
    if stage.nash is not None:
        out.append(
            go.Scatter(
                x=[stage.nash[0]],
                y=[stage.nash[1]],
                mode="markers",
                marker={"symbol": "star", "size": 18, "color": "gold", "line": line},
                name=f"Nash point, {stage.label}",
            )
        )
    return out


def utility_figure(space: UtilitySpace) -> str:
    """The utility space: packages, frontiers, reservation values and Nash points before and
    after the escalation, numbered proposals (hover: the package) and the agreement."""
    import plotly.graph_objects as go

    traces = [
        go.Scatter(
            x=space.cloud[:, 0],
            y=space.cloud[:, 1],
            mode="markers",
            marker={"size": 3, "color": "#b8c4d6", "opacity": 0.6},
            name=f"packages ({len(space.cloud):,})",
            hoverinfo="skip",
        ),
        *_stage_traces(go, space.before, _BEFORE, "dash", not space.projected),
    ]
    if space.after is not None:
        traces += _stage_traces(go, space.after, _AFTER, "dot", not space.projected)
    if space.proposals:
        traces.append(
            go.Scatter(
                x=[p[1] for p in space.proposals],
                y=[p[2] for p in space.proposals],
                mode="lines+markers+text",
                text=[str(p[0]) for p in space.proposals],
                textposition="top right",
                hovertext=[f"proposal {p[0]}: {p[3]}" for p in space.proposals],
                hoverinfo="text",
                marker={"size": 8, "color": "#16a085"},
                line={"width": 0.8, "color": "#16a085"},
                name=f"proposals ({len(space.proposals)})",
            )
        )
    if space.agreement is not None:
        traces.append(
            go.Scatter(
                x=[space.agreement[0]],
                y=[space.agreement[1]],
                mode="markers",
                marker={"size": 18, "color": "rgba(0,0,0,0)", "line": {"width": 3}},
                hovertext=[f"agreement: {space.agreement_text}"],
                hoverinfo="text",
                name="agreement",
            )
        )
    suffix = " (first two parties)" if space.projected else ""
    fig = go.Figure(traces)
    fig.update_layout(
        title=f"{space.title}: utility space{suffix}",
        xaxis_title=f"expected utility of {space.axes[0]}",
        yaxis_title=f"expected utility of {space.axes[1]}",
        height=640,
        template="plotly_white",
        font={"family": "system-ui, sans-serif"},
        legend={"font": {"size": 11}},
    )
    return _fragment(fig, "utility-space")


def timeline_figure(report: CaseReport) -> str:
    """ZOPA size (bars) and each party's reservation value (lines) after each event."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = report.timeline
    labels = [f"{r['round']}: {r['name']}" for r in rows]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(x=labels, y=[r["zopa"] for r in rows], name="ZOPA (outcomes)", opacity=0.6),
        secondary_y=False,
    )
    for party in report.parties:
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=[r["reservations"][party] for r in rows],
                mode="lines+markers",
                name=f"reservation value, {party}",
            ),
            secondary_y=True,
        )
    fig.update_layout(
        title="ZOPA and reservation values along the timeline",
        height=420,
        template="plotly_white",
        font={"family": "system-ui, sans-serif"},
    )
    fig.update_yaxes(title_text="packages in the ZOPA", secondary_y=False)
    fig.update_yaxes(title_text="reservation value", secondary_y=True)
    return _fragment(fig, "timeline")
