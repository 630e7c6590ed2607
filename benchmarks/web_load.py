"""Load benchmark of the web app (not a test): scripted people play live sessions over HTTP.

Starts the real server as a separate process (``accord serve --db TMP --port P`` on
127.0.0.1, a fresh temporary session store; the trainer's token is read from the link it
prints), waits until it answers, then runs ``--sessions`` scripted clients concurrently
(asyncio, one keep-alive connection per client, like one browser per person) for
``--seconds``. Each client is a person playing the candidate of
``job-offer`` against a ``conceder`` agent (alternating offers, ``--rounds`` 30), one session
after another; the trainer's token creates every new session (``POST /api/sessions``). A turn
is what a fast human clicking through the JSON API would do:

1. ``GET /api/seat`` (the page: whose turn, the prompt, the history);
2. ``GET /api/seat/utility?i0=..`` for one random package (looking up a candidate package);
3. ``POST /api/seat/move``: accept the offer on the table when it is worth at least the
   person's current aspiration (linear from 0.95 down to the reservation value at the
   deadline; at the last two rounds anything at or above the reservation), otherwise offer the
   remembered package closest above the aspiration (the best one known when none is).

Between two requests a client thinks for a uniform random 50-200 ms (``--think-min`` /
``--think-max``): 50 people clicking that continuously is far beyond a class. Every request's
latency (client side: from sending to the whole body read) and status is recorded by kind
(``create``, ``seat``, ``utility``, ``move``). An error is any non-2xx answer other than an
expected 409 (a move refused because the turn moved on) and any exception (time-out,
connection). Requests still running at the end of the window complete and count.

The server's own access log (``accord.web``: route, status, time inside the app's middleware,
which includes waiting for a thread of the pool) is also read and summarised per route, to
tell the server's time from the client's event loop, since server and clients share the
machine's cores. CPU time of the server process (``/proc``) and of this process is reported
too.

    .venv/bin/python benchmarks/web_load.py [--sessions 50] [--seconds 60] [--port 0] [--json]

``--port 0`` picks a free port. ``--client raw`` (the default) is a minimal HTTP/1.1 client on
asyncio streams, well under a millisecond of CPU per request; ``--client httpx`` uses
``httpx.AsyncClient``, which costs several milliseconds per request here and takes that CPU from
the server it measures. ``--workers N`` (N > 1) runs uvicorn with N worker processes on the same
store instead of ``accord serve`` (an experiment: the state of a session is all in SQLite).

The target (issue): 50 concurrent sessions for 60 s with no errors and p95 latency under
100 ms. Exit status 0 whatever the result; the verdict is printed.
Results are recorded by hand in ``RESULTS.md`` below the kept-across-runs marker.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

KINDS = ("create", "seat", "utility", "move")
SCENARIO = "job-offer"
AGENT = "conceder"
TARGET_P95_MS = 100.0
TICKS = os.sysconf("SC_CLK_TCK")
#: the server's access log line (accord.web.server's middleware)
LOG_LINE = re.compile(r"accord\.web (GET|POST|HEAD|PUT|DELETE) (\S+) (\d{3}) ([\d.]+) ms")
ROUTE_KIND = {
    "/api/sessions": "create",
    "/api/seat": "seat",
    "/api/seat/utility": "utility",
    "/api/seat/move": "move",
}


@dataclass
class Recorder:
    """Every request: (kind, status or None for an exception, latency in seconds)."""

    rows: list[tuple[str, int | None, float]] = field(default_factory=list)
    exceptions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sessions_done: int = 0
    agreements: int = 0
    sessions_started: int = 0

    def add(self, kind: str, status: int | None, seconds: float) -> None:
        self.rows.append((kind, status, seconds))


# -- the server ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_from_env() -> Any:
    """The app on the store ``$ACCORD_WEB_DB``, with its access log on stderr: the factory
    ``--workers N`` (N > 1) gives uvicorn, which imports it in every worker process."""
    import logging

    from accord.web.server import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return create_app(os.environ["ACCORD_WEB_DB"])


def start_server(
    db: Path, port: int, log_path: Path, workers: int = 1
) -> tuple[subprocess.Popen[str], str]:
    """``accord serve`` in its own process group (or, for ``workers`` > 1, uvicorn with that
    many worker processes on the same store); returns it and the trainer's token."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "ACCORD_WEB_DB": str(db)}
    if workers > 1:
        from accord.storage.sessions import SessionStore
        from accord.web.tokens import admin_token

        with SessionStore(db) as store:  # made once here: the workers only read the secret
            known: str | None = admin_token(store.secret)
        cmd = [
            sys.executable, "-m", "uvicorn", "--factory", "web_load:app_from_env",
            "--app-dir", str(Path(__file__).resolve().parent), "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--no-access-log",
            "--log-level", "warning",
        ]  # fmt: skip
    else:
        known = None
        code = "import sys; from accord.cli.main import app; sys.argv[0] = 'accord'; app()"
        cmd = [sys.executable, "-c", code, "serve", "--db", str(db), "--port", str(port)]
    err = log_path.open("w")
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=env, start_new_session=True
    )
    err.close()
    assert proc.stdout is not None
    token = known
    deadline = time.monotonic() + 60
    while token is None and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"/t/([^/\s]+)/", line)
        if m:
            token = m.group(1)
    if token is None:
        stop_server(proc)
        raise SystemExit(f"the server printed no trainer's link (see {log_path})")
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/openapi.json", timeout=2).status_code == 200:
                return proc, token
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    stop_server(proc)
    raise SystemExit(f"the server did not answer on {base} (see {log_path})")


