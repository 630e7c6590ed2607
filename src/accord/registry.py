"""The registry of strategies: stable ids → factories, each with its role, protocols and
parameters.

Three roles share one registry type: negotiating **agents** (alternating offers; entry-point
group ``accord.agents``), **mediators** (``accord.mediators``) and the strategies of **parties**
in mediated protocols (``accord.parties``: how a party votes on a single text or answers a
mediator's private questions). Every entry declares its id, role, the protocols it supports
and its parameters (names, types and defaults, read from the factory's signature). Built-ins
register with :func:`register_agent` / :func:`register_mediator` / :func:`register_party` as
decorators next to their class; the same functions register a class at run time, and
third-party strategies plug in through the entry-point groups (the entry point's name is the
id; a mediator or party strategy declares ``protocols = (...)`` on its class). Duplicate ids
are errors. A spec reads ``ID`` or ``ID:param=value,param=value``.

:meth:`Registry.make` builds a strategy and checks it against the interface its role has in
the protocol (:data:`accord.mechanisms.PROTOCOLS`); callers choose protocols from the
declaration, never by probing methods.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from accord.errors import AgentError
from accord.mechanisms import PROTOCOLS, Agent
from accord.mechanisms.session import implements
from accord.mechanisms.spec import ALTERNATING_OFFERS

T = TypeVar("T")

#: Roles, and how messages name them.
ROLES = {"agent": "agent", "mediator": "mediator", "party": "party strategy"}

#: Agent specs ``PREFIX:…`` that a bridge module resolves (its ``strategy_info(spec)``),
#: imported on first use: ``negmas:<module>.<Class>[:param=value,…]`` hosts a NegMAS
#: negotiator (the optional dependency: ``pip install 'accord[negmas]'``).
BRIDGES = {"negmas": "accord.negmas"}


def _bridged(role: str, spec: str) -> StrategyInfo | None:
    """The entry of a bridge spec (``None`` for an ordinary spec)."""
    prefix, colon, _ = spec.partition(":")
    module_name = BRIDGES.get(prefix.strip()) if colon and role == "agent" else None
    if module_name is None:
        return None
    try:
        module = importlib.import_module(module_name)
    except AgentError as exc:  # the bridge's dependency is missing
        raise AgentError(spec, exc.reason) from None
    return cast(StrategyInfo, module.strategy_info(spec.strip()))


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of a strategy: name, type (as annotated) and default (``None`` when it
    has none: then it is ``required``)."""

    name: str
    type: str
    default: Any
    required: bool

    def to_dict(self) -> dict[str, Any]:
        default = self.default
        if not isinstance(default, bool | int | float | str | type(None)):
            default = repr(default)
        return {"name": self.name, "type": self.type, "default": default, "required": self.required}


@dataclass(frozen=True, slots=True)
class StrategyInfo:
    """One registered strategy: id, role, protocols, parameters, factory and documentation."""

    id: str
    role: str
    protocols: tuple[str, ...]
    params: tuple[Param, ...]
    factory: Callable[..., Any]
    summary: str
    doc: str
    builtin: bool

    @property
    def role_label(self) -> str:
        """The role as messages and listings name it (``party strategy`` for ``party``)."""
        return ROLES[self.role]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "protocols": list(self.protocols),
            "params": [p.to_dict() for p in self.params],
            "summary": self.summary,
            "builtin": self.builtin,
        }


def _params(factory: Callable[..., Any]) -> tuple[Param, ...]:
    try:
        sig = inspect.signature(factory)
    except (TypeError, ValueError):
        return ()
    out = []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        kind = p.annotation
        name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
        if kind is inspect.Parameter.empty:
            name = "str"
        required = p.default is inspect.Parameter.empty
        out.append(Param(p.name, str(name), None if required else p.default, required))
    return tuple(out)


def _summary(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split()) if doc.strip() else ""


