"""accord's agents against agents of the ANL competitions (``anl-agents``), through the bridge.

A small accord tournament on a sample of the ANL 2023 GeniusWeb domains
(``../shared/scenarios/geniusweb-anl2023``): accord's built-in agents and a sample of the
``anl-agents`` package's negotiators, hosted as ``negmas:<module>.<Class>`` specs, every ordered
pair of different strategies (role rotation, no self-play), serial, 100 rounds. It prints
accord's leaderboard, the time per negotiation of the tournament's runs between accord agents
only and of those with at least one hosted ANL agent, and, on one domain, the same negotiations
timed in accord and in NegMAS's own ``SAOMechanism`` (ANL against ANL: hosted in accord vs
native; ANL against ``boulware``: native accord agent vs ``AccordNegotiator`` in NegMAS).
``--survey`` first tries every ANL 2024/2025/2026 agent of the package once against
``boulware`` (each seat, 30 rounds) and says which work through the bridge and why the others
do not; ANL 2024's agents are tried twice, with accord's default sealed views and under the
regime they were written for, "utilities public, reservations private" (the protocol option
``public_utilities``: each hosted negotiator gets ``private_info["opponent_ufun"]``, its
opponent's utility function with the reservation value hidden as 0, as ANL 2024 gave it).

A second tournament (``--regime-domains``; skipped with ``--no-regime``) runs under that
regime: accord's agents, the ANL 2026 sample and every ANL 2024 team's main agent that imports,
every ordered pair, with ``--workers`` processes. Runs that fail stay in its leaderboard as
failures (``failures`` column) and are listed with their reasons.

Runs in a virtual environment with ``anl-agents`` installed without its dependencies (they
include torch and tensorflow; see "Agents from the ANL competitions" in ``docs/negmas.md``):

    python3 -m venv .venv-anl
    .venv-anl/bin/pip install -e . "negmas==0.16.0"
    .venv-anl/bin/pip install --no-deps anl-agents anl anl2025
    .venv-anl/bin/python benchmarks/anl_agents.py [--survey] [--domains 0,10,20,30,40]

``anl_agents/__init__.py`` imports every agent of every year, torch- and tensorflow-based ones
included, so ``import anl_agents`` fails without them. The plug-in this script writes next to
the tournament file (:data:`PLUGIN`) registers the package and its year folders without running
their ``__init__``; a team's module then imports only what that team needs. Without the corpus
or ``anl-agents`` the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import importlib.metadata
import importlib.util
import inspect
import io
import json
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "scenarios" / "geniusweb-anl2023"
ACCORD_AGENTS = ("boulware", "conceder", "linear", "micro", "aspiration")
#: the ANL sample: ANL 2026 finalists that work through the bridge (ANL 2024's agents need
#: the opponent's ufun: they play in the second, public-utilities tournament; ANL 2025's are
#: multi-deal controllers: ``--survey``)
ANL_AGENTS = (
    "anl_agents.anl2026.team_21565.badiron.Badiron",
    "anl_agents.anl2026.team_21786.anchor.AnchorNegotiator",
    "anl_agents.anl2026.team_21621.aoa.AOA008",
    "anl_agents.anl2026.team_22271.perikos_v3.PerikosV3",
    "anl_agents.anl2026.team_22290.sbdanl.SBDANL",
)
YEARS = ("anl2024", "anl2025", "anl2026")
#: the protocol option of the regime ANL 2024 ran under
PUBLIC = {"public_utilities": True}
NEGMAS_CACHE: dict[int, tuple[Any, Any]] = {}

#: imported first in every process that reads the tournament (``plugins:``)
PLUGIN = '''\
"""Make anl_agents importable without torch/tensorflow: register the package and its year
folders without running their __init__ (which imports every agent)."""
import importlib.util
import sys
from pathlib import Path


def _register(name, folder):
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    sys.modules[name] = importlib.util.module_from_spec(spec)


if "anl_agents" not in sys.modules:
    _spec = importlib.util.find_spec("anl_agents")
    _root = Path(list(_spec.submodule_search_locations)[0])
    _register("anl_agents", _root)
    for _year in ("anl2024", "anl2025", "anl2026"):
        if (_root / _year).is_dir():
            _register(f"anl_agents.{_year}", _root / _year)
'''


def label(spec: str) -> str:
    """``negmas:anl_agents.anl2026.team_1.x.Cls`` → ``Cls (ANL 2026)``; accord ids unchanged."""
    if not spec.startswith("negmas:anl_agents."):
        return spec
    parts = spec.split(".")
    return f"{parts[-1]} (ANL {parts[1][3:]})"


def load_plugin(folder: Path) -> Path:
    path = folder / "anl_light.py"
    path.write_text(PLUGIN, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("anl_light", path)
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    return path


def quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` with its prints (some ANL agents print) sent nowhere."""
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def teams(year: str) -> list[str]:
    found = importlib.util.find_spec("anl_agents")
    assert found is not None and found.submodule_search_locations is not None
    root = Path(next(iter(found.submodule_search_locations))) / year
    return sorted(p.name for p in root.iterdir() if (p / "__init__.py").exists())


