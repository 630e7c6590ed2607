"""Scorable games folders (config.txt + scores_files/): a small fictional game, bad input, the
shared corpus checked against a brute force that does not use accord."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import accord
from accord.agreement import AgreementRule
from accord.cli.main import app
from accord.errors import ScenarioError
from accord.io.scorable_games import RESERVATION_SLACK

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "scenarios" / "scorable-games"

# A fictional game: a harbour ferry. Issues A (3 options), B (2), C (4).
CONFIG = """Ferry Company,ferry,p1,greedy,model-x
Town Council,town,p2,cooperative,model-x
Fishers' Guild,fishers,player,cooperative,model-x
Bird Society,birds,player,cooperative,model-x
"""
SCORES = {
    # points (A; B; C), minimum — chosen so that some totals hit the minimum exactly
    "ferry": "40, 20, 0\n0, 25 \n0, 10, 20, 35\n60",
    "town": "10, 30, 20\n30, 0\n20, 15, 10, 0\n50\n",
    "fishers": "0, 6, 1\n0, 0\n30, 20, 10, 0\n7",
    "birds": "0, 10, 30\n20, 10\n0, 0, 0, 0\n30",
}
INSTRUCTIONS = """The "Ferry Company" wants a new ferry line across the harbour.

Issue A: "Route"
A1 "direct": straight across the bird sanctuary.
A2 "coastal": along the shore.
A3 "outer": around the islands.

- Issue B: "Schedule". Two options:
    - B1: Hourly ==> more noise
    - B2: Twice a day ==> less noise

