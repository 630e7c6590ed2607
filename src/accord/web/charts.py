"""The web app's plotly figures, as JSON the page draws with the locally served plotly.js.

* :func:`debrief_figure` (trainer): the utility space of the first two parties, the Pareto
  frontier, the Nash point, the offers made and the deal;
* :func:`disclosure_figure` (mediator): only what the parties disclosed to the mediator — the
  packages both parties rated, at their ratings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from accord.analysis.report import Analysis


def _layout(x: str, y: str, title: str) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x}, "range": [-0.02, 1.05]},
        "yaxis": {"title": {"text": y}, "range": [-0.02, 1.05]},
        "height": 460,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 110},
        "legend": {"orientation": "h", "y": -0.3},
    }


def _points(name: str, points: Sequence[Sequence[float]], **marker: Any) -> dict[str, Any]:
    """A trace of markers at the points' first two utilities."""
    return {
        "x": [u[0] for u in points],
        "y": [u[1] for u in points],
        "mode": "markers",
        "name": name,
        "marker": marker,
    }


def debrief_figure(
    analysis: Analysis,
    offers: Sequence[tuple[str, Sequence[float]]],
    deal: Sequence[float] | None,
) -> str:
    """Frontier, Nash point, offers (by party) and the deal, for the first two parties."""
    a, b = analysis.parties[0], analysis.parties[1]
    front = np.asarray(analysis.frontier, dtype=float)
    data: list[dict[str, Any]] = []
    if front.size:
        order = np.argsort(front[:, 0])
        data.append(
            {
                "x": front[order, 0].tolist(),
                "y": front[order, 1].tolist(),
                "mode": "lines+markers",
                "name": "Pareto frontier",
                "marker": {"size": 4},
            }
        )
    for party in dict.fromkeys(p for p, _ in offers):
        pts = [u for p, u in offers if p == party]
        data.append(_points(f"offers by {party}", pts, size=7, opacity=0.6))
    if analysis.nash is not None:
        data.append(_points("Nash point", [analysis.nash.utilities], size=14, symbol="star"))
    data.append(_points("red lines (no deal)", [analysis.reservations], size=10, symbol="x"))
    if deal is not None:
        data.append(_points("the deal", [deal], size=16, symbol="diamond"))
    return _safe({"data": data, "layout": _layout(a, b, "Where the deal sits")})


def disclosure_figure(parties: Sequence[str], notebook: Mapping[str, Sequence[Any]]) -> str:
    """Packages rated by the first two parties, at the ratings they disclosed. Built from the
    mediator's notebook alone."""
    a, b = parties[0], parties[1]

    def ratings(party: str) -> dict[int, float]:
        out: dict[int, float] = {}
        for x in notebook.get(party, ()):
            answer, query = x["answer"], x["query"]
            if query["kind"] == "rate" and not answer.get("refused"):
                for p, r in zip(query["packages"], answer.get("ratings") or [], strict=False):
                    out[p["outcome"]] = float(r)
        return out

    ra, rb = ratings(a), ratings(b)
    both = sorted(set(ra) & set(rb))
    rated = _points("rated by both", [(ra[p], rb[p]) for p in both], size=9)
    data = [{**rated, "text": [f"package {p}" for p in both]}]
    return _safe(
        {"data": data, "layout": _layout(f"{a}'s rating", f"{b}'s rating", "What they disclosed")}
    )


def _safe(figure: dict[str, Any]) -> str:
    """JSON that can sit inside a ``<script type="application/json">`` element (a name that
    says ``</script>`` cannot close it)."""
    return json.dumps(figure).replace("</", "<\\/")