def main_agent(year: str, team: str) -> str:
    """The ``negmas:`` spec of a team's main agent (raises when the team does not import)."""
    module = quiet(importlib.import_module, f"anl_agents.{year}.{team}")
    cls = module.MAIN_AGENT
    if inspect.ismodule(cls):  # a team that names its module, not its class
        cls = next(getattr(cls, a) for a in module.__all__)
    return f"negmas:{cls.__module__}.{cls.__qualname__}"


def anl2024_agents() -> list[str]:
    """Every ANL 2024 team's main agent that imports here."""
    out = []
    for team in teams("anl2024"):
        try:
            out.append(main_agent("anl2024", team))
        except Exception:  # a missing heavy dependency: the survey says which
            continue
    return out


def negotiate(scenario: Any, seats: list[str], rounds: int, seed: int, public: bool) -> Any:
    """One negotiation; ``public``: under "utilities public, reservations private"."""
    import dataclasses

    import accord

    spec = accord.negotiation(scenario, seats, rounds=rounds, seed=seed)
    if public:
        spec = dataclasses.replace(spec, options={**spec.options, **PUBLIC})
    return quiet(accord.run, spec, scenario=scenario)


def play_both_seats(scenario: Any, spec: str, public: bool) -> tuple[float, list[str]]:
    """Seconds per negotiation and failure reasons of ``spec`` against ``boulware``."""
    t = time.perf_counter()
    failures = []
    for seats in ([spec, "boulware"], ["boulware", spec]):
        r = negotiate(scenario, seats, 30, 1, public)
        if r.failure is not None:
            failures.append(r.failure.reason)
    return (time.perf_counter() - t) / 2, failures


def survey(scenario: Any) -> list[dict[str, Any]]:
    """Every team of every year: import it, and play its main agent once in each seat (ANL
    2024's under both regimes: sealed views, then public utilities)."""
    from accord.errors import AccordError
    from accord.negmas import strategy_info

    rows = []
    for year in YEARS:
        for team in teams(year):
            row: dict[str, Any] = {"year": year[3:], "team": team}
            rows.append(row)
            try:
                spec = main_agent(year, team)
            except Exception as exc:  # a missing heavy dependency, mostly
                row.update(status="import fails", why=f"{type(exc).__name__}: {exc}")
                continue
            row["agent"] = spec
            try:
                strategy_info(spec)
            except AccordError as exc:
                row.update(status="not hostable", why=str(exc).split(": ", 1)[-1])
                continue
            module = sys.modules[spec[len("negmas:") :].rsplit(".", 1)[0]]
            row["opponent_ufun"] = "opponent_ufun" in inspect.getsource(module)
            if year == "anl2024":  # first as accord's default sealed views
                _, sealed = play_both_seats(scenario, spec, public=False)
                row["sealed"] = "fails: " + sealed[0] if sealed else "works"
                row["regime"] = "public utilities"
            row["seconds"], failures = play_both_seats(scenario, spec, year == "anl2024")
            if failures:
                row.update(status="fails in accord", why=failures[0])
            else:
                row.update(status="works", why="")
    return rows


