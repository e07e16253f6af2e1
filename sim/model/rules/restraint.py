"""Restraint: a patron dampening its client."""

from __future__ import annotations

import numpy as np

from escalation.model import kernels
from escalation.model.rules.base import Rule, Situation, register
from escalation.scenario.rulebook import RestraintParams


@register
class Restraint(Rule[RestraintParams]):
    """Call for calm; signal publicly when the actors it restrains climb too high.

    Resolve sets how early it presses: a rung and a half before the alarm rung at full
    resolve, as much later at none. Its leverage over those actors (their ``restrainers``) weighs against their
    crossing the scenario's restraint threshold whatever this rule's own posture.
    Source: Crawford, *Pivotal Deterrence* (2003); Fearon (1997) on patrons'
    costly signals; China's calls for restraint over Russia (seeds 000, 003).
    """

    name = "restraint"

    def _levels(self):
        lad = self.ladder
        return (
            self.level(self.params.calm, 0),
            self.level(self.params.signal, lad.first_of_category("posturing")),
            self.level(self.params.alarm, lad.threshold_level("strategic_strike", lad.n // 2)),
        )

    def aim(self, s: Situation) -> np.ndarray:
        calm, signal, alarm = self._levels()
        return np.where(s.watched >= self.alarm(s, alarm), float(signal), float(calm))

    def compiled_aim(self, s: Situation) -> np.ndarray:
        calm, signal, alarm = self._levels()
        return kernels.aim("restraint", len(s.posture), s.watched, s.resolve, float(calm), float(signal), float(alarm))

    @staticmethod
    def alarm(s: Situation, alarm: int) -> np.ndarray:
        return alarm - 3.0 * (s.resolve - 0.5)

    def explain(self, s: Situation) -> str:
        calm, signal, alarm = self._levels()
        if s.watched[0] >= self.alarm(s, alarm)[0]:
            return f"restraint: presses the actors it restrains, now at '{s.rung(s.watched[0])}'"
        return "restraint: calls for calm while those it restrains stay below the alarm rung"
