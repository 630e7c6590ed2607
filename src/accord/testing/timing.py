"""Timing the participant under test: :func:`timed` wraps an agent, a mediator or a party
strategy in an object of the same role that records how long each of its calls takes
(``start`` is not timed: it may prepare; the mechanism's per-call limit still applies to it)."""

from __future__ import annotations

import time
from typing import Any

from accord.mechanisms.alternating_offers import Agent
from accord.mechanisms.caucus import CaucusMediator, CaucusParty
from accord.mechanisms.single_text import SingleTextMediator, Voter


class Calls:
    """The durations of the calls of the participant under test in one run."""

    __slots__ = ("durations",)

    def __init__(self) -> None:
        self.durations: list[float] = []

    @property
    def mean(self) -> float:
        return sum(self.durations) / len(self.durations) if self.durations else 0.0


class _Timed:
    __slots__ = ("calls", "inner")

    def __init__(self, inner: Any, calls: Calls):
        self.inner = inner
        self.calls = calls

    def _call(self, method: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return getattr(self.inner, method)(*args)
        finally:
            self.calls.durations.append(time.perf_counter() - started)

    def start(self, view: Any) -> None:
        self.inner.start(view)


class _TimedAgent(_Timed):
    __slots__ = ()

    def propose(self, view: Any) -> Any:
        return self._call("propose", view)

    def respond(self, view: Any, offer: int, proposer: str) -> Any:
        return self._call("respond", view, offer, proposer)


class _TimedTextMediator(_Timed):
    __slots__ = ()

    def propose(self, view: Any) -> Any:
        return self._call("propose", view)

    def observe(self, view: Any, accepted: bool) -> Any:
        return self._call("observe", view, accepted)


class _TimedVoter(_Timed):
    __slots__ = ()

    def vote(self, view: Any, current: int, proposal: int) -> Any:
        return self._call("vote", view, current, proposal)


class _TimedCaucusMediator(_Timed):
    __slots__ = ()

    def next_message(self, view: Any, party: str) -> Any:
        return self._call("next_message", view, party)


class _TimedCaucusParty(_Timed):
    __slots__ = ()

    def answer(self, view: Any, query: Any) -> Any:
        return self._call("answer", view, query)


_WRAPPERS: dict[type, type[_Timed]] = {
    Agent: _TimedAgent,
    SingleTextMediator: _TimedTextMediator,
    Voter: _TimedVoter,
    CaucusMediator: _TimedCaucusMediator,
    CaucusParty: _TimedCaucusParty,
}


def timed(participant: Any, interface: type | None, calls: Calls) -> Any:
    """``participant`` wrapped to record its calls' durations in ``calls`` (unwrapped, and
    untimed, for an interface without a wrapper)."""
    wrapper = _WRAPPERS.get(interface) if interface is not None else None
    return participant if wrapper is None else wrapper(participant, calls)
