"""Caucus confidentiality: full caucus mediations in which no message delivered to a
party derives from another party's disclosure (other than the mediator's proposals), and
mediators that try to leak are stopped."""

import json
from dataclasses import replace

import pytest

from accord.mechanisms.caucus import (
    Message,
    PartyView,
    Query,
    audit,
    proposal,
    rate,
    run_caucus,
    to_party,
)
from accord.registry import MEDIATORS, PARTY_STRATEGIES
from accord.testing.scenarios import additive_scenario, packaged_scenarios

PACKAGED = {s.name: s for s in packaged_scenarios()}


class Spy:
    """Wraps a party strategy and keeps everything the mechanism hands it."""

    def __init__(self, spec):
        self.inner = PARTY_STRATEGIES.make(spec)
        self.views: list[PartyView] = []
        self.queries: list[Query] = []

    def start(self, view):
        self.views.append(view)
        self.inner.start(view)

    def answer(self, view, query):
        self.queries.append(query)
        return self.inner.answer(view, query)


def mediate(scenario, spec="truthful", mediator=None, **kw):
    spies = [Spy(spec) for _ in scenario.parties]
    med = mediator or MEDIATORS.make("caucus")
    kw.setdefault("seed", 5)
    return run_caucus(scenario, med, spies, mediator_id="mediator", **kw), spies


def assert_confidential(scenario, result, spies):
    names = scenario.party_names
    assert audit(result.trace, names) == []
    reasons = {n: [] for n in names}
    for e in result.trace:
        if e.kind == "vote" and '"reason"' in e.note:
            reasons[e.party].append(e.note)
    for name, spy in zip(names, spies, strict=True):
        (view,) = spy.views
        delivered = [e for e in result.trace if e.recipient == name and e.kind != "failure"]
        assert len(view.inbox) == len(delivered) == len(spy.queries)
        for message in view.inbox:
            assert message.recipient == name and message.sender == "mediator"
            assert isinstance(message.body, Query)
            assert message.kind == "proposal" or message.derived_from <= {name}
        assert [m.body for m in view.inbox] == spy.queries
        assert all(m.sender == name and m.derived_from == {name} for m in view.outbox)
        assert all(e.kind in ("query", "proposal") for e in delivered)
        assert all(q.note == "" for q in spy.queries)  # the built-in mediator adds no notes
        for text in view.public:
            assert all(r not in text for other in names if other != name for r in reasons[other])


@pytest.mark.parametrize("name", sorted(PACKAGED))
@pytest.mark.parametrize("spec", ["truthful", "guarded"])
def test_full_mediations_deliver_nothing_derived_from_another_party(name, spec):
    sc = PACKAGED[name]
    result, spies = mediate(sc, spec)
    assert result.failed is None and result.trace.events
    assert_confidential(sc, result, spies)


def test_three_party_river_basin_with_rejections_stays_confidential():
    sc = PACKAGED["river-basin"]
    strict = replace(sc, parties=tuple(replace(p, reservation=0.55) for p in sc.parties))
    result, spies = mediate(strict, "guarded", rounds=8)
    votes = [e for e in result.trace if e.kind == "vote"]
    assert any('"accept": false' in e.note for e in votes)  # private reasons were given
    assert_confidential(strict, result, spies)


def test_queries_to_a_party_do_not_depend_on_the_other_parties_preferences():
    """Non-interference: change what the other party wants; the questions (not proposals) put
    to the first party stay exactly the same."""
    a = additive_scenario((5, 6, 4), parties=2, seed=1)
    b = additive_scenario((5, 6, 4), parties=2, seed=2)
    mixed = replace(a, parties=(a.parties[0], b.parties[1]))
    first = [mediate(sc)[1][0] for sc in (a, mixed)]
    asked = [[q for q in spy.queries if q.kind != "proposal"] for spy in first]
    assert asked[0] == asked[1] and asked[0]
    proposals = [[q for q in spy.queries if q.kind == "proposal"] for spy in first]
    assert proposals[0] != proposals[1]  # the proposals, which may use both, do differ


class DeclaredLeak:
    """Asks the second party to rate the packages the first party rated, and says so."""

    def start(self, view):
        pass

    def next_message(self, view, party):
        first = view.parties[0]
        if party == first:
            return to_party(view, party, rate(0, 1)) if not view.notebook.of(first) else None
        return to_party(view, party, rate(0, 1), first)


