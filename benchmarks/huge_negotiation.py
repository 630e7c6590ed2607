"""One Boulware vs Conceder negotiation on a huge two-party opposed additive space, end to end.

Usage: ``.venv/bin/python benchmarks/huge_negotiation.py [--issues 4,5,7] [--timeout 120]``.

For every size (``k`` issues × 10 values, 10^k outcomes; the scenario of
``accord.testing.additive_scenario((10,) * k, opposed=True, seed=0)``), each measurement runs
in a fresh child process:

* **accord** (``.venv``): build the scenario and run ``accord.negotiate(sc, ["boulware",
  "conceder"], rounds=1000)`` — the *cold* time, which includes every one-off cost of the
  scenario (a party's ranking of its outcomes) — then the same negotiation again on the same
  scenario object, up to 10 times (the *warm* time, their median: what each further
  negotiation of a tournament costs);
  peak RSS is the child's ``ru_maxrss``.
* **NegMAS 0.16.0** (``.venv-negmas``, when present): the same utilities (weights and value
  tables written by the parent, so both sides negotiate over identical numbers) as a
  ``LinearAdditiveUtilityFunction`` of ``TableFun`` per party, ``SAOMechanism(n_steps=1000)``
  with ``BoulwareTBNegotiator`` vs ``ConcederTBNegotiator``; cold = building the utility
  functions, the mechanism and running it; warm = further mechanisms with fresh negotiators
  and the same utility functions (median of up to 10, fewer past 20 s). Children get
  ``--timeout`` seconds and an address-space cap of ``--memory-gb`` (the machines are
  shared).

Prints a markdown table and writes ``benchmarks/out/huge_negotiation.json``. Ratios are NegMAS
time / accord time for the same negotiation (cold with cold, warm with warm).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NEGMAS_PYTHON = ROOT / ".venv-negmas" / "bin" / "python"
OUT = HERE / "out" / "huge_negotiation.json"
ROUNDS = 1000
#: Warm negotiations per child (their median is reported), fewer once they took this long.
WARM_REPS = 10
WARM_BUDGET_S = 20.0


def _warm(negotiation: Callable[[], object]) -> list[float]:
    """Seconds of up to ``WARM_REPS`` further negotiations, fewer once they took
    ``WARM_BUDGET_S``."""
    times: list[float] = []
    while len(times) < WARM_REPS and sum(times) <= WARM_BUDGET_S:
        t = time.perf_counter()
        negotiation()
        times.append(time.perf_counter() - t)
    return times


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# -- children -------------------------------------------------------------------------------


def child_accord(issues: int) -> dict[str, Any]:
    """Cold and warm Boulware vs Conceder in accord (runs in the child)."""
    t0 = time.perf_counter()
    import accord
    from accord.testing import additive_scenario

    import_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    sc = additive_scenario((10,) * issues, opposed=True, seed=0)
    first = accord.negotiate(sc, ["boulware", "conceder"], rounds=ROUNDS)
    cold = time.perf_counter() - t1
    warm = _warm(lambda: accord.negotiate(sc, ["boulware", "conceder"], rounds=ROUNDS))
    return {
        "import_s": import_s,
        "cold_s": cold,
        "warm_s": statistics.median(warm),
        "warm_runs": len(warm),
        "rounds": first.rounds,
        "agreement": first.agreement,
        "utilities": [round(u, 4) for u in first.utilities],
        "peak_mb": _peak_mb(),
    }


def child_negmas(tables_path: str) -> dict[str, Any]:
    """Cold and warm BoulwareTBNegotiator vs ConcederTBNegotiator in NegMAS (in the child)."""
    import warnings

    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    from negmas import make_issue
    from negmas.outcomes import make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun
    from negmas.sao import SAOMechanism
    from negmas.sao.negotiators import BoulwareTBNegotiator, ConcederTBNegotiator

    import_s = time.perf_counter() - t0
    parties = json.loads(Path(tables_path).read_text())

    def run(ufuns: list[Any], os_: Any) -> Any:
        m = SAOMechanism(outcome_space=os_, n_steps=ROUNDS)
        m.add(BoulwareTBNegotiator(name="boulware"), ufun=ufuns[0])
        m.add(ConcederTBNegotiator(name="conceder"), ufun=ufuns[1])
        return m.run()

    t1 = time.perf_counter()
    k = len(parties[0]["tables"])
    os_ = make_os([make_issue(values=10, name=f"i{j}") for j in range(k)])
    ufuns = [
        LinearAdditiveUtilityFunction(
            values=[TableFun(dict(enumerate(t))) for t in p["tables"]],
            weights=p["weights"],
            outcome_space=os_,
            reserved_value=0.0,
        )
        for p in parties
    ]
    state = run(ufuns, os_)
    cold = time.perf_counter() - t1
    warm = _warm(lambda: run(ufuns, os_))
    agreement = state.agreement
    return {
        "import_s": import_s,
        "cold_s": cold,
        "warm_s": statistics.median(warm),
        "warm_runs": len(warm),
        "rounds": int(state.step),
        "utilities": None if agreement is None else [round(float(u(agreement)), 4) for u in ufuns],
        "peak_mb": _peak_mb(),
    }


# -- parent ---------------------------------------------------------------------------------


def _tables(issues: int) -> list[dict[str, Any]]:
    """Each party's weights and (unweighted) value tables of the accord scenario."""
    from accord.testing import additive_scenario

    sc = additive_scenario((10,) * issues, opposed=True, seed=0)
    out = []
    for party in sc.parties:
        function = party.utility
        tables = [
            vf.table(issue).tolist()
            for vf, issue in zip(function.values, sc.space.issues, strict=True)
        ]
        out.append({"weights": [float(w) for w in function.weights], "tables": tables})
    return out


