"""The top-level entry points: find and load scenarios by path or packaged name, convert them,
list the packaged ones, divide items fairly, negotiate and mediate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.errors import ScenarioError
from accord.mechanisms.result import NegotiationResult
from accord.outcomes.issues import Value
from accord.scenario import Scenario

if TYPE_CHECKING:
    from accord.analysis.fair_division import Division
    from accord.io import SaveResult

#: The formats :func:`convert` writes.
FORMATS = ("yaml", "genius", "geniusweb")


def packaged_scenarios() -> dict[str, Path]:
    """Names and paths of the scenarios that ship with accord."""
    root = Path(str(resources.files("accord") / "scenarios"))
    return {p.stem: p for p in sorted(root.glob("*.yaml"))}


def load(path_or_name: str | Path, *, profiles: list[str] | None = None) -> Scenario:
    """Load a scenario from a file, a folder (format auto-detected) or a packaged name.

    ``profiles`` keeps only the named parties (profile file stems, or party names), in order.
    Raises :class:`~accord.errors.ScenarioError` (``file:line: reason``) on bad input.
    """
    from accord.io import load_path

    path = Path(path_or_name)
    if path.exists():
        return load_path(path, profiles=profiles)
    packaged = packaged_scenarios()
    name = str(path_or_name)
    if name in packaged:
        scenario = load_path(packaged[name])
        return scenario.with_parties(profiles) if profiles else scenario
    raise ScenarioError(
        f"no such file, folder or packaged scenario (packaged: {', '.join(packaged)})", name
    )


def convert(
    src: Scenario | str | Path,
    dst: str | Path,
    *,
    to: str = "yaml",
    parties: Sequence[str] | None = None,
) -> SaveResult:
    """Write a scenario (or ``src`` loaded: a file, a folder or a packaged name) to ``dst`` as
    ``to``: ``yaml`` (a file, or ``<folder>/<name>.yaml``), ``genius`` or ``geniusweb`` (a
    folder).

    ``parties`` keeps only the named parties, in order (as :func:`load`). Returns the files
    written and what could not be expressed exactly in the target format.
    """
    from accord.io import save

    if to not in FORMATS:
        raise ScenarioError(f"unknown format {to!r}: use yaml, genius or geniusweb")
    names = list(parties) if parties else None
    if isinstance(src, Scenario):
        scenario = src.with_parties(names) if names else src
    else:
        scenario = load(src, profiles=names)
    return save(scenario, dst, to)


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    """One packaged scenario as ``accord scenarios`` lists it. ``outcomes`` is ``None`` for a
    continuous space; ``description`` is the first sentence of the scenario's description."""

    name: str
    parties: tuple[str, ...]
    issues: int
    outcomes: int | None
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "parties": list(self.parties),
            "issues": self.issues,
            "outcomes": self.outcomes,
            "description": self.description,
        }


def _first_sentence(text: str) -> str:
    """The first sentence of ``text`` on one line, ending with a full stop."""
    return " ".join(text.split()).split(". ")[0].rstrip(".") + "."


def list_scenarios() -> tuple[ScenarioInfo, ...]:
    """The scenarios that ship with accord, by name (each is loaded to count its outcomes)."""
    out = []
    for name, path in packaged_scenarios().items():
        sc = load(path)
        out.append(
            ScenarioInfo(
                name=name,
                parties=sc.party_names,
                issues=len(sc.space.issues),
                outcomes=sc.space.size,
                description=_first_sentence(sc.description),
            )
        )
    return tuple(out)


def divide(division: str | Path | Mapping[str, Any]) -> Division:
    """Adjusted Winner division of a YAML file, a packaged division's name, or a mapping.

    The mapping has the file's shape: ``{"parties": [A, B], "items": {item: [pA, pB]}}``
    (optionally ``name`` and ``description``). Raises
    :class:`~accord.errors.ScenarioError` (``file:line: reason``) on bad input.
    """
    from accord.analysis.fair_division import divide as adjusted_winner_division
    from accord.io.division_yaml import load_division, parse_division

    spec = parse_division(division) if isinstance(division, Mapping) else load_division(division)
    return adjusted_winner_division(spec)