class QuotedLeak:
    """Puts a package the first party rejects, then quotes its reason to the second party
    while declaring that the note uses only the second party's disclosures."""

    def __init__(self, package):
        self.package = package

    def start(self, view):
        pass

    def next_message(self, view, party):
        first = view.parties[0]
        if party == first:
            done = view.notebook.of(first)
            return None if done else to_party(view, party, proposal(self.package), *view.parties)
        said = view.notebook.of(first)[-1].answer.body.reason
        return Message(view.name, party, frozenset({party}), Query("rate", (0,), f"FYI: {said}"))


class RelayedAnswer:
    """Forwards the first party's answer itself to the second party."""

    def start(self, view):
        pass

    def next_message(self, view, party):
        first = view.parties[0]
        if party == first:
            return to_party(view, party, rate(3)) if not view.notebook.of(first) else None
        return view.notebook.of(first)[-1].answer


@pytest.mark.parametrize("leaky", ["declared", "quoted", "relayed"])
def test_a_leaky_mediator_is_caught_and_nothing_reaches_the_party(leaky):
    sc = PACKAGED["job-offer"]
    second = sc.party_names[1]
    utilities = sc.utilities()[:, 0]
    worst = int(utilities.argmin())
    assert utilities[worst] < sc.parties[0].reservation
    mediator = {
        "declared": DeclaredLeak(),
        "quoted": QuotedLeak(worst),
        "relayed": RelayedAnswer(),
    }[leaky]
    result, spies = mediate(sc, mediator=mediator)
    assert result.failed == "mediator" and "ProtocolError" in result.reason
    assert not result.agreed
    assert spies[1].queries == [] and spies[1].views[0].inbox == []
    blocked = result.trace.events[-1]
    assert blocked.kind == "failure" and blocked.recipient == second
    assert audit(result.trace, sc.party_names) == []
    assert len(spies[0].queries) == 1


def test_the_audit_flags_a_tampered_trace():
    sc = PACKAGED["job-offer"]
    result, _ = mediate(sc)
    first, second = sc.party_names
    events = list(result.trace.events)
    i = next(k for k, e in enumerate(events) if e.kind == "query" and e.recipient == second)
    events[i] = replace(events[i], note=events[i].note.replace(f'["{second}"]', f'["{first}"]'))
    disclosure = next(e for e in events if e.kind == "disclosure" and e.party == first)
    events.append(replace(disclosure, recipient=second))
    problems = audit(replace(result.trace, events=tuple(events)), sc.party_names)
    assert len(problems) == 2


class MislabelledNote:
    """Learns something from the first party, then tells it to the second in a note while
    declaring that the query derives from the second party alone."""

    def __init__(self, ask, say):
        self.ask, self.say = ask, say

    def start(self, view):
        pass

    def next_message(self, view, party):
        first = view.parties[0]
        if party == first:
            return None if view.notebook.of(first) else to_party(view, party, self.ask)
        answer = view.notebook.of(first)[-1].answer.body
        return to_party(view, party, Query("rate", (0,), self.say(answer)))


@pytest.mark.parametrize(
    ("ask", "say", "what"),
    [
        (rate(5), lambda a: f"the other side put it at {a.ratings[0]:.2f}", "number"),
        (rate(5), lambda a: f"they value it around {a.ratings[0]:.0%}", "number"),
        (Query("red_line"), lambda a: f"their floor is {a.threshold:.1f}, no less", "number"),
        (Query("top_issue"), lambda a: f"they care most about {a.issue.upper()}", "issue"),
    ],
)
def test_a_note_repeating_another_partys_disclosure_is_refused_whatever_its_label(ask, say, what):
    sc = PACKAGED["job-offer"]
    result, spies = mediate(sc, mediator=MislabelledNote(ask, say))
    assert result.failure is not None and result.failure.role == "mediator"
    assert "leak" in result.failure.reason and what in result.failure.reason
    assert spies[1].queries == []  # nothing reached the second party
    # the audit replays the same check on a record where the note did get through
    events = list(result.trace.events)
    blocked = events.pop()
    assert blocked.kind == "failure"
    note = {"kind": "rate", "derived_from": [blocked.recipient], "packages": [0]}
    note["note"] = say(spies[0].inner.answer(spies[0].views[0], ask))
    leaked = replace(blocked, kind="query", note=json.dumps(note), outcome=None)
    problems = audit(replace(result.trace, events=(*events, leaked)), sc.party_names)
    assert len(problems) == 1 and what in problems[0]


def test_notes_without_another_partys_disclosures_are_delivered():
    sc = PACKAGED["job-offer"]
    friendly = MislabelledNote(rate(5), lambda a: "round 2: we are making progress")
    result, spies = mediate(sc, mediator=friendly, rounds=1)
    assert result.failure is None
    notes = {q.note for q in spies[1].queries}
    assert notes == {"round 2: we are making progress"} and spies[1].queries
