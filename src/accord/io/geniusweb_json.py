"""Read and write GeniusWeb JSON: a domain file and ``LinearAdditiveUtilitySpace`` profiles.

* Domain: ``{"name": …, "issuesValues": {issue: {"values": [...]}}}``; number issues
  ``{"range": {"low", "high", "step"}}`` become integer issues (step 1) or numeric value lists.
* Profile: ``{"LinearAdditiveUtilitySpace": {"issueUtilities", "issueWeights", "domain", "name",
  "reservationBid"?}}``. Per-issue utilities are ``DiscreteValueSetUtilities`` (GeniusWeb 1.x:
  ``discreteutils``) ``{"valueUtilities": {value: u}}`` or ``NumberValueSetUtilities``
  (``numberutils``) ``{lowValue, lowUtility, highValue, highUtility}`` (linear between, 0 outside).
* GeniusWeb has no reservation *value*, only a ``reservationBid``; accord's reservation value is
  the profile's own utility of that bid (recorded as a warning). Writing goes the other way: a
  reservation value is written as the bid of an outcome with exactly that utility, if one exists.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import ScenarioError
from accord.io import numbers
from accord.io.genius_write import file_stem
from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Issue, RealIssue, Value
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive
from accord.preferences.values import TableValue
from accord.scenario import Party, Scenario

PROFILE_KEYS = ("LinearAdditiveUtilitySpace", "LinearAdditive")
_DISCRETE = ("DiscreteValueSetUtilities", "discreteutils")
_NUMBER = ("NumberValueSetUtilities", "numberutils")
#: Largest space searched for an outcome whose utility equals a reservation value.
MAX_SEARCH = 1_000_000


def read_json(path: str | Path) -> tuple[Any, str]:
    """Parsed JSON and its text; errors name ``file:line``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read file: {exc}", p) from None
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"invalid JSON: {exc.msg}", p, exc.lineno) from None
    except ValueError as exc:  # an integer literal beyond Python's 4,300-digit limit
        raise numbers.too_long_number(exc, text, p) from None
    except RecursionError:
        raise ScenarioError("invalid JSON: nested too deeply", p) from None


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of ``needle`` (JSON-quoted) in ``text``, else 1."""
    pos = text.find(json.dumps(needle))
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 1


# ---------------------------------------------------------------------------- domain
def read_geniusweb_domain(path: str | Path) -> tuple[str, OutcomeSpace]:
    """The domain's name and outcome space."""
    data, text = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("issuesValues"), dict):
        raise ScenarioError("not a GeniusWeb domain (no 'issuesValues')", path, 1)
    issues = [_issue(name, spec, text, path) for name, spec in data["issuesValues"].items()]
    try:
        space = OutcomeSpace(tuple(issues))
    except ScenarioError as exc:
        raise ScenarioError(exc.reason, path, 1) from None
    return str(data.get("name") or Path(path).stem), space


def _issue(name: str, spec: Any, text: str, path: str | Path) -> Issue:
    line = line_of(text, name)
    if isinstance(spec, dict) and isinstance(spec.get("values"), list):
        values: list[Value] = [
            numbers.numeric_value(v, f"value of issue {name!r}", path, line)
            if isinstance(v, int | float) and not isinstance(v, bool)
            else str(v)
            for v in spec["values"]
        ]
        try:
            return DiscreteIssue(name, tuple(values))
        except ScenarioError as exc:
            raise ScenarioError(exc.reason, path, line) from None
    rng = spec.get("range") if isinstance(spec, dict) else None
    if isinstance(rng, dict):
        if "low" not in rng or "high" not in rng:
            raise ScenarioError(f"issue {name!r}: bad range {rng}", path, line)
        what = f"issue {name!r}: range"
        bounds = [
            numbers.finite_float(rng.get(k, 1), f"{what} {k}", path, line, float(numbers.MAX_INT))
            for k in ("low", "high", "step")
        ]
        try:
            low, high, step = (Decimal(str(rng.get(k, 1))) for k in ("low", "high", "step"))
        except ArithmeticError:
            raise ScenarioError(f"issue {name!r}: bad range {rng}", path, line) from None
        if bounds[2] <= 0 or bounds[1] < bounds[0]:
            raise ScenarioError(f"issue {name!r}: bad range {rng}", path, line)
        count = int((high - low) / step) + 1
        numbers.issue_size(name, count, path, line)  # before the values are built
        if step == 1 and low == low.to_integral_value():
            return IntegerIssue(name, int(low), int(high))
        return DiscreteIssue(name, tuple(float(low + k * step) for k in range(count)))
    raise ScenarioError(f"issue {name!r} has neither 'values' nor 'range'", path, line)


