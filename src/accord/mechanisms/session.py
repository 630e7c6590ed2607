"""The mechanism base every protocol runs on: clock, guarded calls, failures, seeds, results.

A protocol (:mod:`accord.mechanisms.alternating_offers`, :mod:`~accord.mechanisms.single_text`,
:mod:`~accord.mechanisms.caucus`) subclasses :class:`Session` and adds only its rules and the
views of its roles; it declares itself with a :class:`ProtocolInfo` (its roles, options and
default deadline) so that :func:`accord.run` can run it from a
:class:`~accord.mechanisms.spec.RunSpec`.

**Seats.** Party ``i`` of the scenario sits at seat ``i``; mediator ``j`` at seat ``-1 - j``.

**Seed layout** (one for every protocol). The run's seed feeds
``numpy.random.SeedSequence(seed)``, whose children go, by index:

* child ``i`` (``0 <= i < n``, ``n`` parties): party ``i``'s participant — the generator of its
  view (``view.rng``), whatever the protocol;
* child ``n``: the mechanism's own draws — the initial text of single-text mediation; in caucus
  mediation the per-party seeds (``view.party_seed(party)``) from which mediators choose the
  questions they put to each party;
* child ``n + 1 + j``: mediator ``j``'s generator (``view.rng``).

A seed of ``None`` draws fresh entropy; the result records the entropy as its seed, so any run
can be repeated.

**The guarded call.** Every call of a participant goes through :meth:`Session.call` (the
alternating-offers hot loop inlines the same steps): an exception, an answer the rules reject or
a call over ``Deadline.per_call`` seconds becomes a :class:`~accord.errors.ParticipantFailure`,
which ends the run as a recorded :class:`~accord.mechanisms.result.Failure` — never a crash.

**The record.** Events are kept as plain rows in ``Session.rows``, or streamed: given a
:class:`~accord.mechanisms.sink.TraceSink` (``ProtocolInfo.run(..., sink=)``), a session writes
its rows out as JSON Lines as they come and keeps none (:meth:`Session.stream_to`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from accord.errors import ParticipantFailure, ProtocolError
from accord.mechanisms.own import OwnPreferences, OwnUtility
from accord.mechanisms.result import Failure, NegotiationResult
from accord.mechanisms.sink import TraceSink
from accord.mechanisms.spec import OptionValue, RunSpec
from accord.mechanisms.trace import Kind, Row, Trace, events_from_rows
from accord.scenario import Scenario

Seat = int  # party i: i >= 0; mediator j: -1 - j


def mediator_seat(j: int) -> Seat:
    return -1 - j


class Clock:
    """Round and wall time of a run, shared by the mechanism (which advances it) and the views
    it hands out (which only read it)."""

    __slots__ = ("round", "rounds", "seconds", "t0")

    def __init__(self, rounds: int | None, seconds: float | None):
        self.rounds = rounds
        self.seconds = seconds
        self.round = 0
        self.t0 = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    @property
    def time(self) -> float:
        """Relative time in [0, 1]: the larger of rounds used and seconds used."""
        t = self.round / self.rounds if self.rounds else 0.0
        if self.seconds:
            t = max(t, self.elapsed / self.seconds)
        return t if t < 1.0 else 1.0

    def out_of_time(self) -> bool:
        """Whether the wall-time deadline (if any) has passed."""
        return self.seconds is not None and self.elapsed >= self.seconds


class SeedLayout:
    """The children of the run's seed, by the layout in the module documentation."""

    __slots__ = ("entropy", "mediators", "parties")

    def __init__(self, seed: int | None, parties: int, mediators: int):
        if seed is None:
            seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
        self.entropy: int = seed
        self.parties = parties
        self.mediators = mediators

    def child(self, i: int) -> np.random.SeedSequence:
        """Child ``i`` of ``SeedSequence(seed)``: what ``SeedSequence(seed).spawn(k)[i]`` is
        (made on demand: most runs draw from few of them)."""
        return np.random.SeedSequence(self.entropy, spawn_key=(i,))

    def party_seed(self, i: int) -> np.random.SeedSequence:
        return self.child(i)

    def party(self, i: int) -> np.random.Generator:
        return np.random.default_rng(self.child(i))

    def mechanism(self) -> np.random.SeedSequence:
        return self.child(self.parties)

    def mediator(self, j: int) -> np.random.Generator:
        return np.random.default_rng(self.child(self.parties + 1 + j))


