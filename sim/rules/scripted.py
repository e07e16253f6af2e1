"""Scripted: the actor moves only when the scenario's timeline moves it."""

from __future__ import annotations

import numpy as np

from .base import Rule, Situation, register


@register
class Scripted(Rule):
    """Hold the current posture; scenario events (``set_posture``) move it.

    With every actor scripted a scenario replays its timeline exactly.
    Source: the scenario's own documented timeline (shared/seeds/INDEX.md).
    """

    name = "scripted"
    source = "the scenario's timeline"
    summary = "Follows the scenario's timeline only: holds until an event moves it."
    decides = False

    def aim(self, s: Situation) -> np.ndarray:
        return s.posture

    def explain(self, s: Situation) -> str:
        return "follows the scenario's timeline"
