"""Read GENIUS XML domains and preference profiles.

The semantics follow GENIUS 10.4 (``AdditiveUtilitySpace``, ``Evaluator*``,
``NonlinearUtilitySpace``), read to learn the meaning, not copied:

* Discrete evaluations are divided by the largest evaluation of the issue (all zero if that
  maximum is below 1e-5). Integer ``linear``: ``clip(slope·(x−lowerbound)+offset, 0, 1)``.
  Real ``linear``: ``clip(parameter1·x + parameter0, 0, 1)``; ``triangular``; ``constant``.
* Utility = Σ over issues (pre-order, objectives flattened) of the issue's own weight times its
  evaluation. Objective weights play no part in GENIUS's sum; they are ignored (warning).
* Weights are not normalised by GENIUS; it caps the sum at 1. Weights summing to less than 1 are
  therefore used as given (warning); weights summing to more than 1 are divided by their sum
  when the cap could bind, since a linear-additive function cannot express the cap (warning).
  All-zero weights, a missing weight and a domain value without evaluation make GENIUS fail;
  here they make the profile unusable (:class:`ScenarioError` with file and line).
* ``<reservation>`` and ``<discount_factor>`` count only as direct children of the profile's
  ``<utility_space>``; ``d ≤ 0`` or ``d ≥ 1`` means no discounting.
* Numbers are checked as they are read (:mod:`accord.io.numbers`): NaN, infinities and
  overflowing values, negative weights, a reservation other than finite or ``-inf``, and an
  integer issue of more than ``MAX_ISSUE_VALUES`` values are errors with file and line.
  Negative evaluations are kept (NegMAS writes them when it shifts utilities).
* An integer issue whose profile entry lists ``<item value=V evaluation=E>`` instead of an
  ``<evaluator>`` (NegMAS writes these; GENIUS itself cannot evaluate them) is read by value
  with the discrete semantics: ``V`` must be an integer within the domain's bounds (else
  :class:`ScenarioError` with file and line), evaluations are divided by their maximum, and a
  value of the range without an evaluation makes the profile unusable, as a discrete value
  without one does (no silent 0). Items *and* an ``<evaluator>`` are refused as ambiguous.
* ``type="nonlinear"``: hyper-rectangles (an ``EXCLUDES`` rectangle pays when the outcome lies
  outside its box). ``UNCERTAIN``: the additive part. ``constraint`` (Railway): refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from accord.errors import ScenarioError
from accord.io import numbers
from accord.io.xmltree import Element, read_xml
from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Issue, RealIssue, Value
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive, UtilityFunction
from accord.preferences.values import AffineValue, TableValue, TriangularValue, ValueFunction
from accord.scenario import Party

_KINDS = ("discrete", "integer", "real", "price")


@dataclass(frozen=True, slots=True)
class GeniusDomain:
    """A GENIUS domain: the outcome space plus each issue's GENIUS ``index``."""

    name: str
    space: OutcomeSpace
    indices: tuple[int, ...]
    file: str
    warnings: tuple[str, ...] = ()

    def position(self, index: int) -> int | None:
        """Position in the space of the issue with GENIUS index ``index``."""
        try:
            return self.indices.index(index)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class LoadedParty:
    """A party read from a profile file, with the repairs and notes it needed."""

    party: Party
    warnings: tuple[str, ...] = ()


# ------------------------------------------------------------------------- helpers
def _num(el: Element, attr: str, file: str, default: float | None = None) -> float:
    raw = el.get(attr)
    if raw is None:
        if default is not None:
            return default
        raise ScenarioError(f"<{el.tag}> lacks attribute {attr!r}", file, el.line)
    return numbers.finite_float(raw, attr, file, el.line)


def _int(el: Element, attr: str, file: str) -> int:
    raw = el.get(attr)
    if raw is None:
        raise ScenarioError(f"<{el.tag}> lacks attribute {attr!r}", file, el.line)
    return numbers.bounded_int(raw, attr, file, el.line)


