"""The material state of the war, and the bargaining over its stake, in every world.

The postures on the ladder are what the actors do; this is what it achieves:

- **The front.** A balance from -1 (the second side holds the whole stake) to +1 (the
  first does). Each day it moves by ``momentum`` times the difference of the two sides'
  efforts, plus noise. A side's effort is its strength times its force on the rung it
  stands on, scaled by its resolve (half at resolve 0), plus its supporters' support.
  Force is 1 for fighting at all and the rung's strike weight on top. Strike weight is
  the rung's Rivera score over that of a violent escalation: cross-border strikes 1,
  nuclear use about 2. The adversary's air defence blunts the strike part. A
  supporter's support is the strike weight of its rung (arms 0.43), plus 1 where it
  fights itself (troops in combat, a direct war).
- **Costs.** Each day of war costs each side ``burden``, and more for each strike it
  takes (blunted by its air defence). Supporters bear a quarter of their aid's weight.
  Costs wear resolve down by ``weariness`` times the actor's cost sensitivity. A
  harder strike than yesterday's rallies it (``rally``).
- **Losses.** An actor's stake is the balance seen from its side; supporters share
  their side's stake. Ground lost since the branch makes it risk-seeking
  (Kahneman and Tversky 1979, read for war by Levy 1992 and McDermott 1998):
  ``risk_tolerance + loss_seeking x loss``.
- **Bargaining.** A rationalist bargaining step (Fearon 1995, "Rationalist
  Explanations for War"; Powell 2006, "War as a Commitment Problem"). The settlement
  on offer gives each side the share the front gives it, moved by the difference of
  bargaining power (leverage). Fighting on is worth that share, plus the trend of the
  front over the horizon, plus the side's optimism (resolve above a half; private
  information and overconfidence), less the costs it expects to bear over the
  horizon. Talks open where both sides expect less from fighting on than from the
  settlement. They last while both still do: while they are open each side reads
  the front's trend, and the costs of fighting on, as they stood when they opened. Renewed resolve (a strike that
  rallies, a new leader) or a front that shifts anyway breaks them (the commitment
  problem), and a spoiler can break them on any day.

Hand-written: no library models a front and a bargaining range over a batch axis.
"""

from __future__ import annotations

import numpy as np

from escalation.model import kernels
from escalation.model.ladder import RIVERA_SCORE
from escalation.scenario.schema import War

TREND_MEMORY = 0.9  # the reading of the front's trend: an average over about ten days
LEVERAGE_TERMS = 0.1  # share of the stake a full unit of bargaining power moves the settlement by
AID_COST = 0.25  # share of its aid's weight a supporter bears as cost


