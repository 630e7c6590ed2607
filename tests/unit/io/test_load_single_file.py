"""Loading a file reads that file and the files it names, never its siblings (issue 9).

Every test puts a good file in a folder next to hostile siblings: malformed XML, JSON and YAML,
a file larger than any reader accepts, and a file nobody may open (mode 000). An audit hook
records every file opened and every folder listed, so the tests see what a load touches even
when running as root (where mode 000 does not stop a read).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.unit.io.texts import ACCORD
from typer.testing import CliRunner

from accord.cli.main import app
from accord.errors import ScenarioError
from accord.io import load_path

# ---------------------------------------------------------------------------- files

GENIUS_DOMAIN = """<negotiation_template>
<utility_space number_of_issues="1">
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="colour" type="discrete" etype="discrete" vtype="discrete">
<item index="1" value="red"/>
<item index="2" value="blue"/>
</issue>
</objective>
</utility_space>
</negotiation_template>
"""


def genius_profile(red: float, blue: float) -> str:
    return f"""<utility_space number_of_issues="1">
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="colour" type="discrete" etype="discrete" vtype="discrete">
<item index="1" value="red" evaluation="{red}"/>
<item index="2" value="blue" evaluation="{blue}"/>
</issue>
<weight index="1" value="1"/>
</objective>
<reservation value="0.1"/>
</utility_space>
"""


GW_DOMAIN = '{"name": "trip", "issuesValues": {"city": {"values": ["Oslo", "Rome"]}}}\n'


def gw_profile(oslo: float, rome: float) -> str:
    return (
        '{"LinearAdditiveUtilitySpace": {"issueUtilities": {"city": {"DiscreteValueSetUtilities":'
        f' {{"valueUtilities": {{"Oslo": {oslo}, "Rome": {rome}}}}}}}}}, '
        '"issueWeights": {"city": 1}, "domain": ' + GW_DOMAIN.strip() + ', "name": "p"}}\n'
    )


NEGMAS_SPACE = """\
type: DiscreteCartesianOutcomeSpace
name: deal
issues:
- type: CategoricalIssue
  name: colour
  values: [red, blue]
