"""Graduated reciprocation in tension reduction (GRIT)."""

from __future__ import annotations

import numpy as np

from escalation.model import kernels
from escalation.model.rules.base import Rule, Situation, register
from escalation.scenario.rulebook import GraduatedParams

LOSING = 0.05  # a loss of more than 5% of the stake since the branch stops the concessions


@register
class Graduated(Rule[GraduatedParams]):
    """Step down unilaterally while the adversary does not escalate; reciprocate if it does.

    Resolve sets how much of a rise it lets pass: a fully resolved actor answers a rise
    of no more than ``tolerance`` rungs; at resolve 0 it tolerates twice as much. While its
    side is losing ground it holds instead of conciliating: concessions under pressure
    would pay the adversary for its gains.

    Source: Osgood, *An Alternative to War or Surrender* (1962): announced, small,
    unilateral conciliatory steps that invite reciprocation, while keeping the
    capacity to answer an escalation in kind.
    """

    name = "graduated"

    def aim(self, s: Situation) -> np.ndarray:
        floor = self.level(self.params.floor, 0)
        escalated = s.threat > s.last_threat + self.tolerance(s)
        conciliate = np.where(s.loss > LOSING, s.posture, np.maximum(s.posture - self.params.step, floor))
        return np.where(escalated, np.maximum(s.threat, s.posture), conciliate)

    def compiled_aim(self, s: Situation) -> np.ndarray:
        return kernels.aim("graduated", len(s.posture), s.threat, s.last_threat, s.posture, s.resolve, s.loss, self.per_world("step", s),
                           self.per_world("tolerance", s), float(self.level(self.params.floor, 0)), LOSING)

    def tolerance(self, s: Situation) -> np.ndarray:
        return self.params.tolerance * (2.0 - s.resolve)

    def explain(self, s: Situation) -> str:
        if s.threat[0] > s.last_threat[0] + self.tolerance(s)[0]:
            return f"GRIT answers an escalation by {s.adversary()} in kind"
        if s.loss[0] > LOSING:
            return f"GRIT holds rather than concede while losing ground to {s.adversary()}"
        return f"GRIT offers a conciliatory step while {s.adversary()} holds"
