"""The model-based caucus mediator (:mod:`accord.mechanisms.caucus`).

It learns an additive model of each party from that party's answers alone
(:mod:`accord.mediators.party_model`) and proposes the package that maximises the
**estimated Nash product** among the packages it estimates acceptable to every party. Under an
agreement rule other than unanimity (``view.rule``, :mod:`accord.agreement`) it aims at the
packages it estimates pass the rule with the **widest support** (most parties accepting), and
among those at the highest Nash product of the accepting parties' gains; a rejection counts
against that party's support of the package only.
Everything it knows is in the notebook the mechanism keeps, so several of them form a
coalition simply by sharing it: each decides as the others would.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from accord.agreement import AgreementRule
from accord.mechanisms.caucus import (
    MAX_PACKAGES,
    Answer,
    MediatorView,
    Message,
    Query,
    proposal,
    rank,
    rate,
    red_line,
    to_party,
    top_issue,
)
from accord.mechanisms.spec import CAUCUS
from accord.mediators.party_model import (
    Estimate,
    Evidence,
    evidence_key,
    fit,
    interleave,
    probe_plan,
    read_evidence,
    refinements,
    solve,
    solve_key,
    with_reservation,
)
from accord.outcomes.space import OutcomeSpace
from accord.registry import register_mediator

#: Spaces up to this size are searched exhaustively under the estimated model.
ENUMERATE = 1_000_000
#: Random starts of the issue-by-issue search on larger spaces.
STARTS = 8


Score = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _score(u: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Product of estimated gains where every gain is >= 0; below -1 (by the shortfall)
    elsewhere, so that any estimated-acceptable package beats every other."""
    g = u - r
    ok = (g >= 0).all(axis=1)
    return np.where(ok, np.prod(np.maximum(g, 0.0), axis=1), np.minimum(g, 0.0).sum(axis=1) - 1)


def rule_score(rule: AgreementRule, names: Sequence[str]) -> Score:
    """The score under an agreement rule: a package estimated to pass scores its support (how
    many parties accept it) plus ``p / (1 + p)`` for the Nash product ``p`` of the accepting
    parties' gains, so wider support wins first; one estimated not to pass scores below -1 by
    its shortfall, as :func:`_score`."""

    def score(u: np.ndarray, r: np.ndarray) -> np.ndarray:
        g = u - r
        accept = g >= 0
        ok = rule.passes(accept, names)
        product = np.prod(np.where(accept, g, 1.0), axis=1)
        shortfall = np.minimum(np.nan_to_num(g, neginf=-1e9), 0.0).sum(axis=1) - 1
        return np.where(ok, accept.sum(axis=1) + product / (1.0 + product), shortfall)

    return score


def _enumerated(
    space: OutcomeSpace,
    ests: Sequence[Estimate],
    excluded: set[int],
    locked: Mapping[int, int],
    scoring: Score = _score,
    rejected: Mapping[int, Sequence[int]] | None = None,
) -> int:
    r = np.array([e.reservation for e in ests])
    best, best_at = -np.inf, 0
    for start, digits in space.chunks(1 << 16):
        u = np.stack([e.evaluate(digits) for e in ests], axis=1)
        for x, who in (rejected or {}).items():
            if start <= x < start + len(digits):
                u[x - start, list(who)] = -np.inf  # they said no: not among its supporters
        score = scoring(u, r)
        for issue, value in locked.items():
            score[digits[:, issue] != value] = -np.inf
        for x in excluded:
            if start <= x < start + len(digits):
                score[x - start] = -np.inf
        j = int(np.argmax(score))
        if score[j] > best:
            best, best_at = float(score[j]), start + j
    return best_at


