"""The run contract: one RunSpec in, one result shape out, for every protocol."""

import json
import pickle
import time

import numpy as np
import pytest

import accord
from accord import Deadline, NegotiationResult, ProtocolError, RunSpec
from accord.mechanisms import PROTOCOLS
from accord.mechanisms.result import RESULT_KEYS
from accord.registry import AGENTS, MEDIATORS, PARTY_STRATEGIES

SPECS = {
    "alternating-offers": RunSpec(
        "job-offer", ("random", "micro"), "alternating-offers", deadline=Deadline(rounds=80)
    ),
    "single-text": RunSpec(
        "job-offer",
        ("annealing-voter", "truthful"),
        "single-text",
        mediators=("annealing",),
        deadline=Deadline(rounds=60),
        seed=3,
    ),
    "caucus": RunSpec(
        "river-basin",
        ("guarded", "truthful", "truthful"),
        "caucus",
        mediators=("caucus", "caucus"),
        deadline=Deadline(rounds=10),
        seed=4,
        options={"budget": 30},
    ),
    "caucus-phased": RunSpec(
        "hostage-release-2023",
        ("pressured", "pressured"),
        "caucus",
        mediators=("caucus",) * 3,
        deadline=Deadline(rounds=None),
        seed=1,
        options={"budget": 200, "phased": True},
    ),
}


def steps(result: NegotiationResult) -> list[tuple]:
    return [(e.round, e.party, e.kind, e.outcome, e.note, e.recipient) for e in result.trace]


def comparable(result: NegotiationResult) -> dict:
    data = result.to_dict(with_trace=True)
    data.pop("seconds")
    for event in data["trace"]:
        event.pop("time")
    return data


@pytest.fixture(scope="module")
def results() -> dict[str, NegotiationResult]:
    return {name: accord.run(spec) for name, spec in SPECS.items()}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_same_spec_run_twice_gives_identical_results(name, results):
    again = accord.run(SPECS[name])
    assert comparable(again) == comparable(results[name])
    assert results[name].trace.events  # something happened


@pytest.mark.parametrize("name", sorted(SPECS))
def test_a_spec_survives_pickle_and_json_round_trips(name):
    spec = SPECS[name]
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert RunSpec.from_json(spec.to_json()) == spec
    assert RunSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    assert hash(RunSpec.from_json(spec.to_json())) == hash(spec)


def test_every_protocol_result_has_the_same_top_level_keys(results):
    shapes = {name: list(r.to_dict()) for name, r in results.items()}
    assert all(keys == list(RESULT_KEYS) for keys in shapes.values()), shapes
    protocols = {r.to_dict()["protocol"] for r in results.values()}
    assert protocols == set(PROTOCOLS)
    for r in results.values():
        json.dumps(r.to_dict(with_trace=True), allow_nan=False)  # JSON-serialisable


@pytest.mark.parametrize("name", sorted(SPECS))
def test_results_survive_pickle_and_dict_round_trips(name, results):
    result = results[name]
    back = pickle.loads(pickle.dumps(result))
    assert comparable(back) == comparable(result)
    restored = NegotiationResult.from_dict(json.loads(json.dumps(result.to_dict(with_trace=True))))
    assert comparable(restored) == comparable(result)
    assert restored.spec == result.spec


def test_the_result_records_the_spec_and_rerunning_it_reproduces(results):
    for name, result in results.items():
        assert result.spec is not None
        assert result.spec.protocol == SPECS[name].protocol
        assert comparable(accord.run(result.spec)) == comparable(result)


def test_no_seed_draws_fresh_entropy_recorded_for_replay():
    spec = RunSpec("job-offer", ("random", "random"), deadline=Deadline(rounds=30), seed=None)
    first, second = accord.run(spec), accord.run(spec)
    assert first.seed != second.seed and isinstance(first.seed, int)
    assert first.spec is not None and first.spec.seed == first.seed
    assert steps(accord.run(first.spec)) == steps(first)


class FirstDraw:
    """An agent that notes the first number its generator gives and walks away."""

    def __init__(self):
        self.draw = None

    def start(self, view):
        self.draw = float(view.rng.random())

    def propose(self, view):
        return None

    def respond(self, view, offer, proposer):
        return accord.mechanisms.Response.END


def test_the_seed_layout_gives_party_i_child_i():
    sc = accord.load("river-basin")
    agents = [FirstDraw() for _ in sc.parties]
    spec = RunSpec("river-basin", ("x", "y", "z"), seed=7)
    accord.run(spec, scenario=sc, parties=agents)
    children = np.random.SeedSequence(7).spawn(len(sc.parties))
    expected = [float(np.random.default_rng(c).random()) for c in children]
    assert [a.draw for a in agents] == expected


