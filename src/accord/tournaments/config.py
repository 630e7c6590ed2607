"""A tournament's configuration: which strategies meet on which scenarios, how often, how long.

A YAML file (validated; every error names the file and line) or a mapping of the same shape
becomes a frozen :class:`TournamentConfig`::

    name: demo
    agents: [boulware, conceder, "aspiration:beta=2", tit-for-tat]   # registry specs
    scenarios: [job-offer, path/to/folder, "../corpus/*"]             # names, paths, globs
    rounds: 100            # or seconds:
    repetitions: 2
    rotate_roles: true     # every agent plays every seat (permutations); false: combinations
    self_play: true        # an agent may meet itself
    seed: 0
    options: {public_utilities: true}   # the protocol's options, for every run

A mediated tournament names ``mediators:`` and ``parties:`` (party strategies) instead of
``agents:``. Scenario paths are relative to the configuration file; a folder is one scenario
when it holds one, else every scenario inside it. Every strategy spec is checked against the
registry and ``options:`` (the protocol's options, given to every run) against the protocol
(``plugins:`` are imported first: module names or ``.py`` files whose registration
decorators add third-party strategies, in this process and in every worker).
"""

from __future__ import annotations

import glob
import hashlib
import importlib
import importlib.util
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from accord.errors import AccordError, ConfigError
from accord.mechanisms.spec import Options, OptionValue

#: How a tournament isolates the participants it runs.
ISOLATIONS = ("none", "process")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class LimitsFile(_Strict):
    seconds: float = Field(60.0, gt=0)
    memory_mb: int = Field(1024, gt=0)