def issue_kind(el: Element, file: str) -> str:
    """``discrete``/``integer``/``real``/``price`` from ``type``, ``vtype`` or ``etype``."""
    for attr in ("type", "vtype", "etype"):
        kind = (el.get(attr) or "").strip().lower()
        if kind in _KINDS:
            return kind
    if el.find("item") is not None:
        return "discrete"
    raise ScenarioError(f"issue {el.get('name')!r} has no known type", file, el.line)


def walk_issues(el: Element) -> Iterator[tuple[Element, Element]]:
    """``(issue, parent)`` in pre-order, descending through objectives (not into issues)."""
    for child in el.children:
        if child.tag == "issue":
            yield child, el
        elif child.tag in ("objective", "utility_space"):
            yield from walk_issues(child)


def _bounds(el: Element, file: str) -> tuple[Element, str, str]:
    """The element carrying ``lowerbound``/``upperbound``: the issue or its ``<range>``."""
    if el.get("lowerbound") is not None:
        return el, "lowerbound", "upperbound"
    rng = el.find("range")
    if rng is not None:
        return rng, "lowerbound", "upperbound"
    raise ScenarioError(f"issue {el.get('name')!r} has no bounds", file, el.line)


def _issue(el: Element, file: str, warnings: list[str]) -> Issue:
    name = el.get("name")
    if not name:
        raise ScenarioError("issue without a name", file, el.line)
    kind = issue_kind(el, file)
    if kind == "discrete":
        values: list[Value] = []
        for item in el.findall("item"):
            value = item.get("value")
            if value is None:
                raise ScenarioError("<item> without a value", file, item.line)
            if value in values:
                warnings.append(f"{file}:{item.line}: repaired: value {value!r} listed twice")
                continue
            values.append(value)
        if not values:
            raise ScenarioError(f"discrete issue {name!r} has no items", file, el.line)
        return DiscreteIssue(name, tuple(values))
    holder, lo, hi = _bounds(el, file)
    if kind == "integer":
        low, high = _int(holder, lo, file), _int(holder, hi, file)
        numbers.issue_size(name, high - low + 1, file, holder.line)  # before any table is built
        return IntegerIssue(name, low, high)
    return RealIssue(name, _num(holder, lo, file), _num(holder, hi, file))


# ------------------------------------------------------------------------- domain
def read_genius_domain(path: str | Path) -> GeniusDomain:
    """Read a GENIUS domain (root ``<negotiation_template>`` or ``<utility_space>``)."""
    doc = read_xml(path)
    file = doc.file
    warnings = list(doc.warnings)
    root = doc.root
    space_el = root.find("utility_space") if root.tag == "negotiation_template" else root
    if space_el is None or space_el.tag != "utility_space":
        raise ScenarioError("not a GENIUS domain (no <utility_space>)", file, root.line)
    issues: list[Issue] = []
    indices: list[int] = []
    for el, _parent in walk_issues(space_el):
        issues.append(_issue(el, file, warnings))
        indices.append(_int(el, "index", file) if el.get("index") else len(indices) + 1)
    if not issues:
        raise ScenarioError("domain has no issues", file, space_el.line)
    declared = space_el.get("number_of_issues")
    if declared and declared.strip() not in ("0", str(len(issues))):
        warnings.append(
            f"{file}:{space_el.line}: number_of_issues={declared} but {len(issues)} issues found"
        )
    for tag in ("discount_factor", "reservation"):
        for el in space_el.iter(tag):
            warnings.append(f"{file}:{el.line}: <{tag}> in a domain file has no effect (GENIUS)")
    try:
        space = OutcomeSpace(tuple(issues))
    except ScenarioError as exc:
        raise ScenarioError(exc.reason, file, space_el.line) from None
    return GeniusDomain(Path(file).stem, space, tuple(indices), file, tuple(warnings))