@dataclass(slots=True)
class Registry:
    """The strategies of one role."""

    role: str
    group: str  # entry-point group
    builtin_module: str  # importing it registers the built-ins
    _items: dict[str, StrategyInfo] = field(default_factory=dict)
    _loaded: bool = False

    @property
    def label(self) -> str:
        return ROLES[self.role]

    def add(
        self,
        strategy_id: str,
        factory: Callable[..., Any],
        protocols: Iterable[str] | None = None,
        *,
        builtin: bool = False,
    ) -> StrategyInfo:
        """Register ``factory`` (a class, usually) under ``strategy_id``."""
        if not strategy_id or ":" in strategy_id or "," in strategy_id:
            raise AgentError(strategy_id, f"a {self.label} id is non-empty, without ':' or ','")
        if strategy_id in self._items:
            raise AgentError(strategy_id, f"a {self.label} with this id is already registered")
        declared = protocols if protocols is not None else getattr(factory, "protocols", None)
        if declared is None and self.role == "agent":
            declared = (ALTERNATING_OFFERS,)
        if not declared:
            raise AgentError(strategy_id, f"a {self.label} must declare the protocols it supports")
        declared = tuple(declared)
        for name in declared:
            info = PROTOCOLS.get(name)
            if info is None:
                raise AgentError(strategy_id, f"unknown protocol {name!r}")
            if info.interface(self.role) is None:
                raise AgentError(strategy_id, f"{name} has no {self.label} role")
        doc = inspect.getdoc(factory) or ""
        entry = StrategyInfo(
            strategy_id, self.role, declared, _params(factory), factory, _summary(doc), doc, builtin
        )
        self._items[strategy_id] = entry
        return entry

    def register(
        self, strategy_id: str, protocols: Iterable[str] | None = None
    ) -> Callable[[T], T]:
        """Class decorator registering a built-in under ``strategy_id``."""

        def deco(cls: T) -> T:
            self.add(strategy_id, cls, protocols, builtin=True)  # type: ignore[arg-type]
            return cls

        return deco

    def remove(self, strategy_id: str) -> None:
        """Unregister a strategy (plug-ins and tests; built-ins stay)."""
        entry = self._items.get(strategy_id)
        if entry is None or entry.builtin:
            raise AgentError(strategy_id, f"no removable {self.label} with this id")
        del self._items[strategy_id]

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        importlib.import_module(self.builtin_module)
        from importlib import metadata  # only when a registry is first used (slow to import)

        for ep in metadata.entry_points(group=self.group):
            try:
                factory = ep.load()
            except Exception as exc:  # a broken plug-in must not break accord
                raise AgentError(ep.name, f"plug-in failed to load: {exc}") from exc
            self.add(ep.name, factory)

    def all(self) -> dict[str, StrategyInfo]:
        """Every registered strategy of this role, by id."""
        self._ensure_loaded()
        return dict(sorted(self._items.items()))

    def get(self, strategy_id: str) -> StrategyInfo:
        items = self.all()
        if strategy_id not in items:
            raise AgentError(strategy_id, f"unknown {self.label}; known: {', '.join(items)}")
        return items[strategy_id]

    def info(self, spec: str) -> StrategyInfo:
        """The entry a spec (``ID`` or ``ID:param=value,…``) names."""
        return _bridged(self.role, spec) or self.get(parse_spec(spec)[0])

    def make(self, spec: str, protocol: str | None = None, **overrides: Any) -> object:
        """Build a strategy from ``ID`` or ``ID:param=value,…`` (values converted to the
        parameters' annotated types) and check it implements its role's interface in
        ``protocol`` (every protocol it declares when ``None``)."""
        bridged = _bridged(self.role, spec)
        strategy_id, raw = (spec, {}) if bridged else parse_spec(spec)
        entry = bridged or self.get(strategy_id)
        wanted = entry.protocols if protocol is None else (protocol,)
        missing = [p for p in wanted if p not in entry.protocols]
        if missing:
            raise AgentError(
                strategy_id,
                f"this {self.label} supports {', '.join(entry.protocols)}, not {missing[0]}",
            )
        params = _convert(strategy_id, entry.params, raw)
        params.update(overrides)
        try:
            built = entry.factory(**params)
        except TypeError as exc:
            raise AgentError(strategy_id, f"bad parameters: {exc}") from None
        for name in wanted:
            kind = PROTOCOLS[name].interface(self.role)
            if kind is None or not implements(built, kind):
                raise AgentError(
                    strategy_id,
                    f"built object {type(built).__name__} does not implement the {self.label} "
                    f"interface of {name} ({getattr(kind, '__name__', '?')})",
                )
        return built