Issue C: The fishing zone. There are 4 options:
C1: "Closed": no ferry near the nets.
C2: Limited passage.
C3: Open by day.
C4: Open.
"""


def write_game(root: Path, **changes: str | None) -> Path:
    """The fictional game in ``root``; ``changes`` maps relative paths to new text (None
    deletes the file)."""
    files = {
        "config.txt": CONFIG,
        "initial_deal.txt": "A1, B1, C4",
        "global_instructions.txt": INSTRUCTIONS,
        **{f"scores_files/{stem}.txt": text for stem, text in SCORES.items()},
    }
    files.update(changes)
    for rel, text in files.items():
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_fictional_game_loads(tmp_path: Path) -> None:
    folder = write_game(tmp_path / "ferry-game")
    s = accord.load(folder)
    assert s.name == "ferry-game"
    assert s.source == str(folder)
    assert s.party_names == ("Ferry Company", "Town Council", "Fishers' Guild", "Bird Society")
    assert s.parties[2].source == str(folder / "scores_files" / "fishers.txt")
    assert s.space.names == ("A", "B", "C")
    assert [i.values for i in s.space.issues] == [
        ("A1", "A2", "A3"),
        ("B1", "B2"),
        ("C1", "C2", "C3", "C4"),
    ]
    assert s.rule == AgreementRule(all_but=1, veto=("Ferry Company", "Town Council"))
    assert s.opening == ("A1", "B1", "C4")
    assert s.opening_index is not None
    reserves = [60, 50, 7, 30]
    assert s.reservations.tolist() == [m / 100 - RESERVATION_SLACK for m in reserves]
    u = s.evaluate(np.array([[0, 1, 3], [2, 0, 0]]))
    assert u[0].tolist() == pytest.approx([0.40 + 0.25 + 0.35, 0.10, 0.0, 0.10])
    assert u[1].tolist() == pytest.approx([0.0, 0.20 + 0.30 + 0.20, 0.01 + 0.30, 0.30 + 0.20])


def test_acceptance_is_exact_where_the_float_sum_falls_short(tmp_path: Path) -> None:
    # Fishers get 1 point for A2 and 6 for C1, minimum 7: A2 + C1 reaches it exactly, but the
    # float sum 0.01 + 0.0 + 0.06 is 0.06999999999999999 < 0.07.
    folder = write_game(
        tmp_path / "g", **{"scores_files/fishers.txt": "0, 1, 0\n0, 0\n6, 0, 0, 0\n7"}
    )
    s = accord.load(folder)
    accepts = s.utilities() >= s.reservations
    digits = s.space.all_digits()
    points = np.array([[0, 1, 0][a] + [6, 0, 0, 0][c] for a, _, c in digits])
    assert (accepts[:, 2] == (points >= 7)).all()
    assert accepts[:, 2].any()  # A2 + C1 reaches the minimum exactly and is accepted


def test_description_holds_labels_not_values(tmp_path: Path) -> None:
    s = accord.load(write_game(tmp_path / "g"))
    text = s.description
    assert "A: Route — A1 direct; A2 coastal; A3 outer" in text
    assert "B: Schedule — B1 Hourly; B2 Twice a day" in text
    assert "C: The fishing zone — C1 Closed; C2 Limited passage; C3 Open by day; C4 Open" in text
    assert s.space.issues[0].values == ("A1", "A2", "A3")


def test_without_instructions_and_deal(tmp_path: Path) -> None:
    folder = write_game(
        tmp_path / "g", **{"global_instructions.txt": None, "initial_deal.txt": None}
    )
    s = accord.load(folder)
    assert s.opening is None
    (folder / "initial_deal.txt").write_text("a2, C1,\nB2\n", encoding="utf-8")
    assert accord.load(folder).opening == ("A2", "B2", "C1")  # any order, lower case, lines
    assert s.description.startswith("Scorable game")
    assert "\n" not in s.description


def test_unreadable_prose_gives_a_short_description(tmp_path: Path) -> None:
    folder = write_game(tmp_path / "g", **{"global_instructions.txt": "Nothing structured.\n"})
    assert "\n" not in accord.load(folder).description


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    folder = write_game(tmp_path / "g")
    for name in ("config.txt", "scores_files/ferry.txt", "initial_deal.txt"):
        path = folder / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    s = accord.load(folder)
    assert s.party_names[0] == "Ferry Company"
    assert s.opening == ("A1", "B1", "C4")


def test_parties_can_be_kept_by_name_or_file_stem(tmp_path: Path) -> None:
    folder = write_game(tmp_path / "g")
    s = accord.load(folder, profiles=["ferry", "Town Council", "birds"])
    assert s.party_names == ("Ferry Company", "Town Council", "Bird Society")
    assert s.rule.veto == ("Ferry Company", "Town Council")


BAD = [
    # (relative file, new text, expected file, expected line, words in the reason)
    ("scores_files/town.txt", None, "scores_files/town.txt", None, "not found"),
    (
        "scores_files/town.txt",
        "10, x, 20\n30, 0\n20, 15, 10, 0\n50",
        "scores_files/town.txt",
        1,
        "not a number",
    ),
    (
        "scores_files/town.txt",
        "10, 30, 20\n30, 0\n20, 15, 10\n50",
        "scores_files/town.txt",
        3,
        "3 options",
    ),
    ("scores_files/town.txt", "10, 30, 20\n30, 0\n50", "scores_files/town.txt", 3, "2 issues"),
    ("scores_files/town.txt", "", "scores_files/town.txt", None, "empty file"),
    ("scores_files/town.txt", " \n\n", "scores_files/town.txt", None, "empty file"),
    (
        "scores_files/town.txt",
        "10, -3, 20\n30, 0\n20, 15, 10, 0\n50",
        "scores_files/town.txt",
        1,
        "negative",
    ),
    (
        "scores_files/town.txt",
        "10, 30, 20\n30, 0\n20, 15, 10, 0\nnan",
        "scores_files/town.txt",
        4,
        "NaN",
    ),
    (
        "scores_files/town.txt",
        "10, 30, 20\n30,, 0\n20, 15, 10, 0\n50",
        "scores_files/town.txt",
        2,
        "empty field",
    ),
    (
        "scores_files/town.txt",
        "10, 30, 20\n30, 0\n20, 15, 10, 0\n50, 3",
        "scores_files/town.txt",
        4,
        "minimum",
    ),
    (
        "scores_files/town.txt",
        "10, 30, 20\n\n20, 15, 10, 0\n50",
        "scores_files/town.txt",
        2,
        "empty line",
    ),
    (
        "scores_files/town.txt",
        "1e400, 0, 0\n30, 0\n20, 15, 10, 0\n50",
        "scores_files/town.txt",
        1,
        "out of range",
    ),
    (
        "scores_files/town.txt",
        "10, 30, 20\n30, 0\n20, 15, 10, 0\n50\n\xff",
        "scores_files/town.txt",
        5,
        "not a number",
    ),
    ("config.txt", CONFIG + "Harbour Master,harbour\n", "config.txt", 5, "3 comma-separated"),
    (
        "config.txt",
        CONFIG + "Harbour Master,birds,chair,x,y\n",
        "config.txt",
        5,
        "unknown role 'chair'",
    ),
    ("config.txt", CONFIG.replace(",p2,", ",player,"), "config.txt", None, "role p2"),
    ("config.txt", CONFIG + "Harbour Master,birds,p1,x,y\n", "config.txt", 5, "role p1"),
    ("config.txt", CONFIG + "Harbour Master,../x,player\n", "config.txt", 5, "file stem"),
    ("config.txt", CONFIG + "Town Council,birds,player\n", "config.txt", 5, "listed twice"),
    ("config.txt", "", "config.txt", None, "empty file"),
    ("initial_deal.txt", "A1, B3, C4", "initial_deal.txt", 1, "'B3'"),
    ("initial_deal.txt", "A1, D1, C4", "initial_deal.txt", 1, "no issue D"),
    ("initial_deal.txt", "A1, C4", "initial_deal.txt", 1, "issue(s) B"),
    ("initial_deal.txt", "A1, A2, B1, C4", "initial_deal.txt", 1, "twice"),
    ("initial_deal.txt", "A1, B1, fast", "initial_deal.txt", 1, "option code"),
    ("initial_deal.txt", "", "initial_deal.txt", None, "empty file"),
]


@pytest.mark.parametrize(("rel", "text", "where", "line", "words"), BAD)
def test_bad_input_names_the_file_and_line(
    tmp_path: Path, rel: str, text: str | None, where: str, line: int | None, words: str
) -> None:
    folder = write_game(tmp_path / "g", **{rel: text})
    with pytest.raises(ScenarioError) as err:
        accord.load(folder)
    assert err.value.file == str(folder / where)
    assert err.value.line == line
    assert words in err.value.reason


def test_bad_bytes_are_refused_with_their_line(tmp_path: Path) -> None:
    folder = write_game(tmp_path / "g")
    (folder / "scores_files" / "birds.txt").write_bytes(b"0, 10, 30\n20, \xff10\n0, 0, 0, 0\n30")
    with pytest.raises(ScenarioError, match="UTF-8") as err:
        accord.load(folder)
    assert (err.value.file, err.value.line) == (str(folder / "scores_files" / "birds.txt"), 2)


def test_a_folder_in_place_of_a_score_file_is_refused(tmp_path: Path) -> None:
    folder = write_game(tmp_path / "g", **{"scores_files/town.txt": None})
    (folder / "scores_files" / "town.txt").mkdir()
    with pytest.raises(ScenarioError, match="not a file") as err:
        accord.load(folder)
    assert err.value.file == str(folder / "scores_files" / "town.txt")


@pytest.mark.parametrize(
    ("rel", "text", "words"),
    [
        ("scores_files/ferry.txt", "0\n" * 70 + "5", "more than 64 issues"),
        ("scores_files/ferry.txt", ",".join(["1"] * 1001) + "\n5", "more than 1000 options"),
        ("config.txt", CONFIG + "x,birds,player\n" * 200, "more than 100 parties"),
        ("scores_files/ferry.txt", "1" * 2_000_000, "too large"),
    ],
)
def test_hostile_sizes_are_refused(tmp_path: Path, rel: str, text: str, words: str) -> None:
    folder = write_game(tmp_path / "g", **{rel: text})
    with pytest.raises(ScenarioError, match=words):
        accord.load(folder)


def test_cli_reports_a_bad_game_in_one_line(tmp_path: Path) -> None:
    folder = write_game(tmp_path / "g", **{"initial_deal.txt": "A1, B1, C9"})
    result = CliRunner().invoke(app, ["analyze", str(folder)])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]]
    assert lines[0].startswith(f"accord: error: {folder / 'initial_deal.txt'}:1: ")


def test_cli_analyzes_a_good_game(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["analyze", str(write_game(tmp_path / "g")), "--json"])
    assert result.exit_code == 0, result.stderr


# ---------------------------------------------------------------------------- the corpus
GAMES = {
    # game: (parties, options per issue)
    "base": (6, (3, 3, 4, 4, 5)),
    "base_7players": (7, (3, 3, 4, 4, 5, 4)),
    "base_rewritten": (6, (4, 3, 3, 5, 4)),
    "game1": (6, (3, 4, 4, 5, 3)),
    "game2": (6, (5, 3, 4, 3, 4)),
    "game3": (6, (4, 3, 4, 5, 3)),
}


def raw_game(folder: Path) -> tuple[list[str], list[list[list[int]]], list[int]]:
    """Roles, points and minima read with plain Python (no accord)."""
    rows = [line.split(",") for line in (folder / "config.txt").read_text().splitlines()]
    roles, points, minima = [], [], []
    for row in rows:
        text = (folder / "scores_files" / f"{row[1].strip()}.txt").read_text()
        lines = [line for line in text.splitlines() if line.strip()]
        points.append([[int(x) for x in line.split(",")] for line in lines[:-1]])
        minima.append(int(lines[-1]))
        roles.append(row[2].strip())
    return roles, points, minima


@pytest.mark.parametrize("game", sorted(GAMES))
def test_corpus_game_against_brute_force(game: str) -> None:
    folder = CORPUS / game
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    roles, points, minima = raw_game(folder)
    n = len(roles)
    s = accord.load(folder)
    parties, options = GAMES[game]
    assert len(s.parties) == parties == n
    assert tuple(i.cardinality for i in s.space.issues) == options  # type: ignore[union-attr]
    assert s.opening is not None
    p1, p2 = roles.index("p1"), roles.index("p2")
    zopa = passing = 0
    for combo in itertools.product(*(range(k) for k in options)):
        ok = [
            sum(p[i][c] for i, c in enumerate(combo)) >= m
            for p, m in zip(points, minima, strict=True)
        ]
        zopa += all(ok)
        passing += sum(ok) >= n - 1 and ok[p1] and ok[p2]
    # accord's acceptance, outcome by outcome, against the integer comparison
    accepts = s.utilities() >= s.reservations
    digits = s.space.all_digits()
    totals = np.array(
        [[sum(p[i][d] for i, d in enumerate(row)) for p in points] for row in digits.tolist()]
    )
    assert (accepts == (totals >= np.array(minima))).all()
    assert int(accepts.all(axis=1).sum()) == zopa
    assert int(s.rule.passes(accepts, s.party_names).sum()) == passing
    assert (game, passing, zopa) == (game, *CORPUS_COUNTS[game])
    # and what `accord analyze --json` reports
    report = accord.analyze(s).to_dict()
    assert (report["passing_outcomes"], report["zopa_outcomes"]) == (passing, zopa)
    assert report["consensus"]["passing_outcomes"] == passing


#: (passing, zopa) found by the brute force above.
CORPUS_COUNTS = {
    "base": (55, 12),
    "base_7players": (204, 52),
    "base_rewritten": (55, 12),
    "game1": (57, 21),
    "game2": (57, 18),
    "game3": (55, 35),
}
