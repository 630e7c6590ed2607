"""Load any supported scenario file or folder (saving is :mod:`accord.io.save`).

A folder holds one domain file and N profiles (GENIUS XML, GeniusWeb JSON, NegMAS YAML) or only
profiles (NegoLog). The result is one :class:`~accord.scenario.Scenario` whose parties are the
usable profiles in sorted file order, each named after its file stem. Profiles that cannot be
used are skipped with a warning as long as at least two usable ones remain; otherwise the
folder raises :class:`ScenarioError` naming the offending file and line. A "scorable game"
folder (``config.txt`` and ``scores_files/``) is read by :mod:`accord.io.scorable_games`.

A file is read alone, with only the files it names, never its siblings: an accord YAML file is
a whole scenario; a domain file is read with the profiles the caller names (``profiles``), each
``<name>`` + the format's extension beside it; a profile file names no domain file, so loading
it alone raises, asking for its folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from accord.errors import ScenarioError
from accord.io import genius_xml, geniusweb_json, negmas_yaml, negolog_json, scorable_games
from accord.io.yaml_text import read_text
from accord.outcomes.space import OutcomeSpace
from accord.scenario import Party, Scenario

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


def is_accord_yaml(path: Path) -> bool:
    """True when ``path`` is a YAML file whose top-level mapping has the key ``accord``.

    The file is decoded as the readers decode it (a UTF-8 byte-order mark or UTF-16 text is
    still accord YAML); a file that cannot be read or decoded is not.
    """
    if not _is_yaml_file(path):
        return False
    try:
        return _has_accord_key(read_text(path))
    except ScenarioError:
        return False


def _is_yaml_file(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml") and path.is_file()


def _has_accord_key(text: str) -> bool:
    return any(line.strip().startswith("accord:") for line in text.splitlines())


def load_path(path: str | Path, *, profiles: list[str] | None = None) -> Scenario:
    """Load a scenario file or folder, detecting its format.

    A folder is scanned: its domain file and every profile beside it (see the module). A file
    is read alone, with only the files it names: an accord YAML file is a whole scenario; a
    domain file (GENIUS, GeniusWeb, NegMAS) is read with the profiles named by ``profiles``
    (``<name>.xml`` / ``.json`` / ``.yml`` beside it) and without them raises, saying so; a
    profile file names no domain file and raises, asking for its folder. Other files in the
    folder are neither opened nor read.
    """
    t0 = time.perf_counter()
    p = Path(path)
    if not p.exists():
        raise ScenarioError("no such file or folder", p)
    scenario = _load_folder(p, profiles) if p.is_dir() else _load_file(p, profiles)
    return replace(scenario, load_seconds=time.perf_counter() - t0)


def _load_accord(path: Path, profiles: list[str] | None) -> Scenario:
    from accord.io import yaml_format  # imported only when needed: it brings pydantic

    scenario = yaml_format.load_yaml(path)
    return scenario if profiles is None else scenario.with_parties(profiles)


def _load_folder(folder: Path, profiles: list[str] | None) -> Scenario:
    if scorable_games.is_scorable_game(folder):  # config.txt + scores_files/
        return scorable_games.load_scorable_game(folder, profiles)
    problems: list[ScenarioError] = []  # files that could not be read while probing
    found = _probe(folder, problems)
    if found is None:
        accord = [f for f in sorted(folder.iterdir()) if is_accord_yaml(f)]
        if len(accord) == 1:
            return _load_accord(accord[0], profiles)
        if problems:  # a file that would have said what this is could not be read: say why
            raise problems[0]
        raise ScenarioError("no scenario format recognised in this folder", folder)
    return _assemble(folder, found, profiles)


# ---------------------------------------------------------------------------- one file
_NOT_A_SCENARIO = "no scenario format recognised in this file"


def _load_file(path: Path, profiles: list[str] | None) -> Scenario:
    """``path`` alone, plus the profile files ``profiles`` names beside a domain file."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        # A YAML file that is too large or not UTF-8/UTF-16 is refused here, naming it.
        if _has_accord_key(read_text(path)):
            return _load_accord(path, profiles)
        found = _negmas_file(path, profiles)
    elif suffix == ".xml":
        found = _genius_file(path, profiles)
    elif suffix == ".json":
        found = _json_file(path, profiles)
    else:
        raise ScenarioError(
            f"{_NOT_A_SCENARIO}: accord reads .yaml/.yml, .xml and .json files, or a folder", path
        )
    if isinstance(found, Scenario):
        return found
    return _assemble(path.parent, found, profiles)


