"""Read "scorable games" folders: multi-party consensus-building games (Susskind style).

A game folder holds (the layout of the LLM-Deliberation games, arXiv 2309.17234):

* ``config.txt`` — one party a line, ``display name,file stem,role[,…]``; the role is ``p1``
  (proposes the first and the final deal), ``p2`` or ``player``; further columns are ignored.
* ``scores_files/<file stem>.txt`` — one line per issue (issues ``A``, ``B``, … in order): the
  party's points for each option of that issue, comma-separated (option k of issue ``A`` is
  ``Ak``, 1-based); the last line is the party's minimum total score.
* ``initial_deal.txt`` (optional) — p1's opening proposal, e.g. ``A1,B1,C4,D1,E5``.
* ``global_instructions.txt`` (optional) — the public story, naming issues and options in prose.

**Normalisation.** A party's utility is linear-additive: the utility of an outcome is the sum of
the party's points over the chosen options divided by 100 (each option is worth ``points/100``,
every issue weight is 1), and its reservation value is ``minimum/100`` less
:data:`RESERVATION_SLACK` (1e-9). The slack makes "utility >= reservation" agree exactly with
"points >= minimum": a float sum of ``points/100`` can fall an ulp short of ``minimum/100`` when
the points reach the minimum exactly (``0.01 + 0.06 < 0.07``), which would turn an acceptable
deal down; with points capped at :data:`MAX_POINTS` the rounding error stays far below the slack,
and the slack far below the 0.01 between integer totals. Points and minimum are non-negative
numbers; every party must have the same issues with the same number of options.

**Agreement.** A deal passes when at least n − 1 of the n parties accept it and both p1 and p2
(who hold vetoes) are among them: ``AgreementRule(all_but=1, veto=(p1, p2))``.

Issue names and option meanings read from the instructions go into the description only, as
labels; the values stay the option codes. Anything malformed raises :class:`ScenarioError`
naming the file and the line; sizes are capped so that hostile input stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from accord.agreement import AgreementRule
from accord.errors import ScenarioError
from accord.io import numbers
from accord.io.yaml_text import read_text
from accord.outcomes.issues import DiscreteIssue, Value
from accord.outcomes.space import OutcomeSpace
from accord.preferences.utility import LinearAdditive
from accord.preferences.values import TableValue
from accord.scenario import Party, Scenario

CONFIG = "config.txt"
SCORES = "scores_files"
DEAL = "initial_deal.txt"
INSTRUCTIONS = "global_instructions.txt"
ROLES = ("p1", "p2", "player")

#: Limits: hostile input is refused before it costs time or memory.
MAX_PARTIES = 100
MAX_ISSUES = 64
MAX_OPTIONS = 1000
MAX_POINTS = 10_000
#: Subtracted from ``minimum/100``: a deal reaching the minimum exactly is accepted despite
#: float rounding (see the module); smaller than any difference of integer totals, 0.01.
RESERVATION_SLACK = 1e-9
MAX_FILE_BYTES = 1024 * 1024
#: Longest issue or option label kept in the description.
MAX_LABEL = 80


@dataclass(frozen=True, slots=True)
class _Seat:
    """One line of ``config.txt``."""

    name: str
    stem: str
    role: str
    line: int


@dataclass(frozen=True, slots=True)
class _Scores:
    """One party's score file: points per option of each issue, the minimum total, and the
    line of each issue (the minimum is on the line after the last issue)."""

    points: tuple[tuple[float, ...], ...]
    minimum: float
    file: Path


def is_scorable_game(folder: Path) -> bool:
    """Whether ``folder`` holds ``config.txt`` and a ``scores_files/`` folder."""
    return (folder / CONFIG).is_file() and (folder / SCORES).is_dir()


def issue_name(index: int) -> str:
    """``A`` … ``Z``, then ``AA``, ``AB``, … (spreadsheet columns) for issue ``index`` (0-based)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def load_scorable_game(folder: str | Path, profiles: list[str] | None = None) -> Scenario:
    """The scenario of a scorable game folder (see the module); ``profiles`` keeps only the
    named parties (display names or file stems), in that order."""
    root = Path(folder)
    seats = read_config(root / CONFIG)
    scores = [read_scores(root / SCORES / f"{s.stem}.txt") for s in seats]
    _check_shapes(scores)
    space = OutcomeSpace(
        tuple(
            DiscreteIssue(issue_name(i), tuple(_codes(i, len(opts))))
            for i, opts in enumerate(scores[0].points)
        )
    )
    parties = tuple(_party(seat, s) for seat, s in zip(seats, scores, strict=True))
    p1, p2 = (next(s.name for s in seats if s.role == r) for r in ("p1", "p2"))
    deal = root / DEAL
    opening = read_opening(deal, space) if deal.is_file() else None
    description, warnings = _description(root / INSTRUCTIONS, space, len(seats))
    scenario = Scenario(
        root.name,
        space,
        parties,
        description=description,
        warnings=tuple(warnings),
        source=str(root),
        rule=AgreementRule(all_but=1, veto=(p1, p2)),
        opening=opening,
    )
    if profiles is None:
        return scenario
    by_stem = {s.stem: s.name for s in seats}
    return scenario.with_parties([by_stem.get(p, p) for p in profiles])


