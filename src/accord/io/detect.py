"""Load any supported scenario file or folder, and save scenarios in the writable formats.

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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from accord.errors import ScenarioError
from accord.io import genius_xml, geniusweb_json, negmas_yaml, negolog_json, scorable_games
from accord.io.genius_write import genius_refusals, genius_stems, write_genius
from accord.io.yaml_text import read_text
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
    """Files written by :func:`save` and what could not be expressed exactly.

    ``losses`` are what the target format cannot hold (found before anything is written);
    ``warnings`` repeats them as sentences, followed by the writer's own notes.
    """

    paths: tuple[Path, ...]
    warnings: tuple[str, ...] = field(default=())
    losses: tuple[Loss, ...] = field(default=())
    format: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "written": [str(p) for p in self.paths],
            "losses": [loss.to_dict() for loss in self.losses],
            "format": self.format,
        }


# ---------------------------------------------------------------------------- loading
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


# ---------------------------------------------------------------------------- saving
_FORMATS = ("genius", "geniusweb", "yaml")
_LABELS = {
    "reservation": "the reservation value",
    "discount": "the discount factor",
    "utility": "the utility function",
    "issue": "the real issue",
    "timeline": "the timeline",
    "uncertainty": "the uncertainty",
    "mediators": "the mediators",
    "agreement": "the agreement rule",
    "opening": "the opening text",
}


@dataclass(frozen=True, slots=True)
class Loss:
    """Something of a scenario that a target format cannot hold.

    ``what`` is one of ``reservation``, ``discount``, ``utility``, ``issue``, ``timeline``,
    ``uncertainty``, ``mediators``, ``agreement``, ``opening``; ``party`` and ``issue`` say
    where (``None`` when it concerns the whole scenario); ``reason`` says why. A ``droppable``
    loss is left out of the files when the caller accepts losses; the others make :func:`save`
    refuse in any case.
    """

    what: str
    reason: str
    party: str | None = None
    issue: str | None = None
    droppable: bool = True

    def describe(self) -> str:
        """One phrase, e.g. ``cannot hold the discount factor of 'buyer' (0.9: …)``."""
        label = _LABELS.get(self.what, self.what)
        if self.issue is not None:
            label += f" {self.issue!r}"
        if self.party is not None:
            label += f" of {self.party!r}"
        return f"cannot hold {label} ({self.reason})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "party": self.party,
            "issue": self.issue,
            "reason": self.reason,
            "droppable": self.droppable,
        }


def find_losses(scenario: Scenario, fmt: Format | str) -> tuple[Loss, ...]:
    """What :func:`save` in ``fmt`` would lose of ``scenario``; reads no file, writes none.

    The description is not counted (GENIUS and GeniusWeb have no place for it), nor is a
    discount factor of 1 written as none (both mean "no discounting").
    """
    _check_format(fmt)
    if fmt == "yaml":
        return tuple(_unwritable_utilities(scenario, "accord YAML"))
    losses = _scenario_losses(scenario, "GENIUS" if fmt == "genius" else "GeniusWeb")
    if fmt == "genius":
        for name, reason in genius_refusals(scenario):
            reason = reason.removeprefix(f"party {name!r}: ")
            losses.append(Loss("utility", reason, party=name, droppable=False))
        return tuple(losses)
    return tuple(losses + _geniusweb_losses(scenario))


def _check_format(fmt: str) -> None:
    if fmt not in _FORMATS:
        raise ScenarioError(f"unknown format {fmt!r}; use 'genius', 'geniusweb' or 'yaml'")


def _unwritable_utilities(scenario: Scenario, target: str) -> list[Loss]:
    from accord.preferences.utility import HyperRectangleUtility, LinearAdditive

    return [
        Loss("utility", f"{target} cannot express {type(p.utility).__name__}", p.name, None, False)
        for p in scenario.parties
        if not isinstance(p.utility, LinearAdditive | HyperRectangleUtility)
    ]


def _scenario_losses(scenario: Scenario, target: str) -> list[Loss]:
    """What neither GENIUS nor GeniusWeb files hold: accord's own additions."""
    losses = []
    if not scenario.timeline.is_empty:
        losses.append(
            Loss("timeline", f"{target} files have no phases, events, delay costs or deadline")
        )
    if scenario.mediators:
        names = ", ".join(scenario.mediators)
        losses.append(Loss("mediators", f"{names}: {target} files do not name mediators"))
    if not scenario.rule.is_unanimity(scenario.party_names):
        rule = scenario.rule.describe(scenario.party_names)
        losses.append(Loss("agreement", f"{rule}: {target} has unanimity only"))
    if scenario.opening is not None:
        values = ", ".join(
            f"{n}: {v}" for n, v in zip(scenario.space.names, scenario.opening, strict=True)
        )
        losses.append(Loss("opening", f"{values}: {target} files have no starting text"))
    for p in scenario.parties:
        if p.uncertainty is not None:
            losses.append(Loss("uncertainty", f"{target} profiles are exact", p.name))
    return losses


