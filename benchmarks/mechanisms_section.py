"""The "huge spaces in the mechanisms" section of ``RESULTS.md`` (``run.py --only mechanisms``).

Runs ``huge_negotiation.py`` (one Boulware vs Conceder negotiation through
``accord.negotiate`` on opposed additive spaces of 10^4, 10^5 and 10^7 outcomes, NegMAS beside
it) and ``huge_mediation.py`` (``accord mediate --mediator caucus`` on two 10^60-outcome cases)
as child processes, keeps their JSON, and renders their targets and tables.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

#: The issue's targets.
NEGOTIATION_RATIO = 50.0  # opposed 10^4 and 10^5, warm, NegMAS / accord
NEGOTIATION_1E7_S = 1.5  # end to end: build + negotiate (cold), in a fresh process
NEGOTIATION_1E7_MB = 500.0
MEDIATION_1E60_S = 5.0  # accord mediate wall time, CLI process


def run(python: Path) -> dict[str, Any]:
    """Both scripts in child processes; their JSON and printed tables."""
    out: dict[str, Any] = {}
    for name in ("huge_negotiation", "huge_mediation"):
        done = subprocess.run(
            [str(python), str(HERE / f"{name}.py")], capture_output=True, text=True
        )
        sys.stderr.write(done.stderr[-2000:])
        path = OUT / f"{name}.json"
        if done.returncode != 0 or not path.exists():
            out[name] = {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
            continue
        out[name] = json.loads(path.read_text())
        out[name]["table"] = "\n".join(
            line for line in done.stdout.splitlines() if line.startswith("|")
        )
    return out


def targets(data: dict[str, Any] | None) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for the Targets table (``report.py`` renders them)."""
    if not data:
        return []
    rows: list[tuple[str, str, bool | None]] = []
    neg = data.get("huge_negotiation", {})
    by_k = {r["issues"]: r for r in neg.get("rows", [])}
    parts, ok = [], None
    for k in (4, 5):
        r = by_k.get(k)
        if r is None or "error" in r["accord"] or "error" in r["negmas"]:
            continue
        x = r["negmas"]["warm_s"] / r["accord"]["warm_s"]
        good = x >= NEGOTIATION_RATIO
        ok = good if ok is None else ok and good
        parts.append(
            f"1e{k}: {x:.1f}× ({r['accord']['warm_s'] * 1e3:.3g} ms vs "
            f"{r['negmas']['warm_s'] * 1e3:.3g} ms; utilities {r['accord']['utilities']} / "
            f"{r['negmas']['utilities']})"
        )
    rows.append(
        (
            "one negotiation through `accord.negotiate`, opposed spaces: ≥ 50× NegMAS "
            "(Boulware vs Conceder, 1e4 and 1e5)",
            "; ".join(parts) or "—",
            ok,
        )
    )
    r7 = by_k.get(7)
    if r7 is not None and "error" not in r7["accord"]:
        a = r7["accord"]
        good = a["cold_s"] < NEGOTIATION_1E7_S and a["peak_mb"] < NEGOTIATION_1E7_MB
        rows.append(
            (
                "one Boulware vs Conceder negotiation, 7 issues × 10 values (1e7), opposed: "
                "< 1.5 s, < 500 MB",
                f"{a['cold_s']:.2f} s build + negotiate ({a['import_s']:.2f} s import apart), "
                f"{a['peak_mb']:.0f} MB",
                good,
            )
        )
    med = data.get("huge_mediation", {})
    cases = med.get("rows", {})
    if cases:
        worst = max(c["median_wall_s"] for c in cases.values())
        text = "; ".join(
            f"{name}: {c['median_wall_s']:.2f} s, {c['peak_mb']:.0f} MB"
            for name, c in cases.items()
        )
        rows.append(
            (
                "`accord mediate --mediator caucus`, 60 issues × 10 values (1e60), additive and "
                "hyper-rectangle: < 5 s each",
                text,
                worst < MEDIATION_1E60_S,
            )
        )
    return rows


def section(data: dict[str, Any] | None) -> list[str]:
    """The section's lines (empty when it was never run)."""
    if not data:
        return []
    neg = data.get("huge_negotiation", {})
    med = data.get("huge_mediation", {})
    return [
        "## Huge spaces in the mechanisms (`run.py --only mechanisms`)",
        "",
        f"- date: {data.get('date')}; accord at `{data.get('rev')}`; children: "
        "`benchmarks/huge_negotiation.py`, `benchmarks/huge_mediation.py`",
        "",
        "One Boulware vs Conceder negotiation (1000 rounds) through `accord.negotiate` on "
        "`additive_scenario((10,) * k, opposed=True, seed=0)`, each side in a fresh process; "
        "NegMAS 0.16.0 gets the same weights and tables (`SAOMechanism`, `BoulwareTBNegotiator` "
        "vs `ConcederTBNegotiator`). *cold* = build the scenario (or the utility functions) and "
        "run the first negotiation; *warm* = median of up to 10 further negotiations on the same "
        "objects; MB = the child's peak RSS; import time apart. The agents' concession curves "
        "differ between the libraries, so rounds and agreements differ.",
        "",
        neg.get("table", neg.get("error", "(not run)")),
        "",
        "`accord mediate FILE --mediator caucus --json` (truthful parties, default budget), "
        "CLI wall time (median of 3) and peak RSS, including the Nash comparison (its analysis "
        "gets 2 s on the hyper-rectangle case, whose frontier is then not proven). NegMAS has "
        "no caucus mediator.",
        "",
        med.get("table", med.get("error", "(not run)")),
        "",
    ]