class Front:
    """One war between two sides, with their supporters, in every world."""

    def __init__(self, spec: War, model):
        self.spec, self.kernels = spec, model.kernels
        lad, order = model.ladder, model.order
        self.a, self.b = (model.keys.index(s) for s in spec.sides)
        n = len(order)
        # +1: the first side and those who support it; -1: the second and its supporters; 0: neither
        self.sign = np.zeros(n)
        self.sign[self.a], self.sign[self.b] = 1.0, -1.0
        for actor in order:
            if actor.index in (self.a, self.b):
                continue
            backs_a, backs_b = self.a in actor.supported, self.b in actor.supported
            self.sign[actor.index] = 1.0 if backs_a and not backs_b else -1.0 if backs_b and not backs_a else 0.0
        self.supporter = (self.sign != 0) & ~np.isin(np.arange(n), [self.a, self.b])
        self.strength = np.array(
            [spec.strength.get(k, 1.0 if i in (self.a, self.b) else 0.5) for i, k in enumerate(model.keys)], dtype=float
        )
        # per level (index -1: taking no part): the strike weight of standing there, and whether a side standing there
        # is engaged in the war at all (any rung but talks)
        strike = np.maximum(lad.intensity, 0) / RIVERA_SCORE["violent escalation"]
        self.strike = np.append(strike, 0.0)
        self.engaged = np.append(~lad.talks, False)
        # a supporter's aid weighs its rung's strike weight (arms 0.43); fighting itself (troops in combat, a direct
        # war) it adds a side's full force
        self.support = self.strike + np.append(lad.fighting, False)
        self.talks_level = int(np.flatnonzero(lad.talks)[0]) if lad.talks.any() else 0
        w = model.worlds
        self.balance = np.full(w, spec.balance)
        self.reference = self.balance.copy()  # the front as the branch finds it
        self.trend = np.zeros(w)
        self.cost = np.zeros((n, w))  # costs borne since the branch
        # the daily cost each expects of fighting on: an average over the days of war (talks do not lower it)
        self.expected = np.where((self.sign != 0)[:, None] & ~self.supporter[:, None], spec.burden, 0.0) * np.ones((n, w))
        self.struck = np.zeros((n, w))  # the strike weight each actor took yesterday
        self.talks = np.zeros(w, dtype=bool)  # both sides would settle rather than fight on
        self._loss: np.ndarray | None = None
        self.spoiled = np.zeros(w, dtype=bool)  # where a spoiler broke talks today
        # what outcomes report from the branch on: the first turn talks were on offer and on how many days; the first and
        # last turns each side (first, then second) would have settled
        self.first_talks = np.full(w, -1, dtype=np.int64)
        self.talks_days = np.zeros(w, dtype=np.int64)
        self.first_willing = np.full((2, w), -1, dtype=np.int64)
        self.last_willing = np.full((2, w), -1, dtype=np.int64)
        self.willing = np.zeros((2, w), dtype=bool)  # each side, first then second: would it settle rather than fight on?

    def mark_branch(self) -> None:
        self.reference = self.balance.copy()
        self._loss = None

    def loss(self) -> np.ndarray:
        """Ground each actor's side has lost since the branch, as a share of the stake (0 where none): (actors, W)."""
        if self._loss is None:  # read by every actor each turn; it changes only when the front moves
            self._loss = np.maximum(self.sign[:, None] * (self.reference - self.balance)[None, :], 0.0) / 2.0
        return self._loss

    def advance(self, live: np.ndarray, traits: dict, z: np.ndarray, active: np.ndarray, resolve_range: tuple[float, float]) -> None:
        """One day of war after the moves: the front, the costs, weariness and rallying. ``live``: postures
        (actors, W, -1 where taking no part); ``traits``: name -> (actors, W); ``z``: one normal per world; ``active``:
        the actors taking part, whose resolve (``traits["resolve"]``, in place) moves by what the day cost them or rallied
        them, within ``resolve_range``. The costs borne add up in ``cost``. This is the reference: ``kernels.advance`` makes
        the same operations in one compiled pass."""
        self._loss = None
        resolve = traits["resolve"]
        if self.kernels == "numba":
            defence, sensitivity = traits["air_defence"], traits["cost_sensitivity"]
            self._loss = kernels.advance(live, resolve, defence, sensitivity, z, self, AID_COST * self.spec.burden, TREND_MEMORY, active, resolve_range)
            return
        sp, a, b = self.spec, self.a, self.b
        defence = traits["air_defence"]
        strike, engaged = self.strike[live], self.engaged[live]
        war_on = engaged[a] | engaged[b]  # a side that stops fighting while the other goes on loses ground
        effort = np.zeros((2, live.shape[1]))
        for k, (me, foe) in enumerate(((a, b), (b, a))):
            force = engaged[me] + strike[me] * (1.0 - defence[foe])
            effort[k] = self.strength[me] * force * (0.5 + 0.5 * resolve[me])
            backers = self.supporter & (self.sign == self.sign[me])
            effort[k] += (self.strength[backers, None] * self.support[live[backers]]).sum(axis=0)
        step = sp.momentum * (effort[0] - effort[1]) * war_on + sp.volatility * z * war_on
        new = np.clip(self.balance + step, -1.0, 1.0)
        # while talks are open each side reads the front as it stood when they opened (a ceasefire line)
        self.trend = np.where(self.talks, self.trend, TREND_MEMORY * self.trend + (1 - TREND_MEMORY) * (new - self.balance))
        self.balance = new

        n = live.shape[0]
        took = np.zeros((n, live.shape[1]))
        took[a], took[b] = strike[b] * (1.0 - defence[a]) * war_on, strike[a] * (1.0 - defence[b]) * war_on
        cost = np.zeros_like(took)
        cost[[a, b]] = sp.burden * war_on * (1.0 + took[[a, b]])
        cost[self.supporter] = AID_COST * sp.burden * self.strength[self.supporter, None] * self.support[live[self.supporter]]
        harder = took > self.struck + 1e-9
        change = sp.rally * harder * (1.0 - defence) - sp.weariness * traits["cost_sensitivity"] * cost
        self.struck = took
        # what fighting on costs, as each side expects it: learnt on days of war, not while talks are open
        self.expected = np.where(war_on & ~self.talks, TREND_MEMORY * self.expected + (1 - TREND_MEMORY) * cost, self.expected)
        self.cost += cost
        np.copyto(resolve, np.clip(resolve + change, *resolve_range), where=active)

    def bargain(self, turn: int, traits: dict, active: np.ndarray, spoiler) -> np.ndarray:
        """Where both sides would rather settle than fight on and no spoiler intervenes today; ``spoiler()`` gives
        the day's draws, called only where talks would open somewhere (the draws are keyed: skipping them changes nothing).
        This is the reference: ``kernels.bargain`` makes the same operations compiled."""
        if self.kernels == "numba":
            kernels.bargain(self, turn, traits, active, spoiler(), LEVERAGE_TERMS)
            return self.talks
        sp = self.spec
        willing = []
        for me, foe in ((self.a, self.b), (self.b, self.a)):
            s = self.sign[me]
            share = (1.0 + s * self.balance) / 2.0
            settle = share + LEVERAGE_TERMS * (traits["leverage"][me] - traits["leverage"][foe])
            fight = (
                share
                + s * self.trend * sp.horizon / 2.0
                + sp.optimism * (traits["resolve"][me] - 0.5)
                - sp.cost_weight * traits["cost_sensitivity"][me] * self.expected[me] * sp.horizon
            )
            willing.append(fight < settle)
        self.willing = np.array(willing)
        talks = willing[0] & willing[1] & active[self.a] & active[self.b]
        self.spoiled = talks & (spoiler() < sp.spoilers) if talks.any() else np.zeros(talks.shape, dtype=bool)
        self.talks = talks & ~self.spoiled
        self.first_talks = np.where((self.first_talks < 0) & self.talks, turn, self.first_talks)
        self.talks_days += self.talks
        self.first_willing = np.where((self.first_willing < 0) & self.willing, turn, self.first_willing)
        self.last_willing = np.where(self.willing, turn, self.last_willing)
        return self.talks

    def outcomes(self) -> dict[str, np.ndarray]:
        """The war's per-world outcomes: the front at the end (+1: the first side holds the whole stake) and the talks."""
        out = {"balance_end": self.balance.copy(), "first_talks": self.first_talks.copy(), "talks_days": self.talks_days.copy()}
        for k, side in enumerate(self.spec.sides):
            out[f"first_willing_{side}"] = self.first_willing[k].copy()
            out[f"last_willing_{side}"] = self.last_willing[k].copy()
        return out
