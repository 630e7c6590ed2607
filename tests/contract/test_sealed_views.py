"""Contract: sealed views. Whatever a mechanism hands a participant — its view, every argument,
everything reachable from them — holds its own preferences, the public history and the time:
never the scenario, the mechanism, the timeline or another party's preferences; a mediator
holds only what the parties disclosed.

Spies wrap the registered strategies, run through :func:`accord.run` and, at every call, walk
the object graph reachable from the arguments (``object_graph.reach``) and look in it for
anything private to another participant (:class:`Privacy`): the scenario, parties, timeline and
events, the mechanism, another party's view, preferences, utility or value functions (by
identity, in the scenario and its event snapshots), arrays sharing memory with another party's
utilities; for a mediator, any preferences at all. Every seat is checked, every call. The last
tests show the walker catches deliberately leaky objects and leaky mechanisms, so a pass means
something.
"""

from __future__ import annotations

import functools
import types
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from tests.contract.object_graph import Graph, reach

import accord
from accord import Party, RunSpec, Scenario
from accord.clauses import ClauseValue
from accord.mechanisms import own as own_module
from accord.mechanisms.alternating_offers import AgentView, OfferRecord
from accord.mechanisms.alternating_offers import offers as offers_module
from accord.mechanisms.caucus import Answer, Exchange, Message, Notebook, PartyView, Query, shuttle
from accord.mechanisms.caucus import MediatorView as CaucusMediatorView
from accord.mechanisms.caucus.caucus_roles import PartyState
from accord.mechanisms.caucus.confidentiality import Disclosed
from accord.mechanisms.own import OwnPreferences, OwnUtility, own_preferences, row_evaluator
from accord.mechanisms.session import Clock, SeedLayout, Session
from accord.mechanisms.single_text import MediatorView as TextMediatorView
from accord.mechanisms.single_text import ProposalRecord, VoterView
from accord.mechanisms.single_text.text_roles import TextState
from accord.mechanisms.spec import ALTERNATING_OFFERS, CAUCUS, SINGLE_TEXT, Deadline
from accord.phases import Event, State, Timeline
from accord.registry import AGENTS, MEDIATORS, PARTY_STRATEGIES
from accord.testing import additive_scenario, hyper_rectangle_scenario

# -- what is private to whom ------------------------------------------------------------------

#: Never in anything a participant is handed, whoever it is.
NEVER = (Scenario, Party, Timeline, Event, State, Session, SeedLayout, Disclosed)
PREFERENCES = (OwnUtility, OwnPreferences)
PARTY_VIEWS = (AgentView, VoterView, PartyView, PartyState)
#: What only mediators see (a party sees its own messages, never the notebook).
MEDIATOR_VIEWS = (TextMediatorView, TextState, CaucusMediatorView, Notebook)
ROWS = (own_module._AdditiveRow, own_module._RectangleRow, own_module._GenericRow)


def is_preference_object(obj: object) -> bool:
    """Utility and value functions (anything of :mod:`accord.preferences`, clause values) and
    the evaluators built from them."""
    module = type(obj).__module__
    return module.startswith("accord.preferences") or isinstance(obj, (ClauseValue, *ROWS))


def owner_of_view(view: Any) -> str:
    return view.preferences.name if isinstance(view, PartyState) else view.name