def _geniusweb_losses(scenario: Scenario) -> list[Loss]:
    from accord.outcomes.issues import RealIssue
    from accord.preferences.utility import LinearAdditive

    space = scenario.space
    losses = [
        Loss("issue", "GeniusWeb has no real issues; discretise first", None, i.name, False)
        for i in space.issues
        if isinstance(i, RealIssue)
    ]
    for p in scenario.parties:
        additive = isinstance(p.utility, LinearAdditive) and p.utility.offset == 0.0
        if not additive:
            reason = "GeniusWeb holds only linear-additive utilities without an offset"
            losses.append(Loss("utility", reason, p.name, None, False))
        searchable = additive and not space.is_continuous and p.reservation != 0.0
        if searchable and not _has_outcome_worth(p, scenario):
            reason = (
                f"{p.reservation:.6g}: GeniusWeb stores a reservation bid, and no outcome "
                "has exactly that utility"
            )
            losses.append(Loss("reservation", reason, p.name))
        if p.discount is not None and p.discount != 1.0:
            reason = f"{p.discount:.6g}: GeniusWeb profiles have no discount factor"
            losses.append(Loss("discount", reason, p.name))
    return losses


def _has_outcome_worth(party: Party, scenario: Scenario) -> bool:
    """Whether the GeniusWeb writer finds an outcome with utility ``party.reservation`` (it
    searches spaces up to ``MAX_SEARCH`` outcomes, within 1e-12)."""
    import numpy as np

    space = scenario.space
    r = party.reservation
    if not np.isfinite(r) or (space.size or 0) > geniusweb_json.MAX_SEARCH:
        return False
    u = party.utility.evaluate(space, space.all_digits())
    return bool(np.any(np.abs(u - r) <= 1e-12))


def check_save(scenario: Scenario, path: str | Path, fmt: Format | str) -> SaveResult:
    """What :func:`save` would write (``paths``) and lose (``losses``); writes nothing."""
    _check_format(fmt)
    p = Path(path)
    if fmt == "yaml":
        paths = [p if p.suffix.lower() in (".yaml", ".yml") else p / f"{scenario.name}.yaml"]
    else:
        ext = ".xml" if fmt == "genius" else ".json"
        paths = [p / f"{stem}{ext}" for stem in genius_stems(scenario)]
    losses = find_losses(scenario, fmt)
    notes = tuple(loss.describe() for loss in losses)
    return SaveResult(tuple(paths), notes, losses, str(fmt))


def save(
    scenario: Scenario,
    path: str | Path,
    fmt: Format | str,
    *,
    lossy: bool = True,
    force: bool = True,
    parents: bool = True,
    geniusweb_dialect: str = "2",
) -> SaveResult:
    """Write ``scenario``: ``genius``/``geniusweb`` into folder ``path``, ``yaml`` to a file.

    For ``yaml``, ``path`` may be a ``.yaml`` file or a folder (``<folder>/<name>.yaml``).
    Before anything is written: a loss the format cannot write at all raises
    :class:`ScenarioError`, and so does any loss unless ``lossy``; an existing file raises
    unless ``force``; a missing parent folder of ``path`` raises unless ``parents`` (the
    folder ``path`` itself is created). Nothing is written when it raises.
    ``geniusweb_dialect``: ``2`` (``DiscreteValueSetUtilities``) or ``1`` (``discreteutils``,
    what older GeniusWeb readers expect).
    """
    if geniusweb_dialect not in geniusweb_json.DIALECTS:
        raise ScenarioError(f"unknown GeniusWeb dialect {geniusweb_dialect!r}: use 1 or 2")
    plan = check_save(scenario, path, fmt)
    refused = [loss for loss in plan.losses if not (lossy and loss.droppable)]
    if refused:
        raise ScenarioError(_refusal(scenario.name, str(fmt), refused))
    p = Path(path)
    _check_target(p, plan.paths, fmt, force=force, parents=parents)
    notes: list[str] = []
    if fmt == "genius":
        written = write_genius(scenario, p)
    elif fmt == "geniusweb":
        written, notes = geniusweb_json.write_geniusweb(scenario, p, geniusweb_dialect)
    else:
        from accord.io import yaml_format

        text = yaml_format.dumps_yaml(scenario)
        target = plan.paths[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written = [target]
    return replace(plan, paths=tuple(written), warnings=plan.warnings + tuple(notes))


def _refusal(name: str, fmt: str, losses: list[Loss]) -> str:
    listed = "; ".join(loss.describe() for loss in losses)
    if all(loss.droppable for loss in losses):
        return f"{name} → {fmt}: {listed}; --lossy (lossy=True) writes it anyway"
    return f"{name} → {fmt}: {listed}; --lossy cannot help: {fmt} cannot hold this scenario"


def _check_target(
    path: Path, planned: tuple[Path, ...], fmt: str, *, force: bool, parents: bool
) -> None:
    folder = path if fmt != "yaml" or path.suffix.lower() not in (".yaml", ".yml") else None
    if folder is not None and folder.exists() and not folder.is_dir():
        raise ScenarioError(f"{fmt} is written into a folder, and this is a file", folder)
    if not parents and not path.parent.is_dir():
        raise ScenarioError(f"folder {str(path.parent)!r} does not exist; create it first", path)
    for target in planned:
        if target.is_dir():
            raise ScenarioError("a folder is in the way of this file", target)
    existing = [t for t in planned if t.exists()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise ScenarioError(f"already exists{more}; --force (force=True) overwrites", existing[0])
