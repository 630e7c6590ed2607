"""Tournament configurations (validation with file:line) and plans (seats, counts, seeds)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from accord.errors import ConfigError
from accord.mechanisms.spec import RunSpec
from accord.tournaments import TournamentConfig, load_config, make_plan, parse_config, run_seed
from accord.tournaments.plan import seatings

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = """\
name: t
agents: [boulware, conceder]
scenarios: [job-offer]
rounds: 20
"""


@pytest.mark.parametrize(
    ("extra", "line", "words"),
    [
        ("colour: blue\n", 5, "colour"),
        ("repetitions: many\n", 5, "repetitions"),
        ("repetitions: 0\n", 5, "repetitions"),
        ("isolation: docker\n", 5, "isolation"),
    ],
)
def test_bad_keys_name_the_file_and_line(tmp_path, extra, line, words):
    path = write(tmp_path, BASE + extra)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}:{line}:")
    assert words in str(err.value)


def test_an_unknown_agent_is_reported_at_its_item(tmp_path):
    path = write(
        tmp_path, "name: t\nagents:\n  - boulware\n  - no-such-agent\nscenarios: [job-offer]\n"
    )
    with pytest.raises(ConfigError, match=r"t\.yaml:4: agents\[1\]: .*no-such-agent"):
        load_config(path)


def test_an_unknown_parameter_is_reported(tmp_path):
    path = write(
        tmp_path, "name: t\nagents: [boulware, 'aspiration:beta=2']\nscenarios: [job-offer]\n"
    )
    with pytest.raises(ConfigError, match=r":2: agents\[1\].*beta"):
        load_config(path)


def test_missing_scenarios_and_bad_yaml(tmp_path):
    path = write(tmp_path, "name: t\nagents: [boulware]\nscenarios:\n  - job-offer\n  - nowhere/\n")
    with pytest.raises(ConfigError, match=r":5: scenarios\[1\]: no such file"):
        load_config(path)
    path = write(tmp_path, "name: t\nagents: [boulware\n")
    with pytest.raises(ConfigError, match=r"t\.yaml:\d+: invalid YAML"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.yaml")


def test_agents_or_mediators_not_both():
    with pytest.raises(ConfigError, match="either agents"):
        parse_config(
            {
                "name": "t",
                "scenarios": ["job-offer"],
                "agents": ["boulware"],
                "mediators": ["caucus"],
            }
        )
    with pytest.raises(ConfigError, match="needs agents"):
        parse_config({"name": "t", "scenarios": ["job-offer"]})


def test_scenario_paths_folders_and_globs_resolve_relative_to_the_file(tmp_path):
    from accord.api import packaged_scenarios

    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("job-offer", "river-basin"):
        (folder / f"{name}.yaml").write_bytes(packaged_scenarios()[name].read_bytes())
    cfg = parse_config(
        {"name": "t", "agents": ["boulware"], "scenarios": ["mine", "mine/*.yaml", "job-offer"]},
        base=tmp_path,
    )
    assert cfg.scenarios == (
        str(folder / "job-offer.yaml"),
        str(folder / "river-basin.yaml"),
        "job-offer",
    )


def test_config_round_trips_and_hashes_stably():
    cfg = load_config(ROOT / "examples" / "tournament.yaml")
    again = TournamentConfig.from_dict(cfg.to_dict())
    assert again == cfg and again.digest() == cfg.digest()
    other = TournamentConfig.from_dict({**cfg.to_dict(), "seed": 1})
    assert other.digest() != cfg.digest()


def test_seatings_are_permutations_or_combinations():
    agents = ["a", "b", "c"]
    assert len(seatings(agents, 2, rotate=True, self_play=True)) == 9
    assert len(seatings(agents, 2, rotate=True, self_play=False)) == 6
    assert len(seatings(agents, 2, rotate=False, self_play=True)) == 6
    assert seatings(agents, 2, rotate=False, self_play=False) == [
        ("a", "b"),
        ("a", "c"),
        ("b", "c"),
    ]
    assert len(seatings(agents, 3, rotate=True, self_play=False)) == math.perm(3, 3)
    assert seatings(["a", "b"], 3, rotate=False, self_play=False) == []


def test_plan_counts_and_order():
    cfg = parse_config(
        {
            "name": "t",
            "agents": ["boulware", "conceder", "linear"],
            "scenarios": ["job-offer", "river-basin"],  # 2 and 3 parties
            "repetitions": 2,
            "alternate_first": True,
        }
    )
    plan = make_plan(cfg)
    bilateral = 9 * 2 * 2  # ordered pairs x first movers x repetitions
    trilateral = 27 * 3 * 2
    assert len(plan) == bilateral + trilateral
    runs = list(plan)
    assert [r.run_id for r in runs] == list(range(len(plan)))
    assert {r.spec.scenario for r in runs[:bilateral]} == {"job-offer"}
    assert {len(r.spec.parties) for r in runs[bilateral:]} == {3}
    firsts = {r.spec.options["first"] for r in runs[bilateral:]}
    assert firsts == {0, 1, 2}
    # every (seating, first mover) appears once per repetition
    for rep in (0, 1):
        cells = [
            (r.spec.parties, r.spec.options["first"])
            for r in runs[:bilateral]
            if r.repetition == rep
        ]
        assert len(cells) == len(set(cells)) == 18


def test_run_seeds_are_the_root_seed_sequence_children():
    children = np.random.SeedSequence(7).spawn(50)
    for i in (0, 1, 17, 49):
        expected = int(children[i].generate_state(1, np.uint64)[0]) >> 1
        assert run_seed(7, i) == expected
    assert len({run_seed(7, i) for i in range(1000)}) == 1000
    assert run_seed(7, 3) != run_seed(8, 3)


def test_planned_specs_are_plain_data_and_deterministic():
    cfg = parse_config(
        {
            "name": "t",
            "agents": ["boulware", "conceder"],
            "scenarios": ["job-offer"],
            "rounds": 30,
            "seed": 3,
        }
    )
    plan, again = make_plan(cfg), make_plan(cfg)
    for run in plan:
        assert RunSpec.from_json(run.spec.to_json()) == run.spec == again.spec(run.run_id)
        assert run.spec.deadline.rounds == 30
    with pytest.raises(ConfigError):
        plan.run(len(plan))


def test_mediated_plan_has_one_template_per_mediator():
    cfg = parse_config(
        {
            "name": "m",
            "mediators": ["caucus", "hill-climbing"],
            "parties": ["truthful"],
            "scenarios": ["job-offer"],
            "repetitions": 2,
        }
    )
    plan = make_plan(cfg)
    assert len(plan) == 2 * 2  # mediators x repetitions (one seating: truthful, truthful)
    protocols = {(r.spec.mediators, r.spec.protocol) for r in plan}
    assert protocols == {(("caucus",), "caucus"), (("hill-climbing",), "single-text")}
    seated = make_plan(
        parse_config(
            {
                "name": "m",
                "mediators": ["caucus"],
                "parties": ["truthful", "guarded"],
                "scenarios": ["job-offer"],
                "rotate_roles": False,
            }
        )
    )
    assert [r.spec.parties for r in seated] == [
        ("truthful", "truthful"),
        ("truthful", "guarded"),
        ("guarded", "guarded"),
    ]


def test_a_party_strategy_must_speak_every_mediators_protocol():
    cfg = parse_config(
        {
            "name": "m",
            "mediators": ["caucus"],
            "parties": ["truthful", "hard"],
            "scenarios": ["job-offer"],
        }
    )
    with pytest.raises(ConfigError, match="'hard' cannot take part in caucus"):
        make_plan(cfg)


def test_tournament_files_have_the_limits_of_every_yaml_reader(tmp_path):
    path = write(tmp_path, BASE + "agents: [linear]\n")
    with pytest.raises(ConfigError, match=r"t\.yaml:5: duplicate key 'agents'"):
        load_config(path)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(ConfigError, match="aliases would expand"):
        load_config(write(tmp_path, bomb))
