"""Alliance support: mirror an ally's need."""

from __future__ import annotations

import numpy as np

from escalation.model import kernels
from escalation.model.rules.base import LOSS_PUSH, Rule, Situation, register
from escalation.scenario.rulebook import AllianceParams


@register
class Alliance(Rule[AllianceParams]):
    """Give aid while an ally or client is fought; mirror graver threats to it.

    While an actor it supports faces an adversary on a fighting rung it gives ``aid``;
    a threat above that it mirrors ``offset`` rungs away. What holds it below a direct
    war is the cost of crossing thresholds and others' red lines, not a ceiling. Its
    side's losses raise the aim (see ``Rule.firmness``). Below middling resolve (0.5)
    support wavers: the aim drops ``softening`` rungs per unit of resolve lost, so a
    change of leader that drains resolve shows (seed 003 on the US transition). Veto
    players in its relations hold up its steps up (applied by the model).
    Source: Snyder, "The Security Dilemma in Alliance Politics" (1984), abandonment
    and entrapment; Tsebelis, *Veto Players* (2002).
    """

    name = "alliance"

    def wavering(self, s: Situation) -> np.ndarray:
        """How many rungs low resolve takes off the support it would give."""
        return self.params.softening * np.maximum(0.5 - s.resolve, 0.0)

    def _levels(self) -> tuple[int, int, int]:
        """The rungs of its aid, its floor and its ceiling, as levels."""
        p = self.params
        return self.level(p.aid, 0), self.level(p.floor, 0), self.level(p.ceiling, self.ladder.n - 1)

    def aim(self, s: Situation) -> np.ndarray:
        aid_level, floor, ceiling = self._levels()
        aid = np.where(s.fought, float(aid_level), 0.0)
        support = np.clip(np.maximum(aid, s.need + self.params.offset) + LOSS_PUSH * s.loss, floor, ceiling) - self.wavering(s)
        return np.where(s.need >= 0, np.maximum(support, floor), np.maximum(s.posture, floor))

    def compiled_aim(self, s: Situation) -> np.ndarray:
        aid, floor, ceiling = self._levels()
        return kernels.aim("alliance", len(s.posture), s.need, s.fought, s.posture, s.resolve, s.loss, LOSS_PUSH, self.per_world("offset", s),
                           self.per_world("softening", s), float(aid), float(floor), float(ceiling))

    def explain(self, s: Situation) -> str:
        if s.need[0] < 0:
            return "alliance: no ally under threat, so it holds"
        why = f"alliance: backs {s.need_reading()}".rstrip(",")
        if self.wavering(s)[0] > 0:
            why += f", with support wavering at resolve {s.resolve[0]:.2f}"
        return why + s.losing()
