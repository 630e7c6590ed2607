"""Rich rendering of the ``uncertainty`` part of ``accord analyze --uncertainty N``."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

LABELS = {
    "nash": "Nash",
    "kalai_smorodinsky": "KS",
    "egalitarian": "Egalitarian",
    "utilitarian": "Utilitarian",
    "frontier": "frontier",
}


def render_robustness(console: Console, data: dict[str, Any], top: int = 10) -> None:
    """The ``top`` most robust packages of ``data["uncertainty"]`` (already ranked)."""
    unc = data["uncertainty"]
    names = [str(p["name"]) for p in data["parties"]]
    packages = unc["packages"]
    exact = "exact" if unc["exact"] else "approximate"
    table = Table(
        title=f"Most robust packages ({unc['samples']} sampled profiles, seed {unc['seed']})",
        title_justify="left",
        caption=f"utilities and P(accept) per party ({', '.join(names)}); P(accept): utility >= "
        f"sampled reservation; Pareto check: {unc['method']} ({exact})",
        caption_justify="left",
    )
    table.add_column("package")
    table.add_column("utilities", justify="right")
    table.add_column("P(accept)", justify="right")
    table.add_column("P(all accept)", justify="right")
    table.add_column("P(Pareto)", justify="right")
    for p in packages[:top]:
        label = ", ".join(LABELS.get(x, x) for x in p["labels"] if x != "frontier") or "frontier"
        table.add_row(
            label,
            " ".join(f"{u:.3f}" for u in p["utilities"]),
            " ".join(f"{p['p_accept'][n]:.2f}" for n in names),
            f"{p['p_agreement']:.2f}",
            f"{p['p_pareto']:.2f}",
        )
    console.print(table)
    if len(packages) > top:
        console.print(f"({len(packages) - top} more packages in --json)", style="dim")
    if packages:
        best = packages[0]["outcome"]
        console.print("most robust: " + ", ".join(f"{k} = {v}" for k, v in best.items()))
    for w in unc.get("warnings", []):
        console.print(f"warning: {w}", style="yellow", markup=False, soft_wrap=True)