def _codes(issue: int, count: int) -> list[Value]:
    return [f"{issue_name(issue)}{k}" for k in range(1, count + 1)]


def _party(seat: _Seat, scores: _Scores) -> Party:
    values = tuple(
        TableValue({code: p / 100 for code, p in zip(_codes(i, len(opts)), opts, strict=True)})
        for i, opts in enumerate(scores.points)
    )
    utility = LinearAdditive((1.0,) * len(values), values)
    reservation = scores.minimum / 100 - RESERVATION_SLACK
    return Party(seat.name, utility, reservation, None, str(scores.file))


# ---------------------------------------------------------------------------- files
def _read(path: Path) -> list[str]:
    """The lines of a small text file (UTF-8 with or without a byte-order mark)."""
    if not path.is_file():  # missing, a folder, or a pipe that would block the read
        raise ScenarioError("file not found" if not path.exists() else "not a file", path)
    lines = read_text(path, MAX_FILE_BYTES).splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ScenarioError("empty file", path)
    return lines


def read_config(path: Path) -> list[_Seat]:
    """The parties of ``config.txt`` in order; exactly one ``p1`` and one ``p2``."""
    seats: list[_Seat] = []
    for lineno, raw in enumerate(_read(path), 1):
        if not raw.strip():
            continue
        if len(seats) == MAX_PARTIES:
            raise ScenarioError(f"more than {MAX_PARTIES} parties", path, lineno)
        seats.append(_seat(raw, path, lineno))
    names = set()
    for seat in seats:
        if seat.name in names:
            raise ScenarioError(f"party {seat.name!r} is listed twice", path, seat.line)
        names.add(seat.name)
    for role in ("p1", "p2"):
        holders = [s for s in seats if s.role == role]
        if len(holders) != 1:
            line = holders[1].line if holders else None
            raise ScenarioError(
                f"expected exactly one party with role {role}, found {len(holders)}", path, line
            )
    return seats


def _seat(raw: str, path: Path, lineno: int) -> _Seat:
    cols = [c.strip() for c in raw.split(",")]
    if len(cols) < 3:
        raise ScenarioError(
            "expected 'display name,file stem,role[,…]' (at least 3 comma-separated columns)",
            path,
            lineno,
        )
    name, stem, role = cols[0], cols[1], cols[2].lower()
    if not name:
        raise ScenarioError("empty display name", path, lineno)
    if not stem or stem in (".", "..") or any(c in stem for c in "/\\:") or stem.startswith("."):
        raise ScenarioError(
            f"{stem!r} is not a score file stem (a file name, no folder)", path, lineno
        )
    if role not in ROLES:
        raise ScenarioError(f"unknown role {cols[2]!r} (use {', '.join(ROLES)})", path, lineno)
    return _Seat(name, stem, role, lineno)


def read_scores(path: Path) -> _Scores:
    """One party's score file: one line of option points per issue, then the minimum total."""
    lines = _read(path)
    if len(lines) > MAX_ISSUES + 1:
        raise ScenarioError(f"more than {MAX_ISSUES} issues", path, MAX_ISSUES + 1)
    if len(lines) < 2:
        raise ScenarioError("no issues: one line per issue, then the minimum total", path, 1)
    points = []
    for lineno, raw in enumerate(lines[:-1], 1):
        fields = raw.split(",")
        if not raw.strip():
            raise ScenarioError("empty line (expected the points of one issue)", path, lineno)
        if len(fields) > MAX_OPTIONS:
            raise ScenarioError(f"more than {MAX_OPTIONS} options", path, lineno)
        what = f"points of issue {issue_name(lineno - 1)}"
        points.append(tuple(_points(f, what, path, lineno) for f in fields))
    last = len(lines)
    if "," in lines[-1]:
        raise ScenarioError(
            "the last line must be the minimum total score (one number)", path, last
        )
    minimum = _points(lines[-1], "minimum total score", path, last, MAX_POINTS * MAX_ISSUES)
    return _Scores(tuple(points), minimum, path)


def _points(raw: str, what: str, path: Path, line: int, limit: float = MAX_POINTS) -> float:
    if not raw.strip():
        raise ScenarioError(f"{what}: empty field (expected a number)", path, line)
    return numbers.non_negative(raw, what, path, line, limit)


def _check_shapes(scores: list[_Scores]) -> None:
    """Every party has the first party's issues, with as many options each."""
    first = scores[0]
    for s in scores[1:]:
        if len(s.points) != len(first.points):
            line = min(len(s.points), len(first.points)) + 1
            raise ScenarioError(
                f"{len(s.points)} issues, but {first.file.name} has {len(first.points)}",
                s.file,
                line,
            )
        for i, (mine, theirs) in enumerate(zip(s.points, first.points, strict=True)):
            if len(mine) != len(theirs):
                raise ScenarioError(
                    f"issue {issue_name(i)} has {len(mine)} options, but {first.file.name} "
                    f"has {len(theirs)}",
                    s.file,
                    i + 1,
                )


