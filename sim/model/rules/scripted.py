"""Scripted: the actor moves only when the scenario's timeline moves it."""

from __future__ import annotations

from escalation.model.rules.base import Bystander, Situation, register


@register
class Scripted(Bystander):
    """Hold the current posture; scenario events (``set_posture``) move it.

    With every actor scripted a scenario replays its timeline exactly.
    Source: the scenario's own documented timeline (its sources: `escalation list sources`).
    """

    name = "scripted"

    def explain(self, s: Situation) -> str:
        return "follows the scenario's timeline"
