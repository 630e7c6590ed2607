"""The conformance suites of mediators and party strategies: do they play by the rules of the
mediated protocols, fast and reproducibly?

:func:`check_mediator` runs a mediator (a registry spec such as ``"annealing:t0=0.5"`` or a
zero-argument factory) in every protocol it supports — the protocols its registry entry
declares, or ``protocols`` — with each registered party strategy of that protocol playing every
party (or each of ``partners``), on the conformance scenarios
(:func:`~accord.testing.conformance_scenarios`: the packaged examples and generated ones,
among them spaces far too large to enumerate). Where the protocol can mediate phase by phase
(caucus option ``phased``), the scenarios with phases are also mediated phase by phase, which
locks the issues of the other phases. Where a scenario names several mediators and the
protocol takes a coalition, the mediator under test fills every seat of the coalition.
:func:`check_party` does the same for a party strategy, which plays every party, against each
registered mediator of each protocol it supports (or each of ``partners``).

Every run goes through :func:`accord.run` with the participant objects (so the run contract
itself is what is tested), twice with the same seed, and is checked:

* ``crash``: neither building the participants, nor the run, nor the checks raised;
* ``interface``: the participant implements its role's interface in the protocol;
* ``failure``: the mechanism recorded no failure (an exception, an illegal move or answer, a
  proposal changing a locked issue, a leak, a call over the per-call limit);
* ``legal``: every outcome in the trace (proposals, votes, packages asked about) is an
  outcome index of the space;
* ``locked``: in a phased run every proposal keeps the locked issues (the mechanism refuses
  such a proposal as a failure; the trace is checked too);
* ``agreement``: the agreement is a text or package the run produced (single text: the first
  text or a proposal; caucus: a proposal every party accepted);
* ``confidential``: the confidentiality audit of a caucus trace finds nothing;
* ``deadline``: no move after the deadline round;
* ``deterministic``: the same seed gives the same trace (every step, without its time);
* ``speed``: the mean time per call of the participant under test stays under a bound.

Like :func:`~accord.testing.check_agent` it never raises on a misbehaving participant: it
returns a :class:`~accord.testing.ConformanceReport` whose ``passed`` and ``problems`` say what
went wrong. In-process calls cannot be pre-empted: a participant that never returns hangs the
check, one that returns late is reported (``Deadline.per_call``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from accord.errors import ProtocolError
from accord.mechanisms import PROTOCOLS, Deadline, NegotiationResult, ProtocolInfo, RunSpec
from accord.mechanisms.caucus import audit
from accord.mechanisms.caucus.phase_by_phase import phase_issues
from accord.mechanisms.spec import CAUCUS, SINGLE_TEXT
from accord.registry import MEDIATORS, PARTY_STRATEGIES, Registry
from accord.runner import run
from accord.scenario import Scenario
from accord.testing.conformance import ConformanceReport, RunCheck
from accord.testing.scenarios import conformance_scenarios
from accord.testing.timing import Calls, timed

#: A participant under test or a partner: a registry spec or a zero-argument factory.
Source = str | Callable[[], Any]

#: Trace kinds that are moves of a participant (none may come at or after the deadline round).
MOVES = frozenset({"offer", "accept", "reject", "proposal", "vote", "query", "disclosure"})


class _Broken(Exception):
    """A check that failed before or instead of a run; reads ``check: reason``."""

    def __init__(self, check: str, reason: str):
        super().__init__(f"{check}: {reason}")


@dataclass(frozen=True, slots=True)
class _Settings:
    """What every run of one check shares."""

    role: str  # the role under test: "mediator" or "party"
    subject: Source
    subject_id: str
    rounds: int
    seed: int
    per_call: float | None
    max_mean_call: float


def check_mediator(
    mediator: Source,
    *,
    protocols: Sequence[str] | None = None,
    partners: Sequence[Source] | None = None,
    scenarios: Sequence[Scenario] | None = None,
    rounds: int = 20,
    seed: int = 0,
    per_call: float | None = 5.0,
    max_mean_call: float = 0.1,
) -> ConformanceReport:
    """Run the conformance checks for ``mediator``; see the module documentation.

    ``protocols``: those to check (required for a factory; a spec's declared protocols by
    default). ``partners``: party strategies (specs or factories) to mediate between, each
    playing every party (default: every registered party strategy of the protocol; specs are
    used in the protocols they declare, factories in every protocol checked)."""
    settings = _Settings(
        "mediator", mediator, _label(mediator), rounds, seed, per_call, max_mean_call
    )
    return _check(settings, MEDIATORS, PARTY_STRATEGIES, protocols, partners, scenarios)


def check_party(
    party: Source,
    *,
    protocols: Sequence[str] | None = None,
    partners: Sequence[Source] | None = None,
    scenarios: Sequence[Scenario] | None = None,
    rounds: int = 20,
    seed: int = 0,
    per_call: float | None = 5.0,
    max_mean_call: float = 0.01,
) -> ConformanceReport:
    """Run the conformance checks for the party strategy ``party``, which plays every party;
    see the module documentation. ``partners``: mediators (specs or factories; default:
    every registered mediator of the protocol); otherwise as :func:`check_mediator`."""
    settings = _Settings("party", party, _label(party), rounds, seed, per_call, max_mean_call)
    return _check(settings, PARTY_STRATEGIES, MEDIATORS, protocols, partners, scenarios)


def _label(source: Source) -> str:
    return source if isinstance(source, str) else getattr(source, "__name__", repr(source))


def _protocols(settings: _Settings, registry: Registry, chosen: Sequence[str] | None) -> list[str]:
    """The protocols to check: those given (known, mediated), else those the spec declares."""
    if chosen is None:
        if not isinstance(settings.subject, str):
            raise ProtocolError(f"say which protocols {settings.subject_id!r} is for")
        chosen = registry.info(settings.subject).protocols
    out = list(dict.fromkeys(chosen))
    for name in out:
        info = PROTOCOLS.get(name)
        if info is None or info.party_role != "party":
            known = ", ".join(p.name for p in PROTOCOLS.values() if p.party_role == "party")
            raise ProtocolError(f"{name!r} is not a mediated protocol (those are: {known})")
    return out


def _check(
    settings: _Settings,
    registry: Registry,
    partner_registry: Registry,
    protocols: Sequence[str] | None,
    partners: Sequence[Source] | None,
    scenarios: Sequence[Scenario] | None,
) -> ConformanceReport:
    runs: list[RunCheck] = []
    chosen = scenarios if scenarios is not None else conformance_scenarios()
    for name in _protocols(settings, registry, protocols):
        info = PROTOCOLS[name]
        pool = partners if partners is not None else list(partner_registry.all())
        usable = [
            p for p in pool if not isinstance(p, str) or name in partner_registry.info(p).protocols
        ]
        if not usable:
            problem = f"coverage: no {partner_registry.label} to run {name} with"
            runs.append(RunCheck("-", "-", None, 0, False, 0, 0.0, 0.0, (problem,), name))
        phases = any(o.name == "phased" for o in info.options)
        for sc in chosen:
            for partner in usable:
                runs.append(_check_run(settings, info, sc, partner, phased=False))
                if phases and sc.timeline.phases:
                    runs.append(_check_run(settings, info, sc, partner, phased=True))
    return ConformanceReport(
        settings.subject_id, tuple(runs), settings.max_mean_call, settings.role
    )


def _check_run(
    settings: _Settings, info: ProtocolInfo, sc: Scenario, partner: Source, *, phased: bool
) -> RunCheck:
    """Play one setting twice with the same seed and check it."""
    first, calls = _guarded_play(settings, info, sc, partner, phased)
    again, _ = _guarded_play(settings, info, sc, partner, phased)
    problems: list[str] = []
    rounds, agreed = 0, False
    if isinstance(first, str):
        problems.append(first)
    else:
        rounds, agreed = first.rounds, first.agreed
        try:
            problems.extend(_problems(first, sc, info, settings.rounds, phased))
        except Exception as exc:  # a result the checks cannot read is a problem, not a crash
            problems.append(f"crash: checking the run raised {exc!r}")
    if isinstance(again, str):
        if again not in problems:
            problems.append(again)
    elif not isinstance(first, str) and _steps(first) != _steps(again):
        problems.append("deterministic: the same seed gave a different trace")
    mean = calls.mean
    if mean > settings.max_mean_call:
        bound = settings.max_mean_call * 1e3
        problems.append(f"speed: mean {mean * 1e3:.2f} ms per call > {bound:g} ms")
    longest = max(calls.durations, default=0.0)
    count = len(calls.durations)
    return RunCheck(
        scenario=sc.name,
        partner=_label(partner),
        seat=None,
        rounds=rounds,
        agreed=agreed,
        calls=count,
        mean_call=mean,
        max_call=longest,
        problems=tuple(problems),
        protocol=info.name,
        phased=phased,
    )


def _guarded_play(
    settings: _Settings, info: ProtocolInfo, sc: Scenario, partner: Source, phased: bool
) -> tuple[NegotiationResult | str, Calls]:
    """The result of one run, or the problem that prevented it (never raises)."""
    calls = Calls()
    try:
        return _play(settings, info, sc, partner, phased, calls), calls
    except _Broken as broken:
        return str(broken), calls
    except Exception as exc:
        return f"crash: the run raised {exc!r}", calls


def _play(
    settings: _Settings,
    info: ProtocolInfo,
    sc: Scenario,
    partner: Source,
    phased: bool,
    calls: Calls,
) -> NegotiationResult:
    """One run through :func:`accord.run`: the participant under test fills every seat of its
    role (timed), the partner every seat of the other role."""
    low, high = info.mediators
    coalition = max(low, len(sc.mediators))
    seats = {
        "party": len(sc.parties),
        "mediator": coalition if high is None else min(coalition, high),
    }
    other = "party" if settings.role == "mediator" else "mediator"
    kind = info.interface(settings.role)
    objects = {
        settings.role: [
            timed(_build(settings.subject, settings.role, info), kind, calls)
            for _ in range(seats[settings.role])
        ],
        other: [_build(partner, other, info) for _ in range(seats[other])],
    }
    ids = {settings.role: settings.subject_id, other: _label(partner)}
    spec = RunSpec(
        sc.name,
        (ids["party"],) * seats["party"],
        info.name,
        mediators=(ids["mediator"],) * seats["mediator"],
        deadline=Deadline(rounds=settings.rounds, per_call=settings.per_call),
        seed=settings.seed,
        options={"phased": True} if phased else {},
    )
    return run(spec, scenario=sc, parties=objects["party"], mediators=objects["mediator"])


def _build(source: Source, role: str, info: ProtocolInfo) -> Any:
    """A participant object for ``role`` in the protocol; :class:`_Broken` when it cannot be
    built or does not implement the role's interface."""
    label = _label(source)
    try:
        if isinstance(source, str):
            registry = MEDIATORS if role == "mediator" else PARTY_STRATEGIES
            return registry.make(source, info.name)
        built = source()
    except Exception as exc:
        raise _Broken("crash", f"building {role} {label!r} raised {exc!r}") from exc
    kind = info.interface(role)
    if kind is None or not isinstance(built, kind):
        name = getattr(kind, "__name__", "?")
        raise _Broken("interface", f"{role} {label!r} does not implement {name} ({info.name})")
    return built


