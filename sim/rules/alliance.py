"""Alliance support: mirror an ally's need."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import Params, Rule, Situation, register


@register
class Alliance(Rule):
    """Raise support in step with the threat to allies and clients, up to a ceiling.

    Below middling resolve (0.5) support wavers: the aim drops ``softening`` rungs
    per unit of resolve lost, so a change of leader that drains resolve shows
    (seed 003 on the US transition). Veto players in its relations slow every upward step (applied by the model).
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
        softening: float = Field(4.0, ge=0, le=10, description="Rungs its support drops per unit of resolve below 0.5.")

    def wavering(self, s: Situation) -> np.ndarray:
        """How many rungs low resolve takes off the support it would give."""
        return self.params.softening * np.maximum(0.5 - s.resolve, 0.0)

    def aim(self, s: Situation) -> np.ndarray:
        ceiling = self.level(self.params.ceiling, self.ladder.n - 1)
        floor = self.level(self.params.floor, 0)
        support = np.clip(s.need + self.params.offset, floor, ceiling) - self.wavering(s)
        return np.where(s.need >= 0, np.maximum(support, floor), np.maximum(s.posture, floor))

    def explain(self, s: Situation) -> str:
        if s.need[0] < 0:
            return "alliance: no ally under threat, so it holds"
        why = f"alliance: mirrors the threat its allies face, read at about '{s.rung(s.need[0])}'"
        if self.wavering(s)[0] > 0:
            why += f", with support wavering at resolve {s.resolve[0]:.2f}"
        return why
