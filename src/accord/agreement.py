"""Agreement rules: which sets of accepting parties pass a package.

Most negotiation models need every party to accept (unanimity, the default). Consensus-building
processes pass a package when a qualified majority accepts it and certain parties — those with
a veto — are among them. An :class:`AgreementRule` combines, all of them required at once:

* ``at_least`` — at least ``k`` parties accept;
* ``all_but`` — at most ``m`` parties do not accept (``n − m`` of ``n``);
* ``share`` — at least this share of the parties accept (``0 < share <= 1``; ``ceil(share·n)``);
* ``weights`` with ``quota`` — the accepting parties' votes weigh at least ``quota``;
* ``veto`` — these parties must all be among those accepting.

With none of the counting conditions every party must accept, so ``AgreementRule()`` (and a rule
with only vetoes) is unanimity. Every rule is *monotone*: more acceptance never makes a package
fail. "At least n − 1 including p1 and p2" is ``AgreementRule(all_but=1, veto=("p1", "p2"))``.

A party *accepts* a package when its utility of the package is at least its reservation value
(analysis), or when it votes for it (mechanisms). The rule is public: mediators and parties may
know it; it says nothing about anyone's preferences.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.errors import ScenarioError

#: The keys of an agreement rule as written (YAML ``agreement:``, ``analyze --json``).
RULE_KEYS = ("at_least", "all_but", "share", "weights", "quota", "veto")


@dataclass(frozen=True, slots=True)
class AgreementRule:
    """Which sets of accepting parties pass a package (see the module docstring)."""

    at_least: int | None = None
    all_but: int | None = None
    share: float | None = None
    weights: tuple[tuple[str, float], ...] = ()
    quota: float | None = None
    veto: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for key in ("at_least", "all_but"):
            value = getattr(self, key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ScenarioError(f"agreement rule: {key} must be a whole number, got {value!r}")
        if self.at_least is not None and self.at_least < 1:
            raise ScenarioError(f"agreement rule: at_least must be >= 1, got {self.at_least}")
        if self.all_but is not None and self.all_but < 0:
            raise ScenarioError(f"agreement rule: all_but must be >= 0, got {self.all_but}")
        if self.share is not None and not (0.0 < self.share <= 1.0):
            raise ScenarioError(f"agreement rule: share must be in (0, 1], got {self.share!r}")
        if (self.quota is None) != (not self.weights):
            raise ScenarioError("agreement rule: weights and quota go together")
        if self.quota is not None and not (math.isfinite(self.quota) and self.quota > 0):
            raise ScenarioError(f"agreement rule: quota must be > 0, got {self.quota!r}")
        names = [n for n, _ in self.weights]
        if len(set(names)) != len(names):
            raise ScenarioError(f"agreement rule: a party is weighted twice: {names}")
        for name, w in self.weights:
            if not (math.isfinite(w) and w >= 0):
                raise ScenarioError(f"agreement rule: weight of {name!r} must be >= 0, got {w!r}")
        if len(set(self.veto)) != len(self.veto):
            raise ScenarioError(f"agreement rule: a veto holder is named twice: {self.veto}")

    # -- construction ----------------------------------------------------------------------------
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> AgreementRule:
        """The rule as written (``to_dict``'s keys; ``weights`` a mapping name -> weight)."""
        unknown = set(data) - set(RULE_KEYS)
        if unknown:
            raise ScenarioError(
                f"agreement rule: unknown keys {sorted(unknown)} (known: {', '.join(RULE_KEYS)})"
            )
        weights = data.get("weights") or {}
        if not isinstance(weights, Mapping):
            raise ScenarioError("agreement rule: weights must map party names to numbers")
        veto = data.get("veto") or ()
        if isinstance(veto, str):
            veto = (veto,)
        share, quota = data.get("share"), data.get("quota")
        return AgreementRule(
            at_least=data.get("at_least"),
            all_but=data.get("all_but"),
            share=None if share is None else float(share),
            weights=tuple((str(k), float(v)) for k, v in weights.items()),
            quota=None if quota is None else float(quota),
            veto=tuple(str(v) for v in veto),
        )

    def to_dict(self) -> dict[str, Any]:
        """The rule as written: only the conditions it has (``{}`` is unanimity)."""
        out: dict[str, Any] = {}
        for key in ("at_least", "all_but", "share"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.weights:
            out["weights"] = dict(self.weights)
            out["quota"] = self.quota
        if self.veto:
            out["veto"] = list(self.veto)
        return out

    # -- checks ------------------------------------------------------------------------------------
    @property
    def counts(self) -> bool:
        """Whether the rule has a counting condition (without one, every party must accept)."""
        return not (self.at_least is None and self.all_but is None and self.share is None) or (
            self.quota is not None
        )

    def check(self, names: Sequence[str]) -> None:
        """Raise :class:`ScenarioError` unless the rule fits parties ``names``."""
        known = set(names)
        for who in self.veto:
            if who not in known:
                raise ScenarioError(f"agreement rule: veto holder {who!r} is not a party")
        weighted = {n for n, _ in self.weights}
        if self.weights and weighted != known:
            missing, extra = sorted(known - weighted), sorted(weighted - known)
            raise ScenarioError(
                "agreement rule: weights must name every party and only them"
                + (f"; missing {missing}" if missing else "")
                + (f"; not parties {extra}" if extra else "")
            )
        if self.all_but is not None and self.all_but >= len(names):
            raise ScenarioError(
                f"agreement rule: all_but {self.all_but} leaves none of the {len(names)} parties"
            )
        if self.at_least is not None and self.at_least > len(names):
            raise ScenarioError(
                f"agreement rule: at_least {self.at_least} is more than the {len(names)} parties"
            )
        if not self.passes_names(names, names):
            raise ScenarioError("agreement rule: no package can pass even if every party accepts")

    def required(self, n: int) -> int:
        """How many of ``n`` parties must accept at least (by the counting conditions)."""
        need = n if not self.counts else 0
        if self.at_least is not None:
            need = max(need, self.at_least)
        if self.all_but is not None:
            need = max(need, n - self.all_but)
        if self.share is not None:
            need = max(need, math.ceil(self.share * n - 1e-12))
        return max(need, 0)

    def passes(self, accepts: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """Whether each row of ``accepts`` (booleans, last axis = parties in ``names``' order)
        passes the rule."""
        a = np.asarray(accepts, dtype=bool)
        n = len(names)
        if a.shape[-1] != n:
            raise ValueError(f"{a.shape[-1]} acceptance columns for {n} parties")
        ok = a.sum(axis=-1) >= self.required(n)
        if self.quota is not None:
            w = dict(self.weights)
            weight = np.array([w[x] for x in names], dtype=float)
            ok &= a @ weight >= self.quota - 1e-12 * max(1.0, abs(self.quota))
        for who in self.veto:
            ok &= a[..., list(names).index(who)]
        return ok

    def passes_names(self, accepting: Iterable[str], names: Sequence[str]) -> bool:
        """Whether the parties ``accepting`` (a subset of ``names``) pass the rule."""
        chosen = set(accepting)
        row = np.array([x in chosen for x in names], dtype=bool)
        return bool(self.passes(row, names))

    def is_unanimity(self, names: Sequence[str]) -> bool:
        """Whether the rule, for these parties, needs every party (it is monotone, so it does
        exactly when leaving out any one party fails)."""
        if not self.counts:
            return True
        full = np.ones(len(names), dtype=bool)
        rows = np.tile(full, (len(names), 1))
        np.fill_diagonal(rows, False)
        return not bool(self.passes(rows, names).any())

    def restricted(self, names: Sequence[str]) -> AgreementRule:
        """The rule for a subset of its parties: vetoes and weights of absent parties dropped,
        ``at_least`` capped at the number of parties left."""
        keep = set(names)
        at_least = None if self.at_least is None else min(self.at_least, len(names))
        weights = tuple((n, w) for n, w in self.weights if n in keep)
        quota = self.quota if weights else None
        return AgreementRule(
            at_least,
            self.all_but,
            self.share,
            weights,
            quota,
            tuple(v for v in self.veto if v in keep),
        )

    def describe(self, names: Sequence[str]) -> str:
        """The rule in words, e.g. ``at least 5 of 6 parties, including SportCo and DoT``."""
        n = len(names)
        if self.is_unanimity(names):
            return f"all {n} parties"
        parts = []
        need = self.required(n)
        if need:
            parts.append(f"at least {need} of {n} parties")
        if self.weights:
            parts.append(f"votes weighing at least {self.quota:g}")
        text = " and ".join(parts) or "any party"
        if self.veto:
            holders = list(self.veto)
            joined = holders[0] if len(holders) == 1 else ", ".join(holders[:-1])
            if len(holders) > 1:
                joined += f" and {holders[-1]}"
            text += f", including {joined}"
        return text


#: Every party must accept.
UNANIMITY = AgreementRule()
