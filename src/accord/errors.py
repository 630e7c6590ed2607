"""The exceptions accord raises. Every error a user can cause derives from :class:`AccordError`."""

from __future__ import annotations

from pathlib import Path


class AccordError(Exception):
    """Base class of every error accord raises on purpose."""


class FileError(AccordError):
    """Bad input that may come from a file: ``file`` and ``line`` locate the problem when it
    does; ``str(err)`` reads ``file:line: reason`` so that a person can go straight to it."""

    def __init__(self, reason: str, file: str | Path | None = None, line: int | None = None):
        self.reason = reason
        self.file = str(file) if file is not None else None
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        if self.file is None:
            return self.reason
        if self.line is None:
            return f"{self.file}: {self.reason}"
        return f"{self.file}:{self.line}: {self.reason}"


class ScenarioError(FileError):
    """A scenario (or a file describing one) is invalid."""


class ConfigError(FileError):
    """A tournament configuration (or the file describing it) is invalid."""


class ProtocolError(AccordError):
    """A negotiation protocol was used or configured incorrectly."""


class AgentError(AccordError):
    """An agent misbehaved (raised, timed out or made an illegal move)."""

    def __init__(self, agent: str, reason: str):
        self.agent = agent
        self.reason = reason
        super().__init__(f"agent {agent!r}: {reason}")


class ParticipantFailure(AgentError):
    """A participant of a run (agent, mediator or party strategy) raised, was too slow or made an
    illegal move. Mechanisms raise it inside a run and record it in the result (the run ends
    with ``reason`` ``failure: …``); it never escapes :func:`accord.run`.

    ``participant`` is the participant's id (its registry spec), ``role`` one of ``agent``,
    ``mediator``, ``party``, and ``seat`` the party it plays or the mediator's name.
    """

    def __init__(self, participant: str, role: str, seat: str, reason: str):
        self.participant = participant
        self.role = role
        self.seat = seat
        super().__init__(participant, reason)

    def __reduce__(self) -> tuple[type, tuple[str, str, str, str]]:
        return (type(self), (self.participant, self.role, self.seat, self.reason))


class StorageError(AccordError):
    """Reading or writing the result store failed."""
