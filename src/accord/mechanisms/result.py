"""The run contract's output: one result type, the same shape for every protocol.

:class:`NegotiationResult` is what :func:`accord.run` returns for alternating offers, single-text
and caucus mediation alike; ``to_dict()`` has the same top-level keys for every protocol (the
CLI's ``--json``), what differs lives under ``details``. A participant that misbehaved is
described by one :class:`Failure` record. Results pickle, and ``from_dict(to_dict())`` gives the
result back (with its trace when it was included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from accord.errors import ParticipantFailure
from accord.mechanisms.spec import RunSpec
from accord.mechanisms.trace import Trace, TraceEvent
from accord.outcomes.issues import Value

#: The top-level keys of ``NegotiationResult.to_dict()`` (plus ``trace`` when asked for).
RESULT_KEYS = (
    "scenario",
    "protocol",
    "parties",
    "agents",
    "mediator",
    "mediators",
    "agreement",
    "agreement_index",
    "utilities",
    "discounted_utilities",
    "rounds",
    "seconds",
    "reason",
    "failed_agent",
    "failure",
    "seed",
    "details",
    "spec",
)


@dataclass(frozen=True, slots=True)
class Failure:
    """Who failed and why: ``participant`` (its id), ``role`` (``agent``, ``mediator``,
    ``party``), ``seat`` (the party it plays, or the mediator's name), ``reason`` and the
    ``round`` in which it happened."""

    participant: str
    role: str
    seat: str
    reason: str
    round: int

    @staticmethod
    def from_error(error: ParticipantFailure, round: int) -> Failure:
        return Failure(error.participant, error.role, error.seat, error.reason, round)

    def describe(self) -> str:
        """``failure: agent boulware (Alice) raised …``, as the result's ``reason`` reads."""
        seat = "" if self.seat == self.participant else f" ({self.seat})"
        return f"failure: {self.role} {self.participant}{seat} {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "participant": self.participant,
            "role": self.role,
            "seat": self.seat,
            "reason": self.reason,
            "round": self.round,
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Failure:
        return Failure(
            str(data["participant"]),
            str(data["role"]),
            str(data["seat"]),
            str(data["reason"]),
            int(data["round"]),
        )


@dataclass(frozen=True, slots=True)
class NegotiationResult:
    """What happened in one run: agreement (or not), everyone's utility, rounds, why it ended,
    who failed, the trace, and the spec that produced it."""

    scenario: str
    parties: tuple[str, ...]
    agents: tuple[str, ...]  # the participant id playing each party
    agreement: int | None
    outcome: dict[str, Value] | None
    utilities: tuple[float, ...]
    discounted: tuple[float, ...]
    rounds: int
    time: float
    reason: str
    seed: int | None
    trace: Trace
    protocol: str = "alternating-offers"
    mediators: tuple[str, ...] = ()
    failure: Failure | None = None
    details: dict[str, Any] = field(default_factory=dict)  # protocol-specific, JSON-able
    spec: RunSpec | None = None

    @property
    def agreed(self) -> bool:
        return self.agreement is not None

    @property
    def failed(self) -> str | None:
        """The id of the participant that failed, if one did."""
        return None if self.failure is None else self.failure.participant

    @property
    def mediator(self) -> str | None:
        """The mediators' names joined with ``+`` (``None`` without a mediator)."""
        return "+".join(self.mediators) if self.mediators else None

    def to_dict(self, *, with_trace: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "protocol": self.protocol,
            "parties": list(self.parties),
            "agents": list(self.agents),
            "mediator": self.mediator,
            "mediators": list(self.mediators),
            "agreement": self.outcome,
            "agreement_index": self.agreement,
            "utilities": [_finite(u) for u in self.utilities],
            "discounted_utilities": [_finite(u) for u in self.discounted],
            "rounds": self.rounds,
            "seconds": round(self.time, 6),
            "reason": self.reason,
            "failed_agent": self.failed,
            "failure": None if self.failure is None else self.failure.to_dict(),
            "seed": self.seed,
            "details": self.details,
            "spec": None if self.spec is None else self.spec.to_dict(),
        }
        if with_trace:
            out["trace"] = [e.to_dict() for e in self.trace]
        return out

    @staticmethod
    def from_dict(data: dict[str, Any]) -> NegotiationResult:
        """The result ``to_dict`` described (its trace only if it was included; a utility that
        was not finite comes back as NaN)."""
        failure = data.get("failure")
        spec = data.get("spec")
        trace = Trace(tuple(TraceEvent.from_dict(e) for e in data.get("trace", ())))
        return NegotiationResult(
            scenario=data["scenario"],
            parties=tuple(data["parties"]),
            agents=tuple(data["agents"]),
            agreement=data["agreement_index"],
            outcome=data["agreement"],
            utilities=tuple(_number(u) for u in data["utilities"]),
            discounted=tuple(_number(u) for u in data["discounted_utilities"]),
            rounds=int(data["rounds"]),
            time=float(data["seconds"]),
            reason=str(data["reason"]),
            seed=data["seed"],
            trace=trace,
            protocol=str(data["protocol"]),
            mediators=tuple(data["mediators"]),
            failure=None if failure is None else Failure.from_dict(failure),
            details=dict(data["details"]),
            spec=None if spec is None else RunSpec.from_dict(spec),
        )


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _number(x: float | None) -> float:
    return math.nan if x is None else float(x)


def summarize(results: list[NegotiationResult]) -> dict[str, Any]:
    """Agreement rate, mean utilities and mean rounds over repeated runs."""
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
        "failures": sum(1 for r in results if r.failure is not None),
        "seeds": [r.seed for r in results],
    }
