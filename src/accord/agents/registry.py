"""The registry of agent strategies: stable ids → factories.

Built-ins register themselves with :func:`register`; third-party agents plug in through the
``accord.agents`` entry-point group (the entry point's name is the id). Duplicate ids are errors.
An agent spec on the command line reads ``ID`` or ``ID:param=value,param=value``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any, TypeVar

from accord.errors import AgentError
from accord.mechanisms.protocol import Agent

T = TypeVar("T")
ENTRY_POINT_GROUP = "accord.agents"


@dataclass(frozen=True, slots=True)
class AgentInfo:
    id: str
    factory: Callable[..., Agent]
    summary: str
    doc: str
    builtin: bool


_REGISTRY: dict[str, AgentInfo] = {}
_LOADED = {"plugins": False, "builtins": False}


def register(agent_id: str) -> Callable[[T], T]:
    """Class decorator registering a built-in agent under ``agent_id``."""

    def deco(cls: T) -> T:
        _add(agent_id, cls, builtin=True)  # type: ignore[arg-type]
        return cls

    return deco


def _add(agent_id: str, factory: Callable[..., Agent], builtin: bool) -> None:
    if agent_id in _REGISTRY:
        raise AgentError(agent_id, "an agent with this id is already registered")
    doc = inspect.getdoc(factory) or ""
    summary = " ".join(doc.strip().split("\n\n")[0].split()) if doc.strip() else ""
    _REGISTRY[agent_id] = AgentInfo(agent_id, factory, summary, doc, builtin)


def _ensure_loaded() -> None:
    if not _LOADED["builtins"]:
        _LOADED["builtins"] = True
        import accord.agents.builtin  # noqa: F401  (registers the built-ins)
    if not _LOADED["plugins"]:
        _LOADED["plugins"] = True
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            try:
                factory = ep.load()
            except Exception as exc:  # a broken plug-in must not break accord
                raise AgentError(ep.name, f"plug-in failed to load: {exc}") from exc
            _add(ep.name, factory, builtin=False)


def agents() -> dict[str, AgentInfo]:
    """Every registered agent, by id."""
    _ensure_loaded()
    return dict(sorted(_REGISTRY.items()))


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """``"boulware:e=0.2,k=0"`` → ``("boulware", {"e": "0.2", "k": "0"})``."""
    agent_id, _, rest = spec.partition(":")
    params: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise AgentError(agent_id, f"bad parameter {part!r}: write name=value")
        params[key.strip()] = value.strip()
    return agent_id.strip(), params


def make_agent(spec: str, **overrides: Any) -> Agent:
    """Build an agent from ``ID`` or ``ID:param=value,…`` (values converted to the parameter's
    annotated type)."""
    agent_id, raw = parse_spec(spec)
    registry = agents()
    if agent_id not in registry:
        raise AgentError(agent_id, f"unknown agent; known: {', '.join(registry)}")
    factory = registry[agent_id].factory
    params = _convert(agent_id, factory, raw)
    params.update(overrides)
    try:
        return factory(**params)
    except TypeError as exc:
        raise AgentError(agent_id, f"bad parameters: {exc}") from None


def _convert(agent_id: str, factory: Callable[..., Any], raw: dict[str, str]) -> dict[str, Any]:
    sig = inspect.signature(factory)
    out: dict[str, Any] = {}
    for key, text in raw.items():
        if key not in sig.parameters:
            known = ", ".join(p for p in sig.parameters if p != "self")
            raise AgentError(agent_id, f"no parameter {key!r} (parameters: {known or 'none'})")
        kind = sig.parameters[key].annotation
        kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
        try:
            if "bool" in kind:
                out[key] = text.lower() in ("1", "true", "yes", "on")
            elif "int" in kind and "float" not in kind:
                out[key] = int(text)
            elif "float" in kind:
                out[key] = float(text)
            else:
                out[key] = text
        except ValueError:
            raise AgentError(agent_id, f"parameter {key}={text!r} is not a {kind}") from None
    return out
