"""Proportional tit-for-tat."""

from __future__ import annotations

import numpy as np

from escalation.model import kernels
from escalation.model.rules.base import LOSS_PUSH, Rule, Situation, register
from escalation.scenario.rulebook import ReciprocalParams


@register
class Reciprocal(Rule[ReciprocalParams]):
    """Match the highest adversary posture, in proportion: half a rung higher at full resolve,
    half a rung lower at none, and higher when losing (see ``Rule.firmness``).

    Source: Axelrod, *The Evolution of Cooperation* (1984), tit-for-tat; read as
    proportional reciprocity in escalation by Kahn, *On Escalation* (1965).
    """

    name = "reciprocal"

    def aim(self, s: Situation) -> np.ndarray:
        reply = s.threat + self.params.offset + self.firmness(s)
        return np.where(s.threat >= 0, np.clip(reply, 0, self.ladder.n - 1), s.posture)

    def compiled_aim(self, s: Situation) -> np.ndarray:
        return kernels.aim("reciprocal", len(s.posture), s.threat, s.posture, s.resolve, s.loss, LOSS_PUSH, self.per_world("offset", s),
                           float(self.ladder.n - 1))

    def explain(self, s: Situation) -> str:
        return f"proportional reply to {s.adversary_reading()}".rstrip(",") + s.losing()
