"""A/B of one negotiation between two revisions of accord, in instructions (callgrind).

Wall-clock times on a shared 2-core machine move by 2x between identical processes; the
number of instructions a negotiation executes does not (valgrind's callgrind counts them, the
same for the same binary and inputs). For each revision and pair this runs, under callgrind, a
process that reads the generated 10^k-outcome scenario, plays one cold negotiation and then
``n`` warm ones (``make_agent`` ×2 + ``run_alternating_offers``, 1000 rounds, the default
deadline), once with ``n = 0`` and once with ``n = --reps``; instructions per warm negotiation =
the difference / reps. The base revision is checked out in a temporary worktree; ``--head`` is
the working tree.

    .venv/bin/python benchmarks/ab_revisions.py --base 760767e [--size 4] [--reps 10]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PAIRS = {
    "hardliner vs hardliner": ("hardliner", "hardliner"),
    "Boulware vs Conceder": ("boulware", "conceder"),
    "Aspiration vs Aspiration": ("aspiration", "aspiration"),
}
CHILD = """
import sys
from accord.io import load_path
from accord.mechanisms import Deadline, run_alternating_offers
try:
    from accord.registry import make_agent
except ImportError:  # revisions before the run contract
    from accord.agents import make_agent
folder, a, b, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sc = load_path(folder)
for _ in range(n + 1):  # one cold negotiation, then n warm ones
    run_alternating_offers(sc, [make_agent(a), make_agent(b)], deadline=Deadline(rounds=1000))
"""


def instructions(src: Path, folder: Path, pair: tuple[str, str], n: int, child: Path) -> int:
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        str(child),
        str(folder),
        *pair,
        str(n),
    ]
    # no .pyc written (the first run would pay for compiling), one hash seed (set order)
    env = {
        "PYTHONPATH": str(src),
        "PATH": "/usr/bin:/bin",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected : (\d+)", p.stderr)
    if found is None:
        raise RuntimeError(p.stderr[-2000:])
    return int(found.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--base", required=True, help="the revision to compare with")
    ap.add_argument("--size", type=int, default=4, help="10^k outcomes (benchmarks/generate.py)")
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: nothing measured", file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    import generate

    folder = generate.write_genius(a.size, HERE / "out" / "scenarios")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(base), a.base],
            check=True,
            capture_output=True,
        )
        child = Path(tmp) / "child.py"
        child.write_text(CHILD)
        try:
            rows = []
            for label, pair in PAIRS.items():
                per = {}
                for name, src in (("base", base / "src"), ("head", REPO / "src")):
                    zero = instructions(src, folder, pair, 0, child)
                    many = instructions(src, folder, pair, a.reps, child)
                    per[name] = (many - zero) / a.reps
                rows.append((label, per["base"], per["head"]))
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=False
            )
    print(f"| pair (10^{a.size} outcomes, 1000 rounds) | {a.base} | working tree | change |")
    print("|---|---|---|---|")
    for label, old, new in rows:
        print(
            f"| {label} | {old / 1e6:.2f} M | {new / 1e6:.2f} M | {100 * (new / old - 1):+.1f}% |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