@dataclass(frozen=True, slots=True)
class Option:
    """One option a protocol takes from ``RunSpec.options``."""

    name: str
    kind: type
    default: OptionValue
    doc: str


#: Options already checked, by protocol, options and their values' types (the same few recur run
#: after run; the types keep ``{"x": 1}`` and ``{"x": True}``, equal as keys, apart).
_CHECKED_OPTIONS: dict[tuple[str, Mapping[str, OptionValue], tuple[type, ...]], dict[str, Any]] = {}


@dataclass(frozen=True, slots=True)
class ProtocolInfo:
    """What a protocol declares: its roles (the interfaces its participants implement), how
    many mediators it takes, its options and default deadline, and ``play``, which runs it."""

    name: str
    summary: str
    party_role: str  # "agent" (alternating offers) or "party" (mediated protocols)
    party_interface: type
    mediator_interface: type | None
    mediators: tuple[int, int | None]  # fewest and most mediators (None: any number)
    default_rounds: int
    options: tuple[Option, ...]
    play: Callable[..., NegotiationResult]

    def run(
        self,
        spec: RunSpec,
        scenario: Scenario,
        parties: Sequence[Any],
        mediators: Sequence[Any] = (),
        sink: TraceSink | None = None,
    ) -> NegotiationResult:
        """Run ``spec`` on ``scenario`` with these participant objects (``parties[i]`` plays
        party ``i``; the spec's ids name them). Every protocol's run goes through here; with a
        ``sink`` its sessions stream their rows to it (the caller closes it)."""
        if spec.protocol != self.name:
            raise ProtocolError(f"a {spec.protocol} spec given to {self.name}")
        self.check_participants(spec, scenario)
        if len(parties) != len(spec.parties) or len(mediators) != len(spec.mediators):
            raise ProtocolError("one participant object per participant id is needed")
        for role, ids, objects in (
            (self.party_role, spec.parties, parties),
            ("mediator", spec.mediators, mediators),
        ):
            kind = self.interface(role)
            for pid, obj in zip(ids, objects, strict=True):
                if kind is None or not implements(obj, kind):
                    raise ProtocolError(
                        f"{pid!r} cannot act as a {role} in {self.name} "
                        f"(it does not implement {getattr(kind, '__name__', 'it')})"
                    )
        if scenario.space.is_continuous:
            raise ProtocolError(f"scenario {scenario.name!r} is continuous: discretise it first")
        if sink is None:
            return self.play(scenario, spec, parties, mediators, self.check_options(spec))
        return self.play(scenario, spec, parties, mediators, self.check_options(spec), sink=sink)

    def interface(self, role: str) -> type | None:
        """The interface a participant of ``role`` implements in this protocol."""
        if role == self.party_role:
            return self.party_interface
        return self.mediator_interface if role == "mediator" else None

    def check_options(self, spec: RunSpec) -> dict[str, Any]:
        """The spec's options with defaults filled in; :class:`ProtocolError` on unknown ones
        or wrong types."""
        key = (self.name, spec.options, tuple(type(v) for v in spec.options.values()))
        checked = _CHECKED_OPTIONS.get(key)
        if checked is None:
            checked = self._check_options(spec)
            if len(_CHECKED_OPTIONS) > 4096:
                _CHECKED_OPTIONS.clear()
            _CHECKED_OPTIONS[key] = checked
        return dict(checked)

    def _check_options(self, spec: RunSpec) -> dict[str, Any]:
        declared = {o.name: o for o in self.options}
        unknown = [k for k in spec.options if k not in declared]
        if unknown:
            known = ", ".join(declared) or "none"
            raise ProtocolError(f"{self.name} takes no option {unknown} (options: {known})")
        out: dict[str, Any] = {}
        for option in self.options:
            value = spec.option(option.name, option.default)
            if value is not None and not _is(value, option.kind):
                raise ProtocolError(
                    f"{self.name} option {option.name}={value!r} is not a {option.kind.__name__}"
                )
            out[option.name] = value
        return out

    def check_participants(self, spec: RunSpec, scenario: Scenario) -> None:
        n = len(scenario.parties)
        if n < 2 or len(spec.parties) != n:
            raise ProtocolError(
                f"need one {self.party_role} per party ({n} parties, {len(spec.parties)} given)"
            )
        low, high = self.mediators
        m = len(spec.mediators)
        if m < low or (high is not None and m > high):
            want = str(low) if low == high else f"at least {low}"
            raise ProtocolError(f"{self.name} takes {want} mediator(s), got {m}")


