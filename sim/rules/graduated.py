"""Graduated reciprocation in tension reduction (GRIT)."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Params, Rule, Situation, register


@register
class Graduated(Rule):
    """Step down unilaterally while the adversary does not escalate; reciprocate if it does.

    Source: Osgood, *An Alternative to War or Surrender* (1962): announced, small,
    unilateral conciliatory steps that invite reciprocation, while keeping the
    capacity to answer an escalation in kind.
    """

    name = "graduated"
    source = "Osgood (1962), An Alternative to War or Surrender (GRIT)"
    summary = "GRIT: small unilateral steps down while the adversary holds; answers escalation in kind."

    class Params(Params):
        step: float = Field(1.0, gt=0, le=3, description="Size of each conciliatory step, in rungs.")
        floor: str | None = Field(None, description="Lowest rung it steps down to (default: the ladder's bottom).")
        tolerance: float = Field(0.5, ge=0, le=3, description="Rise in perceived threat (rungs) read as an escalation.")

    def aim(self, s: Situation) -> np.ndarray:
        floor = self.level(self.params.floor, 0)
        escalated = s.threat > s.last_threat + self.params.tolerance
        conciliate = np.maximum(s.posture - self.params.step, floor)
        return np.where(escalated, np.maximum(s.threat, s.posture), conciliate)

    def explain(self, s: Situation) -> str:
        if s.threat[0] > s.last_threat[0] + self.params.tolerance:
            return f"GRIT answers an escalation by {s.adversary()} in kind"
        return f"GRIT offers a conciliatory step while {s.adversary()} holds"
