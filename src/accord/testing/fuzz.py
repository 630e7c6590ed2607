"""Mutation fuzzing of scenario files: bad input must be refused, never crash or run away.

Each mutant is a scenario file (or a scenario folder with one of its files) changed once: a
number replaced by a huge, tiny, negative, NaN, infinite or 5,000-digit value, the file cut
short, a byte flipped, a line deleted or duplicated. It is loaded and analysed
(:func:`accord.load`, :func:`accord.analyze`) in a child process of its own with a time and a
memory limit (:func:`accord.tournaments.sandbox.call_isolated`), and counted as:

* ``loaded`` — it still is a valid scenario; ``refused`` — an :class:`~accord.errors.AccordError`
  (bad input, told as ``file:line: reason``): both are fine;
* ``crash`` — any other exception (with its type and where it was raised), ``slow`` — over the
  time limit (with the function the timer interrupted, or ``killed`` when it could not interrupt
  it), ``memory`` — over the memory limit, ``died`` — the process died: each is a defect.

The analysis gets an explicit budget, well under the per-mutant limit (``--seconds``, 10 s):
``analyze(..., time_limit=ANALYSIS_SECONDS, max_enumerate=MAX_ENUMERATE, samples=SAMPLES)``
(2 s of nonlinear search, ``--time-limit``; spaces of up to 200,000 outcomes enumerated, larger
ones sampled with 5,000 outcomes unless an exact method applies). The fuzz is about hostile
input, not about the analysis's designed work on legitimately large scenarios: with its
defaults :func:`accord.analyze` spends 7..28 s (30 s budget) on the unmutated ANAC 2014
hyper-rectangle domains of 10^24..10^40 cell combinations, 11 s enumerating the 5.8 million
outcomes of ``ANAC2016-AgentHp2`` (3 parties) and 14 s on the 70-dimensional frontier of
``journal_learning-six_issues`` (70 profiles, 262,144 outcomes) on a loaded 2-core machine, and
a mutant of them that is still a valid scenario would be counted ``slow`` for what its original
does too. Within this budget the analysis is small, so an input that still goes over the limit
is a defect: a reader or an algorithm that a mutated number made run away.

Mutant ``i`` of a run with seed ``s`` is drawn from ``numpy.random.default_rng([s, i])``, so a
reported mutant can be made again. ``python -m accord.testing.fuzz --n 100000 --corpus
../shared/scenarios`` (``make fuzz``) prints the counts as JSON, with each defect's signature,
how many mutants had it, and the defective mutants one by one; ``--only TEXT`` fuzzes only the
inputs whose path contains ``TEXT`` (e.g. ``--only 2014``).
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

#: The outcomes that are defects.
DEFECTS = ("crash", "slow", "memory", "died")
#: Defective mutants listed one by one in a report (all are counted).
MAX_EXAMPLES = 200
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
#: Seconds of search that :func:`probe` allows :func:`accord.analyze` (its ``time_limit``; see
#: the module docstring). Unmutated, the ANAC 2014 30- and 50-issue domains took 7..28 s to
#: analyse with the default 30 s on a loaded 2-core machine (2026-12-01), over the 10 s limit
#: per mutant; with 2 s they take 2..3 s, loading included.
ANALYSIS_SECONDS = 2.0
#: Largest space :func:`probe` has analysed by enumeration (``max_enumerate`` of
#: :func:`accord.analyze`, default 20 million).
MAX_ENUMERATE = 200_000
#: Outcomes sampled by :func:`probe`'s analysis when it samples (``samples``, default 200,000).
SAMPLES = 5_000


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


def probe(path: Path, time_limit: float = ANALYSIS_SECONDS) -> str:
    """Load and analyse a scenario: ``loaded``, ``refused``, ``crash: TYPE at FILE:LINE``, or
    ``slow: in FUNCTION (FILE:LINE)`` (where the sandbox's timer found it).

    ``time_limit`` is passed to :func:`accord.analyze` (see :data:`ANALYSIS_SECONDS`), with
    :data:`MAX_ENUMERATE` and :data:`SAMPLES`.
    """
    import warnings

    from accord import AccordError, analyze, load
    from accord.tournaments.sandbox import RunTimeLimit

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            analyze(load(path), time_limit=time_limit, max_enumerate=MAX_ENUMERATE, samples=SAMPLES)
    except AccordError:
        return "refused"
    except RunTimeLimit as exc:  # over the sandbox's limit: say where the time went
        return f"slow: in {_where(exc, deepest_accord=True)}"
    except MemoryError:
        raise  # the sandbox counts it as over the memory limit
    except Exception as exc:
        return f"crash: {type(exc).__name__} at {_where(exc)}"
    return "loaded"


def _where(exc: BaseException, *, deepest_accord: bool = False) -> str:
    """``FILE:LINE`` of the innermost frame of ``exc``'s traceback; with ``deepest_accord``,
    ``FUNCTION (FILE:LINE)`` of the innermost frame in accord's own code (not this harness's),
    else of the innermost frame but the sandbox's timer handler."""
    frames = list(traceback.extract_tb(exc.__traceback__))
    if not deepest_accord:
        frame = frames[-1]
        return f"{Path(frame.filename).name}:{frame.lineno}"
    from accord.tournaments import sandbox

    harness = {str(Path(__file__).resolve()), str(Path(sandbox.__file__).resolve())}
    frames = [f for f in frames if str(Path(f.filename).resolve()) not in harness] or frames
    ours = [f for f in frames if "/accord/" in Path(f.filename).resolve().as_posix()]
    frame = (ours or frames)[-1]
    return f"{frame.name} ({Path(frame.filename).name}:{frame.lineno})"


