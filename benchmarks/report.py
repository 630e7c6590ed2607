"""Render the results of ``run.py`` as Markdown (``benchmarks/RESULTS.md``)."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import mechanisms_section
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
    "sao_ratio": 50.0,
    "sao_rounds_per_s": 100_000.0,
    "tour_ratio": 50.0,
    "tour_scaling": 1.7,
    "tour_100k_s": 60.0,
    "tour_1m_s": 600.0,
    "tour_1m_mb": 2048.0,
}
#: keys of ``results.json`` written by the analysis section (the rest: ``sao``, ``tournament``)
ANALYSIS_KEYS = (
    "command",
    "negmas_version",
    "reps",
    "rev_start",
    "rev_end",
    "date",
    "startup",
    "sizes",
    "huge",
    "corpus",
    "corpus_present",
    "corpus_run",
    "compare",
    "total_s",
)


def git_rev() -> str:
    """``git describe --always --dirty`` of the checkout (dirty = uncommitted work present)."""
    return subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()


def utc_now() -> str:
    return f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"


def machine(
    negmas_version: str | None,
    rev_start: str | None = None,
    rev_end: str | None = None,
    date: str | None = None,
) -> list[str]:
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
    rev = f"`{rev_end or git_rev() or '?'}`"
    if rev_start and f"`{rev_start}`" != rev:
        rev = f"{rev} (**changed during the run**: started at `{rev_start}`)"
    return [
        f"- date: {date or utc_now()}",
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


def mechanism_targets(data: dict[str, Any]) -> list[str]:
    """Target rows of the huge-spaces-in-the-mechanisms section (``mechanisms_section.py``)."""
    return [
        f"| {target} | {measured} | {verdict(ok)} |"
        for target, measured, ok in mechanisms_section.targets(data.get("mechanisms"))
    ]


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
        "| domain | outcomes | exact | proven gap | frontier pts | accord s | "
        "reference points reached | worst gap |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ok: bool | None = None
    for r in rows:
        if "error" in r:
            out.append(f"| {r['folder']} | — | — | — | — | {r['error'][:80]} | — | — |")
            ok = False
            continue
        good = (
            r["e2e_s"] < TARGETS["corpus_s"]
            and r["reached"] == r["reference_points"]
            and r.get("exact") is True
        )
        ok = good if ok is None else (ok and good)
        gap = r.get("worst_gap")
        proven = r.get("proven_gap")
        out.append(
            f"| {r['folder']} | {float(r['outcomes']):.0e} | {r.get('exact')} | "
            f"{'—' if proven is None else f'{proven:.3g}'} | {r.get('frontier_size', '—')} | "
            f"{r['e2e_s']:.3g} | {r['reached']}/{r['reference_points']} | "
            f"{'—' if gap is None else f'{gap:.1e}'} |"
        )
    return out, ok


def corpus_run(data: dict[str, Any]) -> list[str]:
    """The date line of a corpus section run apart (``run.py --only corpus``)."""
    run = data.get("corpus_run")
    if not run:
        return []
    return [
        f"- date: {run['date']}; accord at `{run['rev']}`; command: "
        "`.venv/bin/python benchmarks/run.py --only corpus` (one fresh process per domain)",
        "",
    ]


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
    exact = sum(r.get("exact") is True for r in ok)
    return (
        f"{exact}/{len(rows)} proven exact; {len(full)}/{len(rows)} reach every point; "
        f"slowest {slowest:.3g} s"
        + (f"; misses: {misses}" if misses else "")
        + (f"; {errors} errors" if errors else "")
    )


def targets(data: dict[str, Any], huge_ok: bool | None, corpus_ok: bool | None) -> list[str]:
    if "sizes" not in data:
        return [
            "| target | measured | verdict |",
            "|---|---|---|",
            *sao_targets(data),
            *mechanism_targets(data),
            *tournament_targets(data),
        ]
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
        f"| ANAC 2014 nonlinear: proven exact, < 60 s, every reference point reached | "
        f"{corpus_summary(data['corpus'])} | {verdict(corpus_ok)} |",
        f"| agreement with NegMAS on ≥ 20 corpus domains ≤ 1e-12 | "
        f"{num(agree, '.1e')} on {cmp_.get('compared', 0)} domains | "
        f"{verdict(None if agree is None else agree <= 1e-12 and cmp_.get('compared', 0) >= 20)} |",
        *sao_targets(data),
        *mechanism_targets(data),
        *tournament_targets(data),
    ]


SAO_NAMES = {
    "boulware_conceder": ("Boulware vs Conceder", "BoulwareTB vs ConcederTB"),
    "aspiration": ("Aspiration vs Aspiration", "Aspiration vs Aspiration"),
    "tough_tough": ("hardliner vs hardliner", "Tough vs Tough"),
}
#: NegMAS in ../shared/anchors/negmas/README.md (total per negotiation, s)
ANCHOR_SAO = {
    (4, "boulware_conceder"): 0.085,
    (5, "boulware_conceder"): 0.553,
    (4, "aspiration"): 0.163,
    (5, "aspiration"): 0.712,
    (4, "tough_tough"): 0.166,
    (5, "tough_tough"): 0.151,
}


def sao_med(cell: dict[str, Any] | None, key: str, variant: str = "warm") -> float | None:
    if not cell or "error" in cell or cell.get("skipped"):
        return None
    if variant == "cold":
        return float(cell["cold_total_s"]["median"])
    v = (cell.get(variant) or {}).get(key)
    return None if v is None else float(v["median"])


def fmt_ms(cell: dict[str, Any] | None, variant: str = "warm") -> str:
    if not cell or cell.get("skipped"):
        return "skipped"
    if "error" in cell:
        return f"error: {cell['error'][:60]}"
    m = cell["cold_total_s"] if variant == "cold" else (cell.get(variant) or {}).get("total_s")
    if not m:
        return "—"
    if m["n"] == 1:
        return f"{m['median'] * 1e3:.3g}"
    return f"{m['median'] * 1e3:.3g} [{m['min'] * 1e3:.3g}–{m['max'] * 1e3:.3g}]"


def fmt_rate(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def sao_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list((data.get("sao") or {}).get("rows") or [])


def sao_table(data: dict[str, Any]) -> list[str]:
    out = [
        "| outcomes | pair | accord ms (default `per_call` 5 s) | accord ms (`per_call=None`) "
        "| NegMAS ms | **ratio** | accord cold ms | NegMAS cold ms | cold ratio "
        "| rounds accord / NegMAS | rounds/s accord / NegMAS | offers/s accord / NegMAS "
        "| agreement utilities accord / NegMAS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sao_rows(data):
        ac, ng = r.get("accord"), r.get("negmas")
        name = SAO_NAMES.get(r["pair"], (r["pair"], r["pair"]))[0]

        def both(key: str, f: str, ac: Any = ac, ng: Any = ng) -> str:
            vals = [sao_med(ac, key), sao_med(ng, key)]
            return " / ".join("—" if v is None else format(v, f) for v in vals)

        def utils(cell: dict[str, Any] | None) -> str:
            u = ((cell or {}).get("warm") or {}).get("agreement_utils")
            return "none" if not u else f"({u[0]:.4f}, {u[1]:.4f})"

        out.append(
            f"| 1e{r['k']} | {name} | {fmt_ms(ac)} | {fmt_ms(ac, 'warm_no_per_call')} | "
            f"{fmt_ms(ng)} | "
            f"{fmt_ratio(ratio(sao_med(ng, 'total_s'), sao_med(ac, 'total_s')))} | "
            f"{fmt_ms(ac, 'cold')} | {fmt_ms(ng, 'cold')} | "
            f"{fmt_ratio(ratio(sao_med(ng, '', 'cold'), sao_med(ac, '', 'cold')))} | "
            f"{both('rounds', '.0f')} | {both('rounds_per_s', ',.0f')} | "
            f"{both('offers_per_s', ',.0f')} | {utils(ac)} / {utils(ng)} |"
        )
    return out


def sao_targets(data: dict[str, Any]) -> list[str]:
    rows = sao_rows(data)
    if not rows:
        return [
            "| one negotiation: ≥ 50× NegMAS (Boulware vs Conceder, 1e4 and 1e5) | — "
            "| not measured |",
            "| bare protocol ≥ 100,000 rounds/s | — | not measured |",
        ]
    parts, ok = [], None
    for r in rows:
        if r["pair"] != "boulware_conceder":
            continue
        a, n = sao_med(r.get("accord"), "total_s"), sao_med(r.get("negmas"), "total_s")
        x = ratio(n, a)
        good = None if x is None else x >= TARGETS["sao_ratio"]
        ok = good if ok is None or good is None else (ok and good)
        ms = "—" if a is None else f"{a * 1e3:.3g} ms"
        ns = "—" if n is None else f"{n * 1e3:.3g} ms"
        parts.append(f"1e{r['k']}: {'—' if x is None else f'{x:.1f}'}× ({ms} vs {ns})")
    rates, rate_ok = [], None
    for r in rows:
        if r["pair"] != "tough_tough":
            continue
        v = sao_med(r.get("accord"), "rounds_per_s")
        nv = sao_med(r.get("negmas"), "rounds_per_s")
        good = None if v is None else v >= TARGETS["sao_rounds_per_s"]
        rate_ok = good if rate_ok is None or good is None else (rate_ok and good)
        vt = sao_med(r.get("accord"), "rounds_per_s_with_trace")
        rates.append(
            f"1e{r['k']}: {fmt_rate(v)} ({fmt_rate(vt)} with the trace's objects built; "
            f"NegMAS {fmt_rate(nv)})"
        )
    return [
        "| one negotiation, 1000 rounds: ≥ 50× NegMAS per negotiation (Boulware vs Conceder, "
        f"1e4 and 1e5) | {'; '.join(parts)} | {verdict(ok)} |",
        "| bare protocol ≥ 100,000 rounds/s (hardliner vs hardliner, default `per_call`) | "
        f"{'; '.join(rates)} rounds/s | {verdict(rate_ok)} |",
    ]


def sao_section(data: dict[str, Any]) -> list[str]:
    sao = data.get("sao")
    if not sao:
        return ["(not run: `benchmarks/run.py --only sao`)"]
    anchor = ", ".join(
        f"1e{k} {SAO_NAMES[p][1]} {v * 1e3:.0f} ms" for (k, p), v in ANCHOR_SAO.items()
    )
    return [
        f"- date: {sao.get('date')}; accord at `{sao.get('rev')}`; negmas "
        f"{sao.get('negmas_version') or 'not run'}",
        f"- command: `{sao['command']}` (section {sao['total_s']:.0f} s); {sao['procs']} fresh "
        f"processes per cell, each 1 cold + {sao['reps']} warm negotiations (accord: "
        f"{sao['reps']} more with `per_call=None`)",
        "",
        "Same files as above (`generate.py`, 1e4 and 1e5 outcomes), same deadline "
        f"({sao['rounds']} rounds), one negotiation at a time in one process. Per negotiation "
        "= setup + run. accord: `make_agent` ×2 + `run_alternating_offers(scenario, agents, "
        f"deadline=Deadline(rounds={sao['rounds']}))` on a scenario read once by `load_path`. "
        "NegMAS 0.16.0: the anchor's `bench_sao.py` — `SAOMechanism(outcome_space=os, "
        f"n_steps={sao['rounds']})` + 2× `add()` + `run()` on `Scenario.from_genius_folder`.",
        "",
        *sao_table(data),
        "",
        "Times in ms: median over the processes of each process's median [min–max of those];",
        "**ratio** = NegMAS / accord, warm, with accord's default settings. *Cold* is the first",
        "negotiation in a fresh process: for accord it includes every outcome's utility and the",
        "per-party presorting, computed once per scenario and cached on it (NegMAS's time-based",
        "negotiators sort at their first step in every negotiation, so its warm times include",
        "that sort and accord's warm times do not; the cold columns compare the first",
        "negotiation on a fresh scenario), plus accord's one-off registry load.",
        "",
        "What is counted: a *round* (accord) is one action of each party — the first mover",
        "proposes, the other accepts or rejects and counter-offers — and a NegMAS SAO *step*",
        "with two negotiators is the same (each negotiator acts once). rounds/s = rounds /",
        "run time (setup excluded), offers/s = offers / run time. The rounds differ where the",
        "agents differ (accord's Boulware e = 0.2 and Conceder e = 5 vs NegMAS's own curves); the",
        "agreement utilities are listed. accord checks every `propose`/`respond` call against",
        "`Deadline.per_call` (5 s by default: two clock reads per call); the `per_call=None`",
        "column switches that off. accord records the trace during the run as tuples and builds",
        "`TraceEvent` objects on first access (median "
        + _trace_ms(data)
        + "); NegMAS's `full_trace` is likewise read after `run()` in the anchor.",
        "",
        f"For reference, the anchor README (NegMAS built in code, another day): {anchor}.",
    ]


def _trace_ms(data: dict[str, Any]) -> str:
    parts = []
    for r in sao_rows(data):
        v = sao_med(r.get("accord"), "trace_s")
        if v is not None and r["pair"] in ("boulware_conceder", "tough_tough"):
            parts.append(f"1e{r['k']} {SAO_NAMES[r['pair']][0]} {v * 1e3:.2f} ms")
    return ", ".join(parts) or "not measured"


TOUR_FULL = (100_032, 1_000_032)  # 16 ordered pairs x 3 scenarios x 2084 / 20834 repetitions
TOUR_ROWS = (  # (part of results.json, cell, label)
    ("small", "negmas_serial_mem", "NegMAS serial, in memory (`njobs=-1, path=None`)"),
    ("small", "negmas_serial_disk_default", "NegMAS serial, library defaults on disk"),
    ("small", "negmas_process_mem", "NegMAS 2 processes, in memory (`njobs=2`)"),
    ("small", "accord_serial", "accord serial"),
    ("small", "accord_process", "accord 2 worker processes"),
    ("large", "serial", "accord serial"),
    ("large", "process", "accord 2 worker processes"),
    ("huge", "process", "accord 2 worker processes"),
)


def tour_cell(data: dict[str, Any], part: str, name: str) -> dict[str, Any] | None:
    return ((data.get("tournament") or {}).get(part) or {}).get(name)


def tour_peak_mb(cell: dict[str, Any] | None) -> float | None:
    """Peak memory: max(sampled tree RSS, driver + workers × largest worker ru_maxrss)."""
    if not cell or "runs" not in cell or "error" in cell:
        return None
    worst = 0.0
    for r in cell["runs"]:
        workers = int(r.get("workers", 1))
        bound = r["peak_rss_mb"] + (workers * r["peak_rss_children_mb"] if workers > 1 else 0.0)
        worst = max(worst, r["tree_peak_mb"], bound)
    return worst


def tour_row(label: str, cell: dict[str, Any] | None) -> str:
    if not cell or "first" not in cell:
        return f"| {label} | {(cell or {}).get('error', 'not run')[:80]} | | | | | | | |"
    f, crashed = cell["first"], len(cell.get("failures") or ())
    label += f" ({crashed} processes failed, started again)" if crashed else ""
    if "n_files" in f:
        label += f" ({f['n_files']} files, {f['bytes'] / 2**20:.1f} MB)"
    stored = f"{f['stored']:,}"
    if f["tool"] == "accord":
        ok = "ok" if all(r["store_ok"] for r in cell["runs"]) else "**MISMATCH**"
        stored += f" ({ok}, {f['failed']} failed, {f['store_bytes'] / 2**20:.1f} MB)"
    cpu = " / ".join(f"{f[k]:.1f}" if k in f else "—" for k in ("cpu_s", "cpu_children_s"))
    return (
        f"| {label} | {stored} | {fmt_time(cell, 'wall_s')} | "
        f"{fmt_rate(med(cell, 'negotiations_per_s'))} | {fmt_time(cell, 'process_s')} | "
        f"{fmt_mb(cell)} / {med(cell, 'peak_rss_children_mb') or 0:.0f} / "
        f"{med(cell, 'tree_peak_mb') or 0:.0f} | {cpu} | {f['agreement_rate']:.4f} | "
        f"{f['mean_rounds']:.1f} |"
    )


def tour_pairs(data: dict[str, Any]) -> list[str]:
    """Agreement rate and mean rounds per ordered pair, accord vs NegMAS (first process)."""
    a = (tour_cell(data, "small", "accord_serial") or {}).get("first", {}).get("pairs", {})
    n = (tour_cell(data, "small", "negmas_serial_mem") or {}).get("first", {}).get("pairs", {})
    out = ["| seats | agreement accord / NegMAS | mean rounds accord / NegMAS |", "|---|---|---|"]
    for key in sorted(set(a) | set(n)):
        cols = [
            " / ".join("—" if k not in d.get(key, {}) else format(d[key][k], f) for d in (a, n))
            for k, f in (("agreement_rate", ".2f"), ("mean_rounds", ".1f"))
        ]
        out.append(f"| {key.replace('|', ' vs ')} | {cols[0]} | {cols[1]} |")
    return out if len(out) > 2 else []


def tour_growth(cell: dict[str, Any] | None) -> str:
    rows = ((cell or {}).get("first") or {}).get("milestones") or []
    return "; ".join(
        f"{r['fraction']:.0%} {r['total_mb']:.0f} MB (driver {r['driver_mb']:.0f}, workers "
        f"{' + '.join(f'{w:.0f}' for w in r['workers_mb']) or '—'})"
        for r in rows
        if round(r["fraction"] * 10) in (1, 5, 10)
    )


def tournament_targets(data: dict[str, Any]) -> list[str]:
    t = data.get("tournament")
    if not t:
        return ["| tournaments (192 vs NegMAS; 100,032; 1,000,032 runs) | — | not measured |"]
    n_ser = med(tour_cell(data, "small", "negmas_serial_mem"), "wall_s")
    a_ser = med(tour_cell(data, "small", "accord_serial"), "wall_s")
    a_pro = med(tour_cell(data, "small", "accord_process"), "wall_s")
    l_ser = med(tour_cell(data, "large", "serial"), "wall_s")
    l_cell, h_cell = tour_cell(data, "large", "process"), tour_cell(data, "huge", "process")
    l_pro, h_pro, h_mb = med(l_cell, "wall_s"), med(h_cell, "wall_s"), tour_peak_mb(h_cell)
    ln, hn = t["large"]["planned"], t["huge"]["planned"]
    ra, rb, rs = ratio(n_ser, a_ser), ratio(l_ser, l_pro), ratio(a_ser, a_pro)

    def judged(n: int, full: int, ok: bool | None) -> str:
        return verdict(ok) if n == full else f"not judged (scaled down: {n:,} runs)"

    def stored(cell: dict[str, Any] | None) -> bool:
        return bool(cell and "runs" in cell and all(r["store_ok"] for r in cell["runs"]))

    num = lambda x, f, u="": "—" if x is None else format(x, f) + u  # noqa: E731
    c_ok = None if l_pro is None else l_pro < TARGETS["tour_100k_s"] and stored(l_cell)
    d_ok = None if h_pro is None or h_mb is None else h_pro < TARGETS["tour_1m_s"]
    d_ok = d_ok and h_mb is not None and h_mb < TARGETS["tour_1m_mb"] and stored(h_cell)
    return [
        "| tournament, 192 negotiations: accord serial ≥ 50× NegMAS serial (in memory) | "
        f"{num(ra, '.1f', '×')} ({num(a_ser, '.3g')} s vs {num(n_ser, '.3g')} s) | "
        f"{verdict(None if ra is None else ra >= TARGETS['tour_ratio'])} |",
        f"| tournament, {ln:,} negotiations: 2 worker processes ≥ 1.7× serial | "
        f"{num(rb, '.2f', '×')} ({num(l_ser, '.3g')} s vs {num(l_pro, '.3g')} s); on the 192: "
        f"{num(rs, '.2f', '×')} | "
        f"{judged(ln, TOUR_FULL[0], None if rb is None else rb >= TARGETS['tour_scaling'])} |",
        f"| tournament, {ln:,} negotiations stored in < 60 s (2 processes) | "
        f"{num(l_pro, '.3g')} s, store {'complete' if stored(l_cell) else 'NOT complete'} | "
        f"{judged(ln, TOUR_FULL[0], c_ok)} |",
        f"| tournament, {hn:,} negotiations in < 10 min, peak memory < 2 GB (2 processes) | "
        f"{num(h_pro, '.4g')} s, {num(h_mb, '.0f')} MB | {judged(hn, TOUR_FULL[1], d_ok)} |",
    ]


def tournament_section(data: dict[str, Any]) -> list[str]:
    t = data.get("tournament")
    if not t:
        return ["(not run: `benchmarks/run.py --only tournament`)"]
    chk = dict.fromkeys(("accord_vs_anchor", "negmas_vs_anchor", "accord_vs_negmas"), "—")
    chk |= {k: f"{v:.1e}" for k, v in t["utility_check"].items() if isinstance(v, float)}
    rate = [
        (tour_cell(data, "small", c) or {}).get("first", {}).get("agreement_rate", "—")
        for c in ("accord_serial", "negmas_serial_mem")
    ]
    return [
        f"- date: {t['date']}; accord at `{t['rev']}`; negmas {t.get('negmas_version') or '—'}",
        f"- command: `{t['command']}` (section {t['total_s']:.0f} s); {t['procs']} fresh "
        f"processes per 192-negotiation cell, {t['large_procs']} per accord-only cell"
        + (" — **scaled down** (`--quick` / `--tournament-reps`)" if t.get("quick") else ""),
        "",
        "Scenarios: the anchor's (`bench_tournament.py`), three bilateral linear-additive",
        "scenarios of 3 issues × 10 values, utilities `generate.utility(3, seed)` with seeds",
        "(1, 2), (3, 4), (5, 6), reservation 0, written once per run as GENIUS XML that both",
        f"tools read. Same utilities? max |Δ| over {t['utility_check'].get('values')} of them:"
        f" accord vs the anchor's formula {chk['accord_vs_anchor']}, NegMAS vs it "
        f"{chk['negmas_vs_anchor']}, accord vs NegMAS {chk['accord_vs_negmas']}.",
        "",
        "NegMAS: `cartesian_tournament` (BoulwareTB, ConcederTB, Aspiration, NaiveTitForTat;",
        "`n_repetitions=2, rotate_ufuns=True, self_play=True, n_steps=100`, other arguments the",
        "library's defaults, e.g. `save_stats=True`, `normalize_ufuns=True` (each utility",
        "rescaled to [0, 1], as in the anchor); on disk the defaults also write results,",
        "statistics and scenario figures). accord: `run_tournament` (`boulware, conceder,",
        "aspiration, tit-for-tat`; `rounds: 100, repetitions: 2, rotate_roles, self_play,",
        "alternate_first`: 16 ordered pairs × 2 first movers × 3 scenarios × 2 = 192), every run",
        "scored (welfare, distances to the Pareto frontier and the Nash point) into a fresh SQLite",
        "store, which must hold exactly the planned runs afterwards. The 100,032 and 1,000,032",
        "rows: same agents and scenarios, `alternate_first: false`, 2084 / 20834 repetitions.",
        "",
        "| configuration | runs (store) | wall s (the call) | negotiations/s | process s "
        "| peak RSS MB: process / largest child / sampled tree | CPU s driver / workers "
        "| agreement rate | mean rounds |",
        "|---|---|---|---|---|---|---|---|---|",
        *(tour_row(label, tour_cell(data, part, name)) for part, name, label in TOUR_ROWS),
        "",
        "*Wall*: the tournament call alone (accord: plan, start and stop the workers, run, store;",
        "NegMAS: scenarios loaded before). *Process*: start to exit of the fresh process. Peak",
        "RSS: `ru_maxrss` of the process and of its largest finished child, and the summed RSS",
        "of the process tree sampled every 0.5 s from outside. CPU (user + system) includes the",
        "imports. Memory as the runs accumulate (driver + workers when 10 / 50 / 100 % were",
        f"stored): {t['huge']['planned']:,} runs: "
        f"{tour_growth(tour_cell(data, 'huge', 'process')) or '—'}.",
        "",
        f"Agreement rate accord {rate[0]}, NegMAS {rate[1]}. Each library's own agents",
        "(accord's Boulware e = 0.2, Conceder e = 5), so rounds differ; the systematic",
        "difference is tit-for-tat against itself: accord's starts at its best outcome and",
        "concedes only in reply to a concession, so two never move (as documented in",
        "`accord.agents.tit_for_tat`); NegMAS's NaiveTitForTat agrees. Per ordered pair:",
        "",
        *tour_pairs(data),
    ]


def analysis_sections(data: dict[str, Any]) -> list[str]:
    rows = data["sizes"]
    huge, _ = huge_table(data["huge"])
    corpus, _ = corpus_table(data["corpus"])
    agree_lines, _ = solution_agreement(rows)
    return [
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
        *corpus_run(data),
        "A reference point is *reached* when an accord frontier point equals it within 1e-6 or",
        "dominates it; *worst gap* is the largest shortfall of the best accord point",
        "(≤ 1e-6 = reached; negative = accord strictly dominates every reference point).",
        "*exact* is `accord analyze`'s own verdict with its default 60 s limit: True only when",
        "the integer programmes proved the frontier; *proven gap* bounds how much any missing",
        "outcome could exceed it otherwise (0 when exact). Times are end to end in a fresh",
        "process (reading the XML files to the result).",
        "",
        *(corpus if data["corpus"] else ["(skipped: ../shared/scenarios absent or --skip-corpus)"]),
        "",
        "## Agreement with NegMAS on corpus domains (`compare_negmas.py`)",
        "",
        *((data.get("compare") or {}).get("markdown", ["(not run)"])),
        "",
    ]


def render(data: dict[str, Any]) -> str:
    has_analysis = "sizes" in data
    huge_ok = huge_table(data["huge"])[1] if has_analysis else None
    corpus_ok = corpus_table(data["corpus"])[1] if has_analysis else None
    header = (
        [
            *machine(
                data.get("negmas_version"),
                data.get("rev_start"),
                data.get("rev_end"),
                data.get("date"),
            ),
            f"- command: `{data['command']}` (total {data['total_s']:.0f} s)",
        ]
        if has_analysis
        else ["- analysis section not run yet (`benchmarks/run.py --only analysis`)"]
    )
    lines = [
        "# accord benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run.py`). Ratios are the headline: the machine is",
        "shared and noisy. Times are medians [min–max] over fresh child processes, from reading",
        "the GENIUS XML files to the final result; imports and interpreter start-up are",
        "listed apart. The negotiation and tournament sections below have their own date and",
        "command (the sections can be run apart: `run.py --only` analysis, corpus, mechanisms,",
        "sao, tournament or consensus).",
        "",
        *header,
        "",
        "## Targets",
        "",
        *targets(data, huge_ok, corpus_ok),
        "",
        "## One negotiation, 1000 rounds: accord vs NegMAS",
        "",
        *sao_section(data),
        "",
        "## Tournaments: accord vs NegMAS (192 negotiations), then accord at scale",
        "",
        *tournament_section(data),
        "",
        *(analysis_sections(data) if has_analysis else []),
    ]
    return "\n".join(lines)
