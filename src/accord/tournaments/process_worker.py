"""A local worker process of :class:`~accord.tournaments.executors.ProcessExecutor`.

Started as ``python -m accord.tournaments.process_worker FD``, ``FD`` being its end of a socket
pair with the supervisor: it says it is ready, then runs each call it receives and sends back
the answer (or the exception) until it is told to stop or the supervisor goes away. It imports
nothing of the program that started it, so any program (a script without a ``__main__`` guard
too) can run tournaments on processes.
"""

from __future__ import annotations

import os
import pickle
import sys
from multiprocessing.connection import Connection
from typing import Any


def serve(fd: int) -> None:
    conn = Connection(fd)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, call = message
        reply: tuple[Any, bool, Any]
        try:
            fn, args, kwargs = pickle.loads(call)
        except Exception as exc:  # e.g. a function this process cannot import
            from accord.errors import AccordError

            reply = (task, False, AccordError(f"a worker could not load the call: {exc!r}"))
        else:
            try:
                reply = (task, True, fn(*args, **kwargs))
            except BaseException as exc:
                reply = (task, False, exc)
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable answer or exception
            from accord.errors import AccordError

            conn.send((task, False, AccordError(f"could not send the answer back: {exc!r}")))


if __name__ == "__main__":
    serve(int(sys.argv[1]))