@dataclass
class Tally:
    """Counts by outcome; crash signatures with one example each."""

    counts: Counter[str] = field(default_factory=Counter)
    signatures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    #: mutants per defect signature
    by_signature: Counter[str] = field(default_factory=Counter)
    #: every defective mutant (up to :data:`MAX_EXAMPLES`): ``signature: example``
    examples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.counts.update(other.counts)
        for sig, example in other.signatures.items():
            self.signatures.setdefault(sig, example)
        self.seconds += other.seconds
        self.by_signature.update(other.by_signature)
        self.examples.extend(other.examples[: MAX_EXAMPLES - len(self.examples)])

    def record(self, outcome: str, example: str) -> None:
        """Count one mutant's outcome (``kind`` or ``kind: detail``)."""
        kind = outcome.split(":")[0]
        self.counts[kind] += 1
        if kind in DEFECTS:
            self.signatures.setdefault(outcome, example)
            self.by_signature[outcome] += 1
            if len(self.examples) < MAX_EXAMPLES:
                self.examples.append(f"{outcome}: {example}")

    def to_dict(self) -> dict[str, Any]:
        total = sum(self.counts.values())
        return {
            "mutants": total,
            "counts": dict(sorted(self.counts.items())),
            "defects": sum(self.counts[d] for d in DEFECTS),
            "signatures": dict(sorted(self.signatures.items())),
            "signature_counts": dict(sorted(self.by_signature.items())),
            "examples": list(self.examples),
        }


def _warm() -> None:
    """Import what :func:`probe` needs in this process, so the forked children inherit it
    instead of each importing it again (most of a small mutant's time otherwise)."""
    import importlib

    from accord import load

    for name in (
        "accord.analysis.report",
        "accord.analysis.nonlinear",
        "accord.io.detect",
        "accord.io.genius_xml",
        "accord.io.genius_nonlinear",
        "accord.io.geniusweb_json",
        "accord.io.negolog_json",
        "accord.io.negmas_yaml",
    ):
        importlib.import_module(name)

    load("job-offer")  # the readers' own lazy imports and first-use set-up