_IMPLEMENTS: dict[tuple[type, type], bool] = {}


def implements(obj: object, interface: type) -> bool:
    """``isinstance(obj, interface)`` for a runtime-checkable Protocol, remembered per class
    (the structural check walks the Protocol's members on every call; a class's methods do not
    change between runs). Objects with ``__getattr__`` are checked every time."""
    cls = type(obj)
    if hasattr(cls, "__getattr__"):
        return isinstance(obj, interface)
    key = (cls, interface)
    known = _IMPLEMENTS.get(key)
    if known is None:
        known = _IMPLEMENTS[key] = isinstance(obj, interface)
    return known


def too_slow(took: float, what: str, limit: float) -> str:
    """The reason recorded for a call over the per-call limit."""
    return f"took {took:.3f} s in {what}, over the {limit} s limit per call"


def _is(value: object, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


class Session:
    """The state every run shares; a protocol subclasses it with its rules and views.

    ``own[i]`` is party ``i``'s own preferences (:class:`~accord.mechanisms.own.OwnUtility` or
    :class:`~accord.mechanisms.own.OwnPreferences`), set by the protocol and replaced when
    events change them; the result's utilities are read from them.
    """

    protocol: str = ""
    party_role: str = "party"

    def __init__(
        self,
        scenario: Scenario,
        spec: RunSpec,
        rounds: int | None,
        mediator_names: Sequence[str] = (),
    ):
        n = len(scenario.parties)
        self.scenario = scenario
        self.spec = spec
        self.deadline = spec.deadline
        self.names = scenario.party_names
        self.party_ids = spec.parties
        self.mediator_names = tuple(mediator_names)
        self.size = scenario.space.size or 0
        self.seeds = SeedLayout(spec.seed, n, len(self.mediator_names))
        self.clock = Clock(rounds, spec.deadline.seconds)
        #: the trace as it is recorded: plain rows, turned into events when first read (or a
        #: TraceSink that writes them out as they come: :meth:`stream_to`)
        self.rows: list[Row] | TraceSink = []
        #: each party's own preferences as they stand (the protocol sets them)
        self.own: list[OwnUtility | OwnPreferences] = []
        #: the scenario's agreement rule, and whether it needs every party (the default)
        self.rule = scenario.rule
        self.unanimity = scenario.rule.is_unanimity(self.names)

    # -- the agreement rule ----------------------------------------------------------------------
    def passes(self, accepting: Sequence[str]) -> bool:
        """Whether the parties ``accepting`` pass the scenario's agreement rule."""
        if self.unanimity:
            return len(set(accepting)) == len(self.names)
        return self.rule.passes_names(accepting, self.names)

    def rule_details(self, accepting: Sequence[str] | None) -> dict[str, Any]:
        """Under a rule other than unanimity: the rule in words and, with an agreement, who
        accepted it and who was left out (``{}`` under unanimity)."""
        if self.unanimity:
            return {}
        out: dict[str, Any] = {"agreement_rule": self.rule.describe(self.names)}
        if accepting is not None:
            chosen = set(accepting)
            out["accepted_by"] = [n for n in self.names if n in chosen]
            out["left_out"] = [n for n in self.names if n not in chosen]
        return out

    # -- who is who --------------------------------------------------------------------------
    def who(self, seat: Seat) -> tuple[str, str, str]:
        """``(participant id, role, seat name)`` of a seat."""
        if seat >= 0:
            return self.party_ids[seat], self.party_role, self.names[seat]
        j = -1 - seat
        return self.spec.mediators[j], "mediator", self.mediator_names[j]

    def failure(self, seat: Seat, reason: str) -> ParticipantFailure:
        """The failure of the participant at ``seat`` (raise it)."""
        participant, role, name = self.who(seat)
        return ParticipantFailure(participant, role, name, reason)

    # -- the guarded call --------------------------------------------------------------------
    def call(self, seat: Seat, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` for the participant at ``seat``: an exception or a call over the
        per-call limit becomes its :class:`ParticipantFailure`, naming ``what`` it was doing."""
        limit = self.deadline.per_call
        started = time.perf_counter()
        try:
            out = fn(*args)
        except Exception as exc:
            raise self.failure(seat, f"raised {exc!r} in {what}") from exc
        if limit is not None:
            took = time.perf_counter() - started
            if took > limit:
                raise self.failure(seat, too_slow(took, what, limit))
        return out

    # -- the record ----------------------------------------------------------------------------
    def record(
        self,
        party: str | None,
        kind: Kind,
        outcome: int | None = None,
        note: str = "",
        recipient: str | None = None,
        *,
        round: int | None = None,
    ) -> None:
        """One trace event, in the current round unless ``round`` says otherwise."""
        rnd = self.clock.round if round is None else round
        self.rows.append((rnd, self.clock.elapsed, party, kind, outcome, note, recipient))

    def stream_to(self, sink: TraceSink | None) -> Self:
        """Stream this session's rows to ``sink`` (if given) instead of keeping them."""
        if sink is not None and isinstance(self.rows, list):
            for row in self.rows:
                sink.append(row)
            self.rows = sink
        return self

    def last_kind(self) -> str | None:
        return self.rows[-1][3] if self.rows else None

    def record_failure(self, error: ParticipantFailure) -> Failure:
        """Record a failure in the trace (unless the rules just did) and return its record."""
        if self.last_kind() != "failure":
            self.record(error.seat, "failure", None, error.reason)
        return Failure.from_error(error, self.clock.round)

    def trace(self) -> Trace:
        """The recorded trace; its event objects are built on first access (most callers of a
        fast negotiation never look)."""
        rows = self.rows
        if not isinstance(rows, list):
            return Trace(())  # streamed: the runner hands over the sink's trace
        return Trace.deferred(lambda: events_from_rows(rows))

    # -- the result ----------------------------------------------------------------------------
    def discounted(self, i: int, utility: float, agreed: bool, rounds: int) -> float:
        """Party ``i``'s ``utility`` discounted at the relative time the run ended (protocols
        with their own rule override this)."""
        discount = self.own[i].discount
        return utility * discount**self.clock.time if discount is not None else utility

    def result(
        self,
        agreement: int | None,
        reason: str,
        rounds: int,
        failure: Failure | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> NegotiationResult:
        """The run's result; utilities are each party's own (its reservation value without
        agreement)."""
        utilities, discounted = [], []
        for i, own in enumerate(self.own):
            u = own.utility(agreement) if agreement is not None else own.reservation
            utilities.append(u)
            discounted.append(self.discounted(i, u, agreement is not None, rounds))
        space = self.scenario.space
        outcome = space.decode(space.from_index(agreement)) if agreement is not None else None
        spec = self.spec
        if spec.seed is None:
            spec = spec.with_seed(self.seeds.entropy)
        return NegotiationResult(
            scenario=self.scenario.name,
            parties=self.names,
            agents=self.party_ids,
            agreement=agreement,
            outcome=outcome,
            utilities=tuple(utilities),
            discounted=tuple(discounted),
            rounds=rounds,
            time=self.clock.elapsed,
            reason=failure.describe() if failure is not None else reason,
            seed=self.seeds.entropy,
            trace=self.trace(),
            protocol=self.protocol,
            mediators=self.mediator_names,
            failure=failure,
            details=dict(details or {}),
            spec=spec,
        )
