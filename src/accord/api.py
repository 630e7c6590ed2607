"""The top-level entry points: find and load scenarios by path or packaged name."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from accord.errors import ScenarioError
from accord.mechanisms.result import NegotiationResult
from accord.scenario import Scenario


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
