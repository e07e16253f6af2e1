"""Human: a tabletop seat; a person chooses through a callback."""

from __future__ import annotations

from escalation.model.rules.base import Bystander, Situation, register


@register
class Human(Bystander):
    """A seat held by a person, who picks one of the legal moves each turn.

    The model calls ``choose(actor_id, legal_rung_ids, model)`` (set with
    ``Crisis(human=...)``) and expects a rung id back. Without a callback the seat
    holds its posture. Source: the tabletop exercise tradition (Perla, *The Art of
    Wargaming*, 1990).
    """

    name = "human"

    def explain(self, s: Situation) -> str:
        return "chosen by the players holding this seat"
