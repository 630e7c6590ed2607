"""Render the results of ``run.py`` as Markdown (``benchmarks/RESULTS.md``)."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
TARGETS = {
    "frontier_1e6": 30.0,
    "stats_1e6": 300.0,
    "time_1e7_s": 2.0,
    "rss_1e7_mb": 1024.0,
    "huge_s": 5.0,
    "corpus_s": 60.0,
    "agreement": 1e-12,
}


def git_rev() -> str:
    """``git describe --always --dirty`` of the checkout (dirty = uncommitted work present)."""
    return subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()


def machine(negmas_version: str | None, rev_start: str | None = None) -> list[str]:
    cpu = "?"
    ram = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    rev = f"`{git_rev() or '?'}`"
    if rev_start and f"`{rev_start}`" != rev:
        rev = f"{rev} (**changed during the run**: started at `{rev_start}`)"
    return [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {cpu}, {os.cpu_count()} logical cores, {ram} RAM, {platform.system()}",
        f"- Python {platform.python_version()}, numpy {np.__version__}, "
        f"negmas {negmas_version or 'not run'}, accord at {rev}",
    ]


def med(m: dict[str, Any] | None, key: str = "e2e_s") -> float | None:
    if not m or "error" in m or m.get("skipped") or not m.get(key):
        return None
    return float(m[key]["median"])


def fmt_time(m: dict[str, Any] | None, key: str = "e2e_s") -> str:
    if not m or m.get("skipped"):
        return "skipped"
    if "error" in m:
        return f"error: {m['error'][:60]}"
    s = m[key]
    if s["n"] == 1:
        return f"{s['median']:.4g}"
    return f"{s['median']:.4g} [{s['min']:.3g}–{s['max']:.3g}]"


def fmt_mb(m: dict[str, Any] | None) -> str:
    v = med(m, "peak_rss_mb")
    return "—" if v is None else f"{v:.0f}"


def ratio(slow: float | None, fast: float | None) -> float | None:
    if slow is None or fast is None or fast <= 0:
        return None
    return slow / fast


def fmt_ratio(r: float | None) -> str:
    return "—" if r is None else f"**{r:.1f}×**"


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "**NOT met**")


def size_table(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "| outcomes | frontier pts (accord / NegMAS) | accord frontier s | NegMAS "
        "`pareto_frontier` s | ratio | accord `analyze` s | NegMAS `calc_scenario_stats` s "
        "| ratio | peak RSS MB accord analyze / NegMAS frontier / NegMAS stats |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        af, aa = r.get("accord_frontier"), r.get("accord_analyze")
        nf, ns = r.get("negmas_pareto"), r.get("negmas_stats")
        sizes = [
            str(m["first"].get("frontier_size")) if m and "first" in m else "—"
            for m in (aa, nf or ns)
        ]
        out.append(
            f"| 1e{r['k']} | {' / '.join(sizes)} | {fmt_time(af)} | {fmt_time(nf)} | "
            f"{fmt_ratio(ratio(med(nf), med(af)))} | {fmt_time(aa)} | {fmt_time(ns)} | "
            f"{fmt_ratio(ratio(med(ns), med(aa)))} | "
            f"{fmt_mb(aa)} / {fmt_mb(nf)} / {fmt_mb(ns)} |"
        )
    return out


def solution_agreement(rows: list[dict[str, Any]]) -> tuple[list[str], float | None]:
    """accord vs NegMAS ``calc_scenario_stats`` on the benchmark scenarios (utility points).

    NegMAS measures gains from d = max(reservation, worst utility); accord's ``analyze`` from
    the reservation (0 here). The comparison uses accord's bargaining functions on accord's
    frontier with NegMAS's d (``negmas_convention`` of the child) under the name mapping
    nash↔nash, egalitarian↔kalai, equal_gains↔ks, utilitarian↔max_welfare; accord's own
    ``analyze`` answers are listed as well.
    """
    pairs = {
        "nash": "nash",
        "egalitarian": "egalitarian",
        "equal_gains": "kalai_smorodinsky",
        "utilitarian": "utilitarian",
    }
    lines, worst = [], None
    for r in rows:
        aa, ns = r.get("accord_analyze"), r.get("negmas_stats")
        if not aa or not ns or "first" not in aa or "first" not in ns:
            continue
        a, n = aa["first"], ns["first"]
        conv = a.get("negmas_convention") or {}
        diffs = []
        for ak, nk in pairs.items():
            if conv.get(ak) is None or not n.get(nk):
                diffs.append(f"{ak}: missing")
                continue
            d = min(float(np.max(np.abs(np.subtract(conv[ak], p)))) for p in n[nk])
            worst = d if worst is None else max(worst, d)
            diffs.append(f"{ak} {d:.1e}")
        same = a.get("frontier_size") == n.get("frontier_size")
        own = ", ".join(
            f"{k} ({', '.join(f'{x:.4f}' for x in a[k])})"
            for k in ("nash", "kalai_smorodinsky", "egalitarian")
            if a.get(k)
        )
        lines.append(
            f"- 1e{r['k']}: frontier size {'equal' if same else 'DIFFERENT'} "
            f"({a.get('frontier_size')} / {n.get('frontier_size')}); max |Δ| with NegMAS's d: "
            + ", ".join(diffs)
            + f"; accord `analyze` (d = 0): {own}"
        )
    return lines, worst


#: NegMAS at 1e6 in ../shared/anchors/negmas/README.md (scenario built in code there)
ANCHOR_1E6 = {
    "nash": (0.8727, 0.7920),
    "egalitarian": (0.8044, 0.8218),
    "kalai_smorodinsky": (0.8148, 0.8055),
}


def anchor_check(rows: list[dict[str, Any]]) -> list[str]:
    """Do the files hold the anchor's scenario? NegMAS's 1e6 answers vs the anchor README."""
    row = next((r for r in rows if r["k"] == 6), None)
    ns = (row or {}).get("negmas_stats") or {}
    if "first" not in ns:
        return []
    parts = []
    for key, ref in ANCHOR_1E6.items():
        got = ns["first"].get(key) or [[float("nan")] * 2]
        parts.append(f"{key} ({got[0][0]:.4f}, {got[0][1]:.4f}) vs ({ref[0]}, {ref[1]})")
    return [
        "",
        "NegMAS at 1e6 from the files vs the anchor README (built in code): "
        + "; ".join(parts)
        + ".",
    ]


def import_lines(data: dict[str, Any]) -> list[str]:
    imp: dict[str, list[float]] = {"accord": [], "negmas": []}
    for row in data["sizes"] + data["huge"]:
        for key, m in row.items():
            if isinstance(m, dict) and "runs" in m:
                tool = "negmas" if key.startswith("negmas") else "accord"
                imp[tool] += [float(x["import_s"]) for x in m["runs"]]
    st = data["startup"]
    out = ["Interpreter start-up and imports (not included in the times above):", ""]
    for tool, py in (("accord", "accord_python"), ("negmas", "negmas_python")):
        s = st.get(py)
        vals = imp[tool]
        if s is None and not vals:
            continue
        start = f"{s['median']:.3f} s" if s else "—"
        imps = f"{np.median(vals):.3f} s (n={len(vals)})" if vals else "—"
        out.append(f"- {tool}: `python -c pass` {start}; imports in the child (median) {imps}")
    return out


def load_lines(rows: list[dict[str, Any]]) -> list[str]:
    """How much of accord's e2e is ``accord.io.load_path`` (median of the analyze runs)."""
    parts = []
    for r in rows:
        runs = (r.get("accord_analyze") or {}).get("runs") or []
        loads = [float(x["load_s"]) for x in runs if "load_s" in x]
        if loads:
            parts.append(f"1e{r['k']} {float(np.median(loads)):.3f} s")
    if not parts:
        return []
    return [
        "",
        "Of accord's `analyze` time, reading the files (`load_path`): " + ", ".join(parts) + ".",
    ]