def _steps(result: NegotiationResult) -> list[tuple[object, ...]]:
    """Every step of the run without its time (nor a failure's wording, which may hold a
    measured duration), then how it ended."""
    steps: list[tuple[object, ...]] = [
        (e.round, e.party, e.kind, e.outcome, "" if e.kind == "failure" else e.note, e.recipient)
        for e in result.trace
    ]
    ending = result.reason if result.failure is None else result.failure.participant
    steps.append((result.rounds, result.agreement, ending))
    return steps


def _problems(
    result: NegotiationResult, sc: Scenario, info: ProtocolInfo, rounds: int, phased: bool
) -> list[str]:
    out = []
    failure = result.failure
    if failure is not None:
        out.append(
            f"failure: round {failure.round}: {failure.describe().removeprefix('failure: ')}"
        )
    elif any(e.kind == "failure" for e in result.trace):
        out.append(f"failure: recorded in the trace, yet the run ended with {result.reason!r}")
    out.extend(_illegal(result, sc.space.size or 0))
    if phased:
        out.extend(_lock_breaks(result, sc))
    out.extend(_unfounded(result, info))
    if info.name == CAUCUS:
        out.extend(f"confidential: {f}" for f in audit(result.trace, result.parties)[:1])
    late = [e for e in result.trace if e.round > rounds or (e.kind in MOVES and e.round >= rounds)]
    if result.rounds > rounds or late:
        out.append(f"deadline: activity after round {rounds} (ended at {result.rounds})")
    return out