# ------------------------------------------------------------------------- profiles
def read_genius_profile(
    path: str | Path, domain: GeniusDomain, name: str | None = None
) -> LoadedParty:
    """Read one GENIUS profile against ``domain``; the party is named after the file stem."""
    doc = read_xml(path)
    file = doc.file
    warnings = list(doc.warnings)
    root = doc.root
    if root.tag != "utility_space":
        raise ScenarioError(f"not a GENIUS profile (root <{root.tag}>)", file, root.line)
    kind = (root.get("type") or "").strip().lower()
    utility: UtilityFunction
    if kind == "nonlinear":
        from accord.io.genius_nonlinear import read_hyper_rectangles

        utility = read_hyper_rectangles(root, domain, file)
    elif kind == "constraint":
        raise ScenarioError(
            "GENIUS 'constraint' profiles (ranks + zero-outcome constraints, Railway) are not "
            "supported: they define an ordinal ranking, not a utility function",
            file,
            root.line,
        )
    elif kind in ("", "linear", "additive", "any", "uncertain"):
        if kind == "uncertain":
            warnings.append(
                f"{file}:{root.line}: preference uncertainty (comparisons/errors) ignored; "
                "the additive utility is used"
            )
        utility = _additive(root, domain, file, warnings)
    else:
        raise ScenarioError(f"unknown utility space type {kind!r}", file, root.line)
    reservation, discount = _reservation_discount(root, file, warnings)
    party = Party(name or Path(file).stem, utility, reservation, discount, file)
    return LoadedParty(party, tuple(warnings))


def _optional_number(root: Element, tag: str, file: str, warnings: list[str]) -> float | None:
    """``value`` of the direct child ``tag``; unreadable values are ignored, as GENIUS does."""
    el = root.find(tag)
    if el is None:
        return None
    raw = el.get("value")
    try:
        float((raw or "").strip())
    except ValueError:
        warnings.append(
            f"{file}:{el.line}: value={raw!r} is not a number; <{tag}> ignored (as GENIUS does)"
        )
        return None
    if tag == "reservation":
        return numbers.reservation(raw, "reservation value", file, el.line)
    return numbers.finite_float(raw, f"<{tag}> value", file, el.line)


def _reservation_discount(
    root: Element, file: str, warnings: list[str]
) -> tuple[float, float | None]:
    reservation = _optional_number(root, "reservation", file, warnings)
    d = _optional_number(root, "discount_factor", file, warnings)
    discount = d if d is not None and 0.0 < d < 1.0 else None
    if d is not None and (d < 0.0 or d > 1.0):
        warnings.append(f"{file}:{root.line}: discount factor {d:g} means no discounting")
    direct = {id(c) for c in root.children}
    for tag in ("reservation", "discount_factor"):
        for el in root.iter(tag):
            if id(el) not in direct:
                warnings.append(f"{file}:{el.line}: nested <{tag}> ignored (as GENIUS does)")
    return (reservation if reservation is not None else 0.0), discount


def _additive(
    root: Element, domain: GeniusDomain, file: str, warnings: list[str]
) -> LinearAdditive:
    space = domain.space
    found: dict[int, tuple[Element, float]] = {}
    for el, parent in walk_issues(root):
        pos = _match_issue(el, domain, file, warnings)
        weight_el = _weight_of(parent, el)
        if weight_el is None:
            raise ScenarioError(f"issue {el.get('name')!r} has no weight", file, el.line)
        if pos in found:
            raise ScenarioError(f"issue {el.get('name')!r} appears twice", file, el.line)
        found[pos] = (el, numbers.weight(weight_el.get("value"), "weight", file, weight_el.line))
    missing = [i.name for pos, i in enumerate(space.issues) if pos not in found]
    if missing:
        raise ScenarioError(f"profile does not evaluate issues {missing}", file, root.line)
    w = [found[pos][1] for pos in range(len(space.issues))]
    if sum(w) <= 0.0:
        raise ScenarioError(
            f"issue weights sum to {sum(w):g}: the profile is unusable", file, root.line
        )
    vfs = tuple(
        _evaluator(found[pos][0], issue, file, warnings) for pos, issue in enumerate(space.issues)
    )
    if _objective_weights_used(root, file):
        warnings.append(f"{file}:{root.line}: objective weights ignored (as GENIUS does)")
    return LinearAdditive(_check_weights(w, vfs, space, root, file, warnings), vfs)