def huge_table(rows: list[dict[str, Any]]) -> tuple[list[str], bool | None]:
    out = [
        "| outcomes | exact | method | frontier pts | accord `analyze` s | peak RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    ok: bool | None = None
    for r in rows:
        m = r["accord_analyze"]
        f = m.get("first", {})
        t = med(m)
        good = t is not None and t < TARGETS["huge_s"] and f.get("exact") is True
        ok = good if ok is None else (ok and good)
        out.append(
            f"| 1e{r['k']} | {f.get('exact', '—')} | {f.get('method', '—')} | "
            f"{f.get('frontier_size', '—')} | {fmt_time(m)} | {fmt_mb(m)} |"
        )
    return out, ok


def corpus_table(rows: list[dict[str, Any]]) -> tuple[list[str], bool | None]:
    out = [
        "| domain | outcomes | exact | method | accord s | reference points reached | worst gap |",
        "|---|---|---|---|---|---|---|",
    ]
    ok: bool | None = None
    for r in rows:
        if "error" in r:
            out.append(f"| {r['folder']} | — | — | — | {r['error'][:80]} | — | — |")
            ok = False
            continue
        good = r["e2e_s"] < TARGETS["corpus_s"] and r["reached"] == r["reference_points"]
        ok = good if ok is None else (ok and good)
        gap = r.get("worst_gap")
        out.append(
            f"| {r['folder']} | {float(r['outcomes']):.0e} | {r.get('exact')} | "
            f"{r.get('method')} | {r['e2e_s']:.3g} | {r['reached']}/{r['reference_points']} | "
            f"{'—' if gap is None else f'{gap:.1e}'} |"
        )
    return out, ok


def huge_summary(rows: list[dict[str, Any]]) -> str:
    times = [med(r["accord_analyze"]) for r in rows]
    if not rows or any(t is None for t in times):
        return "see table"
    exact = sum(r["accord_analyze"]["first"].get("exact") is True for r in rows)
    return f"{exact}/{len(rows)} exact, slowest {max(t for t in times if t is not None):.3g} s"


def corpus_summary(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "not run"
    ok = [r for r in rows if "error" not in r]
    full = [r for r in ok if r["reached"] == r["reference_points"]]
    slowest = max((r["e2e_s"] for r in ok), default=float("nan"))
    misses = "; ".join(
        f"{r['folder'].split('/')[-1]} {r['reached']}/{r['reference_points']}"
        for r in ok
        if r["reached"] != r["reference_points"]
    )
    errors = len(rows) - len(ok)
    return (
        f"{len(full)}/{len(rows)} domains reach every point, slowest {slowest:.3g} s"
        + (f"; misses: {misses}" if misses else "")
        + (f"; {errors} errors" if errors else "")
    )


def targets(data: dict[str, Any], huge_ok: bool | None, corpus_ok: bool | None) -> list[str]:
    by_k = {r["k"]: r for r in data["sizes"]}
    r6, r7 = by_k.get(6, {}), by_k.get(7, {})
    fr = ratio(med(r6.get("negmas_pareto")), med(r6.get("accord_frontier")))
    st = ratio(med(r6.get("negmas_stats")), med(r6.get("accord_analyze")))
    t7, m7 = med(r7.get("accord_analyze")), med(r7.get("accord_analyze"), "peak_rss_mb")
    cmp_ = data.get("compare") or {}
    agree = cmp_.get("max_abs_diff")

    def num(x: float | None, f: str) -> str:
        return "—" if x is None else format(x, f)

    return [
        "| target | measured | verdict |",
        "|---|---|---|",
        f"| 1e6: ≥ 30× NegMAS `pareto_frontier` | {num(fr, '.1f')} × | "
        f"{verdict(None if fr is None else fr >= TARGETS['frontier_1e6'])} |",
        f"| 1e6: ≥ 300× NegMAS `calc_scenario_stats` | {num(st, '.1f')} × | "
        f"{verdict(None if st is None else st >= TARGETS['stats_1e6'])} |",
        f"| 1e7 `analyze` < 2 s, < 1 GB peak RSS | {num(t7, '.3g')} s, {num(m7, '.0f')} MB | "
        f"{verdict(None if t7 is None or m7 is None else t7 < 2.0 and m7 < 1024.0)} |",
        f"| additive 10^20–10^50 exact in < 5 s | {huge_summary(data['huge'])} | "
        f"{verdict(huge_ok)} |",
        f"| ANAC 2014 nonlinear: < 60 s, every reference point reached | "
        f"{corpus_summary(data['corpus'])} | {verdict(corpus_ok)} |",
        f"| agreement with NegMAS on ≥ 20 corpus domains ≤ 1e-12 | "
        f"{num(agree, '.1e')} on {cmp_.get('compared', 0)} domains | "
        f"{verdict(None if agree is None else agree <= 1e-12 and cmp_.get('compared', 0) >= 20)} |",
    ]


def render(data: dict[str, Any]) -> str:
    rows = data["sizes"]
    huge, huge_ok = huge_table(data["huge"])
    corpus, corpus_ok = corpus_table(data["corpus"])
    agree_lines, _ = solution_agreement(rows)
    lines = [
        "# accord benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run.py`). Ratios are the headline: the machine is",
        "shared and noisy. Times are medians [min–max] over fresh child processes, from reading",
        "the GENIUS XML files to the final result; imports and interpreter start-up are",
        "listed apart.",
        "",
        *machine(data.get("negmas_version"), data.get("rev_start")),
        f"- command: `{data['command']}` (total {data['total_s']:.0f} s)",
        "",
        "## Targets",
        "",
        *targets(data, huge_ok, corpus_ok),
        "",
        "## accord vs NegMAS, two-party linear-additive, 10 values per issue",
        "",
        "Scenarios: the anchor's draws (`default_rng(1)` / `(2)`), built with accord and written",
        "as GENIUS XML by `accord.io.save` (`generate.py`); both tools read back the anchor's",
        "exact utilities. accord: `accord.io.load_path` → frontier alone",
        "(`pareto_chunked(utility_chunks(s))`) / `accord.analysis.analyze` (frontier, Nash, KS,",
        "egalitarian, utilitarian, ZOPA, opposition).",
        "NegMAS 0.16.0: `Scenario.from_genius_folder` → `pareto_frontier(ufuns, issues=...)` /",
        "`calc_scenario_stats(ufuns)`. Long NegMAS runs (stats at 1e6, frontier at 1e7) run once.",
        "",
        *size_table(rows),
        "",
        *import_lines(data),
        *load_lines(rows),
        "",
        "Same answers? accord vs NegMAS `calc_scenario_stats` (utility points; NegMAS measures",
        "gains from d = max(reservation, worst outcome), so accord's bargaining functions are",
        "run on accord's frontier with that d; `kalai_points` ↔ egalitarian, `ks_points` ↔",
        "equal_gains — see `compare_negmas.py --mapping`):",
        "",
        *(agree_lines or ["- (no NegMAS stats measured)"]),
        *anchor_check(rows),
        "",
        "## accord only: huge additive spaces (exact Minkowski frontier)",
        "",
        *huge,
        "",
        "## accord only: ANAC 2014 nonlinear corpus domains (reference `pareto.xml`)",
        "",
        "A reference point is *reached* when an accord frontier point equals it within 1e-6 or",
        "dominates it; *worst gap* is the largest shortfall of the best accord point",
        "(≤ 1e-6 = reached; negative = accord strictly dominates every reference point).",
        "",
        *(corpus if data["corpus"] else ["(skipped: ../shared/scenarios absent or --skip-corpus)"]),
        "",
        "## Agreement with NegMAS on corpus domains (`compare_negmas.py`)",
        "",
        *((data.get("compare") or {}).get("markdown", ["(not run)"])),
        "",
    ]
    return "\n".join(lines)
