"""GENIUS non-linear (ANAC 2014) hyper-rectangle profiles, read and written.

GENIUS's semantics (``NonlinearUtilitySpace``, ``InclusiveHyperRectangle``,
``ExclusiveHyperRectangle``, ``UtilityFunction``), re-expressed with accord's types:

* ``<utility maxutility=M>`` holds one ``<ufun aggregation="sum">``; its ``<hyperRectangle
  utility=u [weight=w]>`` children add ``u·w``; nested ``<ufun weight=v>`` add ``v ×`` their sum.
  The total is divided by ``M``.
* A rectangle with ``<INCLUDES index min max/>`` bounds pays when every bound holds (``index`` is
  the issue's GENIUS index). One with ``<EXCLUDES …/>`` bounds pays when the outcome lies outside
  the box (some bound fails); if both kinds appear GENIUS uses only the EXCLUDES. An exclusive
  box with several bounds is written here as ``u`` everywhere minus ``u`` inside the box.
* Bounds compare integer values: the issues they constrain are written as integer issues
  (:mod:`accord.io.genius_write`). A bound on a discrete issue with numeric values (older
  accord files) compares those numbers; one on a non-numeric discrete issue is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from accord.errors import ScenarioError
from accord.io import numbers
from accord.io.xmltree import Element
from accord.outcomes.issues import DiscreteIssue, IntegerIssue
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import Bound, HyperRectangle, HyperRectangleUtility

if TYPE_CHECKING:  # avoids an import cycle at runtime
    from accord.io.genius_xml import GeniusDomain


def _float(el: Element, attr: str, file: str, default: float | None = None) -> float:
    raw = el.get(attr)
    if raw is None:
        if default is not None:
            return default
        raise ScenarioError(f"<{el.tag}> lacks attribute {attr!r}", file, el.line)
    return numbers.finite_float(raw, f"<{el.tag}> {attr}", file, el.line)


def read_hyper_rectangles(root: Element, domain: GeniusDomain, file: str) -> HyperRectangleUtility:
    """The hyper-rectangle utility of a ``<utility_space type="nonlinear">`` profile."""
    utility = next(root.iter("utility"), None)
    if utility is None:
        raise ScenarioError("non-linear profile without <utility>", file, root.line)
    ufun = utility.find("ufun")
    if ufun is None:
        raise ScenarioError("<utility> without <ufun>", file, utility.line)
    rects: list[HyperRectangle] = []
    _collect(ufun, 1.0, domain, file, rects)
    max_utility = _float(utility, "maxutility", file)
    if not max_utility > 0:
        raise ScenarioError(f"maxutility={max_utility:g} must be positive", file, utility.line)
    try:
        return HyperRectangleUtility(tuple(rects), max_utility)
    except ScenarioError as exc:
        raise ScenarioError(exc.reason, file, utility.line) from None


def _collect(
    ufun: Element, scale: float, domain: GeniusDomain, file: str, out: list[HyperRectangle]
) -> None:
    aggregation = (ufun.get("aggregation") or "sum").strip().lower()
    if aggregation != "sum":
        raise ScenarioError(f"ufun aggregation={aggregation!r} is not supported", file, ufun.line)
    for el in ufun.findall("hyperRectangle"):
        u = scale * _float(el, "utility", file) * _float(el, "weight", file, 1.0)
        numbers.finite_float(u, "utility × weights of <hyperRectangle>", file, el.line, 1e300)
        includes = [_bound(b, domain, file) for b in el.findall("INCLUDES")]
        excludes = [_bound(b, domain, file) for b in el.findall("EXCLUDES")]
        if not excludes:
            out.append(HyperRectangle(u, tuple(includes)))
        elif len(excludes) == 1:
            out.append(HyperRectangle(u, (), tuple(excludes)))
        else:
            out.append(HyperRectangle(u, ()))
            out.append(HyperRectangle(-u, tuple(excludes)))
    for inner in ufun.findall("ufun"):
        _collect(inner, scale * _float(inner, "weight", file, 1.0), domain, file, out)


def _bound(el: Element, domain: GeniusDomain, file: str) -> Bound:
    raw = (el.get("index") or "").strip()
    pos = (
        domain.position(numbers.bounded_int(raw, "index", file, el.line)) if raw.isdigit() else None
    )
    if pos is None:
        raise ScenarioError(f"bound refers to unknown issue index {raw!r}", file, el.line)
    issue = domain.space.issues[pos]
    if isinstance(issue, DiscreteIssue) and not all(_numeric(v) for v in issue.values):
        raise ScenarioError(
            f"hyper-rectangle bound on issue {issue.name!r}, whose values are not numbers "
            "(GENIUS's hyper-rectangles compare integer values)",
            file,
            el.line,
        )
    return Bound(pos, _float(el, "min", file), _float(el, "max", file))


def _numeric(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------- writing
def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _bound_xml(tag: str, b: Bound, space: OutcomeSpace) -> str:
    issue = space.issues[b.issue]
    if not isinstance(issue, IntegerIssue):
        raise ScenarioError(f"GENIUS hyper-rectangles need integer issues; {issue.name!r} is not")
    return f'            <{tag} index="{b.issue + 1}" min="{_fmt(b.low)}" max="{_fmt(b.high)}"/>'


def hyper_rectangles_xml(utility: HyperRectangleUtility, space: OutcomeSpace) -> list[str]:
    """``<utility>`` lines of a non-linear GENIUS profile (issue ``index`` = position + 1)."""
    lines = [
        f"    <utility maxutility={quoteattr(_fmt(utility.max_utility))}>",
        '        <ufun type="PlainUfun" weight="1" aggregation="sum">',
    ]
    for rect in utility.rectangles:
        if (rect.includes and rect.excludes) or len(rect.excludes) > 1:
            raise ScenarioError(
                "GENIUS cannot express a rectangle with several EXCLUDES bounds or with both kinds"
            )
        lines.append(f"         <hyperRectangle utility={quoteattr(_fmt(rect.utility))}>")
        lines += [_bound_xml("INCLUDES", b, space) for b in rect.includes]
        lines += [_bound_xml("EXCLUDES", b, space) for b in rect.excludes]
        lines.append("         </hyperRectangle>")
    lines += ["        </ufun>", "    </utility>"]
    return lines