# ---------------------------------------------------------------------------- profiles
def read_geniusweb_profile(
    path: str | Path, space: OutcomeSpace, name: str | None = None
) -> tuple[Party, list[str]]:
    """One profile as a :class:`Party` (named after the file stem) plus warnings."""
    data, text = read_json(path)
    body = None
    if isinstance(data, dict):
        body = next((data[k] for k in PROFILE_KEYS if k in data), None)
    if not isinstance(body, dict):
        kind = next(iter(data), "?") if isinstance(data, dict) and data else type(data).__name__
        raise ScenarioError(f"unsupported GeniusWeb profile type {kind!r}", path, 1)
    utils = body.get("issueUtilities") or {}
    weights = body.get("issueWeights") or {}
    warnings: list[str] = []
    extra = sorted(set(utils) - set(space.names))
    if extra:
        raise ScenarioError(f"issues {extra} are not in the domain", path, line_of(text, extra[0]))
    vfs = tuple(_value_function(issue, utils.get(issue.name), text, path) for issue in space.issues)
    w = tuple(_weight(weights, issue.name, text, path) for issue in space.issues)
    total = sum(w)
    if total <= 0:
        raise ScenarioError(f"issue weights sum to {total:g}", path, line_of(text, "issueWeights"))
    if abs(total - 1.0) > 1e-6:
        warnings.append(f"{path}:{line_of(text, 'issueWeights')}: weights sum to {total:.10g}")
    utility = LinearAdditive(w, vfs)
    reservation = _reservation(body.get("reservationBid"), utility, space, text, path, warnings)
    return Party(name or Path(path).stem, utility, reservation, None, str(path)), warnings


def _weight(weights: dict[str, Any], issue: str, text: str, path: str | Path) -> float:
    if issue not in weights:
        raise ScenarioError(f"no weight for issue {issue!r}", path, line_of(text, "issueWeights"))
    return numbers.weight(
        weights[issue], f"weight of {issue!r}", path, lambda: line_of(text, issue)
    )


def _value_function(issue: Issue, spec: Any, text: str, path: str | Path) -> TableValue:
    line = line_of(text, issue.name)
    if not isinstance(spec, dict) or isinstance(issue, RealIssue):
        raise ScenarioError(f"no utilities for issue {issue.name!r}", path, line)
    disc = next((spec[k] for k in _DISCRETE if k in spec), None)
    if isinstance(disc, dict):
        table = disc.get("valueUtilities") or {}
        known = {str(v) for v in issue.values}
        unknown = [k for k in table if str(k) not in known]
        if unknown:
            raise ScenarioError(
                f"value {unknown[0]!r} of issue {issue.name!r} is not in the domain",
                path,
                line_of(text, str(unknown[0])),
            )
        return TableValue(
            {
                str(k): numbers.evaluation(
                    v,
                    f"utility of {k!r} (issue {issue.name!r})",
                    path,
                    partial(line_of, text, str(k)),
                )
                for k, v in table.items()
            }
        )
    num = next((spec[k] for k in _NUMBER if k in spec), None)
    if isinstance(num, dict):
        return _number_table(issue, num, path, line)
    raise ScenarioError(f"unsupported value utilities for {issue.name!r}", path, line)


def _number_table(issue: Issue, spec: dict[str, Any], path: str | Path, line: int) -> TableValue:
    keys = ("lowValue", "highValue", "lowUtility", "highUtility")
    if not all(k in spec for k in keys):
        raise ScenarioError(f"bad number utilities for {issue.name!r}", path, line)
    lo, hi = (numbers.finite_float(spec[k], f"{k} of {issue.name!r}", path, line) for k in keys[:2])
    ulo, uhi = (numbers.evaluation(spec[k], f"{k} of {issue.name!r}", path, line) for k in keys[2:])
    x = np.asarray(issue.numeric_values(), dtype=float)  # type: ignore[union-attr]
    inside = (x >= lo) & (x <= hi)
    frac = np.zeros_like(x)
    if hi != lo:  # only inside the range: outside, a tiny span would overflow (and scores 0)
        np.divide(x - lo, hi - lo, out=frac, where=inside)
    u = np.where(inside, ulo + frac * (uhi - ulo), 0.0)
    return TableValue({v: float(t) for v, t in zip(issue.values, u, strict=True)})  # type: ignore[union-attr]


