"""The public conformance suite: does an agent play by the rules, fast and reproducibly?

:func:`check_agent` runs an agent (a registry spec such as ``"boulware:e=0.5"`` or a factory)
against several partners on several scenarios — the packaged examples and generated ones,
including spaces far too large to enumerate — in every seat, twice per seed, and checks:

* ``failure``: the mechanism recorded no failure (no exception, no illegal move, no time-out);
* ``legal``: every offer is an outcome index of the space;
* ``deadline``: nothing happens after the deadline round;
* ``deterministic``: the same seed gives the same trace;
* ``speed``: the agent's mean time per call stays under a (generous) bound.

It never raises on a misbehaving agent: it returns a :class:`ConformanceReport` whose
``passed`` and ``problems`` say what went wrong, for tests to assert on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from accord.mechanisms import (
    Agent,
    Deadline,
    NegotiationResult,
    run_alternating_offers,
)
from accord.mechanisms.spec import ALTERNATING_OFFERS
from accord.registry import make_agent
from accord.scenario import Scenario
from accord.testing.scenarios import conformance_scenarios
from accord.testing.timing import Calls, timed

DEFAULT_PARTNERS = ("boulware", "conceder", "hardliner", "random")
AgentSource = str | Callable[[], Agent]


@dataclass(frozen=True, slots=True)
class RunCheck:
    """The checks of one seat in one scenario against one partner.

    ``seat`` is the party the agent under test plays; it is ``None`` in mediated runs, where
    the mediator or party strategy under test fills every seat of its role. ``protocol`` and
    ``phased`` say how the run was played."""

    scenario: str
    partner: str
    seat: int | None
    rounds: int
    agreed: bool
    calls: int
    mean_call: float
    max_call: float
    problems: tuple[str, ...]
    protocol: str = ALTERNATING_OFFERS
    phased: bool = False

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def where(self) -> str:
        """Which run this is, as problems name it."""
        if self.seat is not None:
            return f"{self.scenario} vs {self.partner} (seat {self.seat})"
        phased = " phase by phase" if self.phased else ""
        return f"{self.protocol} on {self.scenario}{phased} with {self.partner}"


@dataclass(frozen=True, slots=True)
class ConformanceReport:
    """All checks of one agent (or mediator, or party strategy: ``role`` says which)."""

    agent: str
    runs: tuple[RunCheck, ...]
    max_mean_call: float
    role: str = "agent"

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.runs)

    @property
    def problems(self) -> list[str]:
        out: list[str] = []
        for r in self.runs:
            out.extend(f"{r.where}: {p}" for p in r.problems)
        return out

    @property
    def mean_call(self) -> float:
        calls = sum(r.calls for r in self.runs)
        return sum(r.mean_call * r.calls for r in self.runs) / calls if calls else 0.0

    def summary(self) -> str:
        verdict = "passed" if self.passed else f"FAILED ({len(self.problems)} problems)"
        agreed = sum(r.agreed for r in self.runs)
        return (
            f"{self.agent}: {verdict}; {len(self.runs)} runs, {agreed} agreements, "
            f"mean {self.mean_call * 1e6:.0f} µs per call"
        )


def check_agent(
    agent: AgentSource,
    *,
    partners: Sequence[AgentSource] = DEFAULT_PARTNERS,
    scenarios: Sequence[Scenario] | None = None,
    rounds: int = 60,
    seed: int = 0,
    max_mean_call: float = 0.005,
) -> ConformanceReport:
    """Run the conformance checks for ``agent``; see the module documentation."""
    label = agent if isinstance(agent, str) else getattr(agent, "__name__", repr(agent))
    runs = []
    for sc in scenarios if scenarios is not None else conformance_scenarios():
        n = len(sc.parties)
        for partner in partners:
            for seat in range(n if n == 2 else 1):
                runs.append(_check_seat(agent, partner, sc, seat, rounds, seed, max_mean_call))
    return ConformanceReport(label, tuple(runs), max_mean_call)


def _build(source: AgentSource) -> Agent:
    return make_agent(source) if isinstance(source, str) else source()


def _play(
    agent: AgentSource, partner: AgentSource, sc: Scenario, seat: int, rounds: int, seed: int
) -> tuple[NegotiationResult, Calls]:
    calls = Calls()
    agents: list[Agent] = [_build(partner) for _ in sc.parties]
    agents[seat] = timed(_build(agent), Agent, calls)
    result = run_alternating_offers(
        sc, agents, deadline=Deadline(rounds=rounds, per_call=5.0), seed=seed, first=0
    )
    return result, calls


def _check_seat(
    agent: AgentSource,
    partner: AgentSource,
    sc: Scenario,
    seat: int,
    rounds: int,
    seed: int,
    max_mean_call: float,
) -> RunCheck:
    first, timing = _play(agent, partner, sc, seat, rounds, seed)
    again, _ = _play(agent, partner, sc, seat, rounds, seed)
    problems = _problems(first, sc, rounds)
    if _steps(first) != _steps(again):
        problems.append("deterministic: the same seed gave a different trace")
    calls, mean = len(timing.durations), timing.mean
    if mean > max_mean_call:
        problems.append(f"speed: mean {mean * 1e3:.2f} ms per call > {max_mean_call * 1e3} ms")
    name = partner if isinstance(partner, str) else getattr(partner, "__name__", "partner")
    return RunCheck(
        sc.name,
        name,
        seat,
        first.rounds,
        first.agreed,
        calls,
        mean,
        max(timing.durations, default=0.0),
        tuple(problems),
    )


def _steps(result: NegotiationResult) -> list[tuple[object, ...]]:
    return [(e.round, e.party, e.kind, e.outcome, e.note) for e in result.trace]


def _problems(result: NegotiationResult, sc: Scenario, rounds: int) -> list[str]:
    out = []
    if result.failed is not None or any(e.kind == "failure" for e in result.trace):
        out.append(f"failure: {result.reason}")
    size = sc.space.size or 0
    for e in result.trace.offers():
        if not isinstance(e.outcome, int) or not 0 <= e.outcome < size:
            out.append(f"legal: offer {e.outcome!r} in round {e.round} is not an outcome")
            break
    late = [e for e in result.trace if e.round > rounds]
    if result.rounds > rounds or late:
        out.append(f"deadline: activity after round {rounds} (ended at {result.rounds})")
    if result.agreed and result.agreement not in {e.outcome for e in result.trace.offers()}:
        out.append("agreement: the agreed outcome was never offered")
    return out