class Privacy:
    """What belongs to each party of a scenario and of its snapshots at the start and after
    each event (``scenario.at``): everything reachable from its :class:`Party` and from what
    the scenario derived for it (presorted preferences, evaluators), less what is public (the
    outcome space). The utility matrix belongs to no single party."""

    def __init__(self, scenario: Scenario):
        rounds = [0, *(e.round for e in scenario.timeline.events)]
        snapshots = [] if scenario.timeline.is_empty else [scenario.at(round=r) for r in rounds]
        self.scenarios = [scenario, *snapshots]
        public = {id(x) for s in self.scenarios for x in reach(("space", s.space))}
        self.owners: dict[int, tuple[Any, frozenset[str], str]] = {}
        self.arrays: dict[int, np.ndarray] = {}
        for s in self.scenarios:
            for j in range(len(s.parties)):  # derived once per scenario and cached: the very
                row_evaluator(s, j)  # objects the mechanisms hand out
                own_preferences(s, j)
            if (s.space.size or 0) <= 1_000_000:
                self._own(s.utilities(), frozenset(), f"{s.name!r}: the utility matrix")
            for j, party in enumerate(s.parties):
                roots = [(f"{s.name!r}: party {party.name!r}", party)]
                for k, v in s._cache.items():  # what the scenario derived for this party
                    if isinstance(k, tuple) and k[1] == (j,):
                        roots.append((f"{s.name!r}: {k[0].__name__} of {party.name!r}", v))
                graph = reach(*roots)
                for key, (obj, _, _) in graph.nodes.items():
                    if key not in public:
                        self._own(obj, frozenset({party.name}), graph.path(key))

    def _own(self, obj: Any, owners: frozenset[str], what: str) -> None:
        known = self.owners.get(id(obj))
        if known is not None:  # shared by several parties: private to all of them
            owners, what = known[1] | owners, known[2]
        self.owners[id(obj)] = (obj, owners, what)
        if isinstance(obj, np.ndarray):
            self.arrays[id(obj)] = obj

    def leaks(self, graph: Graph, owner: str | None) -> list[str]:
        """What in ``graph`` is private to someone but ``owner`` (a party name; ``None``: a
        mediator, who may hold no preferences at all), with the path to it."""
        allowed = self._allowed(graph, owner)
        flagged = {}
        for key, (obj, _, _) in graph.nodes.items():
            why = self._why(obj, owner, allowed)
            if why is not None:
                flagged[key] = why
        return [  # the first leaky object on each path (not everything behind it)
            f"{graph.path(key)} -> {why}"
            for key, why in flagged.items()
            if not any(a in flagged for a in graph.ancestors(key))
        ]

    def _allowed(self, graph: Graph, owner: str | None) -> set[int]:
        """The party's own utility function and evaluator, as its preferences hold them."""
        if owner is None:
            return set()
        mine = [o for o in graph if isinstance(o, PREFERENCES) and o.name == owner]
        roots = [("", getattr(o, a)) for o in mine for a in ("_function", "_row") if hasattr(o, a)]
        return {id(x) for x in reach(*roots)}

    def _why(self, obj: Any, owner: str | None, allowed: set[int]) -> str | None:
        private = self.owners.get(id(obj))
        if private is not None and private[0] is obj and owner not in private[1]:
            return f"private to {sorted(private[1]) or 'every party'}: {private[2]}"
        if isinstance(obj, NEVER):
            return f"a {type(obj).__name__}"
        if isinstance(obj, PREFERENCES + PARTY_VIEWS) and owner_of_view(obj) != owner:
            return f"{owner_of_view(obj)!r}'s {type(obj).__name__}"
        if owner is not None:  # a party: nothing of the mediators', no one else's messages
            if isinstance(obj, MEDIATOR_VIEWS):
                return f"a mediator's {type(obj).__name__}"
            if isinstance(obj, Message) and owner not in (obj.sender, obj.recipient):
                return f"a message from {obj.sender!r} to {obj.recipient!r}"
        mine = id(obj) in allowed or (private is not None and owner in private[1])
        if is_preference_object(obj) and not mine:
            return f"someone else's {type(obj).__name__}"
        if isinstance(obj, np.ndarray):
            for key, array in self.arrays.items():
                _, owners, what = self.owners[key]
                if owner not in owners and np.shares_memory(obj, array):
                    return f"an array sharing memory with {what}"
        return None


# -- spies ------------------------------------------------------------------------------------


class Spy:
    """Wraps a participant; at every call, walks what the mechanism passes and keeps what in
    it is private to someone else (``leaks``), and the arguments (``calls``)."""

    def __init__(self, inner: Any, privacy: Privacy, owner: str | None):
        self.inner = inner
        self.privacy = privacy
        self.owner = owner
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.leaks: dict[str, None] = {}
        self.types: set[type] = set()  # what the walks reached: proof that they looked
        self.held: dict[int, Any] = {}  # every OwnUtility / OwnPreferences reached

    def seen(self, method: str, names: tuple[str, ...], *args: Any) -> Any:
        self.calls.append((method, args))
        graph = reach(*((f"{method}:{n}", a) for n, a in zip(names, args, strict=True)))
        self.leaks.update(dict.fromkeys(self.privacy.leaks(graph, self.owner)))
        for obj in graph:
            self.types.add(type(obj))
            if isinstance(obj, PREFERENCES):
                self.held.setdefault(id(obj), obj)
        return getattr(self.inner, method)(*args)

    def views(self) -> list[Any]:
        return [args[0] for _, args in self.calls]


