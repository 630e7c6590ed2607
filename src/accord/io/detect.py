"""Load any supported scenario file or folder, and save scenarios in the writable formats.

A folder holds one domain file and N profiles (GENIUS XML, GeniusWeb JSON, NegMAS YAML) or only
profiles (NegoLog). The result is one :class:`~accord.scenario.Scenario` whose parties are the
usable profiles in sorted file order, each named after its file stem. Profiles that cannot be
used are skipped with a warning as long as at least two usable ones remain; otherwise the
folder raises :class:`ScenarioError` naming the offending file and line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from accord.errors import ScenarioError
from accord.io import genius_xml, geniusweb_json, negmas_yaml, negolog_json
from accord.io.genius_write import write_genius
from accord.outcomes.space import OutcomeSpace
from accord.scenario import Party, Scenario

Format = Literal["genius", "geniusweb", "yaml"]
ProfileReader = Callable[[Path], tuple[Party, list[str]]]


@dataclass(frozen=True, slots=True)
class _Folder:
    """What a format-specific probe found in a folder."""

    name: str
    space: OutcomeSpace
    domain_file: Path | None
    candidates: tuple[Path, ...]
    read: ProfileReader
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SaveResult:
    """Files written by :func:`save` and what could not be expressed exactly."""

    paths: tuple[Path, ...]
    warnings: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------- loading
def is_accord_yaml(path: Path) -> bool:
    """True when ``path`` is a YAML file whose top-level mapping has the key ``accord``."""
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            stripped = line.strip()
            if stripped.startswith("accord:"):
                return True
    return False


def load_path(path: str | Path, *, profiles: list[str] | None = None) -> Scenario:
    """Load a scenario file or folder, detecting its format."""
    t0 = time.perf_counter()
    p = Path(path)
    if not p.exists():
        raise ScenarioError("no such file or folder", p)
    if p.is_file() and is_accord_yaml(p):
        from accord.io import yaml_format  # imported only when needed: it brings pydantic

        scenario = yaml_format.load_yaml(p)
        if profiles is not None:
            scenario = scenario.with_parties(profiles)
        return replace(scenario, load_seconds=time.perf_counter() - t0)
    folder = p if p.is_dir() else p.parent
    hint = p if p.is_file() else None
    found = _probe(folder, hint)
    if found is None:
        accord = [f for f in sorted(folder.iterdir()) if is_accord_yaml(f)]
        if len(accord) == 1:
            return load_path(accord[0], profiles=profiles)
        raise ScenarioError("no scenario format recognised in this folder", folder)
    scenario = _assemble(folder, found, profiles)
    return replace(scenario, load_seconds=time.perf_counter() - t0)


def _probe(folder: Path, hint: Path | None) -> _Folder | None:
    files = sorted(f for f in folder.iterdir() if f.is_file())
    by_ext: dict[str, list[Path]] = {}
    for f in files:
        by_ext.setdefault(f.suffix.lower(), []).append(f)
    if by_ext.get(".xml"):
        found = _probe_genius(by_ext[".xml"], hint)
        if found is not None:
            return found
    if by_ext.get(".json"):
        found = _probe_json(folder, by_ext[".json"], hint)
        if found is not None:
            return found
    ymls = by_ext.get(".yml", []) + by_ext.get(".yaml", [])
    if ymls:
        return _probe_negmas(sorted(ymls), hint)
    return None


def _pick_domain(domains: list[Path], hint: Path | None) -> Path:
    if hint is not None and hint in domains:
        return hint
    if len(domains) > 1:
        names = ", ".join(d.name for d in domains)
        raise ScenarioError(f"several domain files ({names}); load one of them", domains[0])
    return domains[0]


def _probe_genius(xmls: list[Path], hint: Path | None) -> _Folder | None:
    domains, profiles = [], []
    for f in xmls:
        head = f.read_bytes()
        if b"<negotiation_template" in head:
            domains.append(f)
        elif b"<utility_space" in head:
            profiles.append(f)
    if not domains:
        return None
    domain_file = _pick_domain(domains, hint)
    domain = genius_xml.read_genius_domain(domain_file)

    def read(f: Path) -> tuple[Party, list[str]]:
        loaded = genius_xml.read_genius_profile(f, domain)
        return loaded.party, list(loaded.warnings)

    return _Folder(domain.name, domain.space, domain_file, tuple(profiles), read, domain.warnings)


def _probe_json(folder: Path, files: list[Path], hint: Path | None) -> _Folder | None:
    domains, profiles, negolog = [], [], []
    for f in files:
        try:
            data, _ = geniusweb_json.read_json(f)
        except ScenarioError:
            profiles.append(f)  # reported when read as a profile
            continue
        keys = set(data) if isinstance(data, dict) else set()
        if "issuesValues" in keys:
            domains.append(f)
        elif len(keys) == 1 and next(iter(keys)).endswith(("UtilitySpace", "Additive")):
            profiles.append(f)
        elif negolog_json.is_negolog_profile(data):
            negolog.append(f)
    if domains:
        domain_file = _pick_domain(domains, hint)
        name, space = geniusweb_json.read_geniusweb_domain(domain_file)

        def read(f: Path) -> tuple[Party, list[str]]:
            return geniusweb_json.read_geniusweb_profile(f, space)

        return _Folder(name, space, domain_file, tuple(profiles), read)
    if negolog:
        space = negolog_json.negolog_space(negolog[0])

        def read_negolog(f: Path) -> tuple[Party, list[str]]:
            return negolog_json.read_negolog_profile(f, space)

        return _Folder(folder.name, space, None, tuple(negolog), read_negolog)
    return None


def _probe_negmas(files: list[Path], hint: Path | None) -> _Folder | None:
    domains, profiles = [], []
    for f in files:
        try:
            data, _ = negmas_yaml.read_yaml_data(f)
        except ScenarioError:
            profiles.append(f)  # reported when read as a profile
            continue
        kind = data.get("type") if isinstance(data, dict) else None
        if kind in negmas_yaml.SPACE_TYPES or (
            isinstance(data, dict) and "issues" in data and kind is None
        ):
            domains.append(f)
        elif kind in negmas_yaml.UFUN_TYPES:
            profiles.append(f)
    if not domains:
        return None
    domain_file = _pick_domain(domains, hint)
    name, space = negmas_yaml.read_negmas_space(domain_file)

    def read(f: Path) -> tuple[Party, list[str]]:
        return negmas_yaml.read_negmas_ufun(f, space)

    return _Folder(name, space, domain_file, tuple(profiles), read)


def _assemble(folder: Path, found: _Folder, wanted: list[str] | None) -> Scenario:
    candidates = list(found.candidates)
    if wanted is not None:
        stems = {c.stem: c for c in candidates}
        missing = [w for w in wanted if w not in stems]
        if missing:
            raise ScenarioError(f"no profiles {missing} here; available: {sorted(stems)}", folder)
        candidates = [stems[w] for w in wanted]
    warnings = list(found.warnings)
    parties: list[Party] = []
    skipped: list[ScenarioError] = []
    for f in candidates:
        try:
            party, notes = found.read(f)
        except ScenarioError as exc:
            if wanted is not None:
                raise
            skipped.append(exc)
            warnings.append(f"{exc}; profile skipped")
            continue
        parties.append(party)
        warnings += notes
    minimum = 1 if wanted is not None else 2
    if len(parties) < minimum:
        if skipped:
            first = skipped[0]
            raise ScenarioError(
                f"only {len(parties)} usable profile(s); {first.reason}", first.file, first.line
            )
        where = found.domain_file or folder
        raise ScenarioError(f"only {len(parties)} preference profile(s) found", where, 1)
    return Scenario(
        found.name, found.space, tuple(parties), warnings=tuple(warnings), source=str(folder)
    )


# ---------------------------------------------------------------------------- saving
def save(scenario: Scenario, path: str | Path, fmt: Format | str) -> SaveResult:
    """Write ``scenario``: ``genius``/``geniusweb`` into folder ``path``, ``yaml`` to a file.

    For ``yaml``, ``path`` may be a ``.yaml`` file or a folder (``<folder>/<name>.yaml``).
    """
    p = Path(path)
    if fmt == "genius":
        return SaveResult(tuple(write_genius(scenario, p)))
    if fmt == "geniusweb":
        paths, notes = geniusweb_json.write_geniusweb(scenario, p)
        return SaveResult(tuple(paths), tuple(notes))
    if fmt == "yaml":
        from accord.io import yaml_format

        if p.suffix.lower() not in (".yaml", ".yml"):
            p.mkdir(parents=True, exist_ok=True)
            p = p / f"{scenario.name}.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        yaml_format.dump_yaml(scenario, p)
        return SaveResult((p,))
    raise ScenarioError(f"unknown format {fmt!r}; use 'genius', 'geniusweb' or 'yaml'")