def tournament(
    folder: Path,
    plugin: Path,
    domains: list[Path],
    rounds: int,
    agents: list[str] | None = None,
    options: dict[str, Any] | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """A tournament between ``agents`` (default: accord's and the ANL 2026 sample) with these
    protocol ``options``; serial, or in ``workers`` processes."""
    from accord.reports import tournament_report
    from accord.storage import Store
    from accord.tournaments import load_config, make_plan, run_tournament

    if agents is None:
        agents = list(ACCORD_AGENTS) + [f"negmas:{a}" for a in ANL_AGENTS]
    name = "anl-agents" + ("-public" if options else "")
    config_file = folder / f"{name}.yaml"
    config_file.write_text(
        json.dumps(  # JSON is YAML
            {
                "name": name,
                "agents": agents,
                "scenarios": [str(d) for d in domains],
                "rounds": rounds,
                "self_play": False,
                "seed": 0,
                "plugins": [str(plugin)],
                "options": options or {},
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    config = load_config(config_file)
    store = folder / f"{name}.db"
    t = time.perf_counter()
    if workers > 1:
        summary = quiet(run_tournament, config, store, executor="process", workers=workers)
    else:
        summary = quiet(run_tournament, config, store)
    wall = time.perf_counter() - t
    report = tournament_report(store, resamples=1000, seed=0)
    with Store(store) as s:
        runs = list(s.runs(s.tournament().id))
    groups: dict[str, list[dict[str, Any]]] = {"accord only": [], "with ANL": []}
    for run in runs:
        bridged = any(p.startswith("negmas:") for p in run["participants"])
        groups["with ANL" if bridged else "accord only"].append(run)
    timing = {
        name: {
            "runs": len(rs),
            "mean_ms": 1000 * statistics.fmean(r["seconds"] for r in rs),
            "median_ms": 1000 * statistics.median(r["seconds"] for r in rs),
            "rounds": statistics.fmean(r["rounds"] for r in rs),
            "ms_per_round": 1000 * sum(r["seconds"] for r in rs) / sum(r["rounds"] for r in rs),
        }
        for name, rs in groups.items()
        if rs
    }
    seconds: dict[str, list[float]] = {}
    for run in runs:
        for spec in set(run["participants"]):
            seconds.setdefault(spec, []).append(run["seconds"])
    failures: dict[str, int] = {}
    for run in runs:
        if run["failed"] is not None:
            key = f"{label(run['failed'])}: {run['error']}"
            failures[key] = failures.get(key, 0) + 1
    board = report.board("agent")
    return {
        "agents": agents,
        "domains": [d.name for d in domains],
        "rounds": rounds,
        "options": options or {},
        "workers": workers,
        "planned": len(make_plan(config)),
        "summary": summary.to_dict(),
        "wall_s": wall,
        "leaderboard": [row.to_dict() for row in board.leaderboard],
        "timing": timing,
        "ms_per_run": {spec: 1000 * statistics.fmean(v) for spec, v in seconds.items()},
        "failures": failures,
    }


def time_accord(scenario: Any, seats: list[str], rounds: int, seed: int) -> tuple[float, int, str]:
    import accord

    t = time.perf_counter()
    result = quiet(accord.negotiate, scenario, seats, rounds=rounds, seed=seed)
    elapsed = time.perf_counter() - t
    failure = "" if result.failure is None else result.failure.reason
    return elapsed, result.rounds, failure


def time_negmas(scenario: Any, seats: list[str], rounds: int, seed: int) -> tuple[float, int, str]:
    from negmas.helpers import get_class
    from negmas.sao import SAOMechanism

    from accord.negmas import negotiator, outcome_space, ufuns

    us, space = NEGMAS_CACHE.setdefault(id(scenario), (ufuns(scenario), outcome_space(scenario)))
    t = time.perf_counter()  # as accord's cached utilities: the ufuns are built once
    mechanism = SAOMechanism(outcome_space=space, n_steps=rounds)
    for seat, ufun in zip(seats, us, strict=True):
        agent = (
            get_class(seat[len("negmas:") :])()
            if seat.startswith("negmas:")
            else negotiator(seat, seed=seed)
        )
        mechanism.add(agent, ufun=ufun)
    state = quiet(mechanism.run)
    elapsed = time.perf_counter() - t
    return elapsed, state.step, state.error_details if state.has_error else ""


def compare(domain: Path, rounds: int) -> dict[str, Any]:
    """The same pairs in accord (hosted ANL agents) and in NegMAS's ``SAOMechanism``."""
    import accord

    scenario = accord.load(domain)
    anl = [f"negmas:{a}" for a in ANL_AGENTS]
    pairs = {
        "ANL vs ANL": [[a, b] for a in anl for b in anl if a != b],
        "ANL vs boulware": [s for a in anl for s in ([a, "boulware"], ["boulware", a])],
    }
    out: dict[str, Any] = {}
    for name, seatings in pairs.items():
        cell: dict[str, list[tuple[float, int, str]]] = {"accord": [], "negmas": []}
        for i, seats in enumerate(seatings):  # interleaved, one after the other
            cell["accord"].append(time_accord(scenario, seats, rounds, i))
            cell["negmas"].append(time_negmas(scenario, seats, rounds, i))
        out[name] = {}
        for tool, v in cell.items():
            ok = [(s, r) for s, r, failure in v if not failure]
            out[name][tool] = {
                "runs": len(ok),
                "failed": [failure for _, _, failure in v if failure],
                "mean_ms": 1000 * statistics.fmean(s for s, _ in ok),
                "median_ms": 1000 * statistics.median(s for s, _ in ok),
                "rounds": statistics.fmean(r for _, r in ok),
                "ms_per_round": 1000 * sum(s for s, _ in ok) / sum(r for _, r in ok),
            }
    return out


def fmt(estimate: dict[str, Any], digits: int = 3) -> str:
    if estimate["mean"] is None:
        return "–"
    mean, low, high = (f"{estimate[k]:.{digits}f}" for k in ("mean", "low", "high"))
    return f"{mean} [{low}, {high}]"


def markdown(res: dict[str, Any]) -> str:
    lines = [f"domains: {', '.join(res['domains'])}; {res['rounds']} rounds", ""]
    if res.get("survey"):
        lines += [
            "| year | team | agent | views | status | s / negotiation | mentions "
            "`opponent_ufun` | why | with sealed views |",
            "|---|---|---|---|---|---:|---|---|---|",
        ]
        for row in res["survey"]:
            secs = f"{row['seconds']:.2f}" if "seconds" in row else ""
            agent = row.get("agent", "").rsplit(".", 1)[-1]
            why = short(row["why"])[:110]
            sealed = short(row.get("sealed", ""))[:90]
            mentions = {True: "yes", False: "no"}.get(row.get("opponent_ufun"), "")
            lines.append(
                f"| {row['year']} | {row['team']} | {agent} | {row.get('regime', 'sealed')} | "
                f"{row['status']} | {secs} | {mentions} | {why} | {sealed} |"
            )
        lines.append("")
    lines += board_lines(res["tournament"])
    if res.get("regime"):
        lines += ["", "under public utilities (`options: {public_utilities: true}`):", ""]
        lines += board_lines(res["regime"])
    lines += [
        "",
        f"same pairs on {res['compare_domain']}:",
        "",
        "| pairs | in | runs | mean ms | median ms | rounds | ms / round |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, cell in res["compare"].items():
        for tool, v in cell.items():
            where = "accord, ANL hosted" if tool == "accord" else "NegMAS `SAOMechanism`"
            if tool == "negmas" and "boulware" in name:
                where += ", boulware as `AccordNegotiator`"
            runs = f"{v['runs']}" + (f" (+{len(v['failed'])} failed)" if v["failed"] else "")
            lines.append(
                f"| {name} | {where} | {runs} | {v['mean_ms']:.1f} | "
                f"{v['median_ms']:.1f} | {v['rounds']:.1f} | {v['ms_per_round']:.3f} |"
            )
    return "\n".join(lines)


def short(reason: str) -> str:
    """A failure reason without the agent's spec (the row names it), for a table cell."""
    return re.sub(r"agent '[^']*': ", "", reason).replace("|", "\\|")


def board_lines(t: dict[str, Any]) -> list[str]:
    """A tournament's leaderboard, timings and failures (with their reasons)."""
    s = t["summary"]
    lines = [
        f"tournament on {', '.join(t['domains'])}, {t['rounds']} rounds: {s['completed']}/"
        f"{t['planned']} runs, {s['failed']} failed, {t['wall_s']:.0f} s "
        f"({t['workers']} process{'es' if t['workers'] > 1 else ''})",
        "",
        "| agent | runs | utility [95 % CI] | advantage | agreement | Nash distance | failures "
        "| ms / run played |",
        "|---|---:|---|---|---:|---:|---:|---:|",
    ]
    for row in t["leaderboard"]:
        agreement = row["agreement"]["mean"]
        nash = row["nash_distance"]["mean"]
        lines.append(
            f"| {label(row['strategy'])} | {row['runs']} | {fmt(row['utility'])} | "
            f"{fmt(row['advantage'])} | {agreement:.2f} | "
            f"{'–' if nash is None else f'{nash:.3f}'} | {row['failures']} | "
            f"{t['ms_per_run'][row['strategy']]:.1f} |"
        )
    lines += ["", "| tournament runs | runs | mean ms | median ms | rounds | ms / round |"]
    lines.append("|---|---:|---:|---:|---:|---:|")
    for name, v in t["timing"].items():
        lines.append(
            f"| {name} | {v['runs']} | {v['mean_ms']:.1f} | {v['median_ms']:.1f} | "
            f"{v['rounds']:.1f} | {v['ms_per_round']:.3f} |"
        )
    if t["failures"]:
        lines += ["", "failures: " + "; ".join(f"{k} ×{n}" for k, n in t["failures"].items())]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--domains", default="0,10,20,30,40", help="domain numbers")
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--compare-domain", type=int, default=0)
    ap.add_argument("--survey", action="store_true", help="try every ANL agent first")
    ap.add_argument("--regime-domains", default="9", help="domains of the public-utilities run")
    ap.add_argument("--regime-rounds", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2, help="processes of the second tournament")
    ap.add_argument("--no-regime", action="store_true", help="skip the public-utilities run")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    # this file is anl_agents.py too: keep its folder from shadowing the package
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    if not args.corpus.is_dir():
        print(f"skipped: no ANL 2023 domains at {args.corpus}")
        return 0
    if importlib.util.find_spec("anl_agents") is None or importlib.util.find_spec("negmas") is None:
        print("skipped: anl-agents is not installed (see docs/negmas.md, 'Agents from the ANL")
        print("competitions'): python3 -m venv .venv-anl && .venv-anl/bin/pip install -e .")
        print('"negmas==0.16.0" && .venv-anl/bin/pip install --no-deps anl-agents anl anl2025')
        return 0
    import negmas

    import accord

    domains = [args.corpus / f"domain{int(d):02d}" for d in args.domains.split(",")]
    compare_domain = args.corpus / f"domain{args.compare_domain:02d}"
    res: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "accord": accord.__version__,
        "negmas": negmas.__version__,
        "anl_agents": importlib.metadata.version("anl-agents"),
        "domains": [d.name for d in domains],
        "compare_domain": compare_domain.name,
        "rounds": args.rounds,
    }
    with tempfile.TemporaryDirectory() as tmp:
        plugin = load_plugin(Path(tmp))
        if args.survey:
            t = time.perf_counter()
            res["survey"] = survey(accord.load(compare_domain))
            print(f"survey: {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
        res["tournament"] = tournament(Path(tmp), plugin, domains, args.rounds)
        print(f"tournament: {res['tournament']['wall_s']:.0f} s", file=sys.stderr, flush=True)
        if not args.no_regime:
            agents = [*ACCORD_AGENTS, *(f"negmas:{a}" for a in ANL_AGENTS), *anl2024_agents()]
            regime_domains = [
                args.corpus / f"domain{int(d):02d}" for d in args.regime_domains.split(",")
            ]
            res["regime"] = tournament(
                Path(tmp),
                plugin,
                regime_domains,
                args.regime_rounds,
                agents=agents,
                options=PUBLIC,
                workers=args.workers,
            )
            wall = res["regime"]["wall_s"]
            print(f"public-utilities tournament: {wall:.0f} s", file=sys.stderr, flush=True)
        t = time.perf_counter()
        res["compare"] = compare(compare_domain, args.rounds)
        print(f"comparison: {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    print(json.dumps(res, indent=1) if args.json else markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
