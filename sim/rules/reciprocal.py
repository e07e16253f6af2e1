"""Proportional tit-for-tat."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Params, Rule, Situation, register


@register
class Reciprocal(Rule):
    """Match the highest adversary posture, in proportion.

    Source: Axelrod, *The Evolution of Cooperation* (1984), tit-for-tat; read as
    proportional reciprocity in escalation by Kahn, *On Escalation* (1965).
    """

    name = "reciprocal"
    source = "Axelrod (1984), The Evolution of Cooperation; Kahn (1965), On Escalation"
    summary = "Proportional tit-for-tat: answers the highest adversary posture rung for rung."

    class Params(Params):
        offset: float = Field(0.0, ge=-5, le=5, description="Rungs above (+) or below (-) the adversary to aim at.")

    def aim(self, s: Situation) -> np.ndarray:
        return np.where(s.threat >= 0, s.threat + self.params.offset, s.posture)

    def explain(self, s: Situation) -> str:
        return f"proportional reply to {s.adversary()}, read at about '{s.rung(s.threat[0])}'"
