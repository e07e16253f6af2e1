"""Alliance support: mirror an ally's need."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Params, Rule, Situation, register


@register
class Alliance(Rule):
    """Raise support in step with the threat to allies and clients, up to a ceiling.

    Veto players in its relations slow every upward step (applied by the model).
    Source: Snyder, "The Security Dilemma in Alliance Politics" (1984), abandonment
    and entrapment; Tsebelis, *Veto Players* (2002).
    """

    name = "alliance"
    source = "Snyder (1984), The Security Dilemma in Alliance Politics; Tsebelis (2002), Veto Players"
    summary = "Alliance support: mirrors the threat its allies and clients face, slowed by veto players."

    class Params(Params):
        offset: float = Field(2.0, ge=-5, le=5, description="Rungs above the threat to its allies that its support aims at.")
        ceiling: str | None = Field(None, description="Highest rung it is willing to support with (default: its capability).")
        floor: str | None = Field(None, description="Lowest rung its support falls to: a standing commitment (default: the ladder's bottom).")

    def aim(self, s: Situation) -> np.ndarray:
        ceiling = self.level(self.params.ceiling, self.ladder.n - 1)
        floor = self.level(self.params.floor, 0)
        return np.where(s.need >= 0, np.clip(s.need + self.params.offset, floor, ceiling), np.maximum(s.posture, floor))

    def explain(self, s: Situation) -> str:
        if s.need[0] < 0:
            return "alliance: no ally under threat, so it holds"
        return f"alliance: mirrors the threat its allies face, read at about '{s.rung(s.need[0])}'"
