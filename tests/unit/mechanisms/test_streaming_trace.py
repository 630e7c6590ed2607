"""Streaming traces (``trace_to``): the same bytes as a trace written after the run, whole
lines after an interruption, bounded memory."""

import io
import itertools
import json
import pickle
import subprocess
import sys
import textwrap
import time

import pytest

import accord
from accord.errors import ProtocolError
from accord.mechanisms import Response
from accord.mechanisms import sink as sink_module
from accord.mechanisms.sink import TraceSink
from accord.mechanisms.trace import Trace, TraceEvent


@pytest.fixture
def fake_clock(monkeypatch):
    """A deterministic ``time.perf_counter`` (reset per run) so two runs of one spec record the
    same times and their traces can be compared byte for byte."""
    state = {}

    def reset():
        state["ticks"] = itertools.count()

    def perf_counter():
        return 1000.0 + next(state["ticks"]) * 0.0013717

    reset()
    monkeypatch.setattr(time, "perf_counter", perf_counter)
    return reset


SPECS = [
    accord.negotiation("job-offer", ["boulware", "conceder"], rounds=300, seed=3),
    accord.negotiation("river-basin", ["boulware", "conceder", "linear"], rounds=40, seed=1),
    accord.mediation("job-offer", "hill-climbing", rounds=60, seed=2),
    accord.mediation("hostage-release-2023", seed=4),
    accord.mediation("hostage-release-2023", phased=True, seed=5),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.protocol}-{s.scenario}")
def test_a_streamed_trace_is_byte_identical_to_one_written_after_the_run(
    spec, tmp_path, fake_clock
):
    from accord.runner import run, scenario_for

    sc = scenario_for(spec)
    fake_clock()
    kept = run(spec, scenario=sc)
    kept.trace.write(tmp_path / "kept.jsonl")
    fake_clock()
    streamed = run(spec, scenario=sc, trace_to=tmp_path / "streamed.jsonl")
    data = (tmp_path / "streamed.jsonl").read_bytes()
    assert data == (tmp_path / "kept.jsonl").read_bytes()
    assert data.count(b"\n") == len(kept.trace) > 2
    # one result shape: the same result, its trace read back from the file
    assert streamed.to_dict() == kept.to_dict()
    assert streamed.to_dict(with_trace=True)["trace"] == kept.to_dict(with_trace=True)["trace"]
    assert [e.outcome for e in streamed.trace] == [e.outcome for e in kept.trace]
    assert pickle.loads(pickle.dumps(streamed)).trace == streamed.trace


def test_streaming_to_an_open_stream_keeps_no_trace_and_says_so(fake_clock):
    spec = SPECS[0]
    buffer = io.StringIO()
    result = accord.run(spec, trace_to=buffer)
    lines = buffer.getvalue().splitlines()
    assert lines and all(json.loads(line)["kind"] for line in lines)
    assert json.loads(lines[-1])["kind"] == "agreement"
    with pytest.raises(ProtocolError, match="streamed to"):
        result.to_dict(with_trace=True)
    raw = io.BytesIO()
    fake_clock()
    accord.run(spec, trace_to=raw)
    fake_clock()
    assert raw.getvalue().decode() == accord.run(spec).trace.to_jsonl()


def test_rows_are_written_in_chunks_as_they_are_recorded(tmp_path, monkeypatch):
    monkeypatch.setattr(sink_module, "CHUNK", 8)
    path = tmp_path / "t.jsonl"
    seen = []

    class Watcher:
        def start(self, view):
            pass

        def propose(self, view):
            seen.append(path.read_text().count("\n"))
            return view.preferences.outcome_at(0)

        def respond(self, view, offer, proposer):
            return Response.REJECT

    spec = accord.negotiation("job-offer", ["w", "w"], rounds=50)
    result = accord.run(spec, parties=[Watcher(), Watcher()], trace_to=path)
    assert result.reason == "deadline"
    assert seen[0] == 0 and 0 < seen[-1] < 199 and seen[-1] % 8 == 0  # written while running
    assert path.read_text().count("\n") == len(result.trace) == 200


