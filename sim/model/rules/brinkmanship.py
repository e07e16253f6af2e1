"""Brinkmanship: the threat that leaves something to chance."""

from __future__ import annotations

import numpy as np

from escalation.model import kernels
from escalation.model.rules.base import LOSS_PUSH, Rule, Situation, register
from escalation.scenario.rulebook import BrinkmanshipParams


@register
class Brinkmanship(Rule[BrinkmanshipParams]):
    """Stand a step above the adversary, by resolve, to make it back down first;
    when it does, come down too, but no faster than a rung a turn. Losing ground, it raises
    the margin (prospect theory).

    Source: Schelling, *The Strategy of Conflict* (1960) and *Arms and Influence*
    (1966): deliberately raising shared risk as a bargaining move.
    """

    name = "brinkmanship"

    def aim(self, s: Situation) -> np.ndarray:
        # above the adversary; when it backs down, give ground one rung a turn, not all at once
        margin = self.params.margin * s.resolve + LOSS_PUSH * s.loss  # losing, it raises the shared risk further
        above = np.minimum(s.threat + margin, self.ladder.n - 1)  # no aim past the top rung
        return np.where(s.threat >= 0, np.maximum(above, s.posture - 1), s.posture)

    def compiled_aim(self, s: Situation) -> np.ndarray:
        return kernels.aim("brinkmanship", len(s.posture), s.threat, s.posture, s.resolve, s.loss, LOSS_PUSH, self.per_world("margin", s),
                           float(self.ladder.n - 1))

    def explain(self, s: Situation) -> str:
        return f"brinkmanship: aims above {s.adversary_reading().rstrip(',')}, to make it back down first" + s.losing()