AGENTS = Registry("agent", "accord.agents", "accord.agents.builtin")
MEDIATORS = Registry("mediator", "accord.mediators", "accord.mediators")
PARTY_STRATEGIES = Registry("party", "accord.parties", "accord.mediators")
#: The registry of each role.
REGISTRIES = {"agent": AGENTS, "mediator": MEDIATORS, "party": PARTY_STRATEGIES}


def _register(
    registry: Registry,
    strategy_id: str,
    factory: Callable[..., Any] | None,
    protocols: Iterable[str] | None,
) -> Any:
    if factory is None:
        return registry.register(strategy_id, protocols)
    registry.all()  # built-ins first, so that a clash with one is reported
    return registry.add(strategy_id, factory, protocols)


def register_agent(
    strategy_id: str,
    factory: Callable[..., Any] | None = None,
    *,
    protocols: Iterable[str] | None = None,
) -> Any:
    """Register a negotiating agent: ``register_agent("mine", MyAgent)`` at run time (returns
    its :class:`StrategyInfo`), or ``@register_agent("mine")`` on a built-in class."""
    return _register(AGENTS, strategy_id, factory, protocols)


def register_mediator(
    strategy_id: str,
    factory: Callable[..., Any] | None = None,
    *,
    protocols: Iterable[str] | None = None,
) -> Any:
    """Register a mediator for ``protocols`` (``single-text`` and/or ``caucus``); like
    :func:`register_agent`."""
    return _register(MEDIATORS, strategy_id, factory, protocols)


def register_party(
    strategy_id: str,
    factory: Callable[..., Any] | None = None,
    *,
    protocols: Iterable[str] | None = None,
) -> Any:
    """Register a party strategy of mediated protocols (``single-text`` and/or ``caucus``);
    like :func:`register_agent`."""
    return _register(PARTY_STRATEGIES, strategy_id, factory, protocols)


def strategies(role: str | None = None) -> list[StrategyInfo]:
    """Every registered strategy (of one role, or of all three: agents, mediators, parties)."""
    roles = [role] if role is not None else list(REGISTRIES)
    for r in roles:
        if r not in REGISTRIES:
            raise AgentError(r, f"unknown role; roles: {', '.join(REGISTRIES)}")
    return [entry for r in roles for entry in REGISTRIES[r].all().values()]


def strategy(strategy_id: str) -> list[StrategyInfo]:
    """The entries registered under an id, in any role (an id may name, say, both a mediator
    and an agent)."""
    found = [e for e in strategies() if e.id == strategy_id]
    if not found:
        known = sorted({e.id for e in strategies()})
        raise AgentError(strategy_id, f"unknown strategy; known: {', '.join(known)}")
    return found


def agents() -> dict[str, StrategyInfo]:
    """Every registered agent, by id."""
    return AGENTS.all()


def make_agent(spec: str, **overrides: Any) -> Agent:
    """Build a negotiating agent from ``ID`` or ``ID:param=value,…`` (checked to implement
    :class:`~accord.mechanisms.Agent`)."""
    return cast(Agent, AGENTS.make(spec, ALTERNATING_OFFERS, **overrides))


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


def _convert(strategy_id: str, params: tuple[Param, ...], raw: dict[str, str]) -> dict[str, Any]:
    known = {p.name: p for p in params}
    out: dict[str, Any] = {}
    for key, text in raw.items():
        if key not in known:
            names = ", ".join(known) or "none"
            raise AgentError(strategy_id, f"no parameter {key!r} (parameters: {names})")
        kind = known[key].type
        try:
            if "bool" in kind:
                lowered = text.lower()
                if lowered not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
                    raise ValueError(text)
                out[key] = lowered in ("1", "true", "yes", "on")
            elif "int" in kind and "float" not in kind:
                out[key] = int(text)
            elif "float" in kind:
                out[key] = float(text)
            else:
                out[key] = text
        except ValueError:
            raise AgentError(strategy_id, f"parameter {key}={text!r} is not a {kind}") from None
    return out
