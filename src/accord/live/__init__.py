"""Live sessions: people negotiate with agents, with each other or through a mediator, one move
at a time, through the run contract (:mod:`accord.live.live_session`); their moves are kept in a
session store (:mod:`accord.storage.sessions`) and served by the web app (``accord serve``).
"""

from accord.live.brief import own_utility, party_brief, public_brief, utility_of
from accord.live.live_session import PERSON, LiveSession, LiveState, MoveRefused, SeatInfo
from accord.live.people import PEOPLE, Move, MoveError, Person, Prompt, Waiting, package

__all__ = [
    "PEOPLE",
    "PERSON",
    "LiveSession",
    "LiveState",
    "Move",
    "MoveError",
    "MoveRefused",
    "Person",
    "Prompt",
    "SeatInfo",
    "Waiting",
    "own_utility",
    "package",
    "party_brief",
    "public_brief",
    "utility_of",
]
