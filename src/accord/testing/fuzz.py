"""Mutation fuzzing of scenario files: bad input must be refused, never crash or run away.

Each mutant is a scenario file (or a scenario folder with one of its files) changed once: a
number replaced by a huge, tiny, negative, NaN, infinite or 5,000-digit value, the file cut
short, a byte flipped, a line deleted or duplicated. It is loaded and analysed
(:func:`accord.load`, :func:`accord.analyze`) in a child process of its own with a time and a
memory limit (:func:`accord.tournaments.sandbox.call_isolated`), and counted as:

* ``loaded`` — it still is a valid scenario; ``refused`` — an :class:`~accord.errors.AccordError`
  (bad input, told as ``file:line: reason``): both are fine;
* ``crash`` — any other exception (with its type and where it was raised), ``slow`` — over the
  time limit, ``memory`` — over the memory limit, ``died`` — the process died: each is a defect.

Mutant ``i`` of a run with seed ``s`` is drawn from ``numpy.random.default_rng([s, i])``, so a
reported mutant can be made again. ``python -m accord.testing.fuzz --n 100000 --corpus
../shared/scenarios`` (``make fuzz``) prints the counts as JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

#: The outcomes that are defects.
DEFECTS = ("crash", "slow", "memory", "died")
#: What a number in a file may be replaced by.
NUMBERS = (
    b"1e400",
    b"-1e400",
    b"nan",
    b"NaN",
    b"inf",
    b"-inf",
    b"1e308",
    b"-1",
    b"0",
    b"1e-320",
    b"999999999999",
    b"1" + b"0" * 5000,
)
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_FILES = (".xml", ".json", ".yaml", ".yml")


def inputs(roots: Sequence[str | Path]) -> list[Path]:
    """The scenarios under ``roots``: accord YAML files, and folders holding scenario files."""
    found: list[Path] = []
    for root in map(Path, roots):
        if root.is_file():
            found.append(root)
            continue
        for folder in sorted({p.parent for p in root.rglob("*") if p.suffix in _FILES}):
            yaml_files = sorted(folder.glob("*.yaml"))
            if yaml_files and all(_accord_yaml(f) for f in yaml_files):
                found.extend(yaml_files)
            else:
                found.append(folder)
    return found


def _accord_yaml(path: Path) -> bool:
    try:
        return path.read_bytes()[:4096].lstrip().startswith(b"accord:")
    except OSError:
        return False


def mutate(data: bytes, rng: np.random.Generator) -> tuple[str, bytes]:
    """One mutation of ``data``: its name and the mutated bytes."""
    op = str(rng.choice(["number", "number", "number", "truncate", "flip", "delete", "repeat"]))
    if op == "number":
        spans = [m.span() for m in _NUMBER.finditer(data)]
        if spans:
            a, b = spans[int(rng.integers(len(spans)))]
            new = NUMBERS[int(rng.integers(len(NUMBERS)))]
            return f"number->{new[:12].decode()}", data[:a] + new + data[b:]
        op = "flip"
    if op == "truncate" and data:
        cut = int(rng.integers(len(data)))
        return f"truncate@{cut}", data[:cut]
    lines = data.split(b"\n")
    if op in ("delete", "repeat") and len(lines) > 1:
        k = int(rng.integers(len(lines)))
        if op == "delete":
            return f"delete-line {k + 1}", b"\n".join(lines[:k] + lines[k + 1 :])
        return f"repeat-line {k + 1}", b"\n".join(lines[: k + 1] + lines[k:])
    if not data:
        return "empty", data
    at = int(rng.integers(len(data)))
    flipped = bytes([data[at] ^ (1 << int(rng.integers(8)))])
    return f"flip@{at}", data[:at] + flipped + data[at + 1 :]


def make_mutant(source: Path, index: int, seed: int, into: Path) -> tuple[Path, str]:
    """Mutant ``index`` of ``source`` written under ``into``: its path and what was changed."""
    rng = np.random.default_rng([seed, index])
    target = into / f"m{index}"
    if source.is_file():
        target.mkdir(parents=True)
        path = target / source.name
        what, data = mutate(source.read_bytes(), rng)
        path.write_bytes(data)
        return path, f"{source.name}: {what}"
    shutil.copytree(source, target)
    files = sorted(p for p in target.iterdir() if p.suffix in _FILES)
    victim = files[int(rng.integers(len(files)))]
    what, data = mutate(victim.read_bytes(), rng)
    victim.write_bytes(data)
    return target, f"{victim.name}: {what}"


def probe(path: Path) -> str:
    """Load and analyse a scenario: ``loaded``, ``refused`` or ``crash: TYPE at FILE:LINE``."""
    import warnings

    from accord import AccordError, analyze, load
    from accord.tournaments.sandbox import RunTimeLimit

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            analyze(load(path))
    except AccordError:
        return "refused"
    except (MemoryError, RunTimeLimit):
        raise  # the sandbox counts these as over the limits
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return f"crash: {type(exc).__name__} at {where}"
    return "loaded"


@dataclass
class Tally:
    """Counts by outcome; crash signatures with one example each."""

    counts: Counter[str] = field(default_factory=Counter)
    signatures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        self.counts.update(other.counts)
        for sig, example in other.signatures.items():
            self.signatures.setdefault(sig, example)
        self.seconds += other.seconds

    def to_dict(self) -> dict[str, Any]:
        total = sum(self.counts.values())
        return {
            "mutants": total,
            "counts": dict(sorted(self.counts.items())),
            "defects": sum(self.counts[d] for d in DEFECTS),
            "signatures": dict(sorted(self.signatures.items())),
        }


def fuzz_batch(
    sources: Sequence[str], indices: Sequence[int], seed: int, seconds: float, memory_mb: int
) -> Tally:
    """Make and probe mutants ``indices`` (mutant ``i`` mutates ``sources[i % len]``)."""
    from accord.tournaments.sandbox import call_isolated

    tally = Tally()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accord-fuzz-") as tmp:
        for i in indices:
            source = Path(sources[i % len(sources)])
            path, what = make_mutant(source, i, seed, Path(tmp))
            answer = call_isolated(partial(probe, path), seconds=seconds, memory_mb=memory_mb)
            if answer.kind == "ok":
                outcome = str(answer.value)
            else:
                outcome = {"timeout": "slow", "killed": "slow"}.get(answer.kind, answer.kind)
                if outcome == "raised":
                    outcome = f"crash: {answer.value!r}"
            kind = outcome.split(":")[0]
            tally.counts[kind] += 1
            if kind in DEFECTS:
                signature = outcome if kind == "crash" else kind
                tally.signatures.setdefault(signature, f"mutant {i} of {source} ({what})")
    tally.seconds = time.perf_counter() - t0
    return tally


def fuzz(
    sources: Sequence[str | Path],
    n: int,
    *,
    seed: int = 0,
    seconds: float = 10.0,
    memory_mb: int = 1024,
    workers: int = 1,
    batch: int = 50,
) -> Tally:
    """``n`` mutants of ``sources`` (files or scenario folders), probed ``workers`` at a time."""
    names = [str(s) for s in sources]
    if not names:
        from accord.errors import AccordError

        raise AccordError("nothing to fuzz: no scenario found")
    chunks = [range(a, min(a + batch, n)) for a in range(0, n, batch)]
    total = Tally()
    if workers <= 1:
        for chunk in chunks:
            total.add(fuzz_batch(names, chunk, seed, seconds, memory_mb))
        return total
    import importlib

    from accord.tournaments.executors import ProcessExecutor

    # by its importable name, also when this module runs as ``python -m accord.testing.fuzz``
    batch_fn = importlib.import_module("accord.testing.fuzz").fuzz_batch
    pool = ProcessExecutor(workers)
    try:
        futures = [pool.submit(batch_fn, names, list(c), seed, seconds, memory_mb) for c in chunks]
        for future in futures:
            total.add(future.result())
    finally:
        pool.shutdown()
    return total


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Mutation fuzzing of scenario files.")
    ap.add_argument("--n", type=int, default=1000, help="mutants (default 1000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus", action="append", default=[], help="more files or folders")
    ap.add_argument("--seconds", type=float, default=10.0, help="time limit per mutant")
    ap.add_argument("--memory-mb", type=int, default=1024, help="memory limit per mutant")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    packaged = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
    roots = [*packaged, *(Path(c) for c in a.corpus if Path(c).exists())]
    sources = inputs(roots)
    t0 = time.perf_counter()
    tally = fuzz(
        sources, a.n, seed=a.seed, seconds=a.seconds, memory_mb=a.memory_mb, workers=a.workers
    )
    report = {
        "inputs": len(sources),
        "roots": [str(r) for r in roots],
        "seed": a.seed,
        "limits": {"seconds": a.seconds, "memory_mb": a.memory_mb},
        "wall_s": round(time.perf_counter() - t0, 1),
        **tally.to_dict(),
    }
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    return 1 if report["defects"] else 0


if __name__ == "__main__":
    sys.exit(main())