def _limit(gigabytes: float) -> Any:
    def cap() -> None:
        limit = int(gigabytes * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return cap


def _spawn(python: Path, args: list[str], timeout: float, memory_gb: float) -> dict[str, Any]:
    cmd = [str(python), str(Path(__file__).resolve()), *args]
    t0 = time.perf_counter()
    try:
        done = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_limit(memory_gb),
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout:g} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        if "MemoryError" in done.stderr or done.returncode < 0:
            tail = f"ran out of the {memory_gb:g} GB cap ({tail})"
        return {"error": tail, "wall_s": time.perf_counter() - t0}
    lines = done.stdout.strip().splitlines()
    if not lines:
        return {"error": "no output"}
    return dict(json.loads(lines[-1]), wall_s=time.perf_counter() - t0)


def _fmt(result: dict[str, Any], key: str, digits: int = 3) -> str:
    if "error" in result:
        return "—"
    return f"{result[key]:.{digits}f}"


def _ratio(negmas: dict[str, Any], accord: dict[str, Any], key: str) -> str:
    if "error" in negmas or "error" in accord:
        return "—"
    return f"{negmas[key] / accord[key]:.1f}×"


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| outcomes | accord cold s | accord warm s | accord MB | NegMAS cold s | NegMAS warm s "
        "| NegMAS MB | ratio cold | **ratio warm** | rounds accord / NegMAS "
        "| agreement utilities accord | NegMAS |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"
    )
    lines = [head]
    for row in rows:
        a, n = row["accord"], row["negmas"]
        n_note = n.get("error", "")
        lines.append(
            f"| 10^{row['issues']} | {_fmt(a, 'cold_s')} | {_fmt(a, 'warm_s')} "
            f"| {_fmt(a, 'peak_mb', 0)} | {n_note or _fmt(n, 'cold_s')} "
            f"| {_fmt(n, 'warm_s')} | {_fmt(n, 'peak_mb', 0)} | {_ratio(n, a, 'cold_s')} "
            f"| **{_ratio(n, a, 'warm_s')}** | {a.get('rounds', '—')} / {n.get('rounds', '—')} "
            f"| {a.get('utilities', a.get('error'))} | {n.get('utilities', '—')} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--issues", default="4,5,7", help="comma-separated issue counts (10^k)")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--memory-gb", type=float, default=8.0)
    ap.add_argument("--no-negmas", action="store_true")
    ap.add_argument("--child", choices=("accord", "negmas"), help=argparse.SUPPRESS)
    ap.add_argument("--arg", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child == "accord":
        print(json.dumps(child_accord(int(a.arg))))
        return
    if a.child == "negmas":
        print(json.dumps(child_negmas(a.arg)))
        return
    negmas = NEGMAS_PYTHON.exists() and not a.no_negmas
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in (int(x) for x in a.issues.split(",")):
            accord_run = _spawn(
                Path(sys.executable), ["--child", "accord", "--arg", str(k)], a.timeout, a.memory_gb
            )
            negmas_run: dict[str, Any] = {"error": "no .venv-negmas"}
            if negmas:
                path = Path(tmp) / f"tables-{k}.json"
                path.write_text(json.dumps(_tables(k)))
                negmas_run = _spawn(
                    NEGMAS_PYTHON, ["--child", "negmas", "--arg", str(path)], a.timeout, a.memory_gb
                )
            rows.append(
                {"issues": k, "outcomes": 10**k, "accord": accord_run, "negmas": negmas_run}
            )
            print(f"10^{k}: accord {accord_run} | NegMAS {negmas_run}", file=sys.stderr)
    print(table(rows))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    meta = {"rounds": ROUNDS, "timeout_s": a.timeout, "memory_cap_gb": a.memory_gb}
    OUT.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    print(f"\nwrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
