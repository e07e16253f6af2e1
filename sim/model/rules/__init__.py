"""Decision rules, registered by name (as the Axelrod library registers strategies)."""

from escalation.model.rules import alliance, brinkmanship, graduated, human, reciprocal, restraint, scripted  # noqa: F401  (registration)
from escalation.model.rules.base import RULES, Rule, Situation, register

__all__ = ["RULES", "Rule", "Situation", "register"]
