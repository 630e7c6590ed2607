"""One NegMAS measurement in a fresh process (run by ``.venv-negmas/bin/python``).

Usage: ``child_negmas.py {pareto|stats} FOLDER``. Prints one JSON line.

Timing starts before the imports (reported as ``import_s``); ``e2e_s`` runs from reading the
GENIUS files (``negmas.inout.Scenario.from_genius_folder``) to the final result:

* ``pareto``: ``negmas.preferences.pareto_frontier(ufuns, issues=issues)`` — as the anchor.
* ``stats``: ``negmas.preferences.calc_scenario_stats(ufuns)`` — frontier, Nash, Kalai
  (egalitarian), Kalai-Smorodinsky, welfare, opposition, rational fraction.

Only NegMAS's public API and the standard library are used here.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

warnings.filterwarnings("ignore")

from negmas.inout import Scenario  # noqa: E402
from negmas.preferences import calc_scenario_stats, pareto_frontier  # noqa: E402

IMPORT_S = time.perf_counter() - T0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    what, folder = sys.argv[1], sys.argv[2]
    base = peak_mb()
    t1 = time.perf_counter()
    scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
    if scenario is None:
        raise SystemExit(f"NegMAS could not load {folder}")
    ufuns = list(scenario.ufuns)
    load_s = time.perf_counter() - t1
    out: dict[str, object] = {}
    if what == "pareto":
        utils, _ = pareto_frontier(ufuns, issues=scenario.outcome_space.issues)
        out["frontier_size"] = len(utils)
    elif what == "stats":
        st = calc_scenario_stats(ufuns)
        out["frontier_size"] = len(st.pareto_utils)
        out["nash"] = [list(map(float, p)) for p in st.nash_utils]
        out["egalitarian"] = [list(map(float, p)) for p in st.kalai_utils]
        out["kalai_smorodinsky"] = [list(map(float, p)) for p in st.ks_utils]
        out["utilitarian"] = [list(map(float, p)) for p in st.max_welfare_utils]
        out["opposition"] = float(st.opposition)
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    end = time.perf_counter()
    out.update(
        tool="negmas",
        what=what,
        outcomes=int(scenario.outcome_space.cardinality),
        import_s=IMPORT_S,
        load_s=load_s,
        compute_s=end - t1 - load_s,
        e2e_s=end - t1,
        base_rss_mb=base,
        peak_rss_mb=peak_mb(),
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
