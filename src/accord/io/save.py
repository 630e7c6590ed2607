"""Save scenarios in the writable formats (accord YAML, GENIUS XML, GeniusWeb JSON), and say
before anything is written what a format cannot hold (:func:`find_losses`): ``save`` refuses a
loss unless the caller accepts it, and never overwrites unless asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from accord.errors import ScenarioError
from accord.io import geniusweb_json
from accord.io.genius_write import genius_refusals, genius_stems, write_genius
from accord.scenario import Party, Scenario

Format = Literal["genius", "geniusweb", "yaml"]


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
