"""The outcome of one negotiation and its JSON form (the CLI's ``--json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accord.mechanisms.trace import Trace
from accord.outcomes.issues import Value


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a negotiation ends without agreement, and how long one agent call may take.

    ``rounds``: rounds (each party acts once per round); ``seconds``: wall time of the whole
    negotiation; ``per_call``: seconds one ``propose``/``respond`` call may take before the agent
    is recorded as failed. At least one of ``rounds`` and ``seconds`` must be set.
    """

    rounds: int | None = 1000
    seconds: float | None = None
    per_call: float | None = 5.0


@dataclass(frozen=True, slots=True)
class NegotiationResult:
    """What happened: agreement (or not), everyone's utility, rounds, why it ended, the trace."""

    scenario: str
    parties: tuple[str, ...]
    agents: tuple[str, ...]
    agreement: int | None
    outcome: dict[str, Value] | None
    utilities: tuple[float, ...]
    discounted: tuple[float, ...]
    rounds: int
    time: float
    reason: str
    failed: str | None
    seed: int | None
    trace: Trace
    mediator: str | None = None
    details: dict[str, Any] = field(default_factory=dict)  # protocol-specific, JSON-able

    @property
    def agreed(self) -> bool:
        return self.agreement is not None

    def to_dict(self, *, with_trace: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "parties": list(self.parties),
            "agents": list(self.agents),
            "agreement": self.outcome,
            "agreement_index": self.agreement,
            "utilities": [_finite(u) for u in self.utilities],
            "discounted_utilities": [_finite(u) for u in self.discounted],
            "rounds": self.rounds,
            "seconds": round(self.time, 6),
            "reason": self.reason,
            "failed_agent": self.failed,
            "seed": self.seed,
        }
        if self.mediator is not None:
            out["mediator"] = self.mediator
        if self.details:
            out["details"] = self.details
        if with_trace:
            out["trace"] = [e.to_dict() for e in self.trace]
        return out


def _finite(x: float) -> float | None:
    return float(x) if x == x and abs(x) != float("inf") else None


def summarize(results: list[NegotiationResult]) -> dict[str, Any]:
    """Agreement rate, mean utilities and mean rounds over repeated negotiations."""
    if not results:
        return {"runs": 0}
    n = len(results)
    parties = results[0].parties
    agreed = [r for r in results if r.agreed]
    means = [sum(r.utilities[i] for r in results) / n for i in range(len(parties))]
    return {
        "runs": n,
        "parties": list(parties),
        "agents": list(results[0].agents),
        "agreement_rate": len(agreed) / n,
        "mean_utilities": [_finite(u) for u in means],
        "mean_rounds": sum(r.rounds for r in results) / n,
        "failures": sum(1 for r in results if r.failed is not None),
        "seeds": [r.seed for r in results],
    }
