"""The sessions a server runs: created from a scenario and seats, kept in a
:class:`~accord.storage.sessions.SessionStore`, advanced one person's move at a time.

:class:`SessionHub` is what the web app (and anything else serving people) calls: it loads a
session's scenario once, replays its moves when its state is not known yet (after a restart,
the first request does it), checks every move through :meth:`LiveSession.advance` and commits it
before answering. Moves of one session are serialised.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accord.errors import StorageError
from accord.live.live_session import LiveSession, LiveState, MoveRefused
from accord.live.people import Move
from accord.mechanisms.spec import Deadline, RunSpec
from accord.scenario import Scenario
from accord.storage.sessions import SessionStore, StoredSession

#: Prefix of a stored scenario's reference (``stored:ID``); anything else is a packaged name.
STORED = "stored:"
#: Sessions whose replayed state is kept in memory.
CACHED_SESSIONS = 512


@dataclass(frozen=True, slots=True)
class Live:
    """A session as the hub holds it: what is stored, the live session, its scenario."""

    stored: StoredSession
    session: LiveSession

    @property
    def scenario(self) -> Scenario:
        return self.session.scenario


class SessionHub:
    """Sessions on top of a store (see the module documentation)."""

    def __init__(self, store: SessionStore):
        self.store = store
        self._scenarios: dict[str, Scenario] = {}
        self._live: OrderedDict[str, Live] = OrderedDict()
        self._states: dict[str, LiveState] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    # -- scenarios -------------------------------------------------------------------------------
    def scenario(self, ref: str) -> Scenario:
        """The scenario ``ref`` names: ``stored:ID`` or a packaged scenario's name."""
        with self._guard:
            cached = self._scenarios.get(ref)
        if cached is not None:
            return cached
        if ref.startswith(STORED):
            from accord.io.yaml_format import loads_yaml

            stored = self.store.scenario(ref[len(STORED) :])
            scenario = loads_yaml(stored.yaml, source=f"{stored.name}.yaml")
        else:
            from accord.api import packaged_scenarios
            from accord.io import load_path

            packaged = packaged_scenarios()
            if ref not in packaged:
                raise StorageError(f"no scenario {ref!r}")
            scenario = load_path(packaged[ref])
        with self._guard:
            self._scenarios[ref] = scenario
        return scenario

    # -- sessions --------------------------------------------------------------------------------
    def create(
        self,
        title: str,
        scenario: str,
        parties: Sequence[str],
        *,
        protocol: str = "alternating-offers",
        mediators: Sequence[str] = (),
        rounds: int | None = None,
        options: Mapping[str, Any] | None = None,
        seed: int | None = None,
    ) -> str:
        """A new session on scenario reference ``scenario``: ``parties[i]`` plays party ``i``
        (``person`` or a registry spec), ``mediators`` likewise; returns its id. Raises
        :class:`~accord.errors.AccordError` when the seats do not fit the protocol."""
        sc = self.scenario(scenario)
        spec = RunSpec(
            scenario,
            tuple(parties),
            protocol,
            mediators=tuple(mediators),
            deadline=Deadline(rounds=rounds, per_call=None),
            seed=secrets.randbits(63) if seed is None else seed,
            options=dict(options or {}),
        )
        live = LiveSession(spec, sc)  # checks the seats, strategies and options
        sid = self.store.add_session(title or sc.name, scenario, live.spec)
        return sid

    def live(self, sid: str) -> Live:
        """A stored session, loaded (:class:`StorageError` when there is none)."""
        with self._guard:
            found = self._live.get(sid)
            if found is not None:
                self._live.move_to_end(sid)
                return found
        stored = self.store.session(sid)
        live = Live(stored, LiveSession(stored.spec, self.scenario(stored.scenario)))
        with self._guard:
            self._live[sid] = live
            while len(self._live) > CACHED_SESSIONS:
                old, _ = self._live.popitem(last=False)
                self._states.pop(old, None)
        return live

    def _lock(self, sid: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(sid, threading.Lock())

    def state(self, sid: str) -> LiveState:
        """The session's state now (replayed from the stored moves when not in memory)."""
        live = self.live(sid)
        with self._lock(sid):
            known = self._states.get(sid)
            if known is not None and known.moves == self.store.count(sid):
                return known
            state = live.session.state(self.store.moves(sid))
            self._states[sid] = state
            return state

    def move(self, sid: str, seat: int, move: Move) -> LiveState:
        """Play ``move`` for ``seat``; committed before it returns. :class:`MoveRefused` when
        it is not that seat's turn or the mechanism refuses it."""
        live = self.live(sid)
        with self._lock(sid):
            moves = self.store.moves(sid)
            after = live.session.advance(moves, seat, move, self._states.get(sid))
            if not self.store.add_move(sid, len(moves), seat, move):
                raise MoveRefused("another move was made first: reload the page")
            self._states[sid] = after
            return after

    def sessions(self) -> list[StoredSession]:
        return self.store.sessions()
