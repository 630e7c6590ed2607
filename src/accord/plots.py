"""Static plots (matplotlib, headless). Plotting lives here, never in data classes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from accord.scenario import Scenario

MAX_CLOUD = 20_000
_MARKERS = {
    "nash": ("Nash", "*", 260),
    "kalai_smorodinsky": ("Kalai–Smorodinsky", "D", 90),
    "egalitarian": ("egalitarian", "s", 80),
    "utilitarian": ("utilitarian", "^", 90),
}


def outcome_cloud(scenario: Scenario, limit: int = MAX_CLOUD, seed: int = 0) -> np.ndarray:
    """Utilities of all outcomes when there are at most ``limit``, else of a seeded sample."""
    size = scenario.space.size
    if size is not None and size <= limit:
        return scenario.evaluate(scenario.space.all_digits())
    rng = np.random.default_rng(seed)
    return scenario.evaluate(scenario.space.sample(rng, limit))


def plot_analysis(scenario: Scenario, data: dict[str, Any], path: str | Path) -> None:
    """Two-party utility space: outcomes, Pareto frontier, reservation lines and solutions.

    With more than two parties the first two are drawn (a projection; the title says so).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [p["name"] for p in data["parties"]]
    cloud = outcome_cloud(scenario)
    fig, ax = plt.subplots(figsize=(7, 6), dpi=110)
    sampled = scenario.space.size is None or scenario.space.size > MAX_CLOUD
    label = f"outcomes ({'sample of ' if sampled else ''}{len(cloud):,})"
    ax.scatter(cloud[:, 0], cloud[:, 1], s=4, c="#b8c4d6", alpha=0.5, lw=0, label=label)
    front = np.asarray(data["pareto"], dtype=float)
    if front.size:
        order = np.argsort(front[:, 0])
        ax.plot(
            front[order, 0],
            front[order, 1],
            "-o",
            c="#1f4e79",
            ms=3,
            lw=1.2,
            label=f"Pareto frontier ({len(front):,})",
        )
    res = [p["reservation"] for p in data["parties"]]
    ax.axvline(res[0], c="#c0392b", ls="--", lw=0.8, label="reservation values")
    ax.axhline(res[1], c="#c0392b", ls="--", lw=0.8)
    for key, (label, marker, size) in _MARKERS.items():
        sol = data.get(key)
        if sol is not None:
            u = sol["utilities"]
            ax.scatter(
                [u[0]],
                [u[1]],
                marker=marker,
                s=size,
                zorder=5,
                label=label,
                edgecolors="black",
                linewidths=0.6,
            )
    ax.set_xlabel(f"utility of {names[0]}")
    ax.set_ylabel(f"utility of {names[1]}")
    title = str(data.get("scenario", scenario.name))
    if len(names) > 2:
        title += f" (first 2 of {len(names)} parties)"
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_negotiation(scenario: Scenario, result: Any, path: str | Path) -> None:
    """Each party's offers in the utility space of the first two parties, over the Pareto
    frontier, with the Nash point and the agreement."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from accord.analysis import analyze

    data = analyze(scenario).to_dict()
    fig, ax = plt.subplots(figsize=(7, 6), dpi=110)
    front = np.asarray(data["pareto"], dtype=float)
    if front.size:
        order = np.argsort(front[:, 0])
        ax.plot(front[order, 0], front[order, 1], "-", c="#1f4e79", lw=1.2, label="Pareto frontier")
    space = scenario.space
    for name, colour in zip(
        result.parties, ("#d35400", "#16a085", "#8e44ad", "#7f8c8d"), strict=False
    ):
        offers = [e.outcome for e in result.trace.offers(name)]
        if not offers:
            continue
        digits = np.array([space.from_index(o) for o in offers])
        u = scenario.evaluate(digits)
        ax.plot(
            u[:, 0], u[:, 1], ".-", c=colour, ms=4, lw=0.6, alpha=0.8, label=f"offers of {name}"
        )
    if data.get("nash") is not None:
        nu = data["nash"]["utilities"]
        ax.scatter(
            [nu[0]],
            [nu[1]],
            marker="*",
            s=260,
            c="gold",
            edgecolors="black",
            zorder=5,
            label="Nash point",
        )
    if result.agreement is not None:
        au = result.utilities
        ax.scatter(
            [au[0]],
            [au[1]],
            marker="o",
            s=120,
            facecolors="none",
            edgecolors="red",
            linewidths=2,
            zorder=6,
            label="agreement",
        )
    ax.set_xlabel(f"utility of {result.parties[0]}")
    ax.set_ylabel(f"utility of {result.parties[1]}")
    ax.set_title(f"{scenario.name}: {' vs '.join(result.agents)} ({result.reason})")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