"""


def negmas_ufun(red: float, blue: float) -> str:
    return (
        "type: LinearAdditiveUtilityFunction\nreserved_value: 0.0\nweights: [1.0]\n"
        f"values:\n- type: TableFun\n  mapping: {{red: {red}, blue: {blue}}}\n"
    )


NEGOLOG = (
    '{"reservationValue": 0.2, "issueWeights": {"colour": 1},'
    ' "issues": {"colour": {"red": 1.0, "blue": 0.0}}}\n'
)

#: Siblings that break any reader that opens them (the huge one is sparse: no disk is used).
BROKEN = {
    "broken.xml": "<negotiation_template><utility_space><issue name='x'",
    "broken.json": '{"issuesValues": {"city": ',
    "broken.yaml": "type: [\n",
    "broken.yml": "accord: 1\nname: [\n",
}
HUGE = ("huge.xml", "huge.json", "huge.yaml")
LOCKED = ("locked.xml", "locked.json", "locked.yml")


def folder_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """``files`` plus every hostile sibling, in one folder."""
    folder = tmp_path / "scenario"
    folder.mkdir()
    for name, text in {**BROKEN, **files}.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name in HUGE:
        with (folder / name).open("wb") as f:
            f.truncate(100 * 2**20)
    for name in LOCKED:
        (folder / name).write_text("<negotiation_template>", encoding="utf-8")
        (folder / name).chmod(0)
    return folder


@pytest.fixture(autouse=True)
def _unlock(tmp_path: Path) -> Iterator[None]:
    yield
    for name in LOCKED:
        with contextlib.suppress(FileNotFoundError):
            (tmp_path / "scenario" / name).chmod(0o600)


# ---------------------------------------------------------------------------- what is touched
_seen: list[tuple[str, str]] | None = None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _seen is None or event not in ("open", "os.listdir", "os.scandir"):
        return
    target = args[0] if args else None
    if isinstance(target, str | bytes | os.PathLike):
        _seen.append((event, os.fsdecode(target)))


sys.addaudithook(_audit)  # inert outside the ``touched`` fixture


class Touched:
    """What was touched in ``folder`` while watching."""

    def __init__(self, folder: Path, seen: list[tuple[str, str]]) -> None:
        self.folder = folder
        self.seen = seen

    def opened(self) -> set[str]:
        """Names of the files of the folder opened."""
        root = str(self.folder) + os.sep
        return {Path(p).name for e, p in self.seen if e == "open" and p.startswith(root)}

    def listed(self) -> bool:
        """Whether the folder was listed."""
        return any(e != "open" and Path(p) == self.folder for e, p in self.seen)


@contextlib.contextmanager
def watching(folder: Path) -> Iterator[Touched]:
    global _seen
    _seen = []
    try:
        yield Touched(folder, _seen)
    finally:
        _seen = None


# ---------------------------------------------------------------------------- self-contained
@pytest.mark.parametrize("name", ["s.yaml", "s.yml"])
def test_accord_yaml_reads_only_itself(tmp_path, name):
    folder = folder_with(tmp_path, {name: ACCORD})
    with watching(folder) as touched:
        scenario = load_path(folder / name)
    assert scenario.party_names == ("a", "b")
    assert touched.opened() == {name}
    assert not touched.listed()


def test_accord_yaml_with_profiles_reads_only_itself(tmp_path):
    folder = folder_with(tmp_path, {"s.yaml": ACCORD})
    with watching(folder) as touched:
        assert load_path(folder / "s.yaml", profiles=["b"]).party_names == ("b",)
    assert touched.opened() == {"s.yaml"}


# ---------------------------------------------------------------------------- domain + named
DOMAINS = {
    "genius": (
        {"dom.xml": GENIUS_DOMAIN, "a.xml": genius_profile(1, 0), "b.xml": genius_profile(0, 1)},
        "dom.xml",
        "GENIUS domain file",
    ),
    "geniusweb": (
        {"trip.json": GW_DOMAIN, "a.json": gw_profile(1, 0), "b.json": gw_profile(0, 1)},
        "trip.json",
        "GeniusWeb domain file",
    ),
    "negmas": (
        {"deal.yml": NEGMAS_SPACE, "a.yml": negmas_ufun(1, 0), "b.yaml": negmas_ufun(0, 1)},
        "deal.yml",
        "NegMAS outcome-space file",
    ),
}


@pytest.mark.parametrize("fmt", DOMAINS)
def test_domain_file_reads_the_profiles_named_and_nothing_else(tmp_path, fmt):
    files, domain, _ = DOMAINS[fmt]
    folder = folder_with(tmp_path, {**files, "c" + Path(domain).suffix: files[domain]})
    with watching(folder) as touched:
        scenario = load_path(folder / domain, profiles=["b", "a"])
    assert scenario.party_names == ("b", "a")
    assert scenario.parties[0].utility is not scenario.parties[1].utility
    named = {n for n in files if n != domain}
    assert touched.opened() == {domain, *named}
    assert not touched.listed()


@pytest.mark.parametrize("fmt", DOMAINS)
def test_domain_file_alone_says_what_is_missing_and_reads_nothing_else(tmp_path, fmt):
    files, domain, what = DOMAINS[fmt]
    folder = folder_with(tmp_path, files)
    with watching(folder) as touched, pytest.raises(ScenarioError) as info:
        load_path(folder / domain)
    assert f"{what} holds no preferences" in info.value.reason
    assert info.value.file == str(folder / domain)
    assert "load its folder" in info.value.reason and "--parties" in info.value.reason
    assert touched.opened() == {domain}
    assert not touched.listed()


@pytest.mark.parametrize("fmt", DOMAINS)
def test_a_named_profile_that_is_absent_is_named_in_the_error(tmp_path, fmt):
    files, domain, _ = DOMAINS[fmt]
    folder = folder_with(tmp_path, files)
    with (
        watching(folder) as touched,
        pytest.raises(ScenarioError, match=r"no profile zz\.") as info,
    ):
        load_path(folder / domain, profiles=["a", "zz"])
    assert info.value.file == str(folder / domain)
    assert touched.opened() <= {domain, "a.xml", "a.json", "a.yml"}


@pytest.mark.parametrize("fmt", DOMAINS)
def test_a_named_profile_that_is_broken_is_reported_as_itself(tmp_path, fmt):
    files, domain, _ = DOMAINS[fmt]
    folder = folder_with(tmp_path, files)
    with pytest.raises(ScenarioError) as info:
        load_path(folder / domain, profiles=["a", "broken"])
    assert info.value.file == str(folder / f"broken{Path(domain).suffix}")


def test_a_profile_name_with_a_folder_in_it_is_refused(tmp_path):
    files, domain, _ = DOMAINS["genius"]
    folder = folder_with(tmp_path, files)
    (tmp_path / "x.xml").write_text(genius_profile(1, 0), encoding="utf-8")
    with watching(folder) as touched, pytest.raises(ScenarioError, match="not a profile name"):
        load_path(folder / domain, profiles=["a", "../x"])
    assert touched.opened() == {domain}


# ---------------------------------------------------------------------------- profiles alone
PROFILES = {
    "genius": ("a.xml", genius_profile(1, 0), "a GENIUS profile"),
    "geniusweb": ("a.json", gw_profile(1, 0), "a GeniusWeb profile"),
    "negmas": ("a.yaml", negmas_ufun(1, 0), "a NegMAS utility function"),
    "negolog": ("profileA.json", NEGOLOG, "a NegoLog profile"),
}


@pytest.mark.parametrize("fmt", PROFILES)
def test_a_profile_file_alone_asks_for_its_folder(tmp_path, fmt):
    name, text, what = PROFILES[fmt]
    folder = folder_with(tmp_path, {name: text, "dom.xml": GENIUS_DOMAIN})
    with watching(folder) as touched, pytest.raises(ScenarioError) as info:
        load_path(folder / name)
    assert f"{what} holds one party's preferences" in info.value.reason
    assert info.value.file == str(folder / name)
    assert "load its folder" in info.value.reason
    assert touched.opened() == {name}
    assert not touched.listed()


# ---------------------------------------------------------------------------- not a scenario
@pytest.mark.parametrize(
    ("name", "text"),
    [("notes.txt", "hello"), ("other.xml", "<a/>"), ("x.json", "[1, 2]"), ("n.yaml", "a: 1")],
)
def test_a_file_of_no_format_is_refused_alone(tmp_path, name, text):
    folder = folder_with(tmp_path, {name: text, "s.yaml": ACCORD})
    with watching(folder) as touched, pytest.raises(ScenarioError) as info:
        load_path(folder / name)
    assert "no scenario format recognised in this file" in info.value.reason
    assert info.value.file == str(folder / name)
    assert touched.opened() <= {name}
    assert not touched.listed()


@pytest.mark.parametrize("name", ["broken.xml", "broken.json", "broken.yaml", "broken.yml"])
def test_a_broken_file_is_reported_as_itself_not_as_its_folder(tmp_path, name):
    folder = folder_with(tmp_path, {"s.yaml": ACCORD})
    with watching(folder) as touched, pytest.raises(ScenarioError) as info:
        load_path(folder / name)
    assert info.value.file == str(folder / name)
    assert touched.opened() <= {name}


# ---------------------------------------------------------------------------- folders still scan
def test_a_folder_still_reads_every_profile_beside_its_domain(tmp_path):
    folder = tmp_path / "g"
    folder.mkdir()
    files, _, _ = DOMAINS["genius"]
    for name, text in {**files, "c.xml": genius_profile(0.5, 0.5)}.items():
        (folder / name).write_text(text, encoding="utf-8")
    with watching(folder) as touched:
        assert load_path(folder).party_names == ("a", "b", "c")
    assert touched.listed() and touched.opened() == {"dom.xml", "a.xml", "b.xml", "c.xml"}
    assert load_path(folder / "dom.xml", profiles=["c"]).party_names == ("c",)


# ---------------------------------------------------------------------------- the CLI
runner = CliRunner()


def test_cli_analyze_domain_file_with_parties(tmp_path):
    files, domain, _ = DOMAINS["genius"]
    folder = folder_with(tmp_path, files)
    r = runner.invoke(app, ["analyze", str(folder / domain), "--parties", "a,b", "--json"])
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""


def test_cli_analyze_lone_domain_file_is_one_line_and_exit_2(tmp_path):
    files, domain, _ = DOMAINS["genius"]
    folder = folder_with(tmp_path, files)
    r = runner.invoke(app, ["analyze", str(folder / domain)])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1
    assert f"{folder / domain}: a GENIUS domain file holds no preferences" in r.stderr
