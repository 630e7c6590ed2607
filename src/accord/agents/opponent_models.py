"""Frequency opponent models: estimate an opponent's issue weights and value utilities from
the offers it makes (it never sees the opponent's preferences, only the public history).

The model is the frequency ("Hard-headed") model: an opponent tends to keep the values of the
issues that matter to it and to offer its preferred values most often. So

* an issue's weight is ``1 + learning_rate · (times the opponent kept that issue's value
  between two consecutive distinct offers)``, normalised to sum to 1 (the increments are
  accumulated, not renormalised after each offer, so early evidence is not forgotten), and
* a value's estimated utility is ``((count + 1) / (max count + 1)) ** exponent``, its Laplace-
  smoothed offer frequency relative to the issue's most offered value.

The estimate is linear-additive, ``Σ_j w_j · v_j(ω_j)``, and vectorised over digit arrays. It
needs only the issue structure, so it works on spaces of any size (offers are decoded with
``space.from_index``; nothing is enumerated).

Reference: T. van Krimpen, D. Looije, S. Hajizadeh (2013), "HardHeaded", in *Complex Automated
Negotiations*, Studies in Computational Intelligence 435, Springer, 223–227; T. Baarslag,
M. Hendrikx, K. Hindriks, C. Jonker (2013), "Predicting the performance of opponent models in
automated negotiation", IEEE/WIC/ACM WI-IAT 2013, 59–66.
"""

from __future__ import annotations

import numpy as np

from accord.mechanisms.alternating_offers import AgentView
from accord.outcomes.space import OutcomeSpace


class FrequencyModel:
    """The frequency model of one opponent. Update it with each offer, in order."""

    __slots__ = ("_last", "counts", "exponent", "kept", "learning_rate", "n_offers")

    def __init__(self, space: OutcomeSpace, learning_rate: float = 0.2, exponent: float = 1.0):
        radices = [int(r) for r in space.radices]
        self.counts = [np.zeros(r) for r in radices]
        self.kept = np.zeros(len(radices))
        self.learning_rate = float(learning_rate)
        self.exponent = float(exponent)
        self.n_offers = 0
        self._last: np.ndarray | None = None

    def update(self, digits: tuple[int, ...] | np.ndarray) -> None:
        """Learn from one offer, given as its digits."""
        d = np.asarray(digits, dtype=np.int64)
        for j, v in enumerate(d):
            self.counts[j][v] += 1.0
        self.n_offers += 1
        last, self._last = self._last, d
        if last is None:
            return
        same = last == d
        if same.all() or not same.any():
            return  # a repeated offer (or a change of everything) says nothing about weights
        self.kept += same

    @property
    def weights(self) -> np.ndarray:
        """Estimated issue weights (sum to 1)."""
        w = 1.0 + self.learning_rate * self.kept
        return w / w.sum()

    def value_utilities(self, issue: int) -> np.ndarray:
        """Estimated utility of every value of one issue, in [0, 1]."""
        c = self.counts[issue] + 1.0
        return (c / c.max()) ** self.exponent

    def estimate(self, digits: np.ndarray) -> np.ndarray:
        """Estimated opponent utility of outcomes given as digits ``(n, k)``, in [0, 1]."""
        d = np.atleast_2d(digits)
        out = np.zeros(d.shape[0])
        for j, w in enumerate(self.weights.tolist()):
            out += w * self.value_utilities(j)[d[:, j]]
        return out


class OpponentModels:
    """One :class:`FrequencyModel` per other party, fed incrementally from the public history.

    Call :meth:`observe` at each turn; it reads only the offers made since the previous call.
    """

    __slots__ = ("_seen", "exponent", "learning_rate", "me", "models", "space")

    def __init__(self, view: AgentView, learning_rate: float = 0.2, exponent: float = 1.0):
        self.space = view.preferences.space
        self.me = view.preferences.name
        self.learning_rate = learning_rate
        self.exponent = exponent
        self.models: dict[str, FrequencyModel] = {}
        self._seen = 0

    def observe(self, view: AgentView) -> None:
        history = view.history
        for rec in history[self._seen :]:
            if rec.party == self.me:
                continue
            model = self.models.get(rec.party)
            if model is None:
                model = FrequencyModel(self.space, self.learning_rate, self.exponent)
                self.models[rec.party] = model
            model.update(self.space.from_index(rec.outcome))
        self._seen = len(history)

    def estimate(self, digits: np.ndarray) -> np.ndarray:
        """Estimated utilities ``(n, opponents)``; one column of ones before any offer."""
        if not self.models:
            return np.ones((np.atleast_2d(digits).shape[0], 1))
        return np.stack([m.estimate(digits) for m in self.models.values()], axis=1)

    def nash_scores(self, own_gain: np.ndarray, digits: np.ndarray) -> np.ndarray:
        """Estimated Nash product: own gain over reservation times every opponent's estimate."""
        return np.clip(own_gain, 0.0, None) * self.estimate(digits).prod(axis=1)