class AgentSpy(Spy):
    def start(self, view):
        return self.seen("start", ("view",), view)

    def propose(self, view):
        return self.seen("propose", ("view",), view)

    def respond(self, view, offer, proposer):
        return self.seen("respond", ("view", "offer", "proposer"), view, offer, proposer)


class TextMediatorSpy(Spy):
    def start(self, view):
        return self.seen("start", ("view",), view)

    def propose(self, view):
        return self.seen("propose", ("view",), view)

    def observe(self, view, accepted):
        return self.seen("observe", ("view", "accepted"), view, accepted)


class VoterSpy(Spy):
    def start(self, view):
        return self.seen("start", ("view",), view)

    def vote(self, view, current, proposal):
        return self.seen("vote", ("view", "current", "proposal"), view, current, proposal)


class CaucusMediatorSpy(Spy):
    def start(self, view):
        return self.seen("start", ("view",), view)

    def next_message(self, view, party):
        return self.seen("next_message", ("view", "party"), view, party)


class CaucusPartySpy(Spy):
    def start(self, view):
        return self.seen("start", ("view",), view)

    def answer(self, view, query):
        return self.seen("answer", ("view", "query"), view, query)


PARTY_SPIES = {ALTERNATING_OFFERS: AgentSpy, SINGLE_TEXT: VoterSpy, CAUCUS: CaucusPartySpy}
MEDIATOR_SPIES = {SINGLE_TEXT: TextMediatorSpy, CAUCUS: CaucusMediatorSpy}


def spied_run(
    spec: RunSpec, scenario: Scenario, privacy: Privacy
) -> tuple[accord.NegotiationResult, list[Spy], list[Spy]]:
    """Run ``spec`` with every registered participant wrapped in a spy."""
    registry = AGENTS if spec.protocol == ALTERNATING_OFFERS else PARTY_STRATEGIES
    parties = [
        PARTY_SPIES[spec.protocol](registry.make(p, spec.protocol), privacy, name)
        for p, name in zip(spec.parties, scenario.party_names, strict=True)
    ]
    mediators = [
        MEDIATOR_SPIES[spec.protocol](MEDIATORS.make(m, spec.protocol), privacy, None)
        for m in spec.mediators
    ]
    result = accord.run(spec, scenario=scenario, parties=parties, mediators=mediators)
    assert result.failure is None, result.reason
    for spy in (*parties, *mediators):
        assert spy.calls, "the mechanism never called a participant"
    return result, parties, mediators


def assert_sealed(spy: Spy, role: str) -> None:
    leaks = list(spy.leaks)
    assert not leaks, f"{role} {spy.owner or 'mediator'} can reach:\n" + "\n".join(leaks[:20])


def assert_holds_own(spy: Spy) -> None:
    """The walks reached the party's own preferences (and, as ``leaks`` is empty, no one
    else's)."""
    assert spy.held, f"{spy.owner}'s own preferences were never reached"
    assert {p.name for p in spy.held.values()} == {spy.owner}


def assert_read_only(sequence: Any) -> None:
    """A history, inbox or notebook: nothing changes it, nor the records in it."""
    assert not any(hasattr(sequence, m) for m in ("append", "extend", "insert", "pop", "clear"))
    with pytest.raises(TypeError):
        sequence[0] = None
    with pytest.raises(TypeError):
        del sequence[0]
    for record in list(sequence)[:1]:
        with pytest.raises(AttributeError):
            record.round = -1


def assert_frozen(preferences: OwnUtility | OwnPreferences) -> None:
    for name in type(preferences).__slots__:
        with pytest.raises(AttributeError):
            setattr(preferences, name, None)
    for array in (getattr(preferences, a, None) for a in ("sorted_utilities", "pool")):
        assert array is None or not array.flags.writeable


# -- alternating offers -----------------------------------------------------------------------

