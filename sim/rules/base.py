"""What every decision rule shares: the situation it reads, its parameters, the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:  # pragma: no cover
    from ..ladder import CompiledLadder

RULES: dict[str, type["Rule"]] = {}


def register(cls: type["Rule"]) -> type["Rule"]:
    """Class decorator: make a rule available to scenarios by its ``name``."""
    RULES[cls.name] = cls
    return cls


class Params(BaseModel):
    """A rule's parameters (none by default)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # .nan and .inf are no values for a scenario


@dataclass
class Situation:
    """What one actor knows when it decides; every array has one entry per world.

    ``threat`` is the highest adversary posture as this actor perceives it (with
    misperception noise); ``need`` is the highest perceived threat against the
    actors it supports (allies and clients); ``watched`` is the highest posture of
    the actors it restrains. Missing inputs are -1.
    """

    name: str
    posture: np.ndarray
    threat: np.ndarray
    threat_by: np.ndarray  # index into `actor_names` of the adversary seen highest
    last_threat: np.ndarray
    need: np.ndarray
    watched: np.ndarray
    resolve: np.ndarray
    ladder: "CompiledLadder"
    actor_names: list[str]
    turn: int

    def rung(self, level: float) -> str:
        """Name of the rung nearest a (perceived, fractional) level."""
        return self.ladder.name_of(level)

    def adversary(self, i: int = 0) -> str:
        return self.actor_names[int(self.threat_by[i])] if self.threat_by[i] >= 0 else "no adversary"


class Rule:
    """A named, parameterised decision rule.

    ``aim`` returns the rung level (fractional) the actor would ideally stand on in
    each world; the model turns it into a choice among legal moves with costs,
    deterrence, restraint and a logit at the actor's temperature. ``explain`` says,
    in one sentence, what drove the choice in world 0 (used at W = 1).
    """

    name: ClassVar[str]
    source: ClassVar[str]
    summary: ClassVar[str]
    decides: ClassVar[bool] = True
    Params: ClassVar[type[Params]] = Params

    def __init__(self, params: dict | None = None, ladder: "CompiledLadder | None" = None):
        self.params = self.Params(**(params or {}))
        self.ladder = ladder

    def aim(self, s: Situation) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def explain(self, s: Situation) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def level(self, rung_id: str | None, default: int) -> int:
        """A rung parameter as a level, or ``default`` when not given."""
        return default if rung_id is None else self.ladder.level[rung_id]
