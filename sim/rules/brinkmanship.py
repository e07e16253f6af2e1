"""Brinkmanship: the threat that leaves something to chance."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Params, Rule, Situation, register


@register
class Brinkmanship(Rule):
    """Stand a step above the adversary, by resolve, to make it back down first;
    when it does, come down too, but no faster than a rung a turn.

    Source: Schelling, *The Strategy of Conflict* (1960) and *Arms and Influence*
    (1966): deliberately raising shared risk as a bargaining move.
    """

    name = "brinkmanship"
    source = "Schelling (1960), The Strategy of Conflict; Schelling (1966), Arms and Influence"
    summary = "Schelling's brinkmanship: climbs above the adversary by its resolve, accepting shared risk."

    class Params(Params):
        margin: float = Field(1.0, ge=0, le=5, description="Rungs above the adversary aimed at, at full resolve.")

    def aim(self, s: Situation) -> np.ndarray:
        # above the adversary; when it backs down, give ground one rung a turn, not all at once
        return np.where(s.threat >= 0, np.maximum(s.threat + self.params.margin * s.resolve, s.posture - 1), s.posture)

    def explain(self, s: Situation) -> str:
        return f"brinkmanship: aims above {s.adversary()}, read at about '{s.rung(s.threat[0])}', to make it back down first"