AO_CASES = {
    "job-offer": (lambda: accord.load("job-offer"), ("boulware", "tit-for-tat")),
    "river-basin": (lambda: accord.load("river-basin"), ("conceder", "boa", "aspiration")),
    "additive-1e12": (lambda: additive_scenario((10,) * 12, seed=4), ("linear", "micro")),
    "hyper-rectangles": (
        lambda: hyper_rectangle_scenario(8, 10, 20, seed=5),
        ("nash-seeking", "tit-for-tat-absolute"),
    ),
}


@pytest.mark.parametrize("case", sorted(AO_CASES))
def test_alternating_offers_agents_see_only_their_own_preferences(case):
    make, agents = AO_CASES[case]
    sc = make()
    spec = RunSpec(sc.name, agents, ALTERNATING_OFFERS, deadline=Deadline(rounds=12))
    _, spies, _ = spied_run(spec, sc, Privacy(sc))
    for spy in spies:
        assert_sealed(spy, "agent")
        assert OfferRecord in spy.types, "no offer was walked: the history was empty"
        assert_holds_own(spy)
        view = spy.views()[-1]
        assert isinstance(view, AgentView)
        assert_read_only(view.history)
        assert_frozen(view.preferences)


# -- single text ------------------------------------------------------------------------------

TEXT_CASES = {
    "river-basin": (lambda: accord.load("river-basin"), "annealing", ("truthful", "hard")),
    "hyper-rectangles": (
        lambda: hyper_rectangle_scenario(8, 10, 20, seed=6),
        "hill-climbing",
        ("annealing-voter", "truthful"),
    ),
}


@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_single_text_mediator_and_voters_are_sealed(case):
    make, mediator, voters = TEXT_CASES[case]
    sc = make()
    voters = (voters * 3)[: len(sc.parties)]
    spec = RunSpec(sc.name, voters, SINGLE_TEXT, mediators=(mediator,), deadline=Deadline(15))
    _, spies, (mspy,) = spied_run(spec, sc, Privacy(sc))
    assert_sealed(mspy, "single-text mediator")
    assert ProposalRecord in mspy.types and not mspy.held
    assert_read_only(mspy.views()[-1].history)
    for spy in spies:
        assert_sealed(spy, "voter")
        assert_holds_own(spy)
        assert isinstance(spy.views()[-1], VoterView)
        assert_frozen(spy.views()[-1].preferences)


# -- caucus -----------------------------------------------------------------------------------


def caucus_spec(sc: Scenario, parties: tuple[str, ...], mediators: int, **options: Any) -> RunSpec:
    parties = (parties * 3)[: len(sc.parties)]
    return RunSpec(
        sc.name,
        parties,
        CAUCUS,
        mediators=("caucus",) * mediators,
        deadline=Deadline(rounds=options.pop("rounds", 6)),
        options={"budget": 20, **options},
    )


def check_caucus(
    sc: Scenario, spec: RunSpec, privacy: Privacy
) -> tuple[accord.NegotiationResult, list[Spy], list[Spy]]:
    result, spies, mspies = spied_run(spec, sc, privacy)
    for mspy in mspies:
        assert_sealed(mspy, "caucus mediator")
        assert {Exchange, Answer} <= mspy.types, "the notebook was never walked with answers"
        assert not mspy.held
        view = mspy.views()[-1]
        assert_read_only(view.notebook.of(sc.party_names[0]))
        for mapping in (view.locked, view._budget):
            with pytest.raises(TypeError):
                mapping[0] = 0
    for spy in spies:
        assert_sealed(spy, "caucus party")
        assert {Message, Query} <= spy.types, "the inbox was never walked"
        assert_holds_own(spy)
        view = spy.views()[-1]
        for sequence in (view.inbox, view.outbox, view.public):
            assert_read_only(sequence)
        assert_frozen(view.preferences)
    return result, spies, mspies


@pytest.mark.parametrize(
    ("name", "parties", "mediators"),
    [("job-offer", ("truthful", "guarded"), 1), ("river-basin", ("pressured", "truthful"), 2)],
)
def test_caucus_mediators_see_only_disclosures_and_parties_their_own(name, parties, mediators):
    sc = accord.load(name)
    check_caucus(sc, caucus_spec(sc, parties, mediators), Privacy(sc))