_CODE = re.compile(r"([A-Za-z]+)(\d+)")


def read_opening(path: Path, space: OutcomeSpace) -> tuple[Value, ...]:
    """p1's opening deal (one option code per issue, any order) as values in issue order."""
    lines = _read(path)
    chosen: dict[str, Value] = {}
    for lineno, raw in enumerate(lines, 1):
        for token in (t.strip() for t in raw.split(",")):
            if token:  # blank lines and a trailing comma are harmless
                _deal_token(token, space, chosen, path, lineno)
    missing = [n for n in space.names if n not in chosen]
    if missing:
        raise ScenarioError(f"no option for issue(s) {', '.join(missing)}", path, 1)
    return tuple(chosen[n] for n in space.names)


def _deal_token(
    token: str, space: OutcomeSpace, chosen: dict[str, Value], path: Path, line: int
) -> None:
    match = _CODE.fullmatch(token)
    if match is None:
        raise ScenarioError(f"{token!r} is not an option code such as A1", path, line)
    issue, k = match.group(1).upper(), int(match.group(2)[:6])
    if issue not in space.names:
        raise ScenarioError(f"{token!r}: there is no issue {issue}", path, line)
    values = space.issues[space.names.index(issue)].values  # type: ignore[union-attr]
    if not 1 <= k <= len(values):
        raise ScenarioError(
            f"{token!r}: issue {issue} has options {issue}1 to {issue}{len(values)}", path, line
        )
    if issue in chosen:
        raise ScenarioError(f"{token!r}: issue {issue} is chosen twice", path, line)
    chosen[issue] = values[k - 1]


# ---------------------------------------------------------------------------- description
_ISSUE = re.compile(r"^\W*Issue\s+([A-Z]+)\s*[:.\-]\s*(\S.*)$")
_OPTION = re.compile(r"^[\s\-*•]*([A-Z]+\d+)(\s*:\s*|\s+(?=\"))(\S.*)$")
_END = r"(?=\s*(?:[.:;]\s|[.:;]?\s*$))"  # a quoted name that ends the phrase
_ISSUE_NAME = re.compile(r"^\"(.*?)\"" + _END)  # may hold quotes: "Compensation to "X""
_OPTION_NAME = re.compile(r"^\"([^\"]+)\"" + _END)
_LEADING_QUOTED = re.compile(r"^\"([^\"]+)\"")
_SENTENCE = re.compile(r"^(.+?)(?:\s*==>|\.\s|\.?\s*:?\s*$)")


def _description(path: Path, space: OutcomeSpace, parties: int) -> tuple[str, list[str]]:
    """Issue and option labels from the instructions, as text (never values)."""
    head = (
        f"Scorable game (consensus building): {parties} parties, {len(space.issues)} issues; "
        "options are coded A1, A2, …"
    )
    if not path.is_file():
        return head, []
    try:
        lines = _read(path)
    except ScenarioError as exc:
        return head, [f"{exc}; description left short"]
    issues, options = _labels(lines, space)
    body = []
    for issue in space.issues:
        opts = [f"{v} {options[str(v)]}" for v in issue.values if str(v) in options]  # type: ignore[union-attr]
        title = f"{issue.name}: {issues.get(issue.name, '')}".rstrip(": ")
        body.append(title + (f" — {'; '.join(opts)}" if opts else ""))
    if not issues and not options:
        return head, []
    return "\n".join([head, *body]), []


def _labels(lines: list[str], space: OutcomeSpace) -> tuple[dict[str, str], dict[str, str]]:
    """Issue names and option meanings found in the instructions (first mention wins)."""
    codes = {str(v) for issue in space.issues for v in issue.values}  # type: ignore[union-attr]
    issues: dict[str, str] = {}
    options: dict[str, str] = {}
    for raw in lines:
        line = raw.strip()
        match = _ISSUE.match(line)
        if match and match.group(1) in space.names:
            label = _label(match.group(2), _ISSUE_NAME)
            if label:
                issues.setdefault(match.group(1), label)
            continue
        match = _OPTION.match(line)
        if match and match.group(1) in codes:
            name = _OPTION_NAME if ":" in match.group(2) else _LEADING_QUOTED
            label = _label(match.group(3), name)
            if label:
                options.setdefault(match.group(1), label)
    return issues, options


def _label(text: str, name: re.Pattern[str]) -> str:
    """A short label: the quoted name ``name`` finds (``"Budget". Four options…``, ``A1
    "water-based" …``), else the first phrase (up to ``==>`` or the end of a sentence)."""
    quoted = name.match(text)
    if quoted:
        label = quoted.group(1)
    else:
        sentence = _SENTENCE.match(text)
        label = sentence.group(1) if sentence else text
    label = " ".join(label.split())
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