def negotiate(
    scenario: Scenario | str | Path,
    agents: Sequence[str] = ("boulware", "conceder"),
    *,
    rounds: int | None = 1000,
    seconds: float | None = None,
    seed: int | None = 0,
    first: int = 0,
    per_call: float | None = 5.0,
    discretize: int = 11,
) -> NegotiationResult:
    """Run one alternating-offers negotiation between registered agents (one per party).

    ``agents`` are registry specs (``"boulware"``, ``"boulware:e=0.1"``); continuous issues are
    discretised at ``discretize`` points. Returns the result (agreement, utilities, rounds,
    trace) whose ``to_dict()`` is the CLI's ``--json`` output.
    """
    from accord.agents import make_agent
    from accord.mechanisms import Deadline, run_alternating_offers

    sc = scenario if isinstance(scenario, Scenario) else load(scenario)
    sc = sc.discretized(discretize)
    built = [make_agent(spec) for spec in agents]
    return run_alternating_offers(
        sc,
        built,
        agent_ids=tuple(agents),
        deadline=Deadline(rounds=rounds, seconds=seconds, per_call=per_call),
        seed=seed,
        first=first,
    )


def mediate(
    scenario: Scenario | str | Path,
    mediator: str | Sequence[str] = "caucus",
    parties: Sequence[str] | None = None,
    *,
    rounds: int | None = None,
    seed: int | None = 0,
    query_budget: int = 50,
    discretize: int = 11,
    phased: bool = False,
) -> NegotiationResult:
    """Run a mediated negotiation: caucus (shuttle) or single-text, by the mediator's kind.

    ``phased=True`` (caucus only) agrees the scenario's phases one after another
    (:mod:`accord.mechanisms.phased`): the first phase, then the next while it holds.

    ``mediator`` is a registered mediator spec (``"caucus"``, ``"hill-climbing"``,
    ``"annealing"``) or, for caucus mediation, a list of them acting as a coalition; ``parties``
    are party-strategy specs, one per party (default ``truthful`` for all; a shorter list is
    padded with its last entry). The result's ``details`` add the Nash point's utilities and the
    agreement's Euclidean distance to it.
    """
    from dataclasses import replace

    from accord.agents.registry import MEDIATORS, PARTY_STRATEGIES
    from accord.analysis import analyze
    from accord.errors import ProtocolError
    from accord.mechanisms.caucus import run_caucus
    from accord.mechanisms.phased import run_in_phases
    from accord.mechanisms.single_text import run_single_text

    sc = scenario if isinstance(scenario, Scenario) else load(scenario)
    sc = sc.discretized(discretize)
    rounds = rounds or sc.timeline.deadline
    specs = [mediator] if isinstance(mediator, str) else list(mediator)
    meds = [MEDIATORS.make(m) for m in specs]
    names: list[str] = list(specs)
    if len(specs) == 1 and len(sc.mediators) > 1 and hasattr(meds[0], "next_message"):
        # the scenario's mediators act as a coalition, each running the same strategy
        meds = [MEDIATORS.make(specs[0]) for _ in sc.mediators]
        names = list(sc.mediators)
    n = len(sc.parties)
    pspecs = list(parties or ["truthful"])
    pspecs += [pspecs[-1]] * (n - len(pspecs))
    if len(pspecs) != n:
        raise ProtocolError(f"{len(pspecs)} party strategies for {n} parties")
    strategies = [PARTY_STRATEGIES.make(p) for p in pspecs]
    if all(hasattr(m, "next_message") for m in meds):
        for spec, p in zip(pspecs, strategies, strict=True):
            if not hasattr(p, "answer"):
                raise ProtocolError(f"party strategy {spec!r} cannot answer caucus queries")

        def caucus(locked: Mapping[str, Value], start: int) -> NegotiationResult:
            return run_caucus(
                sc,
                meds if len(meds) > 1 else meds[0],
                strategies,
                rounds=rounds or 30,
                seed=seed,
                query_budget=query_budget,
                mediator_id=names if len(names) > 1 else names[0],
                party_ids=pspecs,
                locked=locked,
                start_round=start,
            )

        result = run_in_phases(sc, caucus) if phased else caucus({}, 0)
    elif phased:
        raise ProtocolError("phase-by-phase mediation needs a caucus mediator")
    elif len(meds) == 1 and hasattr(meds[0], "propose"):
        for spec, p in zip(pspecs, strategies, strict=True):
            if not hasattr(p, "vote"):
                raise ProtocolError(f"party strategy {spec!r} cannot vote on a single text")
        result = run_single_text(
            sc,
            meds[0],
            strategies,
            rounds=rounds or 1000,
            seed=seed,
            mediator_id=specs[0],
            party_ids=pspecs,
        )
    else:
        raise ProtocolError(f"mediators {specs} do not share a protocol")
    nash = analyze(sc.at(round=result.rounds)).nash
    details = dict(result.details)
    if nash is not None:
        details["nash_utilities"] = [float(u) for u in nash.utilities]
        if result.agreed:
            gap = sum((a - b) ** 2 for a, b in zip(result.utilities, nash.utilities, strict=True))
            details["distance_to_nash"] = float(gap**0.5)
    return replace(result, details=details)