def _climb(
    tables: list[np.ndarray],
    r: np.ndarray,
    offset: np.ndarray,
    d: list[int],
    locked: Mapping[int, int],
    scoring: Score = _score,
) -> float:
    """Issue-by-issue ascent of the estimated Nash score from digits ``d`` (changed in place)."""
    total = offset + sum(t[v] for t, v in zip(tables, d, strict=True))
    current = float(scoring(total[None, :], r)[0])
    for _ in range(100):
        moved = False
        for i, t in enumerate(tables):
            if i in locked:
                continue
            score = scoring(total - t[d[i]] + t, r)
            j = int(np.argmax(score))
            if score[j] > current + 1e-12:
                total, current, d[i], moved = total - t[d[i]] + t[j], float(score[j]), j, True
        if not moved:
            break
    return current


def _searched(
    space: OutcomeSpace,
    ests: Sequence[Estimate],
    excluded: set[int],
    locked: Mapping[int, int],
    scoring: Score = _score,
) -> int:
    tables = [np.stack([e.tables[i] for e in ests], axis=1) for i in range(len(space.issues))]
    r = np.array([e.reservation for e in ests])
    offset = np.array([e.offset for e in ests])
    rng = np.random.default_rng(0)  # the search is part of the mediator's method, not a draw
    starts = [[int(np.argmax(t[:, k])) for t in tables] for k in range(len(ests))]
    starts += [[int(rng.integers(0, len(t))) for t in tables] for _ in range(STARTS)]
    best, best_at = -np.inf, None
    for d in starts:
        for issue, value in locked.items():
            d[issue] = value
        score = _climb(tables, r, offset, d, locked, scoring)
        at = space.to_index(d)
        if at not in excluded and score > best:
            best, best_at = score, at
    return best_at if best_at is not None else space.to_index(starts[-1])


def searched(space: OutcomeSpace) -> bool:
    """True for a space too large to enumerate under the estimated model (more than
    :data:`ENUMERATE` outcomes): it is searched issue by issue, and probed within the budget
    (see :class:`ModelMediator`)."""
    return not (space.is_indexable and (space.size or 0) <= ENUMERATE)


def estimated_nash(
    space: OutcomeSpace,
    ests: Sequence[Estimate],
    excluded: set[int],
    locked: Mapping[int, int] | None = None,
) -> int:
    """The package maximising the estimated Nash product over the estimated acceptable set
    (exhaustive up to :data:`ENUMERATE` outcomes, issue-by-issue ascent beyond), keeping the
    ``locked`` issues (position -> value index) at their values."""
    locked = locked or {}
    if not searched(space):
        return _enumerated(space, ests, excluded, locked)
    return _searched(space, ests, excluded, locked)


def estimated_widest(
    space: OutcomeSpace,
    ests: Sequence[Estimate],
    rule: AgreementRule,
    names: Sequence[str],
    rejected: Mapping[int, Sequence[int]],
    locked: Mapping[int, int] | None = None,
) -> int:
    """Under an agreement rule: the package estimated to pass with the widest support, then
    the highest Nash product of its supporters' gains (:func:`rule_score`); ``rejected`` maps a
    package to the parties (positions) that rejected it, who do not support it. Exhaustive up to
    :data:`ENUMERATE` outcomes; beyond, an issue-by-issue ascent that skips packages whose
    rejections leave them short of the rule."""
    scoring = rule_score(rule, names)
    locked = locked or {}
    if not searched(space):
        return _enumerated(space, ests, set(), locked, scoring, rejected)
    r = np.array([e.reservation for e in ests])
    excluded = set()
    for x, who in rejected.items():
        u = np.stack([e.evaluate(np.array([space.from_index(x)])) for e in ests], axis=1)
        u[0, list(who)] = -np.inf
        if scoring(u, r)[0] < 0:
            excluded.add(x)
    return _searched(space, ests, excluded, locked, scoring)


