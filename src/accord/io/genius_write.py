"""Write a scenario as GENIUS XML: one domain file plus one profile per party.

Only what GENIUS can express is written; anything else raises :class:`ScenarioError` rather
than silently changing utilities. A discrete value table is written as evaluations ``t/m`` with
weight ``w·m`` (``m`` = the table's maximum), because GENIUS divides evaluations by their maximum.
An integer issue on which some additive party's value function is not a clipped line is written
as a discrete issue (same values, same order), so every outcome keeps its utility and its index
-- unless a hyper-rectangle (ANAC 2014) profile constrains it: GENIUS's hyper-rectangles compare
integer values, so that issue stays ``type="integer"`` with its bounds and the additive party
is refused. Hyper-rectangle profiles have no per-issue value function and never force an
integer issue to be discrete.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

from accord.errors import ScenarioError
from accord.io.genius_nonlinear import hyper_rectangles_xml
from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Issue, RealIssue
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import HyperRectangleUtility, LinearAdditive
from accord.preferences.values import AffineValue, TriangularValue, ValueFunction
from accord.scenario import Party, Scenario

_UNSAFE = re.compile(r"[/\\\x00-\x1f]|^$")


def num(x: float) -> str:
    """A number as GENIUS (Java ``Double.valueOf``) reads it back exactly."""
    x = float(x)
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def file_stem(name: str, what: str) -> str:
    """``name`` if it is usable as a file name, else :class:`ScenarioError`."""
    if name.strip() != name or name in (".", "..") or _UNSAFE.search(name):
        raise ScenarioError(f"{what} name {name!r} cannot be used as a file name")
    return name


def write_genius(scenario: Scenario, folder: str | Path) -> list[Path]:
    """Write ``<folder>/<scenario>.xml`` (domain) and ``<folder>/<party>.xml`` per party."""
    out = Path(folder)
    texts = render_genius(scenario)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, text in texts.items():
        path = out / f"{stem}.xml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def genius_stems(scenario: Scenario) -> list[str]:
    """File stems :func:`write_genius` uses: the domain first, then one per party."""
    domain_stem = file_stem(scenario.name, "scenario")
    stems = [file_stem(p.name, "party") for p in scenario.parties]
    if domain_stem in stems:
        raise ScenarioError(f"party {domain_stem!r} has the same name as the scenario")
    return [domain_stem, *stems]


def render_genius(scenario: Scenario) -> dict[str, str]:
    """The XML texts :func:`write_genius` writes, by file stem; nothing is written."""
    domain_stem, *stems = genius_stems(scenario)
    as_discrete = _integer_issues_as_discrete(scenario)
    issue_lines = [
        _issue_xml(i, issue, as_discrete[i]) for i, issue in enumerate(scenario.space.issues)
    ]
    texts = {domain_stem: _domain_xml(scenario, issue_lines)}
    for party, stem in zip(scenario.parties, stems, strict=True):
        texts[stem] = _profile_xml(party, scenario.space, as_discrete)
    return texts


def genius_refusals(scenario: Scenario) -> list[tuple[str, str]]:
    """``(party, reason)`` for every party whose utility GENIUS cannot express (which makes
    :func:`write_genius` raise); empty when every profile can be written."""
    as_discrete = _integer_issues_as_discrete(scenario)
    refusals = []
    for party in scenario.parties:
        try:
            _profile_xml(party, scenario.space, as_discrete)
        except ScenarioError as exc:
            refusals.append((party.name, exc.reason))
    return refusals


def _integer_issues_as_discrete(scenario: Scenario) -> list[bool]:
    """Per issue: write it as a discrete one? Only an integer issue that some additive party
    scores with something other than a clipped line and that no hyper-rectangle constrains."""
    constrained = {
        b.issue
        for p in scenario.parties
        if isinstance(p.utility, HyperRectangleUtility)
        for rect in p.utility.rectangles
        for b in (*rect.includes, *rect.excludes)
    }
    flags = []
    for i, issue in enumerate(scenario.space.issues):
        tabled = any(
            isinstance(p.utility, LinearAdditive) and not _is_clipped_line(p, i)
            for p in scenario.parties
        )
        flags.append(isinstance(issue, IntegerIssue) and tabled and i not in constrained)
    return flags


def _is_clipped_line(party: Party, i: int) -> bool:
    if not isinstance(party.utility, LinearAdditive):
        return False
    vf = party.utility.values[i]
    return isinstance(vf, AffineValue) and vf.clip


def _attrs(issue: Issue, index: int, kind: str) -> str:
    return (
        f'index="{index + 1}" name={quoteattr(issue.name)} type="{kind}" '
        f'etype="{kind}" vtype="{kind}"'
    )


def _issue_xml(index: int, issue: Issue, as_discrete: bool) -> tuple[str, list[str], str]:
    """Opening line, inner lines (domain part) and closing line of an ``<issue>``."""
    if isinstance(issue, DiscreteIssue) or as_discrete:
        values = issue.values if not isinstance(issue, RealIssue) else ()
        items = [
            f'      <item index="{k + 1}" value={quoteattr(str(v))}/>' for k, v in enumerate(values)
        ]
        return f"    <issue {_attrs(issue, index, 'discrete')}>", items, "    </issue>"
    if isinstance(issue, IntegerIssue):
        bounds = f'lowerbound="{issue.low}" upperbound="{issue.high}"'
        return f"    <issue {_attrs(issue, index, 'integer')} {bounds}>", [], "    </issue>"
    rng = f'      <range lowerbound="{num(issue.low)}" upperbound="{num(issue.high)}"/>'
    return f"    <issue {_attrs(issue, index, 'real')}>", [rng], "    </issue>"


def _objective(name: str) -> str:
    return f'  <objective index="0" name={quoteattr(name)} type="objective" etype="objective">'


def _domain_xml(scenario: Scenario, issues: list[tuple[str, list[str], str]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<negotiation_template>"]
    lines.append(f'<utility_space number_of_issues="{len(issues)}">')
    lines.append(_objective(scenario.name))
    for head, inner, tail in issues:
        lines += [head, *inner, tail]
    lines += ["  </objective>", "</utility_space>", "</negotiation_template>", ""]
    return "\n".join(lines)


def _profile_xml(party: Party, space: OutcomeSpace, as_discrete: list[bool]) -> str:
    utility = party.utility
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    if isinstance(utility, HyperRectangleUtility):
        lines += ['<utility_space type="nonlinear">', _objective(party.name)]
        for i, issue in enumerate(space.issues):
            head, inner, tail = _issue_xml(i, issue, as_discrete[i])
            lines += [head, *inner, tail]
        lines += hyper_rectangles_xml(utility, space)
    elif isinstance(utility, LinearAdditive):
        lines += ["<utility_space>", _objective(party.name)]
        lines += _additive_xml(party, utility, space, as_discrete)
    else:
        raise ScenarioError(f"party {party.name!r}: GENIUS cannot express {type(utility).__name__}")
    lines.append("  </objective>")
    if party.discount is not None:
        lines.append(f'  <discount_factor value="{num(party.discount)}"/>')
    lines.append(f'  <reservation value="{num(party.reservation)}"/>')
    lines += ["</utility_space>", ""]
    return "\n".join(lines)


def _additive_xml(
    party: Party, utility: LinearAdditive, space: OutcomeSpace, as_discrete: list[bool]
) -> list[str]:
    if utility.offset != 0.0:
        raise ScenarioError(f"party {party.name!r}: GENIUS cannot express a utility offset")
    best, _ = utility.best_worst(space) if not space.is_continuous else (None, None)
    if best is not None and best > 1.0 + 1e-9:
        raise ScenarioError(
            f"party {party.name!r}: utilities up to {best:.4g} exceed 1, which GENIUS caps"
        )
    lines: list[str] = []
    weights: list[str] = []
    for i, (issue, w, vf) in enumerate(
        zip(space.issues, utility.weights, utility.values, strict=True)
    ):
        head, inner, tail = _issue_xml(i, issue, as_discrete[i])
        if isinstance(issue, RealIssue) or (isinstance(issue, IntegerIssue) and not as_discrete[i]):
            inner = [*inner, _evaluator_xml(party, issue, vf)]
            weight = float(w)
        else:
            inner, weight = _items_xml(party, issue, vf, float(w))
        lines += [head, *inner, tail]
        weights.append(f'    <weight index="{i + 1}" value="{num(weight)}"/>')
    return lines + weights


def _items_xml(
    party: Party, issue: Issue, vf: ValueFunction, weight: float
) -> tuple[list[str], float]:
    table = vf.table(issue)
    top = float(table.max()) if table.size else 0.0
    if top <= 0.0 and table.size and float(table.min()) < 0.0:
        raise ScenarioError(
            f"party {party.name!r}, issue {issue.name!r}: GENIUS cannot express values that "
            "are all negative"
        )
    scale = 1.0 / top if top > 0 else 1.0
    values = issue.values if not isinstance(issue, RealIssue) else ()
    items = [
        f'      <item index="{k + 1}" value={quoteattr(str(v))} evaluation="{num(t * scale)}"/>'
        for k, (v, t) in enumerate(zip(values, table, strict=True))
    ]
    return items, weight * (top if top > 0 else 1.0)


def _evaluator_xml(party: Party, issue: IntegerIssue | RealIssue, vf: ValueFunction) -> str:
    if isinstance(vf, TriangularValue) and isinstance(issue, RealIssue):
        return (
            f'      <evaluator ftype="triangular" parameter0="{num(vf.lower)}" '
            f'parameter1="{num(vf.upper)}" parameter2="{num(vf.top)}"/>'
        )
    if isinstance(vf, AffineValue) and isinstance(issue, IntegerIssue) and vf.clip:
        offset = vf.offset + vf.slope * issue.low
        return f'      <evaluator ftype="linear" slope="{num(vf.slope)}" offset="{num(offset)}"/>'
    if isinstance(vf, AffineValue) and isinstance(issue, RealIssue):
        if vf.clip:
            return (
                f'      <evaluator ftype="linear" parameter0="{num(vf.offset)}" '
                f'parameter1="{num(vf.slope)}"/>'
            )
        if vf.slope == 0.0:
            return f'      <evaluator ftype="constant" parameter0="{num(vf.offset)}"/>'
    if isinstance(issue, IntegerIssue):
        raise ScenarioError(
            f"party {party.name!r}, issue {issue.name!r}: GENIUS cannot express {vf!r} on an "
            "integer issue that hyper-rectangles constrain (it must stay integer, and GENIUS "
            "scores integer issues only with a clipped line)"
        )
    raise ScenarioError(f"party {party.name!r}, issue {issue.name!r}: GENIUS cannot express {vf!r}")
