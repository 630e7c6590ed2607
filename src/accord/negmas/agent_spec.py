"""``negmas:`` agent specs: a NegMAS negotiator class by import path, with parameters.

``negmas:negmas.sao.AspirationNegotiator`` or
``negmas:negmas.sao.AspirationNegotiator:max_aspiration=0.9,aspiration_type=boulware``: the
class (``module.Class``, a NegMAS ``SAONegotiator``) is imported, and each parameter value is
read as a Python literal (``0.9``, ``True``, ``'x'``, ``None``) or else kept as text. The
registry (:mod:`accord.registry`) hands such specs to :func:`strategy_info`, which imports
this package only then.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from typing import Any

from negmas.gb.negotiators import GBNegotiator
from negmas.sao import SAONegotiator

from accord.errors import AgentError
from accord.mechanisms.spec import ALTERNATING_OFFERS
from accord.negmas.hosted import NegmasAgent
from accord.registry import StrategyInfo

PREFIX = "negmas:"


def parse(spec: str) -> tuple[str, dict[str, Any]]:
    """``"negmas:pkg.Class:a=1,b=x"`` → ``("pkg.Class", {"a": 1, "b": "x"})``."""
    if not spec.startswith(PREFIX):
        raise AgentError(spec, f"a NegMAS agent spec starts with {PREFIX!r}")
    path, _, rest = spec[len(PREFIX) :].partition(":")
    path = path.strip()
    if not path or "." not in path:
        raise AgentError(
            spec, "write negmas:<module>.<Class>, e.g. negmas:negmas.sao.AspirationNegotiator"
        )
    params: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, text = part.partition("=")
        if not eq or not key.strip():
            raise AgentError(spec, f"bad parameter {part!r}: write name=value")
        try:
            value: Any = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            value = text.strip()
        params[key.strip()] = value
    return path, params


def negotiator_class(spec: str, path: str) -> type:
    """Import the NegMAS negotiator class ``path`` names (``module.Class``)."""
    module_name, _, name = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AgentError(spec, f"cannot import {module_name!r}: {exc}") from None
    cls = getattr(module, name, None)
    if not isinstance(cls, type) or not issubclass(cls, SAONegotiator | GBNegotiator):
        raise AgentError(spec, f"{path} is not a NegMAS SAO negotiator class")
    return cls


def _build(spec: str, cls: type, params: dict[str, Any]) -> NegmasAgent:
    try:
        cls(**params)  # fail at construction, with accord's message, not in the first call
    except TypeError as exc:
        raise AgentError(spec, f"bad parameters: {exc}") from None
    return NegmasAgent(functools.partial(cls, **params), spec)


def strategy_info(spec: str) -> StrategyInfo:
    """The registry entry of a ``negmas:`` spec; its factory builds a :class:`NegmasAgent`."""
    path, params = parse(spec)
    cls = negotiator_class(spec, path)
    doc = inspect.getdoc(cls) or ""
    summary = " ".join(doc.strip().split("\n\n")[0].split()) if doc.strip() else ""
    return StrategyInfo(
        id=spec,
        role="agent",
        protocols=(ALTERNATING_OFFERS,),
        params=(),
        factory=functools.partial(_build, spec, cls, params),
        summary=f"NegMAS {cls.__name__} (hosted): {summary}",
        doc=doc,
        builtin=False,
    )
