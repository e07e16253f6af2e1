"""Decision rules, registered by name (as the Axelrod library registers strategies)."""

from . import alliance, brinkmanship, graduated, human, reciprocal, restraint, scripted  # noqa: F401  (registration)
from .base import RULES, Rule, Situation, register

__all__ = ["RULES", "Rule", "Situation", "register"]