def test_single_text_draws_its_initial_text_from_child_n():
    sc = accord.load("job-offer")
    spec = SPECS["single-text"]
    result = accord.run(spec, scenario=sc)
    child = np.random.SeedSequence(spec.seed).spawn(len(sc.parties) + 1)[len(sc.parties)]
    digits = sc.space.sample(np.random.default_rng(child), 1)[0]
    assert result.details["initial_text"] == sc.space.to_index(digits)


def test_bad_specs_are_protocol_errors():
    with pytest.raises(ProtocolError, match="unknown protocol"):
        accord.run(RunSpec("job-offer", ("boulware", "conceder"), "auction"))
    with pytest.raises(ProtocolError, match="takes no option"):
        accord.run(RunSpec("job-offer", ("boulware", "conceder"), options={"budget": 3}))
    with pytest.raises(ProtocolError, match="is not a int"):
        accord.run(RunSpec("job-offer", ("boulware", "conceder"), options={"first": "x"}))
    with pytest.raises(ProtocolError, match="one agent per party"):
        accord.run(RunSpec("job-offer", ("boulware",)))
    with pytest.raises(ProtocolError, match="mediator"):
        accord.run(RunSpec("job-offer", ("truthful", "truthful"), "single-text"))
    with pytest.raises(ProtocolError):
        RunSpec("job-offer", "boulware")  # a string is not a list of specs
    with pytest.raises(ProtocolError):
        RunSpec("job-offer", ("a", "b"), options={"x": [1, 2]})
    with pytest.raises(ProtocolError):
        Deadline(rounds=0)
    with pytest.raises(ProtocolError):
        RunSpec.from_dict({"scenario": "job-offer", "parties": ["a", "b"], "colour": "red"})


def test_a_participant_that_cannot_play_the_role_is_refused():
    with pytest.raises(accord.AgentError, match="not caucus"):
        accord.run(RunSpec("job-offer", ("hard", "hard"), "caucus", mediators=("caucus",)))
    with pytest.raises(ProtocolError, match="cannot act as a party"):
        accord.run(
            RunSpec("job-offer", ("a", "b"), "caucus", mediators=("caucus",)),
            parties=[object(), object()],
        )


class Slow:
    def __init__(self, inner, delay=0.06):
        self.inner, self.delay = inner, delay

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def slow(*args):
            time.sleep(self.delay)
            return method(*args)

        return slow

    # the interfaces are checked structurally: name the methods explicitly
    def start(self, *args):
        return self.__getattr__("start")(*args)


class SlowVoter(Slow):
    def vote(self, *args):
        return self.__getattr__("vote")(*args)


class SlowAnswerer(Slow):
    def answer(self, *args):
        return self.__getattr__("answer")(*args)


class SlowAgent(Slow):
    def propose(self, *args):
        return self.__getattr__("propose")(*args)

    def respond(self, *args):
        return self.__getattr__("respond")(*args)


@pytest.mark.parametrize(
    ("protocol", "mediators", "wrap", "make"),
    [
        ("alternating-offers", (), SlowAgent, lambda: AGENTS.make("conceder")),
        ("single-text", ("hill-climbing",), SlowVoter, lambda: PARTY_STRATEGIES.make("truthful")),
        ("caucus", ("caucus",), SlowAnswerer, lambda: PARTY_STRATEGIES.make("truthful")),
    ],
)
def test_the_per_call_limit_holds_in_every_protocol(protocol, mediators, wrap, make):
    spec = RunSpec(
        "job-offer",
        ("slow", "fine"),
        protocol,
        mediators=mediators,
        deadline=Deadline(rounds=20, per_call=0.02),
    )
    meds = [MEDIATORS.make(m, protocol) for m in mediators]
    result = accord.run(spec, parties=[wrap(make()), make()], mediators=meds)
    assert result.failure is not None
    assert result.failure.participant == "slow" and result.failure.seat == "candidate"
    assert "limit per call" in result.failure.reason
    assert result.reason.startswith("failure:") and not result.agreed
    assert any(e.kind == "failure" for e in result.trace)


def test_negotiate_and_mediate_repeat_with_consecutive_seeds():
    runs = accord.negotiate("job-offer", ["random", "random"], rounds=40, seed=5, repeat=3)
    assert [r.seed for r in runs] == [5, 6, 7]
    assert steps(runs[1]) == steps(
        accord.negotiate("job-offer", ["random", "random"], rounds=40, seed=6)
    )
    mediated = accord.mediate("job-offer", "hill-climbing", rounds=30, seed=2, repeat=2)
    assert [r.seed for r in mediated] == [2, 3]
    assert all("nash_utilities" in r.details for r in mediated)