def _match_issue(el: Element, domain: GeniusDomain, file: str, warnings: list[str]) -> int:
    """Position of a profile issue: by name, else by GENIUS index (as GENIUS matches them)."""
    name = el.get("name")
    if name in domain.space.names:
        return domain.space.names.index(name)
    raw = (el.get("index") or "").strip()
    pos = (
        domain.position(numbers.bounded_int(raw, "index", file, el.line)) if raw.isdigit() else None
    )
    if pos is not None:
        warnings.append(
            f"{file}:{el.line}: issue {name!r} matched to domain issue "
            f"{domain.space.names[pos]!r} by its index {raw} (as GENIUS does)"
        )
        return pos
    raise ScenarioError(f"issue {name!r} is not in the domain {domain.file}", file, el.line)


def _weight_of(parent: Element, issue: Element) -> Element | None:
    index = issue.get("index")
    for w in parent.findall("weight"):
        if index is not None and (w.get("index") or "").strip() == index.strip():
            return w
    return None


def _objective_weights_used(root: Element, file: str) -> bool:
    """True when some objective (not issue) carries a weight other than 1."""
    objectives = {(o.get("index") or "").strip() for o in root.iter("objective")}
    return any(
        (w.get("index") or "").strip() in objectives and _num(w, "value", file) != 1.0
        for w in root.iter("weight")
    )


def _check_weights(
    w: list[float],
    vfs: tuple[ValueFunction, ...],
    space: OutcomeSpace,
    root: Element,
    file: str,
    warnings: list[str],
) -> tuple[float, ...]:
    total = sum(w)
    if abs(total - 1.0) <= 1e-6:
        return tuple(w)
    if total < 1.0:
        warnings.append(
            f"{file}:{root.line}: weights sum to {total:.10g}; used as given (GENIUS does not "
            "normalise them)"
        )
        return tuple(w)
    best = sum(
        wi * _max_value(vf, issue) for wi, vf, issue in zip(w, vfs, space.issues, strict=True)
    )
    if best <= 1.0 + 1e-9:
        warnings.append(f"{file}:{root.line}: weights sum to {total:.10g}; used as given")
        return tuple(w)
    warnings.append(
        f"{file}:{root.line}: weights sum to {total:.10g}; GENIUS caps utilities at 1, accord "
        "divides the weights by their sum instead"
    )
    return tuple(x / total for x in w)


def _max_value(vf: ValueFunction, issue: Issue) -> float:
    if isinstance(issue, RealIssue):
        points = [issue.low, issue.high]
        if isinstance(vf, TriangularValue) and issue.low <= vf.top <= issue.high:
            points.append(vf.top)
        return float(np.max(vf.at(np.asarray(points, dtype=float))))
    return float(vf.table(issue).max())


# ------------------------------------------------------------------------- evaluators
def _evaluator(el: Element, issue: Issue, file: str, warnings: list[str]) -> ValueFunction:
    if issue_kind(el, file) == "price":
        raise ScenarioError(
            f"issue {issue.name!r}: the 'price' evaluator depends on the costs of other issues' "
            "values (a clipped sum), which is not linear-additive; not supported",
            file,
            el.line,
        )
    if isinstance(issue, DiscreteIssue):
        return _discrete_evaluator(el, issue, file)
    ev = el.find("evaluator")
    if isinstance(issue, IntegerIssue):
        if any(item.get("evaluation") is not None for item in el.findall("item")):
            return _integer_items_evaluator(el, ev, issue, file, warnings)
        return _integer_evaluator(el, ev, issue, file, warnings)
    if ev is None:
        raise ScenarioError(f"real issue {issue.name!r} has no <evaluator>", file, el.line)
    ftype = (ev.get("ftype") or "").strip().lower()
    if ftype == "linear":
        return AffineValue(_num(ev, "parameter1", file), _num(ev, "parameter0", file))
    if ftype == "triangular":
        lo, hi, top = (_num(ev, f"parameter{i}", file) for i in range(3))
        return TriangularValue(lo, hi, top)
    if ftype == "constant":
        return AffineValue(0.0, _num(ev, "parameter0", file), clip=False)
    raise ScenarioError(f"evaluator ftype={ftype!r} is not supported", file, ev.line)


