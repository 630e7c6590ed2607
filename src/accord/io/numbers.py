"""Numbers read from scenario files, checked before they become floats or ints.

Every reader turns the numbers of a file into Python numbers through these helpers, so that a
hostile or damaged file (``NaN``, ``inf``, ``1e400``, a 5,000-digit integer, a negative weight,
an integer issue of 10^12 values) fails at load with a :class:`ScenarioError` naming the file
(and the line where the reader knows it) instead of an ``OverflowError``/``ValueError`` or an
allocation that never ends.

Limits (the shared corpus stays far below them):

* :data:`MAX_MAGNITUDE` — any number that enters a utility (weights, evaluations, evaluator
  parameters, bounds of real issues, numeric values).
* :data:`MAX_RESERVATION` — the absolute value of a reservation value; ``-inf`` is allowed and
  means "no reservation" (NegMAS writes ``reserved_value: -.inf``).
* :data:`MAX_ISSUE_VALUES` — values of one enumerable issue: each issue's utility table is
  materialised (8 bytes a value), so the count is checked before anything is built.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from accord.errors import ScenarioError

#: Largest absolute value of a number that enters a utility.
MAX_MAGNITUDE = 1e12
#: Largest absolute value of a finite reservation value (utilities are usually in [0, 1]).
MAX_RESERVATION = 1e6
#: Largest number of values of one integer (or stepped) issue.
MAX_ISSUE_VALUES = 10_000_000
#: Largest absolute value of an integer read from a file (bounds, indices).
MAX_INT = 10**15

File = str | Path | None
#: A line number, or a function that finds it (called only when there is an error to report).
Line = int | None | Callable[[], int | None]

_LONG_DIGITS = re.compile(r"\d{4000,}")


def _error(reason: str, file: File, line: Line) -> ScenarioError:
    return ScenarioError(reason, file, line() if callable(line) else line)


def _show(raw: Any) -> str:
    text = raw if isinstance(raw, str) else repr(raw)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"


def finite_float(
    raw: Any, what: str, file: File = None, line: Line = None, limit: float = MAX_MAGNITUDE
) -> float:
    """``raw`` (number or text) as a float with ``|x| <= limit``; NaN and infinities refused."""
    if isinstance(raw, bool):
        raise _error(f"{what} {_show(raw)} is not a number", file, line)
    try:
        value = float(raw.strip() if isinstance(raw, str) else raw)
    except OverflowError:
        raise _error(f"{what} {_show(raw)} is too large", file, line) from None
    except (TypeError, ValueError):
        raise _error(f"{what} {_show(raw)} is not a number", file, line) from None
    if math.isnan(value):
        raise _error(f"{what} is NaN (not a number)", file, line)
    if not abs(value) <= limit:
        raise _error(
            f"{what} {_show(raw)} is out of range (|x| must be at most {limit:g})", file, line
        )
    return value


def non_negative(
    raw: Any, what: str, file: File = None, line: Line = None, limit: float = MAX_MAGNITUDE
) -> float:
    """A finite float that is not negative (weights, evaluations)."""
    value = finite_float(raw, what, file, line, limit)
    if value < 0.0:
        raise _error(f"{what} {_show(raw)} is negative", file, line)
    return value


def weight(raw: Any, what: str, file: File = None, line: Line = None) -> float:
    """An issue weight: finite and not negative."""
    return non_negative(raw, what, file, line)


def evaluation(
    raw: Any, what: str, file: File = None, line: Line = None, *, allow_negative: bool = False
) -> float:
    """The utility (evaluation) of one value: finite, and not negative unless the format allows
    it (NegMAS writes negative evaluations when it shifts utilities, in GENIUS XML and YAML)."""
    if allow_negative:
        return finite_float(raw, what, file, line)
    return non_negative(raw, what, file, line)


def reservation(raw: Any, what: str, file: File = None, line: Line = None) -> float:
    """A reservation value: ``-inf`` (no reservation) or finite with ``|r| <= MAX_RESERVATION``."""
    try:
        value = float(raw.strip() if isinstance(raw, str) else raw)
    except (OverflowError, TypeError, ValueError):
        value = math.nan  # finite_float below names the problem
    if value == -math.inf:
        return value
    return finite_float(raw, what, file, line, MAX_RESERVATION)


def bounded_int(
    raw: Any, what: str, file: File = None, line: Line = None, limit: int = MAX_INT
) -> int:
    """``raw`` (an integer, an integral float or its text, e.g. ``"3"``/``"3.0"``) as an int
    with ``|x| <= limit``."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        number = finite_float(raw, what, file, line, float(limit))
        if number != int(number):
            raise _error(f"{what} {_show(raw)} is not an integer", file, line)
        value = int(number)
    if abs(value) > limit:
        raise _error(
            f"{what} {_show(raw)} is out of range (|x| must be at most {limit:g})", file, line
        )
    return value


def issue_size(
    name: str, count: int, file: File = None, line: Line = None, limit: int = MAX_ISSUE_VALUES
) -> int:
    """``count`` if an issue of that many values may be built, else a :class:`ScenarioError`."""
    if count > limit:
        raise _error(
            f"issue {name!r} has {count:,} values; at most {limit:,} values per issue are "
            "supported",
            file,
            line,
        )
    return count


def integer_range(
    name: str, low: Any, high: Any, file: File = None, line: Line = None
) -> tuple[int, int]:
    """Checked bounds ``low..high`` of an integer issue (also its number of values)."""
    lo = bounded_int(low, f"issue {name!r}: lower bound", file, line)
    hi = bounded_int(high, f"issue {name!r}: upper bound", file, line)
    issue_size(name, hi - lo + 1, file, line)
    return lo, hi


def numeric_value(raw: Any, what: str, file: File = None, line: Line = None) -> Any:
    """A numeric issue value kept as given (int or float) once it is known to be finite and
    representable as a float; other values are returned unchanged."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        finite_float(raw, what, file, line, float(MAX_INT))
    return raw


def long_number_line(text: str) -> int | None:
    """1-based line of the first run of thousands of digits in ``text`` (Python refuses to
    convert integers longer than 4,300 digits), or None."""
    match = _LONG_DIGITS.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def too_long_number(exc: ValueError, text: str, file: File) -> ScenarioError:
    """The error for a parser's ``ValueError`` about an over-long integer literal."""
    return ScenarioError(f"a number is too long to read ({exc})", file, long_number_line(text))