def _genius_file(path: Path, profiles: list[str] | None) -> _Folder:
    kind = _genius_kind(path)
    if kind == "domain":
        named = _named_profiles(path, profiles, "a GENIUS domain file", (".xml",))
        return _genius_domain(path, named)
    if kind == "profile":
        raise _lone_profile(path, "a GENIUS profile", " and names no domain file")
    raise ScenarioError(
        f"{_NOT_A_SCENARIO}: a GENIUS domain file has <negotiation_template>, a profile "
        "<utility_space>",
        path,
        1,
    )


def _json_file(path: Path, profiles: list[str] | None) -> _Folder:
    data, _ = geniusweb_json.read_json(path)
    kind = _json_kind(data)
    if kind == "domain":
        named = _named_profiles(path, profiles, "a GeniusWeb domain file", (".json",))
        return _geniusweb_domain(path, named)
    if kind == "profile":
        body = data[next(iter(data))]
        domain = body.get("domain") if isinstance(body, dict) else None
        if isinstance(domain, dict):
            domain = domain.get("name")
        which = f"its domain {domain!r} but " if domain else ""
        raise _lone_profile(path, "a GeniusWeb profile", f" and names {which}no domain file")
    if kind == "negolog":
        raise _lone_profile(path, "a NegoLog profile", "")
    raise ScenarioError(
        f"{_NOT_A_SCENARIO}: a GeniusWeb domain has 'issuesValues', a profile "
        "'LinearAdditiveUtilitySpace', a NegoLog profile 'issueWeights' and 'issues'",
        path,
        1,
    )


def _negmas_file(path: Path, profiles: list[str] | None) -> _Folder | Scenario:
    data, _ = negmas_yaml.read_yaml_data(path)
    if isinstance(data, dict) and "accord" in data:
        return _load_accord(path, profiles)
    kind = _negmas_kind(data)
    if kind == "domain":
        suffixes = (path.suffix, ".yaml" if path.suffix.lower() == ".yml" else ".yml")
        named = _named_profiles(path, profiles, "a NegMAS outcome-space file", suffixes)
        return _negmas_domain(path, named)
    if kind == "profile":
        raise _lone_profile(path, "a NegMAS utility function", " and names no outcome space")
    raise ScenarioError(
        f"{_NOT_A_SCENARIO}: an accord YAML file has 'accord: 1', a NegMAS outcome space "
        f"'type: {negmas_yaml.SPACE_TYPES[0]}', a utility function a 'type' such as "
        f"{negmas_yaml.UFUN_TYPES[0]}",
        path,
        1,
    )


def _named_profiles(
    domain_file: Path, wanted: list[str] | None, what: str, suffixes: tuple[str, ...]
) -> tuple[Path, ...]:
    """The profile files ``wanted`` names beside ``domain_file`` (``<name><suffix>``)."""
    if not wanted:
        a, b = (f"{stem}{suffixes[0]}" for stem in "ab")
        raise ScenarioError(
            f"{what} holds no preferences: load its folder (every profile beside it), or name "
            f"the profiles to read with it (--parties a,b reads {a} and {b} beside it)",
            domain_file,
        )
    files = []
    for stem in wanted:
        if "/" in stem or "\\" in stem or stem in ("", ".", ".."):
            raise ScenarioError(
                f"{stem!r} is not a profile name (a file name, no folder)", domain_file
            )
        candidates = [domain_file.parent / f"{stem}{s}" for s in suffixes]
        found = next((f for f in candidates if f.is_file()), None)
        if found is None:
            names = " or ".join(f"{stem}{s}" for s in suffixes)
            raise ScenarioError(f"no profile {names} beside this domain file", domain_file)
        files.append(found)
    return tuple(files)


def _lone_profile(path: Path, what: str, why: str) -> ScenarioError:
    return ScenarioError(
        f"{what} holds one party's preferences{why}: load its folder "
        "(--parties a,b keeps some of the profiles there)",
        path,
    )


# ---------------------------------------------------------------------------- folders
def _probe(folder: Path, problems: list[ScenarioError]) -> _Folder | None:
    files = sorted(f for f in folder.iterdir() if f.is_file())
    by_ext: dict[str, list[Path]] = {}
    for f in files:
        by_ext.setdefault(f.suffix.lower(), []).append(f)
    if by_ext.get(".xml"):
        found = _probe_genius(by_ext[".xml"])
        if found is not None:
            return found
    if by_ext.get(".json"):
        found = _probe_json(folder, by_ext[".json"], problems)
        if found is not None:
            return found
    ymls = by_ext.get(".yml", []) + by_ext.get(".yaml", [])
    if ymls:
        return _probe_negmas(sorted(ymls), problems)
    return None