@register_mediator("caucus", protocols=(CAUCUS,))
class ModelMediator:
    """Models each party in private caucuses and proposes the estimated Nash package.

    It proposes the package that maximises the estimated Nash product among the packages it
    estimates acceptable to all. Each party is asked its red line, then to rate packages that
    change one issue at a time from a base package (seeded per party), ``MAX_PACKAGES`` per
    query; large numeric issues are asked on a grid and refined where the fitted value
    function kinks. A party that will not rate is asked to rank the same packages and to name
    its top issue. Queries to a party use only that party's answers. When every party is
    modelled, or only ``reserve`` queries of a party's budget are left, it proposes; a
    rejection is evidence for the next proposal.

    On a space too large to enumerate (:func:`searched`) and for the budget (60 issues of 10
    values need 541 ratings; 50 queries give at most 250) it asks a little about every issue
    rather than everything about the first few: the variations are shuffled per issue and
    asked issue by issue in turn, and rankings then mix issues, so that they also weigh them.
    Memory and time grow with the answers (the model is one table per issue, searched issue
    by issue), never with the space. There, once only the reserve is left, it still asks
    again for a red line that may have moved, paced so that the reserve lasts until the
    deadline.

    Reference: H. Raiffa, J. Richardson, D. Metcalfe (2002), *Negotiation Analysis*, Harvard
    University Press (the confidential mediator who models each side); R. L. Keeney,
    H. Raiffa (1976), *Decisions with Multiple Objectives* (additive value functions); J. Nash
    (1950), "The bargaining problem", Econometrica 18:155-162.
    """

    def __init__(self, reserve: int = 6):
        self.reserve = reserve
        self._memo: dict[tuple[str, int], Evidence] = {}
        self._fits: dict[tuple[str, int], Estimate] = {}
        self._fitted: dict[tuple, Estimate] = {}  # by evidence content: keeps ids stable
        self._solved: dict[tuple, Estimate] = {}  # least squares by its rows
        self._candidates: dict[tuple, int] = {}
        self._plans: dict[str, list[list[int]]] = {}
        self._spread: dict[str, bool] = {}  # per party: is its plan asked issue by issue in turn
        self._orders: dict[str, list[int]] = {}
        self._waited = -1  # last round in which nothing looked acceptable to all

    def start(self, view: MediatorView) -> None:
        self._waited = -1
        self._memo.clear()
        self._fits.clear()
        self._fitted.clear()
        self._solved.clear()
        self._candidates.clear()
        self._plans.clear()
        self._spread.clear()
        self._orders.clear()

    def next_message(self, view: MediatorView, party: str) -> Message | None:
        query = self._explore(view, party)
        if query is not None:
            return to_party(view, party, query)
        if any(self._explore(view, other) is not None for other in view.parties):
            return None  # still learning about someone: propose once everyone is modelled
        candidate = self._candidate(view)
        if self._evidence(view, party).votes.get(candidate):
            return None  # already accepted: the others must be asked
        if not self._unanimity(view) and candidate in self._standing_rejections(view, party):
            return None  # said no to it: it may pass without this party
        if not self._acceptable(view, candidate):
            self._waited = max(self._waited, view.round)
            return None  # nothing looks acceptable to all yet: wait for red lines to move
        return to_party(view, party, proposal(candidate), *view.parties)

    def _unanimity(self, view: MediatorView) -> bool:
        return view.rule.is_unanimity(view.parties)

    def _acceptable(self, view: MediatorView, package: int) -> bool:
        """Whether every party's estimated utility of ``package`` meets its stated red line
        (under another agreement rule: whether the parties estimated to accept it, less those
        that rejected it, pass the rule)."""
        digits = np.array([view.space.from_index(package)], dtype=np.int64)
        if self._unanimity(view):  # rejected packages are never candidates then
            return all(self._meets_red_line(view, p, digits) for p in view.parties)
        accepting = [
            p
            for p in view.parties
            if self._meets_red_line(view, p, digits)
            and package not in self._standing_rejections(view, p)
        ]
        return view.rule.passes_names(accepting, view.parties)

    def _meets_red_line(self, view: MediatorView, party: str, digits: np.ndarray) -> bool:
        """Whether ``party``'s estimated utility of the package ``digits`` meets its red line."""
        est = self._estimate(view, party)
        return float(est.evaluate(digits)[0]) >= est.reservation - 1e-9

    def _standing_rejections(self, view: MediatorView, party: str) -> set[int]:
        """Packages ``party`` rejected since it last stated its red line (a party whose red
        line has moved may accept what it rejected before)."""
        out: set[int] = set()
        for x in view.notebook.of(party):
            query, answer = x.query.body, x.answer.body
            if not isinstance(query, Query) or not isinstance(answer, Answer):
                continue
            if query.kind == "red_line":
                out.clear()
            elif query.kind == "proposal":
                if answer.accept and not answer.refused:
                    out.discard(query.packages[0])
                else:
                    out.add(query.packages[0])
        return out

    def _stale_red_line(self, view: MediatorView, party: str) -> bool:
        """True when ``party`` rejected a proposal after it last stated its red line, in an
        earlier round: its red line may have moved since, so it is asked again."""
        last_red, last_no = -1, -1
        for x in view.notebook.of(party):
            query, answer = x.query.body, x.answer.body
            if not isinstance(query, Query) or not isinstance(answer, Answer):
                continue
            if query.kind == "red_line":
                last_red = x.round
            elif query.kind == "proposal" and not answer.accept:
                last_no = x.round
        moved = last_no >= last_red and last_no >= 0
        return view.round > last_red and (moved or self._waited >= last_red)

    def _refresh(self, view: MediatorView, party: str) -> Query | None:
        """With only the reserve of ``party``'s budget left on a searched space (too large to
        learn within the budget): ask again for a red line it stated that may have moved, at
        most once every ``rounds left / reserve left`` rounds, so that the reserve lasts until
        the deadline and one query is always kept for a proposal."""
        if not searched(view.space):
            return None  # small spaces: the plan leaves room for red lines before the reserve
        ev = self._evidence(view, party)
        spare = view.budget_left(party) - 1
        if ev.threshold is None or spare <= 0 or not self._stale_red_line(view, party):
            return None
        last = max(
            (x.round for x in view.notebook.of(party) if x.query.kind == "red_line"), default=-1
        )
        pace = max(view.rounds - view.round, 1) / (spare + 1)
        return red_line() if view.round - last >= pace else None

    def _candidate(self, view: MediatorView) -> int:
        """The estimated Nash package, excluding every rejected proposal (memoised on what it
        depends on: the estimates and the standing rejections, so that a repeated red line or
        an acceptance costs no new search)."""
        ests = [self._estimate(view, p) for p in view.parties]
        standing = [self._standing_rejections(view, p) for p in view.parties]
        key = (tuple(id(e) for e in ests), tuple(frozenset(x) for x in standing))
        if key not in self._candidates:
            if self._unanimity(view):
                excluded = set().union(*standing)
                self._candidates[key] = estimated_nash(view.space, ests, excluded, view.locked)
            else:
                rejected: dict[int, list[int]] = {}
                for i, mine in enumerate(standing):
                    for x in mine:
                        rejected.setdefault(x, []).append(i)
                self._candidates[key] = estimated_widest(
                    view.space, ests, view.rule, view.parties, rejected, view.locked
                )
        return self._candidates[key]

    def _evidence(self, view: MediatorView, party: str) -> Evidence:
        exchanges = view.notebook.of(party)
        key = (party, len(exchanges))
        if key not in self._memo:
            self._memo[key] = read_evidence(exchanges)
        return self._memo[key]

    def _estimate(self, view: MediatorView, party: str) -> Estimate:
        """The fitted estimate of ``party``, refitted only when the evidence it is fitted to
        changed (a repeated red line or an acceptance does not change it)."""
        key = (party, len(view.notebook.of(party)))
        if key not in self._fits:
            ev = self._evidence(view, party)
            content = evidence_key(ev)
            if content not in self._fitted:
                self._fitted[content] = self._fit(view, ev)
            self._fits[key] = self._fitted[content]
        return self._fits[key]

    def _order(self, party: str) -> list[int]:
        """The packages of ``party``'s plan in the order they are to be rated (memoised)."""
        if party not in self._orders:
            plan = self._plans[party]
            chain = interleave(plan) if self._spread[party] else itertools.chain(*plan)
            self._orders[party] = list(dict.fromkeys(chain))
        return self._orders[party]

    def _fit(self, view: MediatorView, ev: Evidence) -> Estimate:
        """:func:`fit`, solving the least squares again only when its rows changed (a party
        whose red line moves is not refitted)."""
        if not (ev.rated or ev.rankings or ev.rejected):
            return fit(view.space, ev)
        rows = solve_key(ev)
        if rows not in self._solved:
            self._solved[rows] = solve(view.space, ev)
        return with_reservation(self._solved[rows], ev, view.space)

    def _plan(self, view: MediatorView, party: str) -> list[list[int]]:
        """Per issue, the packages to ask ``party`` about (:func:`probe_plan`). When its
        budget cannot cover them all (a huge space), each issue's variations are shuffled and
        the issues are asked in turn (:func:`interleave`): a little about every issue beats
        everything about the first few."""
        if party not in self._plans:
            rng = np.random.default_rng(view.party_seed(party))
            base = tuple(int(rng.integers(0, r)) for r in view.space.radices)
            plan = probe_plan(view.space, base)
            # the whole budget less the reserve and the red line, so that every member of a
            # coalition (each building its own plan, at its own time) decides alike
            budget = view.budget_left(party) + len(view.notebook.of(party))
            capacity = (budget - self.reserve - 1) * MAX_PACKAGES
            too_many = 1 + sum(len(row) - 1 for row in plan) > capacity
            self._spread[party] = searched(view.space) and too_many
            if self._spread[party]:
                plan = [
                    [row[0], *(row[1:][k] for k in rng.permutation(len(row) - 1))] for row in plan
                ]
            self._plans[party] = plan
        return self._plans[party]

    def _explore(self, view: MediatorView, party: str) -> Query | None:
        """The next question for ``party`` (from its own answers only), or None when done."""
        if view.budget_left(party) <= self.reserve:
            return self._refresh(view, party)
        ev = self._evidence(view, party)
        if "red_line" not in ev.asked or self._stale_red_line(view, party):
            return red_line()
        plan = self._plan(view, party)
        if "rate" not in ev.refused:
            todo = [p for p in self._order(party) if p not in ev.rated]
            if not todo:
                base = view.space.from_index(plan[0][0])
                todo = refinements(view.space, self._estimate(view, party), base, ev)
            return rate(*todo[:MAX_PACKAGES]) if todo else None
        if "top_issue" not in ev.asked:
            return top_issue()
        asked = {frozenset(r) for r in ev.rankings}
        for chunk in self._rank_chunks(view, party, plan, ev):
            if frozenset(chunk) not in asked:
                return rank(*chunk)
        return None

    def _rank_chunks(
        self, view: MediatorView, party: str, plan: list[list[int]], ev: Evidence
    ) -> list:
        """Rankings to ask: each issue's variations (with the base), then the base against
        the best variation of every issue (as fitted from the first rankings). When the budget
        cannot cover the plan, each ranking mixes variations of different issues taken in turn
        (:func:`interleave`), so that the rankings also say which issues weigh more."""
        width = MAX_PACKAGES - 1
        if self._spread[party]:
            order = interleave([row[1:] for row in plan])  # across issues: weighs them
            chunks = [[plan[0][0], *order[k : k + width]] for k in range(0, len(order), width)]
        else:
            chunks = [
                [row[0], *row[1:][k : k + width]]
                for row in plan
                for k in range(0, len(row) - 1, width)
            ]
        if len(ev.rankings) < len(chunks):
            return chunks
        first = Evidence(rankings=ev.rankings[: len(chunks)], top_issue=ev.top_issue)
        est = fit(view.space, first)
        base = list(view.space.from_index(plan[0][0]))
        best = []
        for i, t in enumerate(est.tables):
            d = [*base[:i], int(np.argmax(t)), *base[i + 1 :]]
            best.append(view.space.to_index(d))
        best = [b for b in dict.fromkeys(best) if b != plan[0][0]]
        return chunks + [[plan[0][0], *best[k : k + width]] for k in range(0, len(best), width)]
