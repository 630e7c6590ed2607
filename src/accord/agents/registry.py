"""Registries of strategies: stable ids → factories.

Three registries share one implementation: negotiating **agents** (entry-point group
``accord.agents``), **mediators** (``accord.mediators``) and the strategies of **parties in
mediated protocols** (``accord.parties``: how a party votes on a single text or answers a
mediator's private questions). Built-ins register themselves with a decorator next to their
class; third-party strategies plug in through the entry-point group (the entry point's name is
the id). Duplicate ids are errors. A spec on the command line reads ``ID`` or
``ID:param=value,param=value``.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, TypeVar

from accord.errors import AgentError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AgentInfo:
    """One registered strategy: its id, factory and documentation."""

    id: str
    factory: Callable[..., Any]
    summary: str
    doc: str
    builtin: bool


@dataclass(slots=True)
class Registry:
    """A registry of strategies of one kind."""

    kind: str  # "agent", "mediator", "party strategy": used in messages
    group: str  # entry-point group
    builtin_module: str  # importing it registers the built-ins
    _items: dict[str, AgentInfo] = field(default_factory=dict)
    _loaded: bool = False

    def register(self, strategy_id: str) -> Callable[[T], T]:
        """Class decorator registering a built-in under ``strategy_id``."""

        def deco(cls: T) -> T:
            self._add(strategy_id, cls, builtin=True)  # type: ignore[arg-type]
            return cls

        return deco

    def _add(self, strategy_id: str, factory: Callable[..., Any], builtin: bool) -> None:
        if strategy_id in self._items:
            raise AgentError(strategy_id, f"a {self.kind} with this id is already registered")
        doc = inspect.getdoc(factory) or ""
        summary = " ".join(doc.strip().split("\n\n")[0].split()) if doc.strip() else ""
        self._items[strategy_id] = AgentInfo(strategy_id, factory, summary, doc, builtin)

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        importlib.import_module(self.builtin_module)
        for ep in metadata.entry_points(group=self.group):
            try:
                factory = ep.load()
            except Exception as exc:  # a broken plug-in must not break accord
                raise AgentError(ep.name, f"plug-in failed to load: {exc}") from exc
            self._add(ep.name, factory, builtin=False)

    def all(self) -> dict[str, AgentInfo]:
        """Every registered strategy, by id."""
        self._ensure_loaded()
        return dict(sorted(self._items.items()))

    def make(self, spec: str, **overrides: Any) -> Any:
        """Build a strategy from ``ID`` or ``ID:param=value,…`` (values converted to the
        parameter's annotated type)."""
        strategy_id, raw = parse_spec(spec)
        items = self.all()
        if strategy_id not in items:
            raise AgentError(strategy_id, f"unknown {self.kind}; known: {', '.join(items)}")
        factory = items[strategy_id].factory
        params = _convert(strategy_id, factory, raw)
        params.update(overrides)
        try:
            return factory(**params)
        except TypeError as exc:
            raise AgentError(strategy_id, f"bad parameters: {exc}") from None


AGENTS = Registry("agent", "accord.agents", "accord.agents.builtin")
MEDIATORS = Registry("mediator", "accord.mediators", "accord.agents.mediators")
PARTY_STRATEGIES = Registry("party strategy", "accord.parties", "accord.agents.mediators")

#: Decorator registering a built-in negotiating agent.
register = AGENTS.register
#: Decorator registering a built-in mediator.
register_mediator = MEDIATORS.register
#: Decorator registering a built-in strategy of a party in a mediated protocol.
register_party = PARTY_STRATEGIES.register


def agents() -> dict[str, AgentInfo]:
    """Every registered agent, by id."""
    return AGENTS.all()


def make_agent(spec: str, **overrides: Any) -> Any:
    """Build a negotiating agent from ``ID`` or ``ID:param=value,…``."""
    return AGENTS.make(spec, **overrides)


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """``"boulware:e=0.2,k=0"`` → ``("boulware", {"e": "0.2", "k": "0"})``."""
    strategy_id, _, rest = spec.partition(":")
    params: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise AgentError(strategy_id, f"bad parameter {part!r}: write name=value")
        params[key.strip()] = value.strip()
    return strategy_id.strip(), params


def _convert(strategy_id: str, factory: Callable[..., Any], raw: dict[str, str]) -> dict[str, Any]:
    sig = inspect.signature(factory)
    out: dict[str, Any] = {}
    for key, text in raw.items():
        if key not in sig.parameters:
            known = ", ".join(p for p in sig.parameters if p != "self")
            raise AgentError(strategy_id, f"no parameter {key!r} (parameters: {known or 'none'})")
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
            raise AgentError(strategy_id, f"parameter {key}={text!r} is not a {kind}") from None
    return out