@pytest.mark.parametrize(
    ("name", "mediators", "options"),
    [
        ("harbour-strike", 2, {"budget": 40}),  # three parties, events, a coalition of two
        ("hostage-release-2023", 3, {"budget": 60, "phased": True}),
    ],
)
def test_caucus_stays_sealed_while_events_change_the_parties_preferences(name, mediators, options):
    sc = accord.load(name)
    events = sc.timeline.events
    spec = caucus_spec(sc, ("pressured",), mediators, rounds=None, **options)
    result, spies, _ = check_caucus(sc, spec, Privacy(sc))
    phases = result.details.get("phases", [])
    assert len(phases) == (len(sc.timeline.phases) if options.get("phased") else 0)
    assert result.agreed and all(p["agreed"] for p in phases)
    assert sum(e.kind == "event" for e in result.trace) == len(events)
    for spy in spies:  # the events replaced each party's preferences; the walks saw them
        assert len(spy.held) > 2, f"{spy.owner}: the events' preferences were not walked"


# -- the walker can fail ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def job() -> tuple[Scenario, Privacy]:
    sc = accord.load("job-offer")
    return sc, Privacy(sc)


class LeakyView:
    def __init__(self, **attrs: Any):
        self.__dict__.update(attrs)


class _SlottedBase:
    __slots__ = ("__hidden",)  # stored as _SlottedBase__hidden


class SlottedLeak(_SlottedBase):
    __slots__ = ("public",)

    def __init__(self, hidden: Any):
        self.public = 1
        self._SlottedBase__hidden = hidden


def _closure_over(value: Any) -> Callable[[], Any]:
    return lambda: value


def _raise_with(value: Any) -> BaseException:
    try:
        held = value  # noqa: F841 - kept in the frame the traceback holds
        raise RuntimeError("leak")
    except RuntimeError as exc:
        return exc


_ALIVE: list[Any] = []  # module globals: out of every walk's reach


def _weak(target: Any) -> weakref.ref[Any]:
    _ALIVE.append(target)
    return weakref.ref(target)


def _voter_view(sc: Scenario, i: int) -> VoterView:
    return VoterView(OwnUtility(sc, i), sc.party_names, Clock(5, None), np.random.default_rng(0))


def _leaks(privacy: Privacy, obj: Any, owner: str | None) -> list[str]:
    return privacy.leaks(reach(("view", obj)), owner)


#: A leaky object handed to the first party, and where the walker must find the leak.
LEAKS: dict[str, tuple[Callable[[Scenario], Any], str]] = {
    "scenario attribute": (lambda sc: LeakyView(scenario=sc), "view.scenario -> a Scenario"),
    "party in a tuple": (lambda sc: (sc.parties[1],), "view[0] -> private to ['employer']"),
    "timeline in a dict": (lambda sc: {"t": sc.timeline}, "view['t'] -> a Timeline"),
    "closure over a utility": (
        lambda sc: _closure_over(sc.parties[1].utility),
        "view.<closure value>.cell_contents -> private to ['employer']: 'job-offer': party "
        "'employer'.utility",
    ),
    "closure over value functions": (
        lambda sc: _closure_over(sc.parties[1].utility.values),
        "'employer'.utility.values",
    ),
    "default argument": (lambda sc: lambda u=sc.parties[1].utility: u, "view.__defaults__[0]"),
    "partial": (
        lambda sc: functools.partial(print, OwnUtility(sc, 1)),
        "view.args[0] -> 'employer''s OwnUtility",
    ),
    "name-mangled slot of a base class": (
        lambda sc: SlottedLeak(deque([frozenset({LeakyView(s=sc)})])),
        "view.__hidden[0]{member}.s -> a Scenario",
    ),
    "mapping proxy": (
        lambda sc: types.MappingProxyType({"x": [sc.parties[1].utility]}),
        "view['x'][0] -> private",
    ),
    "another's presorted preferences": (
        lambda sc: LeakyView(p=own_preferences(sc, 1)),
        "view.p -> private to ['employer']: 'job-offer': OwnPreferences of 'employer'",
    ),
    "another's view": (lambda sc: [_voter_view(sc, 1)], "view[0] -> 'employer''s VoterView"),
    "another's message": (
        lambda sc: Message("m", "employer", frozenset({"employer"}), Query("red_line")),
        "view -> a message from 'm' to 'employer'",
    ),
    "a mediator's notebook": (lambda sc: Notebook({}), "view -> a mediator's Notebook"),
    "column view of the utility matrix": (
        lambda sc: sc.utilities()[:, 0],
        "view -> an array sharing memory with 'job-offer': the utility matrix",
    ),
    "bound method of the mechanism": (
        lambda sc: offers_module.OffersSession(sc, RunSpec(sc.name, ("a", "b")), [], 0).record,
        "view.__self__ -> a OffersSession",
    ),
    "exception traceback": (
        lambda sc: LeakyView(error=_raise_with(sc.parties[1].utility)),
        "view.error.__traceback__.tb_frame.f_locals['value'] -> private",
    ),
    "weak reference": (
        lambda sc: _weak(LeakyView(scenario=sc)),
        "view.<referent>.scenario -> a Scenario",
    ),
    "builtin bound method": (lambda sc: [sc.parties].append, "view.__self__[0][0] -> a Party"),
    "dict view": (lambda sc: {"k": sc}.values(), "view.<referent>['k'] -> a Scenario"),
}


