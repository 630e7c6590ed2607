"""Hosted NegMAS negotiators under "utilities public, reservations private" (option
``public_utilities``): ``private_info["opponent_ufun"]`` as ANL 2024 gave it — the opponent's
exact utility function, ``reserved_value`` 0 — in bilateral runs under the option only; and a
negotiator that uses it plays as it does in NegMAS's own ``SAOMechanism`` given the same."""

from __future__ import annotations

import dataclasses
import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest

pytest.importorskip("negmas")

from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.sao import AspirationNegotiator, SAOMechanism, SAOResponse
from negmas.sao.common import ResponseType

import accord
from accord.io import load_path
from accord.mechanisms.alternating_offers.public import public_utilities
from accord.negmas import AccordUtility, party_ufun, public_ufun, to_index, ufuns
from accord.preferences.utility import LinearAdditive
from accord.testing import hyper_rectangle_scenario

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "scenarios"
PUBLIC = {"public_utilities": True}


class Recorder(AspirationNegotiator):
    """Keeps what it was handed at its first call."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def __call__(self, state, dest=None):  # type: ignore[no-untyped-def]
        if not any(s["id"] == id(self) for s in Recorder.seen):
            u = self.opponent_ufun
            Recorder.seen.append(
                {"id": id(self), "opponent_ufun": u, "info": dict(self.private_info)}
            )
            if u is not None:
                u.reserved_value = 0.7  # ANL agents write their estimate into it
        return super().__call__(state, dest=dest)


class OpponentAware(AspirationNegotiator):
    """Deterministic and driven by the opponent's ufun: offers, from the outcomes worth at
    least its aspiration to it, the one its opponent values most (ties: enumeration order)."""

    def propose(self, state, dest=None):  # type: ignore[no-untyped-def]
        assert self.opponent_ufun is not None and self.ufun is not None
        level = self.utility_at(state.relative_time) * float(self.ufun.max())
        outcomes = list(self.nmi.outcome_space.enumerate())
        good = [o for o in outcomes if float(self.ufun(o)) >= level] or outcomes
        return max(good, key=lambda o: float(self.opponent_ufun(o)))

    def respond(self, state, source=None):  # type: ignore[no-untyped-def]
        offer = state.current_offer
        mine = self.propose(state)
        if offer is not None and float(self.ufun(offer)) >= float(self.ufun(mine)):
            return ResponseType.ACCEPT_OFFER
        return ResponseType.REJECT_OFFER

    def __call__(self, state, dest=None) -> SAOResponse:  # type: ignore[no-untyped-def]
        return super().__call__(state, dest=dest)


@pytest.fixture
def module(monkeypatch):
    name = "accord_test_public"
    mod = types.ModuleType(name)
    mod.Recorder = Recorder  # type: ignore[attr-defined]
    mod.OpponentAware = OpponentAware  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, name, mod)
    Recorder.seen.clear()
    return name


def run(sc: accord.Scenario, agents: list[str], rounds: int = 20, **options: Any):
    spec = accord.negotiation(sc, agents, rounds=rounds, seed=0)
    spec = dataclasses.replace(spec, options={**spec.options, **options})
    result = accord.run(spec, scenario=sc)
    assert result.failure is None, result.failure
    return result


def with_reservations(sc: accord.Scenario, *values: float) -> accord.Scenario:
    parties = tuple(
        dataclasses.replace(p, reservation=v) for p, v in zip(sc.parties, values, strict=True)
    )
    return dataclasses.replace(sc, parties=parties)


def assert_exactly(ufun: Any, sc: accord.Scenario, party: int) -> None:
    os = ufun.outcome_space
    expected = sc.utilities()[:, party].tolist()
    got = [float(ufun(o)) for o in os.enumerate()]
    assert got == expected


@pytest.mark.parametrize(
    "make",
    [
        lambda: with_reservations(accord.load("job-offer"), 0.3, 0.45),
        lambda: with_reservations(hyper_rectangle_scenario(4, 4, 6, seed=2), 0.2, 0.1),
    ],
    ids=["linear-additive", "hyper-rectangles"],
)
def test_the_opponent_ufun_is_exact_with_its_reservation_hidden(module, make):
    sc = make()
    run(sc, [f"negmas:{module}.Recorder", f"negmas:{module}.Recorder"], **PUBLIC)
    assert len(Recorder.seen) == 2
    for me, seen in enumerate(Recorder.seen):
        u = seen["opponent_ufun"]
        assert set(seen["info"]) == {"opponent_ufun"}
        linear = isinstance(sc.parties[1 - me].utility, LinearAdditive)
        assert isinstance(u, LinearAdditiveUtilityFunction if linear else AccordUtility)
        assert u.reserved_value == 0.7  # what the negotiator wrote: 0 before
        assert_exactly(u, sc, 1 - me)
    # a fresh object each run: what a negotiator wrote is gone, accord's party untouched
    run(sc, [f"negmas:{module}.Recorder", "boulware"], **PUBLIC)
    assert Recorder.seen[2]["opponent_ufun"].reserved_value == 0.7
    assert sc.parties[1].reservation == (0.45 if linear else 0.1)


def test_public_ufun_is_what_anl_2024_built():
    """ANL 2024 (``anl2024_tournament``) passed ``LinearAdditiveUtilityFunction(values=u.values,
    weights=u.weights, bias=u._bias, reserved_value=0, outcome_space=u.outcome_space)`` of the
    opponent's ufun ``u``."""
    sc = with_reservations(load_path(CORPUS / "geniusweb-anl2023" / "domain09"), 0.25, 0.35)
    us = ufuns(sc)
    for me in range(2):
        u = party_ufun(sc, 1 - me, us[0].outcome_space)
        anl = LinearAdditiveUtilityFunction(
            values=u.values,
            weights=u.weights,
            bias=u._bias,
            reserved_value=0,
            outcome_space=u.outcome_space,
        )
        mine = public_ufun(public_utilities(sc, me)[sc.party_names[1 - me]], u.outcome_space)
        assert mine.reserved_value == anl.reserved_value == 0 and u.reserved_value > 0
        assert list(mine.weights) == list(anl.weights)
        assert [mine(o) for o in u.outcome_space.enumerate()] == [
            anl(o) for o in u.outcome_space.enumerate()
        ]