def _pick_domain(domains: list[Path]) -> Path:
    if len(domains) > 1:
        names = ", ".join(d.name for d in domains)
        raise ScenarioError(
            f"several domain files ({names}); load one of them, naming its profiles (--parties)",
            domains[0],
        )
    return domains[0]


def _probe_genius(xmls: list[Path]) -> _Folder | None:
    domains, profiles = [], []
    for f in xmls:
        kind = _genius_kind(f)
        if kind == "domain":
            domains.append(f)
        elif kind == "profile":
            profiles.append(f)
    if not domains:
        return None
    return _genius_domain(_pick_domain(domains), tuple(profiles))


def _genius_kind(path: Path) -> Literal["domain", "profile"] | None:
    """A GENIUS XML file's kind, by its root element's name."""
    head = path.read_bytes()
    if b"<negotiation_template" in head:
        return "domain"
    return "profile" if b"<utility_space" in head else None


def _genius_domain(domain_file: Path, profiles: tuple[Path, ...]) -> _Folder:
    domain = genius_xml.read_genius_domain(domain_file)

    def read(f: Path) -> tuple[Party, list[str]]:
        loaded = genius_xml.read_genius_profile(f, domain)
        return loaded.party, list(loaded.warnings)

    return _Folder(domain.name, domain.space, domain_file, profiles, read, domain.warnings)


def _json_kind(data: Any) -> Literal["domain", "profile", "negolog"] | None:
    """A JSON file's kind: a GeniusWeb domain or profile, or a NegoLog profile."""
    keys = set(data) if isinstance(data, dict) else set()
    if "issuesValues" in keys:
        return "domain"
    if len(keys) == 1 and next(iter(keys)).endswith(("UtilitySpace", "Additive")):
        return "profile"
    return "negolog" if negolog_json.is_negolog_profile(data) else None


def _probe_json(folder: Path, files: list[Path], problems: list[ScenarioError]) -> _Folder | None:
    domains, profiles, negolog = [], [], []
    for f in files:
        try:
            data, _ = geniusweb_json.read_json(f)
        except ScenarioError as exc:
            problems.append(exc)
            profiles.append(f)  # reported when read as a profile
            continue
        kind = _json_kind(data)
        if kind == "domain":
            domains.append(f)
        elif kind == "profile":
            profiles.append(f)
        elif kind == "negolog":
            negolog.append(f)
    if domains:
        return _geniusweb_domain(_pick_domain(domains), tuple(profiles))
    if negolog:
        space = negolog_json.negolog_space(negolog[0])

        def read_negolog(f: Path) -> tuple[Party, list[str]]:
            return negolog_json.read_negolog_profile(f, space)

        return _Folder(folder.name, space, None, tuple(negolog), read_negolog)
    return None


def _geniusweb_domain(domain_file: Path, profiles: tuple[Path, ...]) -> _Folder:
    name, space = geniusweb_json.read_geniusweb_domain(domain_file)

    def read(f: Path) -> tuple[Party, list[str]]:
        return geniusweb_json.read_geniusweb_profile(f, space)

    return _Folder(name, space, domain_file, profiles, read)


def _negmas_kind(data: Any) -> str | None:
    """``domain`` for a NegMAS outcome space, ``profile`` for a utility function, else None."""
    if not isinstance(data, dict) or "accord" in data:
        return None  # accord's own YAML, not NegMAS's
    kind = data.get("type")
    if kind in negmas_yaml.SPACE_TYPES or ("issues" in data and kind is None):
        return "domain"
    return "profile" if kind in negmas_yaml.UFUN_TYPES else None


def _probe_negmas(files: list[Path], problems: list[ScenarioError]) -> _Folder | None:
    domains, profiles = [], []
    for f in files:
        try:
            data, _ = negmas_yaml.read_yaml_data(f)
        except ScenarioError as exc:
            problems.append(exc)
            profiles.append(f)  # reported when read as a profile
            continue
        kind = _negmas_kind(data)
        if kind == "domain":
            domains.append(f)
        elif kind == "profile":
            profiles.append(f)
    if not domains:
        return None
    return _negmas_domain(_pick_domain(domains), tuple(profiles))


def _negmas_domain(domain_file: Path, profiles: tuple[Path, ...]) -> _Folder:
    name, space = negmas_yaml.read_negmas_space(domain_file)

    def read(f: Path) -> tuple[Party, list[str]]:
        return negmas_yaml.read_negmas_ufun(f, space)

    return _Folder(name, space, domain_file, profiles, read)


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
