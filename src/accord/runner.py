"""The one runner: :func:`run` turns a :class:`~accord.mechanisms.spec.RunSpec` into a
:class:`~accord.mechanisms.result.NegotiationResult`, whatever the protocol.

``run(spec)`` loads the scenario the spec names (keeping ``profiles``, discretising real issues
at ``discretize`` points), fills in the protocol's default deadline when the spec leaves it
open (the scenario timeline's deadline, else the protocol's default rounds), builds every
participant from the registry (checked against its role's interface in the protocol) and runs
the protocol. Objects may stand in for the registry: ``run(spec, parties=[...])`` plays the
given participant objects under the spec's ids (tests, people over the web, wrapped agents).

:func:`negotiate` and :func:`mediate` are the everyday entry points: they choose the spec (the
protocol from the mediators' declared protocols, a scenario's named mediators as a caucus
coalition) and run it, once or ``repeat`` times with seeds ``seed``, ``seed + 1``, …
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, overload

from accord.errors import ProtocolError
from accord.mechanisms import PROTOCOLS
from accord.mechanisms.alternating_offers.public import PUBLIC_UTILITIES
from accord.mechanisms.result import NegotiationResult
from accord.mechanisms.sink import TraceDestination, TraceSink
from accord.mechanisms.spec import ALTERNATING_OFFERS, CAUCUS, Deadline, OptionValue, RunSpec
from accord.registry import MEDIATORS, REGISTRIES
from accord.scenario import Scenario


def scenario_for(spec: RunSpec, scenario: Scenario | None = None) -> Scenario:
    """The scenario a spec runs on, real issues discretised at ``discretize`` points: the one
    it names, loaded with its ``profiles``, or ``scenario`` — that scenario already loaded
    (with the profiles kept)."""
    if scenario is None:
        from accord.api import load

        scenario = load(spec.scenario, profiles=list(spec.profiles) if spec.profiles else None)
    return scenario.discretized(spec.discretize)


def run(
    spec: RunSpec,
    *,
    scenario: Scenario | None = None,
    parties: Sequence[Any] | None = None,
    mediators: Sequence[Any] | None = None,
    trace_to: TraceDestination | None = None,
) -> NegotiationResult:
    """Run one negotiation or mediation as ``spec`` describes; the same spec gives the same
    result. ``scenario`` supplies the scenario the spec names, already loaded; ``parties`` and
    ``mediators`` supply participant objects instead of building them from the registry.

    ``trace_to`` (a path or an open writable stream) streams the trace there as JSON Lines
    while the run goes (:mod:`accord.mechanisms.sink`): memory stays bounded, an interrupted
    run leaves whole lines, and the result's trace is read back from the file when first used
    (from a stream it is not kept).

    Bad input raises :class:`~accord.errors.AccordError`; a participant that misbehaves does
    not raise: the run ends and the result records the :class:`Failure`.
    """
    info = PROTOCOLS.get(spec.protocol)
    if info is None:
        raise ProtocolError(
            f"unknown protocol {spec.protocol!r}; protocols: {', '.join(PROTOCOLS)}"
        )
    sc = scenario_for(spec, scenario)
    deadline = spec.deadline
    if deadline.rounds is None and deadline.seconds is None:
        rounds = sc.timeline.deadline or info.default_rounds
        spec = replace(spec, deadline=replace(deadline, rounds=rounds))
    if parties is None:
        registry = REGISTRIES[info.party_role]
        parties = [registry.make(p, spec.protocol) for p in spec.parties]
    if mediators is None:
        mediators = [MEDIATORS.make(m, spec.protocol) for m in spec.mediators]
    if trace_to is None:
        return info.run(spec, sc, parties, mediators)
    with TraceSink(trace_to) as sink:
        result = info.run(spec, sc, parties, mediators, sink=sink)
    return replace(result, trace=sink.trace())


def repeat(
    spec: RunSpec, times: int, *, scenario: Scenario | None = None
) -> list[NegotiationResult]:
    """``times`` runs of ``spec`` with seeds ``seed``, ``seed + 1``, … (fresh entropy each
    when the seed is ``None``)."""
    sc = scenario_for(spec, scenario)
    return [run(s, scenario=sc) for s in _series(spec, times)]


def _series(spec: RunSpec, times: int) -> list[RunSpec]:
    """``spec`` with seeds ``seed … seed + times − 1``."""
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise ProtocolError(f"repeat needs at least one run, got {times!r}")
    return [spec.with_seed(None if spec.seed is None else spec.seed + k) for k in range(times)]


def _reference(scenario: Scenario | str | Path) -> str:
    """How a spec names a scenario: as given, or a loaded scenario's packaged name or file."""
    if not isinstance(scenario, Scenario):
        return str(scenario)
    from accord.api import packaged_scenarios

    packaged = packaged_scenarios().get(scenario.name)
    if scenario.source is None or (packaged is not None and Path(scenario.source) == packaged):
        return scenario.name
    return scenario.source