@pytest.mark.parametrize(
    ("options", "agents"),
    [({}, 2), ({"public_utilities": False}, 2), (PUBLIC, 3)],
    ids=["default", "off", "three-parties"],
)
def test_no_opponent_ufun_without_the_regime_or_beyond_two_parties(module, options, agents):
    sc = accord.load("job-offer" if agents == 2 else "harbour-strike")
    run(sc, [f"negmas:{module}.Recorder"] * agents, **options)
    assert len(Recorder.seen) == agents
    assert all(s["opponent_ufun"] is None and s["info"] == {} for s in Recorder.seen)


@pytest.mark.parametrize("name", ["job-offer", "corpus"])
def test_an_opponent_aware_negotiator_plays_as_in_negmas(module, name):
    corpus = CORPUS / "geniusweb-anl2023" / "domain09"
    sc = load_path(corpus) if name == "corpus" else accord.load("job-offer")
    rounds = 12 if name == "job-offer" else 30
    us = ufuns(sc)
    mechanism = SAOMechanism(outcome_space=us[0].outcome_space, n_steps=rounds)
    seats = [OpponentAware, AspirationNegotiator]
    for k, (party, cls) in enumerate(zip(sc.parties, seats, strict=True)):
        u = us[1 - k]  # as anl2024_tournament: the opponent's, reserved value 0
        info = {
            "opponent_ufun": LinearAdditiveUtilityFunction(
                values=u.values,
                weights=u.weights,
                bias=u._bias,
                reserved_value=0,
                outcome_space=u.outcome_space,
            )
        }
        mechanism.add(cls(name=party.name, id=party.name, private_info=info), ufun=us[k])
    state = mechanism.run()
    assert not state.has_error, state.error_details
    expected = [(s, who, to_index(sc, o)) for s, who, o in mechanism.extended_trace]
    agents = [f"negmas:{module}.OpponentAware", "negmas:negmas.sao.AspirationNegotiator"]
    result = run(sc, agents, rounds=rounds, **PUBLIC)
    got = [(e.round, e.party, e.outcome) for e in result.trace if e.kind == "offer"]
    assert got == expected and len(got) > 2
    assert result.agreement == (None if state.agreement is None else to_index(sc, state.agreement))
    with pytest.raises(AssertionError):  # without the regime it has no opponent ufun
        run(sc, agents, rounds=rounds)
