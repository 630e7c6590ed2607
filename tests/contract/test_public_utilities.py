"""Contract: the regime "utilities public, reservations private" (alternating-offers option
``public_utilities``).

Off by default: no view, argument or anything reachable from them holds a
:class:`PublicUtility` (nor, as ``test_sealed_views`` proves, any other party's preferences),
and nothing is handed from which one could be built. On, each agent also reaches the other
parties' utility functions — and still never a party, another's presorted preferences, the
scenario or the mechanism, and never another party's reservation value or discount: the
walks look for those numbers themselves (every float and float array reached), and for
their bytes in what pickling the public utilities (and the whole view) produces.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import pickle
import struct
from types import MappingProxyType
from typing import Any

import numpy as np
import pytest
from tests.contract.object_graph import Graph, _children, reach
from tests.contract.test_sealed_views import Privacy, Spy, assert_holds_own, spied_run

import accord
from accord import RunSpec, Scenario
from accord.errors import ConfigError, ProtocolError
from accord.mechanisms.alternating_offers import AgentView
from accord.mechanisms.alternating_offers import offers as offers_module
from accord.mechanisms.alternating_offers.public import PUBLIC_UTILITIES, PublicUtility
from accord.mechanisms.own import own_preferences
from accord.mechanisms.spec import ALTERNATING_OFFERS, Deadline
from accord.testing import additive_scenario, hyper_rectangle_scenario
from accord.tournaments import load_config, make_plan, parse_config

#: Distinctive reservation values and discounts (party ``i`` gets ``+ i * STEP``): no utility
#: table of the scenarios below holds such numbers, so finding one is finding a leak.
RESERVATION, DISCOUNT, STEP = 0.123456789012, 0.987654321098, 1.1e-7


def secret(sc: Scenario) -> Scenario:
    """``sc`` with the distinctive reservation values and discounts."""
    parties = tuple(
        dataclasses.replace(p, reservation=RESERVATION + i * STEP, discount=DISCOUNT - i * STEP)
        for i, p in enumerate(sc.parties)
    )
    return dataclasses.replace(sc, parties=parties)


CASES = {
    "job-offer": (lambda: secret(accord.load("job-offer")), ("boulware", "tit-for-tat")),
    "river-basin, 4 parties": (
        lambda: secret(accord.load("river-basin")),
        ("conceder", "boa", "aspiration", "micro"),
    ),
    "additive-1e12": (lambda: secret(additive_scenario((10,) * 12, seed=4)), ("linear", "micro")),
    "hyper-rectangles": (
        lambda: secret(hyper_rectangle_scenario(8, 10, 20, seed=5)),
        ("nash-seeking", "tit-for-tat-absolute"),
    ),
}


def _spec(sc: Scenario, agents: tuple[str, ...], **options: Any) -> RunSpec:
    agents = (agents * 4)[: len(sc.parties)]
    return RunSpec(sc.name, agents, ALTERNATING_OFFERS, deadline=Deadline(8), options=options)


class RegimePrivacy(Privacy):
    """Under the regime a party may also hold the other parties' :class:`PublicUtility`
    objects and what they hold — but no Party, no one else's presorted preferences or
    evaluators, no scenario, no mechanism (the rest of :class:`Privacy`'s rules)."""

    def _allowed(self, graph: Graph, owner: str | None) -> set[int]:
        allowed = Privacy._allowed(self, graph, owner)
        public = [o for o in graph if isinstance(o, PublicUtility) and o.name != owner]
        return allowed | {id(x) for x in reach(*(("", p) for p in public))}

    def _why(self, obj: Any, owner: str | None, allowed: set[int]) -> str | None:
        return None if id(obj) in allowed else Privacy._why(self, obj, owner, allowed)


def secrets_of(sc: Scenario, owner: str) -> dict[float, str]:
    """The reservation values and discounts of everyone but ``owner``."""
    out = {}
    for p in sc.parties:
        if p.name != owner:
            out[p.reservation] = f"{p.name!r}'s reservation value"
            out[float(p.discount or 1.0)] = f"{p.name!r}'s discount"
    return out


def numbers_found(graph: Graph, secrets: dict[float, str]) -> list[str]:
    """Every float (a leaf the walk does not keep) and float array element in ``graph`` equal
    to one of ``secrets``, with where it was."""
    found = []
    for key, (obj, _, _) in graph.nodes.items():
        if isinstance(obj, np.ndarray) and obj.dtype.kind == "f":
            for value, what in secrets.items():
                if np.any(obj == value):
                    found.append(f"{graph.path(key)} holds {what}")
            continue
        for label, child in _children(obj, set()):
            if isinstance(child, float | np.floating) and float(child) in secrets:
                found.append(f"{graph.path(key)}{label} = {secrets[float(child)]}")
    return found


def packed(value: float) -> tuple[bytes, ...]:
    """How a float can appear in a pickle: pickle's big-endian BINFLOAT, NumPy's raw bytes."""
    return struct.pack(">d", value), struct.pack("<d", value), repr(value).encode()


# -- off by default ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("options", [{}, {PUBLIC_UTILITIES: False}], ids=["default", "false"])
def test_without_the_option_no_agent_can_reach_another_partys_utility(case, options):
    make, agents = CASES[case]
    sc = make()
    _, spies, _ = spied_run(_spec(sc, agents, **options), sc, Privacy(sc))
    for spy in spies:
        assert not spy.leaks, spy.leaks
        assert PublicUtility not in spy.types
        for view in spy.views():
            assert isinstance(view, AgentView) and view.public_utilities is None
        graph = reach(*(("view", v) for v in spy.views()))
        assert numbers_found(graph, secrets_of(sc, spy.owner)) == []


# -- on: utilities public, reservations private ----------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_public_utilities_show_utilities_and_never_reservations(case):
    make, agents = CASES[case]
    sc = make()
    _, spies, _ = spied_run(_spec(sc, agents, **{PUBLIC_UTILITIES: True}), sc, RegimePrivacy(sc))
    for i, spy in enumerate(spies):
        assert not spy.leaks, spy.leaks
        assert_holds_own(spy)
        view: AgentView = spy.views()[-1]
        public = view.public_utilities
        assert public is not None
        others = [p for p in sc.party_names if p != spy.owner]
        assert list(public) == others
        with pytest.raises(TypeError):
            public[spy.owner] = public[others[0]]  # type: ignore[index]
        graph = reach(*(("view", v) for v in spy.views()))
        assert numbers_found(graph, secrets_of(sc, spy.owner)) == []
        _check_utilities(sc, public)
        _check_pickles(sc, spy, view)
        assert i == sc.party_names.index(spy.owner)


def _check_utilities(sc: Scenario, public: Any) -> None:
    """Each public utility is its party's utility, exactly; read-only."""
    rng = np.random.default_rng(0)
    outcomes = [int(x) for x in rng.integers(0, min(sc.space.size or 1, 2**62), 50)]
    digits = np.array([sc.space.from_index(o) for o in outcomes], dtype=np.int64)
    for name, pu in public.items():
        party = sc.parties[sc.party_names.index(name)]
        expected = party.utility.evaluate(sc.space, digits)
        assert pu.utilities(outcomes).tolist() == expected.tolist()
        assert [pu.utility(o) for o in outcomes] == expected.tolist()
        for attribute in ("name", "weights", "_function", "_tables"):
            with pytest.raises(AttributeError):
                setattr(pu, attribute, None)
        for attribute in ("reservation", "discount", "reserved_value", "party"):
            assert not hasattr(pu, attribute)
        for array in pu.values or ():
            assert not array.flags.writeable


def _check_pickles(sc: Scenario, spy: Spy, view: AgentView) -> None:
    """Pickling or copying the public utilities (or the whole view) yields nothing more."""
    public = dict(view.public_utilities or {})
    secrets = secrets_of(sc, spy.owner)
    data = pickle.dumps(public)
    # the whole view, slot by slot (its mapping proxy itself does not pickle)
    state = {slot: getattr(view, slot) for slot in AgentView.__slots__ if slot != "_public"}
    blobs = [data, pickle.dumps((state, public))]
    for blob in blobs:
        for value, what in secrets.items():
            assert not any(b in blob for b in packed(value)), f"a pickle holds {what}"
    for again in (pickle.loads(data), copy.deepcopy(public), copy.copy(public)):
        graph = reach(("copy", again))
        assert not any(isinstance(o, Scenario | accord.Party) for o in graph)
        assert numbers_found(graph, secrets) == []
        for name, pu in again.items():
            assert pu.utilities([0, 1]).tolist() == public[name].utilities([0, 1]).tolist()


# -- how a run opts in ------------------------------------------------------------------------


def test_the_option_is_a_boolean_of_alternating_offers_only():
    agents = ("boulware", "tit-for-tat")
    with pytest.raises(ProtocolError, match="public_utilities='yes' is not a bool"):
        accord.run(RunSpec("job-offer", agents, options={PUBLIC_UTILITIES: "yes"}))
    # 1 == True as dict keys: a checked True must not let 1 through (nor the other way round)
    accord.run(RunSpec("job-offer", agents, options={PUBLIC_UTILITIES: True}))
    with pytest.raises(ProtocolError, match="public_utilities=1 is not a bool"):
        accord.run(RunSpec("job-offer", agents, options={PUBLIC_UTILITIES: 1}))
    accord.run(RunSpec("job-offer", agents, options={"first": 1}))
    with pytest.raises(ProtocolError, match="first=True is not a int"):
        accord.run(RunSpec("job-offer", agents, options={"first": True}))
    spec = accord.mediation("job-offer", "caucus")
    with pytest.raises(ProtocolError, match="takes no option"):
        accord.run(dataclasses.replace(spec, options={**spec.options, PUBLIC_UTILITIES: True}))


def test_a_tournament_passes_its_options_to_every_run(tmp_path):
    base = {"name": "t", "agents": ["boulware", "conceder"], "scenarios": ["job-offer"]}
    plain = parse_config(base)
    on = parse_config({**base, "options": {PUBLIC_UTILITIES: True}})
    assert all(PUBLIC_UTILITIES not in run.spec.options for run in make_plan(plain))
    assert all(run.spec.option(PUBLIC_UTILITIES) is True for run in make_plan(on))
    assert on.digest() != plain.digest()
    assert type(on).from_dict(on.to_dict()) == on
    old = plain.to_dict()  # without options, the digest is what it was before they existed
    del old["batch"], old["options"]
    text = json.dumps(old, sort_keys=True, separators=(",", ":"))
    assert plain.digest() == hashlib.sha256(text.encode()).hexdigest()[:16]
    file = tmp_path / "t.yaml"
    file.write_text(
        "name: t\nagents: [boulware, conceder]\nscenarios: [job-offer]\n"
        "options:\n  public_utility: true\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"t\.yaml:4: options: .* no option \['public_utility'\]"):
        load_config(file)


# -- the checks can fail ----------------------------------------------------------------------


@pytest.mark.parametrize("leak", ["reservation", "discount", "party", "presorted"])
def test_a_mechanism_leaking_a_reservation_with_the_utilities_is_caught(monkeypatch, leak):
    sc = secret(accord.load("job-offer"))

    def leaky(scenario: Scenario, me: int) -> Any:
        out = {}
        for j, party in enumerate(scenario.parties):
            if j != me:
                extra = {
                    "reservation": party.reservation,
                    "discount": party.discount,
                    "party": party,
                    "presorted": own_preferences(scenario, j),
                }[leak]
                out[party.name] = (PublicUtility(party.name, scenario.space, party.utility), extra)
        return MappingProxyType(out)

    monkeypatch.setattr(offers_module, "public_utilities", leaky)
    spec = _spec(sc, ("boulware", "conceder"), **{PUBLIC_UTILITIES: True})
    _, spies, _ = spied_run(spec, sc, RegimePrivacy(sc))
    for spy in spies:
        other = next(p for p in sc.party_names if p != spy.owner)
        found = numbers_found(reach(("view", spy.views()[-1])), secrets_of(sc, spy.owner))
        if leak in ("reservation", "discount"):
            assert any(f"{other!r}'s {leak}" in line for line in found), found
        else:
            assert spy.leaks, f"{leak} not caught"