def _packages(note: str) -> list[object]:
    """The packages a caucus query or proposal names (recorded in its note)."""
    if not note.startswith("{"):
        return []
    packages = json.loads(note).get("packages") or []
    return list(packages) if isinstance(packages, list) else [packages]


def _illegal(result: NegotiationResult, size: int) -> list[str]:
    for e in result.trace:
        named: list[object] = [e.outcome] if e.outcome is not None else []
        if e.kind in ("query", "proposal"):
            named += _packages(e.note)
        if e.kind == "proposal" and e.outcome is None:
            named.append(None)
        for x in named:
            if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < size:
                return [f"legal: {e.kind} of {x!r} in round {e.round} is not an outcome"]
    return []


def _lock_breaks(result: NegotiationResult, sc: Scenario) -> list[str]:
    """Proposals that change an issue locked in their phase: issues of later phases keep their
    first value, those of earlier phases the value agreed there."""
    space = sc.space
    plan = [[space.issue_index(i) for i in issues] for _, issues in phase_issues(sc)]
    phase = 0
    agreed: dict[int, int] = {}
    for e in result.trace:
        if e.kind == "proposal" and e.outcome is not None and phase < len(plan):
            digits = space.from_index(e.outcome)
            locked = {i: 0 for later in plan[phase + 1 :] for i in later} | agreed
            changed = [space.names[i] for i, v in locked.items() if int(digits[i]) != v]
            if changed:
                name = phase_issues(sc)[phase][0]
                return [
                    f"locked: proposal {e.outcome} in round {e.round} (phase {name!r}) "
                    f"changes the locked issue(s) {', '.join(changed)}"
                ]
        elif e.kind == "agreement" and e.outcome is not None and phase < len(plan):
            digits = space.from_index(e.outcome)
            agreed |= {i: int(digits[i]) for i in plan[phase]}
            phase += 1
    return []


def _unfounded(result: NegotiationResult, info: ProtocolInfo) -> list[str]:
    """The agreement must be a text or package the run produced: in single text the first text
    or a proposal, in caucus a proposal every party accepted."""
    deal = result.agreement
    if deal is None:
        return []
    proposed = any(e.kind == "proposal" and e.outcome == deal for e in result.trace)
    if info.name == SINGLE_TEXT and not (proposed or deal == result.details.get("initial_text")):
        return [f"agreement: {deal} was neither the first text nor proposed"]
    if info.name == CAUCUS:
        votes = [e for e in result.trace if e.kind == "vote" and e.outcome == deal]
        accepted = {e.party for e in votes if _accepts(e.note)}
        missing = [p for p in result.parties if p not in accepted]
        if not proposed or missing:
            return [f"agreement: package {deal} was not proposed to and accepted by {missing}"]
    return []


def _accepts(note: str) -> bool:
    data = json.loads(note) if note.startswith("{") else {}
    return data.get("accept") is True and not data.get("refused")