def stop_server(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its live descendants, from /proc (0 when unreadable)."""
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        p = int(stat.parent.name)
        parent[p] = int(fields[1])
        used[p] = (int(fields[11]) + int(fields[12])) / TICKS
    total = 0.0
    for p, t in used.items():
        q = p
        while q > 1 and q != pid:
            q = parent.get(q, 0)
        if q == pid:
            total += t
    return total


def machine_cpu() -> tuple[float, float]:
    """CPU seconds all cores of the machine spent busy (user, nice, system, irq, softirq) and
    stolen by the hypervisor, since boot (``/proc/stat``)."""
    try:
        f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    return (f[0] + f[1] + f[2] + f[5] + f[6]) / TICKS, f[7] / TICKS


def self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# -- the clients -----------------------------------------------------------------------------
@dataclass
class Reply:
    status_code: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class RawConn:
    """One keep-alive HTTP/1.1 connection on asyncio streams: what a load generator needs and
    no more (a few tens of microseconds per request, where httpx spends milliseconds of the
    CPU the server shares). Reconnects when the server closed the connection."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        url: str,
        token: str,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Reply:
        if params:
            url += "?" + urlencode(params)
        body = b"" if json_body is None else json.dumps(json_body).encode()
        head = (
            f"{method} {url} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: application/json\r\n"
        )
        if json_body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        data = head.encode() + b"\r\n" + body
        return await asyncio.wait_for(self._exchange(data), self.timeout)

    async def _exchange(self, data: bytes) -> Reply:
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(data)
                await self.writer.drain()
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if fresh or attempt:  # a stale keep-alive connection is retried once
                    raise
                continue
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {}
            for line in lines[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            if "content-length" in headers:
                body = await self.reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    chunks.append(await self.reader.readexactly(size + 2))
                    if size == 0:
                        break
                body = b"".join(c[:-2] for c in chunks)
            else:
                body = await self.reader.read()
                await self.close()
            if headers.get("connection", "").lower() == "close":
                await self.close()
            return Reply(status, body)
        raise ConnectionError("unreachable")


class HttpxConn:
    """The same interface on ``httpx.AsyncClient`` (one connection)."""

    def __init__(self, base: str, timeout: float):
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self.client = httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout)

    async def close(self) -> None:
        await self.client.aclose()

    async def request(
        self,
        method: str,
        url: str,
        token: str,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Reply:
        r = await self.client.request(
            method, url, headers={"Authorization": f"Bearer {token}"}, json=json_body, params=params
        )
        return Reply(r.status_code, r.content)


Conn = RawConn | HttpxConn


class Person:
    """One scripted person: plays sessions one after another until the clock runs out."""

    def __init__(self, n: int, a: argparse.Namespace, base: str, trainer: str, rec: Recorder):
        self.n = n
        self.a = a
        self.base = base
        self.trainer = trainer
        self.rec = rec
        self.rng = random.Random(1000 + n)
        self.stop_at = 0.0

    async def think(self) -> None:
        """A think time; never past the end of the window (then the caller stops)."""
        pause = self.rng.uniform(self.a.think_min, self.a.think_max) / 1000
        await asyncio.sleep(max(0.0, min(pause, self.stop_at - time.monotonic())))

    async def call(
        self, client: Conn, kind: str, method: str, url: str, token: str, **kw: Any
    ) -> Reply | None:
        t0 = time.perf_counter()
        try:
            r = await client.request(method, url, token, **kw)
        except (TimeoutError, httpx.HTTPError, OSError, asyncio.IncompleteReadError) as exc:
            self.rec.add(kind, None, time.perf_counter() - t0)
            self.rec.exceptions[f"{kind}: {type(exc).__name__}"] += 1
            return None
        self.rec.add(kind, r.status_code, time.perf_counter() - t0)
        return r

    async def run(self, stop_at: float, sizes: list[int]) -> None:
        self.stop_at = stop_at
        client: Conn
        if self.a.client == "httpx":
            client = HttpxConn(self.base, self.a.timeout)
        else:
            client = RawConn("127.0.0.1", self.a.port, self.a.timeout)
        try:
            await asyncio.sleep(self.rng.uniform(0, self.a.think_max) / 1000)  # staggered start
            while time.monotonic() < stop_at:
                await self.session(client, stop_at, sizes)
                await self.think()
        finally:
            await client.close()

    async def session(self, client: Conn, stop_at: float, sizes: list[int]) -> None:
        body = {
            "scenario": SCENARIO,
            "parties": ["person", AGENT],
            "rounds": self.a.rounds,
            "seed": self.rng.randrange(2**31),
        }
        r = await self.call(client, "create", "POST", "/api/sessions", self.trainer, json_body=body)
        if r is None or r.status_code != 201:
            await self.think()
            return
        self.rec.sessions_started += 1
        token = next(s["token"] for s in r.json()["seats"] if s["token"])
        known: dict[int, float] = {}  # outcome -> my utility, from the utility look-ups
        reservation = 0.0
        while True:
            await self.think()
            if time.monotonic() >= stop_at:
                return
            r = await self.call(client, "seat", "GET", "/api/seat", token)
            if r is None or r.status_code != 200:
                continue
            page = r.json()
            if page["finished"]:
                self.rec.sessions_done += 1
                self.rec.agreements += bool(page["result"] and page["result"]["agreement"])
                return
            if not page["my_turn"] or page["prompt"] is None:
                continue
            prompt = page["prompt"]
            reservation = float(page["seen"].get("reservation") or 0.0)
            rounds = int(page["rounds"])
            await self.think()
            if time.monotonic() >= stop_at:
                return
            digits = {f"i{k}": self.rng.randrange(n) for k, n in enumerate(sizes)}
            r = await self.call(client, "utility", "GET", "/api/seat/utility", token, params=digits)
            if r is not None and r.status_code == 200:
                u = r.json()
                known[int(u["outcome"])] = float(u["utility"])
            t = min(1.0, prompt["round"] / max(1, rounds - 1))
            aspiration = 0.95 - (0.95 - reservation) * t
            move: dict[str, Any]
            if prompt["ask"] == "respond" and (
                prompt["utility"] >= aspiration
                or (prompt["round"] >= rounds - 2 and prompt["utility"] >= reservation)
            ):
                move = {"act": "accept"}
            elif known:
                above = [(u, o) for o, u in known.items() if u >= aspiration]
                _, outcome = min(above) if above else max((u, o) for o, u in known.items())
                move = {"act": "offer", "outcome": outcome}
            else:
                move = {"act": "offer", "outcome": 0}
            await self.think()
            if time.monotonic() >= stop_at:
                return
            await self.call(client, "move", "POST", "/api/seat/move", token, json_body=move)
            # a refused move (409) or a failed request: the next GET /api/seat tells what now


# -- statistics ------------------------------------------------------------------------------
def pct(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not sorted_ms:
        return 0.0
    k = max(0, min(len(sorted_ms) - 1, int(-(-q * len(sorted_ms) // 100)) - 1))
    return sorted_ms[k]


def stats(lat_ms: list[float], errors: int, refused: int, seconds: float) -> dict[str, Any]:
    s = sorted(lat_ms)
    return {
        "requests": len(s),
        "errors": errors,
        "refused_409": refused,
        "rps": len(s) / seconds if seconds > 0 else 0.0,
        "p50_ms": pct(s, 50),
        "p95_ms": pct(s, 95),
        "p99_ms": pct(s, 99),
        "max_ms": s[-1] if s else 0.0,
    }


def summarise(rec: Recorder, seconds: float) -> dict[str, Any]:
    by: dict[str, list[float]] = defaultdict(list)
    errs: dict[str, int] = defaultdict(int)
    refused: dict[str, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    for kind, status, sec in rec.rows:
        by[kind].append(sec * 1000)
        statuses[str(status)] += 1
        if status == 409:
            refused[kind] += 1
        elif status is None or not 200 <= status < 300:
            errs[kind] += 1
    out = {k: stats(by[k], errs[k], refused[k], seconds) for k in KINDS}
    out["all"] = stats(
        [x for k in KINDS for x in by[k]], sum(errs.values()), sum(refused.values()), seconds
    )
    return {"kinds": out, "statuses": dict(statuses), "exceptions": dict(rec.exceptions)}


def server_log(path: Path, seconds: float, start: int = 0) -> dict[str, Any]:
    """The server's own time per route (its access log from byte ``start`` on)."""
    by: dict[str, list[float]] = defaultdict(list)
    try:
        with path.open("rb") as f:
            f.seek(start)
            text = f.read().decode(errors="replace")
    except OSError:
        return {}
    for m in LOG_LINE.finditer(text):
        kind = ROUTE_KIND.get(m.group(2))
        if kind is not None:
            by[kind].append(float(m.group(4)))
    out = {k: stats(by[k], 0, 0, seconds) for k in KINDS if by[k]}
    if by:
        out["all"] = stats([x for v in by.values() for x in v], 0, 0, seconds)
    return out


def render(res: dict[str, Any]) -> str:
    a = res["config"]
    lines = [
        f"web load: {a['sessions']} scripted people, {a['seconds']:.0f} s, {SCENARIO} vs "
        f"{AGENT}, {a['rounds']} rounds, think {a['think_min']:.0f}-{a['think_max']:.0f} ms, "
        f"127.0.0.1:{a['port']}, {os.cpu_count()} CPUs shared by server and clients",
        "",
        "client-side latency (send to body read):",
        "",
        "| kind | requests | errors | 409 | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k in (*KINDS, "all"):
        s = res["client"]["kinds"][k]
        lines.append(
            f"| {k} | {s['requests']:,} | {s['errors']} | {s['refused_409']} | {s['rps']:.1f} | "
            f"{s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {s['p99_ms']:.1f} | {s['max_ms']:.1f} |"
        )
    if res["server"]:
        lines += [
            "",
            "server-side time (its access log: inside the app, thread-pool wait included):",
            "",
            "| kind | requests | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for k in (*KINDS, "all"):
            s = res["server"].get(k)
            if s:
                lines.append(
                    f"| {k} | {s['requests']:,} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | "
                    f"{s['p99_ms']:.1f} | {s['max_ms']:.1f} |"
                )
    w = res["window_s"]
    lines += [
        "",
        f"sessions: {res['sessions_completed']:,} completed ({res['agreements']:,} agreements), "
        f"{res['sessions_started']:,} started; window {w:.1f} s",
        f"CPU over the window: server {res['cpu']['server_s']:.1f} s "
        f"({100 * res['cpu']['server_s'] / w:.0f}% of one core), clients "
        f"{res['cpu']['clients_s']:.1f} s ({100 * res['cpu']['clients_s'] / w:.0f}%),\n  "
        f"other processes {res['cpu']['others_s']:.1f} s "
        f"({100 * res['cpu']['others_s'] / w:.0f}%); machine busy "
        f"{100 * res['cpu']['machine_busy_s'] / (w * (os.cpu_count() or 1)):.0f}% of "
        f"{os.cpu_count()} cores, stolen by the hypervisor "
        f"{100 * res['cpu']['steal_s'] / (w * (os.cpu_count() or 1)):.0f}%",
        f"server CPU per request {res['cpu']['server_ms_per_request']:.2f} ms: at most "
        f"{res['cpu']['server_capacity_rps']:.0f} requests/s on one core of its own (one "
        "process, one interpreter lock; per worker with --workers)",
        f"statuses: {res['client']['statuses']}",
    ]
    if res["client"]["exceptions"]:
        lines.append(f"exceptions: {res['client']['exceptions']}")
    t = res["target"]
    verdict = "MET" if t["met"] else "NOT MET"
    if not t["judged"]:
        verdict = f"not judged (the target is 50 sessions for 60 s); this run would be {verdict}"
    lines.append(
        f"target (no errors, p95 < {TARGET_P95_MS:.0f} ms, 50 sessions, 60 s): {verdict} "
        f"(errors {t['errors']}, p95 {t['p95_ms']:.1f} ms)"
    )
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------------
async def drive(
    a: argparse.Namespace, base: str, trainer: str, rec: Recorder, sizes: list[int]
) -> float:
    people = [Person(i, a, base, trainer, rec) for i in range(a.sessions)]
    start = time.monotonic()
    stop_at = start + a.seconds
    await asyncio.gather(*(p.run(stop_at, sizes) for p in people))
    return time.monotonic() - start


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=50, help="concurrent scripted people")
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the load window")
    ap.add_argument("--port", type=int, default=0, help="server port (0: a free one)")
    ap.add_argument("--rounds", type=int, default=30, help="rounds of each session")
    ap.add_argument("--think-min", type=float, default=50.0, help="think time, ms")
    ap.add_argument("--think-max", type=float, default=200.0, help="think time, ms")
    ap.add_argument("--timeout", type=float, default=30.0, help="per request, s")
    ap.add_argument(
        "--workers",
        type=int,
        default=1,
        help="1: accord serve; N > 1: uvicorn with N worker processes on the same store",
    )
    ap.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="raw: a minimal HTTP/1.1 client on asyncio streams; httpx: httpx.AsyncClient",
    )
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    ap.add_argument("--keep-log", default=None, help="copy the server's log to this file")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    a.port = a.port or free_port()
    rec = Recorder()
    from accord.api import load

    sizes = [len(issue.values) for issue in load(SCENARIO).space.issues]
    with tempfile.TemporaryDirectory(prefix="accord-web-load-") as tmp:
        log_path = Path(tmp) / "server.log"
        proc, trainer = start_server(Path(tmp) / "sessions.db", a.port, log_path, a.workers)
        base = f"http://127.0.0.1:{a.port}"
        try:
            # warm-up, outside the window: the scenario is loaded on the first session
            for _ in range(4 * a.workers):  # reaches every worker, most likely
                httpx.post(
                    f"{base}/api/sessions",
                    headers={"Authorization": f"Bearer {trainer}"},
                    json={"scenario": SCENARIO, "parties": ["person", AGENT], "rounds": a.rounds},
                    timeout=a.timeout,
                ).raise_for_status()
            time.sleep(0.2)
            log_from = log_path.stat().st_size  # the warm-up's lines are not counted
            cpu0 = cpu_seconds(proc.pid), self_cpu(), *machine_cpu()
            window = asyncio.run(drive(a, base, trainer, rec, sizes))
            cpu1 = cpu_seconds(proc.pid), self_cpu(), *machine_cpu()
            cpu_server, cpu_self, busy, steal = (y - x for x, y in zip(cpu0, cpu1, strict=True))
        finally:
            stop_server(proc)
        server = server_log(log_path, window, log_from)
        if a.keep_log:
            Path(a.keep_log).write_text(log_path.read_text(errors="replace"))
    client = summarise(rec, window)
    overall = client["kinds"]["all"]
    res = {
        "config": vars(a),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "window_s": window,
        "client": client,
        "server": server,
        "sessions_started": rec.sessions_started,
        "sessions_completed": rec.sessions_done,
        "agreements": rec.agreements,
        "cpu": {
            "server_s": cpu_server,
            "clients_s": cpu_self,
            "machine_busy_s": busy,
            "steal_s": steal,
            "server_ms_per_request": 1000 * cpu_server / max(1, overall["requests"]),
            "server_capacity_rps": overall["requests"] / cpu_server if cpu_server else 0.0,
            "others_s": max(0.0, busy - cpu_server - cpu_self),
        },
        "target": {
            "sessions": a.sessions,
            "seconds": a.seconds,
            "errors": overall["errors"],
            "p95_ms": overall["p95_ms"],
            "judged": a.sessions >= 50 and a.seconds >= 60,
            "met": overall["errors"] == 0 and overall["p95_ms"] < TARGET_P95_MS,
        },
    }
    print(json.dumps(res, indent=1) if a.json else render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
