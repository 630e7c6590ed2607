"""The run contract's input: a :class:`RunSpec` says everything a run needs, as plain data.

A ``RunSpec`` names the scenario (a packaged name, a file or a folder), the protocol, the
participants by registry spec (``"boulware"``, ``"aspiration:curve=linear"``), the deadline, the
seed and the protocol's options. It is frozen, hashable, picklable and JSON-serialisable
(:meth:`RunSpec.to_dict` / :meth:`RunSpec.from_dict`), so tournaments can plan lists of them,
ship them to other processes or machines and store them; :func:`accord.run` turns one into a
:class:`~accord.mechanisms.result.NegotiationResult`. The same spec gives the same result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from accord.errors import ProtocolError

#: An option value: JSON scalars only, so that a spec stays plain data.
OptionValue = bool | int | float | str | None

#: Protocol names, as specs and results spell them.
ALTERNATING_OFFERS = "alternating-offers"
SINGLE_TEXT = "single-text"
CAUCUS = "caucus"


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a run ends without agreement, and how long one call of a participant may take.

    ``rounds``: rounds (each party acts once per round); ``seconds``: wall time of the whole
    run; ``per_call``: seconds one call of an agent, mediator or party strategy may take before
    it is recorded as failed (checked when the call returns: in-process calls cannot be
    pre-empted). When both ``rounds`` and ``seconds`` are ``None`` the protocol's default number
    of rounds applies (or the scenario timeline's deadline).
    """

    rounds: int | None = 1000
    seconds: float | None = None
    per_call: float | None = 5.0

    def __post_init__(self) -> None:
        if self.rounds is not None and (isinstance(self.rounds, bool) or self.rounds < 1):
            raise ProtocolError(f"deadline rounds must be >= 1, got {self.rounds!r}")
        for name in ("seconds", "per_call"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ProtocolError(f"deadline {name} must be > 0, got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"rounds": self.rounds, "seconds": self.seconds, "per_call": self.per_call}

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Deadline:
        unknown = set(data) - {"rounds", "seconds", "per_call"}
        if unknown:
            raise ProtocolError(f"unknown deadline keys {sorted(unknown)}")
        return Deadline(**dict(data))


class Options(Mapping[str, OptionValue]):
    """A protocol's options: an immutable, hashable, picklable mapping of JSON scalars, kept
    sorted by name."""

    __slots__ = ("_items",)
    _items: tuple[tuple[str, OptionValue], ...]

    def __init__(self, items: Mapping[str, OptionValue] | Iterable[tuple[str, OptionValue]] = ()):
        pairs = items.items() if isinstance(items, Mapping) else items
        ordered = tuple(sorted((str(k), v) for k, v in pairs))
        for key, value in ordered:
            if value is not None and not isinstance(value, bool | int | float | str):
                raise ProtocolError(f"option {key}={value!r} is not a JSON scalar")
        if len({k for k, _ in ordered}) != len(ordered):
            raise ProtocolError(f"repeated options in {ordered!r}")
        object.__setattr__(self, "_items", ordered)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("options are read-only")

    def __reduce__(self) -> tuple[type, tuple[tuple[tuple[str, OptionValue], ...]]]:
        return (Options, (self._items,))

    def __getitem__(self, key: str) -> OptionValue:
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __repr__(self) -> str:
        return f"Options({dict(self._items)!r})"


def _tuple(value: Iterable[str] | str, what: str) -> tuple[str, ...]:
    if type(value) is tuple and all(type(v) is str and v.strip() for v in value):
        return value  # the common case, kept cheap: specs are made for every run
    if isinstance(value, str):
        raise ProtocolError(f"{what} must be a list of specs, not the string {value!r}")
    out = tuple(value)
    if not all(isinstance(v, str) and v.strip() for v in out):
        raise ProtocolError(f"{what} must be non-empty strings, got {list(out)!r}")
    return out


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One run, described as plain data.

    * ``scenario`` — a packaged scenario name, a scenario file or a folder (any format);
      ``profiles`` keeps only the named parties (profile stems or party names), in order;
      ``discretize`` enumerates real issues at that many points;
    * ``protocol`` — ``alternating-offers``, ``single-text`` or ``caucus``;
    * ``parties`` — one registry spec per party, in the scenario's party order: negotiating
      agents in alternating offers, party strategies in the mediated protocols;
    * ``mediators`` — mediator specs (several form a caucus coalition; none for alternating
      offers);
    * ``deadline``, ``seed`` — see :class:`Deadline` and the seed layout of
      :mod:`accord.mechanisms.session`; ``seed=None`` draws fresh entropy (recorded in the
      result, so the run can still be repeated);
    * ``options`` — the protocol's options (``first`` mover, caucus ``budget`` and
      ``phased``, single-text ``initial`` text), validated by the protocol.
    """

    scenario: str
    parties: tuple[str, ...]
    protocol: str = ALTERNATING_OFFERS
    mediators: tuple[str, ...] = ()
    deadline: Deadline = field(default_factory=Deadline)
    seed: int | None = 0
    options: Mapping[str, OptionValue] = field(default_factory=Options)
    profiles: tuple[str, ...] | None = None
    discretize: int = 11

    def __post_init__(self) -> None:
        if not isinstance(self.scenario, str) or not self.scenario:
            raise ProtocolError(f"a run spec names its scenario, got {self.scenario!r}")
        set_ = object.__setattr__
        set_(self, "parties", _tuple(self.parties, "parties"))
        set_(self, "mediators", _tuple(self.mediators, "mediators"))
        if self.profiles is not None:
            set_(self, "profiles", _tuple(self.profiles, "profiles"))
        if not isinstance(self.options, Options):
            set_(self, "options", Options(self.options))
        if isinstance(self.seed, bool) or not (
            self.seed is None or (isinstance(self.seed, int) and self.seed >= 0)
        ):
            raise ProtocolError(f"seed must be a non-negative integer or None, got {self.seed!r}")
        if isinstance(self.discretize, bool) or not (
            isinstance(self.discretize, int) and self.discretize >= 2
        ):
            raise ProtocolError(f"discretize must be an integer >= 2, got {self.discretize!r}")

    def option(self, name: str, default: OptionValue = None) -> OptionValue:
        """The value of one protocol option (``default`` when the spec does not set it)."""
        return self.options.get(name, default)

    def with_seed(self, seed: int | None) -> RunSpec:
        """The same run with another seed."""
        if isinstance(seed, bool) or not (seed is None or (isinstance(seed, int) and seed >= 0)):
            raise ProtocolError(f"seed must be a non-negative integer or None, got {seed!r}")
        copy = object.__new__(RunSpec)  # the rest is already checked: copied as it is
        for name in RunSpec.__dataclass_fields__:
            object.__setattr__(copy, name, seed if name == "seed" else getattr(self, name))
        return copy

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data; :meth:`from_dict` gives back an equal spec."""
        return {
            "scenario": self.scenario,
            "profiles": None if self.profiles is None else list(self.profiles),
            "discretize": self.discretize,
            "protocol": self.protocol,
            "parties": list(self.parties),
            "mediators": list(self.mediators),
            "deadline": self.deadline.to_dict(),
            "seed": self.seed,
            "options": dict(self.options),
        }

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> RunSpec:
        known = {f for f in RunSpec.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise ProtocolError(f"unknown run spec keys {sorted(unknown)}")
        values = dict(data)
        if "deadline" in values:
            values["deadline"] = Deadline.from_dict(values["deadline"])
        try:
            return RunSpec(**values)
        except TypeError as exc:
            raise ProtocolError(f"bad run spec: {exc}") from None

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @staticmethod
    def from_json(text: str) -> RunSpec:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ProtocolError(f"run spec is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ProtocolError("a run spec is a JSON object")
        return RunSpec.from_dict(data)