def test_an_exception_mid_run_leaves_whole_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(sink_module, "CHUNK", 5)

    class Interrupts:
        def __init__(self):
            self.calls = 0

        def start(self, view):
            pass

        def propose(self, view):
            self.calls += 1
            if self.calls == 13:
                raise KeyboardInterrupt  # not an Exception: the guarded call lets it through
            return view.preferences.outcome_at(0)

        def respond(self, view, offer, proposer):
            return Response.REJECT

    path = tmp_path / "t.jsonl"
    spec = accord.negotiation("job-offer", ["a", "b"], rounds=100)
    with pytest.raises(KeyboardInterrupt):
        accord.run(spec, parties=[Interrupts(), Interrupts()], trace_to=path)
    events = Trace.read(path).events
    # the first agent's 13th proposal raised: 12 offers and 12 rejects each were recorded
    assert len(events) == 48 and [e.kind for e in events[-2:]] == ["offer", "reject"]
    assert path.read_bytes().endswith(b"\n")


def test_a_half_written_line_is_cut_when_the_run_is_aborted(tmp_path):
    path = tmp_path / "t.jsonl"
    sink = TraceSink(path)
    sink.append((0, 0.5, "a", "offer", 3, "", None))
    sink._write()
    sink._fh.write(b'{"round": 1, "ti')  # what an interrupted write can leave
    sink.append((1, 0.75, "b", "offer", 4, "", None))
    sink.close(aborted=True)
    lines = path.read_text().splitlines()
    # the half line is cut, the buffered row (a whole event) follows the whole ones
    assert [json.loads(line)["outcome"] for line in lines] == [3, 4]
    assert TraceEvent.from_dict(json.loads(lines[0])).party == "a"


def test_the_sink_answers_what_a_session_asks_of_its_rows(tmp_path):
    sink = TraceSink(tmp_path / "t.jsonl")
    with pytest.raises(IndexError):
        sink[-1]
    for k in range(3000):
        sink.append((k, 0.0, None, "event", None, "", None))
    assert len(sink) == 3000 and sink[-1][0] == 2999
    with pytest.raises(IndexError):
        sink[0]
    sink.close()
    assert len(Trace.read(tmp_path / "t.jsonl")) == 3000


MEMORY_CHILD = textwrap.dedent(
    """
    import sys
    import accord

    def peak_mb():  # VmHWM: this process's own peak (ru_maxrss may carry the parent's over exec)
        with open("/proc/self/status") as fh:
            line = next(l for l in fh if l.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    sc = accord.load("job-offer")
    accord.negotiate(sc, ["hardliner", "hardliner"], rounds=10)
    base = peak_mb()
    path, streamed = sys.argv[1], sys.argv[2] == "1"
    if streamed:
        r = accord.negotiate(sc, ["hardliner", "hardliner"], rounds=100_000, trace_to=path)
    else:
        r = accord.negotiate(sc, ["hardliner", "hardliner"], rounds=100_000)
        r.trace.write(path)
    assert r.rounds == 100_000
    print(peak_mb() - base)
    """
)

#: growth of peak memory (MB) a 100,000-round run may cause: the offer history agents see
#: (about 23 MB) and chunks in flight. Kept in memory, the trace takes about 170 MB.
BOUND_MB = 60


def _growth(tmp_path, streamed: bool) -> float:
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(tmp_path / "t.jsonl"), "1" if streamed else "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_a_long_streamed_run_keeps_memory_bounded(tmp_path):
    assert _growth(tmp_path, streamed=True) < BOUND_MB
    # 4 events a round, less the first round's reject, plus the timeout
    with (tmp_path / "t.jsonl").open() as fh:
        assert sum(1 for _ in fh) == 400_000
    # the bound tells the two apart: keeping the trace in memory exceeds it
    assert _growth(tmp_path, streamed=False) > BOUND_MB


def test_a_run_that_fails_before_its_first_event_leaves_no_file(tmp_path):
    path = tmp_path / "t.jsonl"
    spec = accord.negotiation("job-offer", ["boulware", "conceder"], first=5)
    with pytest.raises(ProtocolError, match="first mover"):
        accord.run(spec, trace_to=path)
    assert not path.exists()
    with pytest.raises(ProtocolError, match="cannot write the trace"):
        accord.run(spec, trace_to=tmp_path / "no-such-folder" / "t.jsonl")