@pytest.mark.parametrize("kind", sorted(LEAKS))
def test_walker_flags_deliberate_leaks(job, kind):
    sc, privacy = job
    make, expected = LEAKS[kind]
    leaks = _leaks(privacy, make(sc), sc.party_names[0])
    assert any(expected in line for line in leaks), leaks


def test_walker_allows_own_preferences_to_a_party_but_not_to_a_mediator(job):
    sc, privacy = job
    me, other = sc.party_names
    view = LeakyView(prefs=OwnUtility(sc, 0), mine=own_preferences(sc, 0), f=_closure_over(1))
    assert _leaks(privacy, view, me) == []
    assert any("view.mine -> private to ['candidate']" in x for x in _leaks(privacy, view, other))
    assert any("view.prefs -> 'candidate''s OwnUtility" in x for x in _leaks(privacy, view, None))
    column = np.ascontiguousarray(sc.utilities()[:, 0]).copy()
    assert _leaks(privacy, column, me) == []
    assert _leaks(privacy, _voter_view(sc, 0), me) == []
    assert _leaks(privacy, _voter_view(sc, 0), None)


def test_walker_stays_out_of_modules_classes_and_globals(job):
    sc, privacy = job
    _ALIVE.append(LeakyView(scenario=sc))  # reachable from _weak's globals only
    graph = reach(("root", [accord, Scenario, _weak, sc.space]))
    assert accord in graph and Scenario in graph and _weak in graph
    assert sc not in graph and _ALIVE not in graph
    assert privacy.leaks(graph, None) == []
    cycle: list[Any] = []
    cycle.append({"again": cycle})
    assert len(reach(("cycle", cycle)).nodes) == 2


def test_mechanism_handing_an_agent_another_partys_preferences_is_caught(monkeypatch):
    sc = accord.load("job-offer")
    swapped = lambda scenario, i: own_preferences(scenario, 1 - i)  # noqa: E731
    monkeypatch.setattr(offers_module, "own_preferences", swapped)
    spec = RunSpec(sc.name, ("boulware", "conceder"), ALTERNATING_OFFERS, deadline=Deadline(3))
    _, spies, _ = spied_run(spec, sc, Privacy(sc))
    for spy, other in zip(spies, reversed(sc.party_names), strict=True):
        assert f"propose:view -> {other!r}'s AgentView" in spy.leaks


def test_mechanism_slipping_party_state_to_a_mediator_is_caught(monkeypatch):
    sc = accord.load("job-offer")
    init = shuttle.CaucusSession.__init__

    def leaky_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        for view in self.mviews:
            view.coalition = (*view.coalition, self.states[1])

    monkeypatch.setattr(shuttle.CaucusSession, "__init__", leaky_init)
    _, _, (mspy,) = spied_run(caucus_spec(sc, ("truthful",), 1), sc, Privacy(sc))
    assert "start:view.coalition[1] -> 'employer''s PartyState" in mspy.leaks
