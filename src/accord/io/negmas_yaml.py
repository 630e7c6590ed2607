"""Read NegMAS YAML scenarios: an outcome-space file plus one utility-function file per party.

* Space: ``type: DiscreteCartesianOutcomeSpace`` (or ``CartesianOutcomeSpace``) with
  ``issues:`` of ``CategoricalIssue`` / ``DiscreteCardinalIssue`` (value lists),
  ``ContiguousIssue`` (``[min, max]``, integers) or ``ContinuousIssue`` (``values: [min, max]``
  or ``min_value:``/``max_value:``, reals; becomes a :class:`RealIssue`).
* Utility: ``type: LinearAdditiveUtilityFunction`` with ``values:`` (one value function per
  issue, in issue order, or keyed by issue name), ``weights:`` and ``reserved_value:``
  (``-.inf`` and negative values are kept). ``type: ExpDiscountedUFun`` wraps one with
  ``discount:`` (a factor in (0, 1) becomes the party's discount; others mean none).
* Value functions: ``TableFun`` (``mapping:``), and on numeric issues ``AffineFun``
  (``slope·x + bias``), ``LinearFun`` (``slope·x``), ``IdentityFun`` (``x``) and ``ConstFun``
  (``bias``, any issue), all unclipped as in NegMAS.

Type names may be short (``AffineFun``) or fully qualified
(``negmas.preferences.value_fun.AffineFun``) for issues and value functions.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from accord.errors import ScenarioError
from accord.io import numbers
from accord.io.yaml_text import parse_yaml, read_text
from accord.outcomes.issues import DiscreteIssue, IntegerIssue, Issue, RealIssue, Value
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive
from accord.preferences.values import AffineValue, TableValue, ValueFunction
from accord.scenario import Party

SPACE_TYPES = ("DiscreteCartesianOutcomeSpace", "CartesianOutcomeSpace")
UFUN_TYPES = (
    "LinearAdditiveUtilityFunction",
    "ExpDiscountedUFun",
    "LinearUtilityAggregationFunction",
)


def read_yaml_data(path: str | Path) -> tuple[Any, str]:
    """Parsed YAML and its text; errors name ``file:line``."""
    p = Path(path)
    text = read_text(p)  # size limit and UTF-8/UTF-16 decoding shared with accord YAML
    return parse_yaml(text, p), text


def _line(text: str, needle: str) -> int:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 1


def _kind(raw: Any) -> str:
    """Short type name: ``negmas.preferences.value_fun.AffineFun`` -> ``AffineFun``."""
    return str(raw).rsplit(".", 1)[-1]


def read_negmas_space(path: str | Path) -> tuple[str, OutcomeSpace]:
    """Name and outcome space of a NegMAS outcome-space file."""
    data, text = read_yaml_data(path)
    if not isinstance(data, dict) or not isinstance(data.get("issues"), list):
        raise ScenarioError("not a NegMAS outcome space (no 'issues' list)", path, 1)
    issues = [_issue(spec, text, path) for spec in data["issues"]]
    try:
        space = OutcomeSpace(tuple(issues))
    except ScenarioError as exc:
        raise ScenarioError(exc.reason, path, 1) from None
    return str(data.get("name") or Path(path).stem), space


def _issue(spec: Any, text: str, path: str | Path) -> Issue:
    if not isinstance(spec, dict) or "name" not in spec:
        raise ScenarioError(f"bad issue entry {spec!r}", path, 1)
    name = str(spec["name"])
    line = _line(text, f"name: {name}")
    kind = _kind(spec.get("type", "CategoricalIssue"))
    values = spec.get("values")
    try:
        if kind == "ContinuousIssue":
            return _real_issue(name, spec, path, line)
        if kind == "ContiguousIssue":
            if isinstance(values, list) and len(values) == 2:
                low, high = numbers.integer_range(name, values[0], values[1], path, line)
                return IntegerIssue(name, low, high)
            if isinstance(values, int) and not isinstance(values, bool):
                numbers.issue_size(name, values, path, line)
                return IntegerIssue(name, 0, values - 1)
            raise ScenarioError(f"ContiguousIssue {name!r} needs [min, max]", path, line)
        if kind in ("CategoricalIssue", "DiscreteCardinalIssue", "OrdinalIssue", "DiscreteIssue"):
            if not isinstance(values, list):
                raise ScenarioError(f"issue {name!r} needs a list of values", path, line)
            return DiscreteIssue(
                name,
                tuple(
                    numbers.numeric_value(_value(v), f"value of {name!r}", path, line)
                    for v in values
                ),
            )
    except ScenarioError as exc:
        raise ScenarioError(exc.reason, path, line) from None
    raise ScenarioError(f"issue type {kind!r} is not supported", path, line)


def _real_issue(name: str, spec: dict[str, Any], path: str | Path, line: int) -> RealIssue:
    values = spec.get("values")
    if isinstance(values, list) and len(values) == 2:
        low, high = values
    elif "min_value" in spec and "max_value" in spec:
        low, high = spec["min_value"], spec["max_value"]
    else:
        raise ScenarioError(f"ContinuousIssue {name!r} needs values [min, max]", path, line)
    lo = numbers.finite_float(low, f"issue {name!r}: lower bound", path, line)
    hi = numbers.finite_float(high, f"issue {name!r}: upper bound", path, line)
    return RealIssue(name, lo, hi)


def _value(v: Any) -> Value:
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        return str(v)
    return v


def read_negmas_ufun(
    path: str | Path, space: OutcomeSpace, name: str | None = None
) -> tuple[Party, list[str]]:
    """One NegMAS utility function file as a :class:`Party`."""
    data, text = read_yaml_data(path)
    if not isinstance(data, dict) or data.get("type") not in UFUN_TYPES:
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise ScenarioError(f"unsupported NegMAS utility function type {kind!r}", path, 1)
    discount: float | None = None
    reserved = data.get("reserved_value")
    body: Any = data
    if data["type"] == "ExpDiscountedUFun":
        body = data.get("ufun")
        d = numbers.finite_float(
            data.get("discount", 1.0), "discount", path, _line(text, "discount")
        )
        discount = d if 0.0 < d < 1.0 else None
        if not isinstance(body, dict) or body.get("type") != "LinearAdditiveUtilityFunction":
            raise ScenarioError("ExpDiscountedUFun must wrap a linear-additive ufun", path, 1)
        if reserved is None:
            reserved = body.get("reserved_value")
    utility = _linear_additive(body, space, text, path)
    reservation = numbers.reservation(
        reserved if reserved is not None else 0.0,
        "reserved_value",
        path,
        _line(text, "reserved_value"),
    )
    warnings: list[str] = []
    total = sum(utility.weights)
    if abs(total - 1.0) > 1e-6:
        warnings.append(f"{path}:{_line(text, 'weights')}: weights sum to {total:.10g}")
    return Party(name or Path(path).stem, utility, reservation, discount, str(path)), warnings


def _linear_additive(
    body: dict[str, Any], space: OutcomeSpace, text: str, path: str | Path
) -> LinearAdditive:
    values = body.get("values")
    if isinstance(values, dict):
        values = [values.get(n) for n in space.names]
    if not isinstance(values, list) or len(values) != len(space.issues):
        raise ScenarioError(
            f"'values' must give one function per issue ({len(space.issues)})",
            path,
            _line(text, "values"),
        )
    weights = body.get("weights")
    if weights is None:
        weights = [1.0] * len(space.issues)
    if isinstance(weights, dict):
        weights = [weights.get(n, 0.0) for n in space.names]
    if not isinstance(weights, list) or len(weights) != len(space.issues):
        raise ScenarioError(
            "'weights' must give one weight per issue", path, _line(text, "weights")
        )
    vfs = tuple(
        _value_function(spec, issue, text, path)
        for spec, issue in zip(values, space.issues, strict=True)
    )
    line = _line(text, "weights")
    w = tuple(numbers.weight(x, "weight", path, line) for x in weights)
    return LinearAdditive(w, vfs)


NUMERIC_FUNS = ("AffineFun", "LinearFun", "IdentityFun", "ConstFun")


def _value_function(spec: Any, issue: Issue, text: str, path: str | Path) -> ValueFunction:
    kind = _kind(spec.get("type", "TableFun")) if isinstance(spec, dict) else None
    if not isinstance(spec, dict) or kind not in ("TableFun", *NUMERIC_FUNS):
        shown = spec.get("type") if isinstance(spec, dict) else spec
        raise ScenarioError(
            f"value function {shown!r} of issue {issue.name!r} is not supported",
            path,
            _line(text, "values"),
        )
    if kind == "TableFun":
        return _table(spec, issue, text, path)
    return _numeric_function(kind, spec, issue, text, path)


def _numeric_function(
    kind: str, spec: dict[str, Any], issue: Issue, text: str, path: str | Path
) -> ValueFunction:
    """``AffineFun``/``LinearFun``/``IdentityFun``/``ConstFun`` as an unclipped affine value."""

    def number(key: str, default: float | None) -> float:
        raw = spec.get(key, default)
        if raw is None:
            raise ScenarioError(
                f"{kind} of issue {issue.name!r} has no {key!r}", path, _line(text, kind)
            )
        what = f"{kind} {key} (issue {issue.name!r})"
        return numbers.finite_float(raw, what, path, partial(_line, text, f"{key}:"))

    slope = {"AffineFun": None, "LinearFun": None, "IdentityFun": 1.0, "ConstFun": 0.0}[kind]
    if slope is None:
        slope = number("slope", None)
    bias = number("bias", 0.0) if kind in ("AffineFun", "ConstFun") else 0.0
    if kind == "ConstFun" and not issue.is_numeric:
        return TableValue({}, default=bias)  # a constant needs no numeric values
    if not issue.is_numeric:
        raise ScenarioError(
            f"{kind} needs a numeric issue; issue {issue.name!r} has non-numeric values",
            path,
            _line(text, kind),
        )
    return AffineValue(slope, bias, clip=False)


def _table(spec: dict[str, Any], issue: Issue, text: str, path: str | Path) -> TableValue:
    if isinstance(issue, RealIssue):
        raise ScenarioError(
            f"TableFun cannot cover the continuous issue {issue.name!r}",
            path,
            _line(text, "mapping"),
        )
    mapping = spec.get("mapping")
    if not isinstance(mapping, dict):
        raise ScenarioError(
            f"TableFun of issue {issue.name!r} has no mapping", path, _line(text, "mapping")
        )
    known = {str(v) for v in issue.values}
    unknown = [k for k in mapping if str(k) not in known]
    if unknown:
        raise ScenarioError(
            f"value {unknown[0]!r} of issue {issue.name!r} is not in the outcome space",
            path,
            _line(text, f"{unknown[0]}:"),
        )
    return TableValue(
        {
            _value(k): numbers.evaluation(
                v,
                f"utility of {k!r} (issue {issue.name!r})",
                path,
                partial(_line, text, f"{k}:"),
                allow_negative=True,  # NegMAS utilities may be negative
            )
            for k, v in mapping.items()
        }
    )