def _loaded(scenario: Scenario | str | Path, profiles: Sequence[str] | None) -> Scenario:
    if isinstance(scenario, Scenario):
        if not profiles or tuple(profiles) == scenario.party_names:
            return scenario  # already loaded with these parties
        return scenario.with_parties(tuple(profiles))
    from accord.api import load

    return load(scenario, profiles=list(profiles) if profiles else None)


def negotiation(
    scenario: Scenario | str | Path,
    agents: Sequence[str] = ("boulware", "conceder"),
    *,
    rounds: int | None = 1000,
    seconds: float | None = None,
    seed: int | None = 0,
    first: int = 0,
    per_call: float | None = 5.0,
    discretize: int = 11,
    profiles: Sequence[str] | None = None,
    public_utilities: bool = False,
) -> RunSpec:
    """The spec of an alternating-offers negotiation between registered agents (one per
    party, in the scenario's party order). ``public_utilities``: the information regime
    "utilities public, reservations private" (the protocol option of that name; off by
    default, and then left out of the spec)."""
    options: dict[str, OptionValue] = {"first": first}
    if public_utilities:
        options[PUBLIC_UTILITIES] = True
    return RunSpec(
        _reference(scenario),
        tuple(agents),
        ALTERNATING_OFFERS,
        deadline=Deadline(rounds=rounds, seconds=seconds, per_call=per_call),
        seed=seed,
        options=options,
        profiles=tuple(profiles) if profiles else None,
        discretize=discretize,
    )


@overload
def negotiate(
    scenario: Scenario | str | Path,
    agents: Sequence[str] = ...,
    *,
    repeat: None = None,
    **kwargs: Any,
) -> NegotiationResult: ...


@overload
def negotiate(
    scenario: Scenario | str | Path,
    agents: Sequence[str] = ...,
    *,
    repeat: int,
    **kwargs: Any,
) -> list[NegotiationResult]: ...


def negotiate(
    scenario: Scenario | str | Path,
    agents: Sequence[str] = ("boulware", "conceder"),
    *,
    repeat: int | None = None,
    trace_to: TraceDestination | None = None,
    progress: Callable[[int, int], None] | None = None,
    **kwargs: Any,
) -> NegotiationResult | list[NegotiationResult]:
    """Run an alternating-offers negotiation between registered agents (one per party).

    ``agents`` are registry specs (``"boulware"``, ``"boulware:e=0.1"``); keyword arguments are
    those of :func:`negotiation` (``rounds``, ``seconds``, ``seed``, ``first``, ``per_call``,
    ``discretize``, ``profiles``). Returns the result (agreement, utilities, rounds, trace) whose
    ``to_dict()`` is the CLI's ``--json`` output; with ``repeat=K``, a list of K results with
    seeds ``seed … seed + K − 1``. ``trace_to`` streams the (first) run's trace, as in
    :func:`run`; ``progress(done, total)`` is called after each run.
    """
    spec = negotiation(scenario, agents, **kwargs)
    sc = scenario_for(spec, _loaded(scenario, spec.profiles))
    specs = _series(spec, 1 if repeat is None else repeat)
    results = []
    for k, s in enumerate(specs):
        results.append(run(s, scenario=sc, trace_to=trace_to if k == 0 else None))
        if progress is not None:
            progress(k + 1, len(specs))
    return results[0] if repeat is None else results


def _protocol_of(mediators: Sequence[str], protocol: str | None) -> str:
    """The protocol every mediator declares (caucus first when they support several)."""
    if protocol is not None:
        return protocol
    common: set[str] | None = None
    for spec in mediators:
        declared = set(MEDIATORS.info(spec).protocols)
        common = declared if common is None else common & declared
    if not common:
        raise ProtocolError(f"mediators {list(mediators)} do not share a protocol")
    return CAUCUS if CAUCUS in common else sorted(common)[0]


def mediation(
    scenario: Scenario | str | Path,
    mediator: str | Sequence[str] | None = None,
    parties: Sequence[str] | None = None,
    *,
    protocol: str | None = None,
    rounds: int | None = None,
    seed: int | None = 0,
    query_budget: int = 50,
    phased: bool = False,
    per_call: float | None = 5.0,
    discretize: int = 11,
    profiles: Sequence[str] | None = None,
) -> RunSpec:
    """The spec of a mediated negotiation.

    ``mediator``: a registered mediator spec or a list (a caucus coalition). Without one, the
    scenario's named mediators act as a caucus coalition (one ``caucus`` mediator each), or
    one caucus mediator when it names none; one caucus mediator given for a scenario that
    names several is replicated for each of them. The protocol is the one the mediators
    declare (``protocol`` chooses when they support several). ``parties``: party strategy
    specs, one per party (default ``truthful``; a shorter list is padded with its last entry).
    ``rounds=None``: the scenario timeline's deadline, else the protocol's default.
    """
    loaded = _loaded(scenario, profiles)
    return _mediation(
        _reference(scenario),
        loaded,
        mediator,
        parties,
        protocol=protocol,
        rounds=rounds,
        seed=seed,
        query_budget=query_budget,
        phased=phased,
        per_call=per_call,
        discretize=discretize,
        profiles=profiles,
    )