class TournamentFile(_Strict):
    """The schema of a tournament file (see the module's documentation)."""

    name: str = Field(min_length=1)
    scenarios: list[str] = Field(min_length=1)
    agents: list[str] | None = None
    mediators: list[str] | None = None
    parties: list[str] | None = None
    protocol: str | None = None
    rounds: int | None = Field(None, ge=1)
    seconds: float | None = Field(None, gt=0)
    per_call: float | None = Field(5.0, gt=0)
    repetitions: int = Field(1, ge=1)
    rotate_roles: bool = True
    self_play: bool = True
    alternate_first: bool = False
    seed: int = Field(0, ge=0)
    discretize: int = Field(11, ge=2)
    budget: int = Field(50, ge=0)
    phased: bool = False
    isolation: Literal["none", "process"] = "none"
    limits: LimitsFile = Field(default_factory=lambda: LimitsFile.model_validate({}))
    traces: bool = False
    plugins: list[str] = Field(default_factory=list)
    batch: int = Field(200, ge=1)
    options: dict[str, bool | int | float | str | None] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TournamentConfig:
    """A validated tournament configuration; scenario references are resolved (packaged
    names, or absolute paths of scenario files and folders) and plug-ins absolute."""

    name: str
    scenarios: tuple[str, ...]
    agents: tuple[str, ...] = ()
    mediators: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    protocol: str | None = None
    rounds: int | None = None
    seconds: float | None = None
    per_call: float | None = 5.0
    repetitions: int = 1
    rotate_roles: bool = True
    self_play: bool = True
    alternate_first: bool = False
    seed: int = 0
    discretize: int = 11
    budget: int = 50
    phased: bool = False
    isolation: str = "none"
    limit_seconds: float = 60.0
    limit_memory_mb: int = 1024
    traces: bool = False
    plugins: tuple[str, ...] = ()
    batch: int = 200
    #: the protocol's options, given to every run (``RunSpec.options``)
    options: Mapping[str, OptionValue] = field(default_factory=Options)

    def __post_init__(self) -> None:
        if not isinstance(self.options, Options):
            object.__setattr__(self, "options", Options(self.options))

    @property
    def mediated(self) -> bool:
        return bool(self.mediators)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data; :meth:`from_dict` gives back an equal configuration."""
        return {name: _plain(getattr(self, name)) for name in TournamentConfig.__slots__}

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> TournamentConfig:
        """A configuration ``to_dict`` wrote (already resolved: nothing is looked up)."""
        known = set(TournamentConfig.__slots__)
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown tournament configuration keys {sorted(unknown)}")
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items()
        }
        return TournamentConfig(**values)

    def digest(self) -> str:
        """A hash of the configuration: the same configuration is the same tournament (a store
        resumes it instead of starting another). ``batch`` is left out: it decides how runs
        travel, not what they are; so are ``options`` when there are none (the digest of a
        configuration without them is what it was before they existed)."""
        data = self.to_dict()
        del data["batch"]
        if not data["options"]:
            del data["options"]
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    if isinstance(value, Options):
        return dict(value)
    return list(value) if isinstance(value, tuple) else value


def load_config(path: str | Path) -> TournamentConfig:
    """Read and validate a tournament file; :class:`~accord.errors.ConfigError` names the file
    and line of the first problem."""
    from accord.errors import ScenarioError
    from accord.io.yaml_text import parse_yaml, read_text

    file = Path(path)
    try:  # the limits every YAML reader has: size, encodings, alias bombs, duplicate keys
        text = read_text(file)
        data = parse_yaml(text, file)
    except ScenarioError as exc:
        raise ConfigError(exc.reason, exc.file, exc.line) from None
    if not isinstance(data, dict):
        raise ConfigError("a tournament file is a mapping (name:, scenarios:, agents: …)", file, 1)
    return parse_config(data, base=file.parent, source=file, text=text)


def parse_config(
    data: Mapping[str, Any],
    *,
    base: str | Path = ".",
    source: str | Path | None = None,
    text: str | None = None,
) -> TournamentConfig:
    """Validate a configuration mapping; relative scenario and plug-in paths are resolved
    against ``base``. ``source``/``text`` (the file and its text) locate errors."""
    from accord.io.yaml_text import line_of, loc_text

    def fail(reason: str, loc: tuple[Any, ...]) -> ConfigError:
        line = line_of(text, loc) if text is not None else None
        return ConfigError(f"{loc_text(loc)}: {reason}", source, line)

    try:
        spec = TournamentFile.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        raise fail(str(err["msg"]).removeprefix("Value error, "), tuple(err["loc"])) from None
    root = Path(base)
    plugins = tuple(_plugin_ref(p, root) for p in spec.plugins)
    for i, ref in enumerate(plugins):
        try:
            import_plugin(ref)
        except AccordError as exc:
            raise fail(str(exc), ("plugins", i)) from None
    scenarios: list[str] = []
    for i, entry in enumerate(spec.scenarios):
        try:
            found = resolve_scenarios(entry, root)
        except AccordError as exc:
            raise fail(str(exc), ("scenarios", i)) from None
        scenarios.extend(s for s in found if s not in scenarios)
    config = TournamentConfig(
        name=spec.name,
        scenarios=tuple(scenarios),
        agents=tuple(spec.agents or ()),
        mediators=tuple(spec.mediators or ()),
        parties=tuple(spec.parties or ()),
        protocol=spec.protocol,
        rounds=spec.rounds,
        seconds=spec.seconds,
        per_call=spec.per_call,
        repetitions=spec.repetitions,
        rotate_roles=spec.rotate_roles,
        self_play=spec.self_play,
        alternate_first=spec.alternate_first,
        seed=spec.seed,
        discretize=spec.discretize,
        budget=spec.budget,
        phased=spec.phased,
        isolation=spec.isolation,
        limit_seconds=spec.limits.seconds,
        limit_memory_mb=spec.limits.memory_mb,
        traces=spec.traces,
        plugins=plugins,
        batch=spec.batch,
        options=Options(spec.options),
    )
    _check_strategies(config, fail)
    _check_options(config, fail)
    return config


def _check_options(config: TournamentConfig, fail: Any) -> None:
    """``options:`` are options of the tournament's protocol, of the right types (a mediated
    tournament whose protocol its mediators choose checks them when its runs start)."""
    from accord.mechanisms import PROTOCOLS
    from accord.mechanisms.spec import ALTERNATING_OFFERS, RunSpec

    protocol = ALTERNATING_OFFERS if config.agents else config.protocol
    if not config.options or protocol is None:
        return
    try:
        PROTOCOLS[protocol].check_options(RunSpec("-", ("-",), protocol, options=config.options))
    except AccordError as exc:
        raise fail(str(exc), ("options",)) from None


def _check_strategies(config: TournamentConfig, fail: Any) -> None:
    """Every spec names a registered strategy of the right role and protocol."""
    from accord.mechanisms import PROTOCOLS
    from accord.mechanisms.spec import ALTERNATING_OFFERS
    from accord.registry import AGENTS, MEDIATORS, PARTY_STRATEGIES

    if config.agents and (config.mediators or config.parties):
        raise fail("name either agents: or mediators: and parties:, not both", ("agents",))
    if not config.agents and not config.mediators:
        raise fail("a tournament needs agents: (or mediators: and parties:)", ("agents",))
    if config.protocol is not None and config.protocol not in PROTOCOLS:
        raise fail(f"unknown protocol; protocols: {', '.join(PROTOCOLS)}", ("protocol",))
    if config.agents:
        if config.protocol not in (None, ALTERNATING_OFFERS):
            raise fail("agents: negotiate by alternating offers", ("protocol",))
        checks: list[tuple[str, Any, tuple[str, ...], str | None]] = [
            ("agents", AGENTS, config.agents, ALTERNATING_OFFERS)
        ]
    else:
        checks = [
            ("mediators", MEDIATORS, config.mediators, config.protocol),
            ("parties", PARTY_STRATEGIES, config.parties or ("truthful",), config.protocol),
        ]
    for key, registry, specs, protocol in checks:
        for i, spec in enumerate(specs):
            try:
                registry.make(spec, protocol)
            except AccordError as exc:
                raise fail(str(exc), (key, i)) from None


def worker_reachable(config: TournamentConfig) -> None:
    """Raise :class:`ConfigError` when a strategy of ``config`` exists only in this process
    (registered at run time from a script): worker processes and Dask workers could not
    build it. Built-ins, entry points and the ``plugins:`` modules are reachable."""
    from accord.registry import AGENTS, MEDIATORS, PARTY_STRATEGIES

    plugin_modules = {_module_name(ref) for ref in config.plugins}
    for registry, specs in (
        (AGENTS, config.agents),
        (MEDIATORS, config.mediators),
        (PARTY_STRATEGIES, config.parties),
    ):
        for spec in specs:
            info = registry.info(spec)
            module = getattr(info.factory, "__module__", "") or ""
            if info.builtin or module in plugin_modules or _importable(module):
                continue
            raise ConfigError(
                f"{info.role_label} {info.id!r} was registered in this process only "
                f"(module {module!r}): worker processes cannot build it; put it in a module "
                "named under plugins: (or an entry point), or use the serial executor"
            )


def _module_name(ref: str) -> str:
    """The module name a plug-in gets once imported."""
    if ref.endswith(".py"):
        return f"accord_plugin_{hashlib.sha256(ref.encode()).hexdigest()[:12]}"
    return ref


def _importable(module: str) -> bool:
    if not module or module == "__main__" or module.startswith("accord_plugin_"):
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _plugin_ref(ref: str, base: Path) -> str:
    """A module name as it is, a ``.py`` file as an absolute path."""
    return str((base / ref).resolve()) if ref.endswith(".py") else ref


def import_plugin(ref: str) -> None:
    """Import a plug-in (a module name or a ``.py`` file) once per process; importing it runs
    its registration decorators."""
    if ref in _IMPORTED:
        return
    try:
        if ref.endswith(".py"):
            path = Path(ref)
            name = _module_name(ref)
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None or not path.is_file():
                raise ConfigError("no such plug-in file", ref)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        else:
            importlib.import_module(ref)
    except AccordError:
        raise
    except Exception as exc:
        raise ConfigError(f"plug-in {ref} failed to import: {exc!r}") from exc
    _IMPORTED.add(ref)


_IMPORTED: set[str] = set()


def resolve_scenarios(entry: str, base: Path) -> list[str]:
    """The scenarios one ``scenarios:`` entry names: a packaged name, a file or folder (a folder
    that is not itself a scenario stands for the scenarios inside it), or a glob."""
    from accord.api import packaged_scenarios

    if entry in packaged_scenarios():
        return [entry]
    pattern = str(base / entry)
    if any(c in entry for c in "*?["):
        matches = [Path(p) for p in sorted(glob.glob(pattern))]
        if not matches:
            raise ConfigError(f"no file or folder matches {entry!r}")
        return [s for m in matches for s in _scenarios_at(m)]
    path = Path(pattern)
    if not path.exists():
        raise ConfigError(
            f"no such file, folder or packaged scenario {entry!r} "
            f"(packaged: {', '.join(packaged_scenarios())})"
        )
    return _scenarios_at(path)


def _scenarios_at(path: Path) -> list[str]:
    """A scenario file or folder as itself; a folder of scenarios as its scenarios."""
    from accord.io import load_path

    path = path.resolve()
    if path.is_file():
        return [str(path)]
    try:
        load_path(path)
        return [str(path)]
    except AccordError as exc:
        inner = sorted(p for p in path.iterdir() if p.is_dir() or p.suffix in _SCENARIO_FILES)
        if not inner:
            raise ConfigError(f"{path} holds no scenario: {exc}") from None
        return [s for p in inner for s in _scenarios_at(p)]


_SCENARIO_FILES = (".yaml", ".yml")
