"""Graduated reciprocation in tension reduction (GRIT)."""

from __future__ import annotations

import numpy as np

from escalation.model.rules.base import Rule, Situation, register
from escalation.scenario.rulebook import GraduatedParams


@register
class Graduated(Rule[GraduatedParams]):
    """Step down unilaterally while the adversary does not escalate; reciprocate if it does.

    Source: Osgood, *An Alternative to War or Surrender* (1962): announced, small,
    unilateral conciliatory steps that invite reciprocation, while keeping the
    capacity to answer an escalation in kind.
    """

    name = "graduated"

    def aim(self, s: Situation) -> np.ndarray:
        floor = self.level(self.params.floor, 0)
        escalated = s.threat > s.last_threat + self.params.tolerance
        conciliate = np.maximum(s.posture - self.params.step, floor)
        return np.where(escalated, np.maximum(s.threat, s.posture), conciliate)

    def explain(self, s: Situation) -> str:
        if s.threat[0] > s.last_threat[0] + self.params.tolerance:
            return f"GRIT answers an escalation by {s.adversary()} in kind"
        return f"GRIT offers a conciliatory step while {s.adversary()} holds"
