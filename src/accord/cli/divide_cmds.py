"""``accord divide``: an Adjusted Winner fair division of divisible items between two parties."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from accord.cli.app import app, guarded, print_json


@app.command()
@guarded
def divide(
    points: Annotated[
        str,
        typer.Argument(help="A division file (parties + items with points) or a packaged name."),
    ],
    json_out: Annotated[bool, typer.Option("--json", help="Print the division as JSON.")] = False,
) -> None:
    """Divide items between two parties by Adjusted Winner (equitable, envy-free, efficient)."""
    import accord

    data = accord.divide(points).to_dict()
    if json_out:
        print_json(data)
        return
    render_division(Console(), data)


def _share(x: float) -> str:
    if x >= 1.0:
        return "all"
    if x <= 0.0:
        return "—"
    return f"{x:.1%}"


def render_division(console: Console, data: dict[str, Any]) -> None:
    """Readable form of ``Division.to_dict()``."""
    a, b = data["parties"]
    table = Table(
        title=f"{data['name']}: Adjusted Winner",
        title_justify="left",
        caption="points: how much each party values the item (100 in total each)",
        caption_justify="left",
    )
    table.add_column("item")
    table.add_column(f"{a} points", justify="right")
    table.add_column(f"{b} points", justify="right")
    table.add_column(f"{a} gets", justify="right")
    table.add_column(f"{b} gets", justify="right")
    for item in data["items"]:
        style = "bold" if item["name"] == data["split"] else None
        table.add_row(
            str(item["name"]),
            f"{item['points'][a]:g}",
            f"{item['points'][b]:g}",
            _share(item["shares"][a]),
            _share(item["shares"][b]),
            style=style,
        )
    table.add_section()
    table.add_row("points received", "", "", f"{data['points'][a]:.2f}", f"{data['points'][b]:.2f}")
    console.print(table)
    split = data["split"]
    console.print(
        f"split item: {split}" if split is not None else "no item needs to be split",
        markup=False,
    )