def fuzz_batch(
    sources: Sequence[str],
    indices: Sequence[int],
    seed: int,
    seconds: float,
    memory_mb: int,
    time_limit: float = ANALYSIS_SECONDS,
) -> Tally:
    """Make and probe mutants ``indices`` (mutant ``i`` mutates ``sources[i % len]``)."""
    from accord.tournaments.sandbox import call_isolated

    _warm()  # what every probe imports, imported once here and inherited by each fork
    tally = Tally()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accord-fuzz-") as tmp:
        for i in indices:
            source = Path(sources[i % len(sources)])
            path, what = make_mutant(source, i, seed, Path(tmp))
            t1 = time.perf_counter()
            answer = call_isolated(
                partial(probe, path, time_limit), seconds=seconds, memory_mb=memory_mb
            )
            took = time.perf_counter() - t1
            if answer.kind == "ok":
                outcome = str(answer.value)
            elif answer.kind == "timeout":  # the timer fired outside the probe's own code
                outcome = "slow: outside the analysis"
            elif answer.kind == "killed":  # stuck where the timer cannot interrupt it
                outcome = "slow: killed (no answer within the grace period)"
            elif answer.kind == "raised":
                outcome = f"crash: {answer.value!r}"
            else:
                outcome = answer.kind
            tally.record(outcome, f"mutant {i} of {source} ({what}; {took:.1f} s)")
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
    time_limit: float = ANALYSIS_SECONDS,
    progress: Callable[[Tally], None] | None = None,
) -> Tally:
    """``n`` mutants of ``sources`` (files or scenario folders), probed ``workers`` at a time;
    ``time_limit`` is the analysis's search budget (:data:`ANALYSIS_SECONDS`). ``progress``
    is called with the running tally after each batch."""
    names = [str(s) for s in sources]
    if not names:
        from accord.errors import AccordError

        raise AccordError("nothing to fuzz: no scenario found")
    chunks = [range(a, min(a + batch, n)) for a in range(0, n, batch)]
    total = Tally()
    if workers <= 1:
        for chunk in chunks:
            total.add(fuzz_batch(names, chunk, seed, seconds, memory_mb, time_limit))
            if progress is not None:
                progress(total)
        return total
    import importlib

    from accord.tournaments.executors import ProcessExecutor

    # by its importable name, also when this module runs as ``python -m accord.testing.fuzz``
    batch_fn = importlib.import_module("accord.testing.fuzz").fuzz_batch
    pool = ProcessExecutor(workers)
    try:
        futures = [
            pool.submit(batch_fn, names, list(c), seed, seconds, memory_mb, time_limit)
            for c in chunks
        ]
        for future in futures:
            total.add(future.result())
            if progress is not None:
                progress(total)
    finally:
        pool.shutdown()
    return total


def _progress(n: int, t0: float) -> Callable[[Tally], None]:
    """A line on stderr at every tenth of the run: mutants done, defects so far, time left."""
    shown = [0]

    def report(tally: Tally) -> None:
        done = sum(tally.counts.values())
        if done * 10 // max(n, 1) <= shown[0] and done < n:
            return
        shown[0] = done * 10 // max(n, 1)
        spent = time.perf_counter() - t0
        left = spent / done * (n - done) if done else 0.0
        defects = sum(tally.counts[d] for d in DEFECTS)
        sys.stderr.write(
            f"fuzz: {done:,}/{n:,} mutants, {defects} defects, {spent:,.0f} s, "
            f"about {left:,.0f} s left\n"
        )
        sys.stderr.flush()

    return report


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Mutation fuzzing of scenario files.")
    ap.add_argument("--n", type=int, default=1000, help="mutants (default 1000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus", action="append", default=[], help="more files or folders")
    ap.add_argument("--seconds", type=float, default=10.0, help="time limit per mutant")
    ap.add_argument("--memory-mb", type=int, default=1024, help="memory limit per mutant")
    ap.add_argument(
        "--time-limit",
        type=float,
        default=ANALYSIS_SECONDS,
        help=f"the analysis's search budget, seconds (default {ANALYSIS_SECONDS:g})",
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        help="fuzz only the inputs whose path contains this text (repeatable)",
    )
    a = ap.parse_args(argv)
    packaged = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
    roots = [*packaged, *(Path(c) for c in a.corpus if Path(c).exists())]
    sources = inputs(roots)
    if a.only:
        sources = [s for s in sources if any(o in str(s) for o in a.only)]
    t0 = time.perf_counter()
    tally = fuzz(
        sources,
        a.n,
        seed=a.seed,
        seconds=a.seconds,
        memory_mb=a.memory_mb,
        workers=a.workers,
        time_limit=a.time_limit,
        progress=_progress(a.n, t0),
    )
    report = {
        "inputs": len(sources),
        "roots": [str(r) for r in roots],
        "only": a.only,
        "seed": a.seed,
        "limits": {
            "seconds": a.seconds,
            "memory_mb": a.memory_mb,
            "analysis_time_limit": a.time_limit,
        },
        "wall_s": round(time.perf_counter() - t0, 1),
        **tally.to_dict(),
    }
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    return 1 if report["defects"] else 0


if __name__ == "__main__":
    sys.exit(main())