def _mediation(
    reference: str,
    sc: Scenario,
    mediator: str | Sequence[str] | None,
    parties: Sequence[str] | None,
    *,
    protocol: str | None,
    rounds: int | None,
    seed: int | None,
    query_budget: int,
    phased: bool,
    per_call: float | None,
    discretize: int,
    profiles: Sequence[str] | None,
) -> RunSpec:
    """:func:`mediation` on the scenario ``reference`` names, already loaded as ``sc``."""
    if mediator is None:
        specs = ["caucus"] * max(len(sc.mediators), 1)
    else:
        specs = [mediator] if isinstance(mediator, str) else list(mediator)
    chosen = _protocol_of(specs, protocol)
    if chosen == CAUCUS and len(specs) == 1 and len(sc.mediators) > 1:
        specs = specs * len(sc.mediators)  # the scenario's mediators act as a coalition
    n = len(sc.parties)
    strategies = list(parties or ["truthful"])
    strategies += [strategies[-1]] * (n - len(strategies))
    if len(strategies) != n:
        raise ProtocolError(f"{len(strategies)} party strategies for {n} parties")
    options: dict[str, Any] = {}
    if chosen == CAUCUS:
        options = {"budget": query_budget, "phased": phased}
    elif phased:
        raise ProtocolError("phase-by-phase mediation needs a caucus mediator")
    return RunSpec(
        reference,
        tuple(strategies),
        chosen,
        mediators=tuple(specs),
        deadline=Deadline(rounds=rounds, seconds=None, per_call=per_call),
        seed=seed,
        options=options,
        profiles=tuple(profiles) if profiles else None,
        discretize=discretize,
    )


@overload
def mediate(
    scenario: Scenario | str | Path,
    mediator: str | Sequence[str] | None = ...,
    parties: Sequence[str] | None = ...,
    *,
    repeat: None = None,
    **kwargs: Any,
) -> NegotiationResult: ...


@overload
def mediate(
    scenario: Scenario | str | Path,
    mediator: str | Sequence[str] | None = ...,
    parties: Sequence[str] | None = ...,
    *,
    repeat: int,
    **kwargs: Any,
) -> list[NegotiationResult]: ...


def mediate(
    scenario: Scenario | str | Path,
    mediator: str | Sequence[str] | None = None,
    parties: Sequence[str] | None = None,
    *,
    repeat: int | None = None,
    trace_to: TraceDestination | None = None,
    progress: Callable[[int, int], None] | None = None,
    **kwargs: Any,
) -> NegotiationResult | list[NegotiationResult]:
    """Run a mediated negotiation (caucus or single text, as the mediators declare); the
    arguments are those of :func:`mediation`; ``trace_to`` streams the (first) run's trace, as
    in :func:`run`; ``progress(done, total)`` is called after each run. ``phased=True`` (caucus)
    agrees the scenario's
    phases one after another. Each result's ``details`` add the Nash point's utilities (as the
    scenario stands at the end) and the agreement's Euclidean distance to it — under an
    agreement rule other than unanimity also the best passing package's (``best_passing_…``,
    :mod:`accord.analysis.consensus`); with
    ``repeat=K``, a list of K results with seeds ``seed … seed + K − 1``.
    """
    # mediation's own defaults, filled in once; the scenario is loaded once for the spec and
    # the runs
    bound = inspect.signature(mediation).bind(scenario, mediator, parties, **kwargs)
    bound.apply_defaults()
    chosen = dict(bound.arguments)
    del chosen["scenario"], chosen["mediator"], chosen["parties"]
    loaded = _loaded(scenario, chosen["profiles"])
    spec = _mediation(_reference(scenario), loaded, mediator, parties, **chosen)
    sc = scenario_for(spec, loaded)
    specs = _series(spec, 1 if repeat is None else repeat)
    results = []
    for k, s in enumerate(specs):
        results.append(_with_nash(run(s, scenario=sc, trace_to=trace_to if k == 0 else None), sc))
        if progress is not None:
            progress(k + 1, len(specs))
    return results[0] if repeat is None else results


#: Seconds the Nash comparison of :func:`mediate` gives each analysis: only huge nonlinear
#: (hyper-rectangle) spaces use it, whose exact frontier can take a minute to prove; the
#: comparison then uses the best frontier found and says so (``nash_exact``).
NASH_SECONDS = 2.0


def _with_nash(result: NegotiationResult, scenario: Scenario) -> NegotiationResult:
    from accord.analysis import analyze_timeline

    analysis = analyze_timeline(scenario, time_limit=NASH_SECONDS).at(result.rounds).analysis
    details = dict(result.details)
    details["nash_exact"] = analysis.exact
    best = None if analysis.consensus is None else analysis.consensus.best
    for key, point in (("nash", analysis.nash), ("best_passing", best)):
        if point is None:
            continue
        utilities = [float(u) for u in point.utilities]
        details[f"{key}_utilities"] = utilities
        if result.agreed:
            gap = sum((a - b) ** 2 for a, b in zip(result.utilities, utilities, strict=True))
            details[f"distance_to_{key}"] = float(gap**0.5)
    return replace(result, details=details)