def _discrete_evaluator(el: Element, issue: DiscreteIssue, file: str) -> TableValue:
    known = {str(v) for v in issue.values}
    evals: dict[Value, float] = {}
    for item in el.findall("item"):
        value = item.get("value") or ""
        raw = item.get("evaluation")
        if raw is None or raw.strip() == "null":
            continue
        if value not in known:
            raise ScenarioError(
                f"value {value!r} of issue {issue.name!r} is not in the domain", file, item.line
            )
        evals[value] = numbers.evaluation(
            raw,
            "evaluation",
            file,
            item.line,
            allow_negative=True,  # NegMAS writes them
        )
    missing = [str(v) for v in issue.values if str(v) not in evals]
    if missing:
        raise ScenarioError(
            f"issue {issue.name!r}: no evaluation for {missing[:3]} (GENIUS cannot evaluate them)",
            file,
            el.line,
        )
    return TableValue(_normalised(evals))


def _normalised(evals: dict[Value, float]) -> dict[Value, float]:
    """Evaluations divided by their maximum, all zero when it is below 1e-5 (GENIUS)."""
    top = max(evals.values())
    scale = 0.0 if top < 1e-5 else 1.0 / top
    return {v: e * scale for v, e in evals.items()}


def _integer_items_evaluator(
    el: Element, ev: Element | None, issue: IntegerIssue, file: str, warnings: list[str]
) -> TableValue:
    """An integer issue scored by ``<item value=V evaluation=E>`` (NegMAS writes these), read
    by value with the discrete semantics: every value of the range needs an evaluation, and
    evaluations are divided by their maximum."""
    if ev is not None:
        raise ScenarioError(
            f"integer issue {issue.name!r} has both <item> evaluations and an <evaluator>: "
            "ambiguous",
            file,
            ev.line,
        )
    evals: dict[Value, float] = {}
    for item in el.findall("item"):
        raw = item.get("evaluation")
        if raw is None or raw.strip() == "null":
            continue
        value = _integer_item_value(item, issue, file)
        if value in evals:
            warnings.append(
                f"{file}:{item.line}: value {value} of issue {issue.name!r} evaluated twice; "
                "the last evaluation counts (as GENIUS does for discrete items)"
            )
        evals[value] = numbers.evaluation(raw, "evaluation", file, item.line, allow_negative=True)
    missing = [v for v in issue.values if v not in evals]
    if missing:
        shown = ", ".join(map(str, missing[:3])) + (", …" if len(missing) > 3 else "")
        raise ScenarioError(
            f"integer issue {issue.name!r} ({issue.low}..{issue.high}) is scored by <item>s, "
            f"but {len(missing)} of its values have none ({shown}); GENIUS cannot evaluate them",
            file,
            el.line,
        )
    return TableValue(_normalised(evals))


def _integer_item_value(item: Element, issue: IntegerIssue, file: str) -> int:
    raw = item.get("value")
    what = f"item value of integer issue {issue.name!r}"
    if raw is None:
        raise ScenarioError(f"<item> of integer issue {issue.name!r} has no value", file, item.line)
    value = numbers.bounded_int(raw, what, file, item.line)
    if not issue.low <= value <= issue.high:
        raise ScenarioError(
            f"{what} {value} is outside its bounds {issue.low}..{issue.high}", file, item.line
        )
    return value


def _integer_evaluator(
    el: Element, ev: Element | None, issue: IntegerIssue, file: str, warnings: list[str]
) -> AffineValue:
    low = float(issue.low)
    if el.get("lowerbound") is not None or el.find("range") is not None:
        holder, lo, _ = _bounds(el, file)
        low = _num(holder, lo, file)
    if ev is None:
        warnings.append(f"{file}:{el.line}: integer issue {issue.name!r} has no evaluator: 0")
        return AffineValue(0.0, 0.0)
    if ev.get("slope") is None and ev.get("parameter1") is not None:
        warnings.append(
            f"{file}:{ev.line}: integer evaluator with parameter0/1 read as the real one: "
            "clip(parameter1·x + parameter0, 0, 1)"
        )
        return AffineValue(_num(ev, "parameter1", file), _num(ev, "parameter0", file, 0.0))
    slope = _num(ev, "slope", file)
    offset = _num(ev, "offset", file)
    return AffineValue(slope, offset - slope * low)