def _reservation(
    bid: Any,
    utility: LinearAdditive,
    space: OutcomeSpace,
    text: str,
    path: str | Path,
    warnings: list[str],
) -> float:
    if bid is None:
        return 0.0
    line = line_of(text, "reservationBid")
    values = bid.get("issuevalues") if isinstance(bid, dict) else None
    if not isinstance(values, dict):
        raise ScenarioError("reservationBid has no 'issuevalues'", path, line)
    try:
        digits = np.array([space.encode(values)], dtype=np.int64)
    except ScenarioError as exc:
        raise ScenarioError(f"reservationBid: {exc.reason}", path, line) from None
    value = float(utility.evaluate(space, digits)[0])
    warnings.append(
        f"{path}:{line}: reservationBid converted to reservation value {value:.6g} "
        "(the profile's utility of that bid)"
    )
    return value


# ---------------------------------------------------------------------------- writing
#: How each GeniusWeb dialect spells a discrete issue's utilities (both are read).
DIALECTS = {"2": "DiscreteValueSetUtilities", "1": "discreteutils"}


def write_geniusweb(
    scenario: Scenario, folder: str | Path, dialect: str = "2"
) -> tuple[list[Path], list[str]]:
    """Write ``<scenario>.json`` and ``<party>.json`` files; returns paths and warnings."""
    if dialect not in DIALECTS:
        raise ScenarioError(f"unknown GeniusWeb dialect {dialect!r}: use 1 or 2")
    space = scenario.space
    if space.is_continuous:
        raise ScenarioError("GeniusWeb JSON cannot express real issues: discretise first")
    domain_stem = file_stem(scenario.name, "scenario")
    issues_values = {i.name: {"values": [_json_value(v) for v in i.values]} for i in space.issues}  # type: ignore[union-attr]
    domain = {"name": scenario.name, "issuesValues": issues_values}
    texts = {domain_stem: domain}
    warnings: list[str] = []
    for party in scenario.parties:
        stem = file_stem(party.name, "party")
        if stem in texts:
            raise ScenarioError(f"party {stem!r} has the same name as the scenario")
        profile = _profile(party, scenario, domain, warnings, DIALECTS[dialect])
        texts[stem] = {"LinearAdditiveUtilitySpace": profile}
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, data in texts.items():
        path = out / f"{stem}.json"
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(path)
    return paths, warnings


def _json_value(v: Value) -> Value:
    return v if isinstance(v, str) else str(v)


def _profile(
    party: Party,
    scenario: Scenario,
    domain: dict[str, Any],
    warnings: list[str],
    discrete: str = "DiscreteValueSetUtilities",
) -> dict[str, Any]:
    utility = party.utility
    if not isinstance(utility, LinearAdditive) or utility.offset != 0.0:
        raise ScenarioError(
            f"party {party.name!r}: GeniusWeb JSON needs a linear-additive utility without offset"
        )
    space = scenario.space
    utils: dict[str, Any] = {}
    weights: dict[str, float] = {}
    for issue, w, vf in zip(space.issues, utility.weights, utility.values, strict=True):
        raw = vf.table(issue)
        utils[issue.name] = {
            discrete: {
                "valueUtilities": {
                    str(v): float(t)
                    for v, t in zip(issue.values, raw, strict=True)  # type: ignore[union-attr]
                }
            }
        }
        weights[issue.name] = float(w)
    body: dict[str, Any] = {"issueUtilities": utils, "issueWeights": weights, "domain": domain}
    body["name"] = party.name
    bid = _reservation_bid(party, scenario, warnings)
    if bid is not None:
        body["reservationBid"] = {"issuevalues": bid}
    return body


def _reservation_bid(
    party: Party, scenario: Scenario, warnings: list[str]
) -> dict[str, str] | None:
    r = party.reservation
    if r == 0.0 or not np.isfinite(r):
        if r != 0.0:
            warnings.append(f"party {party.name!r}: reservation {r} not expressible in GeniusWeb")
        return None
    space = scenario.space
    size = space.size or 0
    if size <= MAX_SEARCH:
        u = party.utility.evaluate(space, space.all_digits())
        hits = np.flatnonzero(np.abs(u - r) <= 1e-12)
        if hits.size:
            digits = space.digits(hits[:1])[0]
            return {k: str(v) for k, v in space.decode(digits).items()}
    warnings.append(
        f"party {party.name!r}: no outcome has utility {r:.6g}; reservation value not written"
    )
    return None
