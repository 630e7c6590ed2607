"""Rich rendering of CLI results (from their JSON-able dicts, so text and --json agree)."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

#: Columns the scenario table's description needs at least (else it is left out).
MIN_DESCRIPTION = 20

SOLUTIONS = (
    ("nash", "Nash"),
    ("kalai_smorodinsky", "KS"),
    ("egalitarian", "Egalitarian"),
    ("utilitarian", "Utilitarian"),
)


def _num(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.4f}"
    if isinstance(x, int) and abs(x) >= 10**7:
        return f"{x:.3e}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def render_analysis(console: Console, data: dict[str, Any]) -> None:
    """Readable summary of ``Analysis.to_dict()``."""
    outcomes = data.get("outcomes")
    exact = "exact" if data.get("exact") else "approximate"
    if not data.get("exact") and data.get("proven_gap") is not None:
        exact += f", within a proven gap of {data['proven_gap']:.4g}"
    console.print(
        f"[bold]{data.get('scenario')}[/]: {len(data.get('issues', []))} issues, "
        f"{_num(outcomes) if outcomes is not None else 'continuous'} outcomes, "
        f"{len(data['parties'])} parties"
    )
    console.print(f"method: {data.get('method')} ({exact})")
    if data.get("at"):
        console.print(f"as it stands right after the event: {data['at']}")
    parties = Table(title="Parties", title_justify="left")
    parties.add_column("party", no_wrap=True)
    parties.add_column("reservation", justify="right")
    for p in data["parties"]:
        parties.add_row(str(p["name"]), _num(p["reservation"]))
    console.print(parties)
    console.print(
        f"Pareto frontier: {len(data['pareto'])} points   "
        f"ZOPA: {_num(data.get('zopa_outcomes'))} outcomes   "
        f"opposition: {_num(data.get('opposition'))}"
    )
    names = [str(p["name"]) for p in data["parties"]]
    found = [(key, label, data[key]) for key, label in SOLUTIONS if data.get(key) is not None]
    missing = [label for key, label in SOLUTIONS if data.get(key) is None]
    if found:
        table = Table(
            title="Bargaining solutions",
            title_justify="left",
            caption="KS = Kalai–Smorodinsky; all relative to the reservation values",
            caption_justify="left",
        )
        table.add_column("", no_wrap=True)
        for _, label, _ in found:
            table.add_column(label, justify="right")
        for i, n in enumerate(names):
            table.add_row(f"u({n})", *[_num(sol["utilities"][i]) for _, _, sol in found])
        table.add_section()
        for issue in data.get("issues", []):
            table.add_row(str(issue), *[str(sol["outcome"].get(issue, "")) for _, _, sol in found])
        console.print(table)
    if missing:
        console.print(f"no individually rational outcome, so no {', '.join(missing)} solution")
    if data.get("agreement_rule"):
        render_consensus(console, data)
    for w in data.get("warnings", []):
        console.print(
            f"warning: {w}", style="yellow", markup=False, highlight=False, soft_wrap=True
        )
    t = data.get("timings", {})
    parts = [f"{k} {v * 1000:.1f} ms" for k, v in t.items() if isinstance(v, int | float)]
    if parts:
        console.print("timings: " + ", ".join(parts), style="dim")


def render_consensus(console: Console, data: dict[str, Any]) -> None:
    """The agreement rule and, when computed, the ``consensus`` block of ``Analysis.to_dict()``."""
    console.print(
        f"[bold]Agreement rule[/]: {data.get('agreement_rule_text')}   "
        f"passing: {_num(data.get('passing_outcomes'))} outcomes",
        highlight=False,
    )
    cons = data.get("consensus")
    if not cons:
        return
    table = Table(
        title="Parties under the agreement rule",
        title_justify="left",
        caption="accepts: passing outcomes it accepts; best, worst: its utility of the passing "
        "package best / worst for it",
        caption_justify="left",
    )
    for h in ("party", "pivotal", "accepts", "best", "worst"):
        table.add_column(h, no_wrap=True, justify="left" if h == "party" else "right")
    for i, p in enumerate(cons["parties"]):
        best, worst = p["best_passing"], p["worst_passing"]
        table.add_row(
            str(p["name"]),
            "yes" if p["pivotal"] else "no",
            _num(p["passing_accepted"]),
            "—" if best is None else _num(best["utilities"][i]),
            "—" if worst is None else _num(worst["utilities"][i]),
        )
    console.print(table)
    blocking = cons.get("blocking_coalitions")
    if blocking is not None:
        text = "; ".join(" + ".join(c) if c else "nobody (nothing passes)" for c in blocking)
        more = " (and more)" if cons.get("blocking_truncated") else ""
        console.print(f"minimal blocking coalitions: {text}{more}", highlight=False)
    best = cons.get("best")
    if best is None:
        console.print("no outcome passes the agreement rule")
        return
    left = ", ".join(best["left_out"]) or "nobody"
    console.print(
        f"best package (widest support, then Nash product of those accepting): accepted by "
        f"{len(best['accepted_by'])} of {len(cons['parties'])}, left out: {left}",
        highlight=False,
    )
    for issue, value in best["outcome"].items():
        console.print(f"  {issue}: {value}", highlight=False, markup=False)


def render_scenarios(console: Console, rows: list[dict[str, Any]]) -> None:
    """The packaged scenarios, one row each. Names and party names (which a user copies into a
    command) never wrap: one party per line. The description is cut to fit, with an ellipsis,
    and left out (the caption says so) when fewer than :data:`MIN_DESCRIPTION` columns remain."""
    cells = [
        (
            r["name"],
            "\n".join(r["parties"]),
            str(r["issues"]),
            _num(r["outcomes"]) if r["outcomes"] is not None else "continuous",
        )
        for r in rows
    ]
    headers = ("name", "parties", "issues", "outcomes")
    # each column: its widest line, 2 of padding and a border; plus the outer border
    used = 1 + sum(
        3 + max(cell_len(line) for v in (h, *(c[i] for c in cells)) for line in v.split("\n"))
        for i, h in enumerate(headers)
    )
    described = console.width - used - 3 >= MIN_DESCRIPTION
    table = Table(
        title="Packaged scenarios",
        title_justify="left",
        caption=None if described else "descriptions: a wider terminal, or --json",
        caption_justify="left",
    )
    for h in headers:
        table.add_column(h, no_wrap=True, justify="left" if h in ("name", "parties") else "right")
    if described:
        table.add_column("description")  # the only column that shrinks; its text never wraps
    for r, row in zip(rows, cells, strict=True):
        text = Text(r["description"], no_wrap=True, overflow="ellipsis")
        table.add_row(*row, *([text] if described else []))
    console.print(table)
