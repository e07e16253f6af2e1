"""What every decision rule shares: the situation it reads, its typed parameters, the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, cast

import numpy as np

from escalation.model.ladder import CompiledLadder
from escalation.scenario.rulebook import RULEBOOK, Params, RuleSpec

P = TypeVar("P", bound=Params)
RULES: dict[str, type[Rule[Any]]] = {}


def register(cls: type[Rule[P]]) -> type[Rule[P]]:
    """Class decorator: make a rule available to scenarios by its ``name``."""
    RULES[cls.name] = cls
    return cls


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
    ladder: CompiledLadder
    actor_names: list[str]
    turn: int

    def rung(self, level: float) -> str:
        """Name of the rung nearest a (perceived, fractional) level."""
        return self.ladder.name_of(level)

    def adversary(self, i: int = 0) -> str:
        return self.actor_names[int(self.threat_by[i])] if self.threat_by[i] >= 0 else "no adversary"


class Rule(Generic[P]):
    """A named, parameterised decision rule.

    ``aim`` returns the rung level (fractional) the actor would ideally stand on in
    each world; the model turns it into a choice among legal moves with costs,
    deterrence, restraint and a logit at the actor's temperature. ``explain`` says,
    in one sentence, what drove the choice in world 0 (used at W = 1).

    A subclass names the rule it implements (``name``); its summary, source and
    parameters come from the scenario format's rulebook, so there is one of each.
    """

    name: ClassVar[str]
    spec: ClassVar[RuleSpec]
    source: ClassVar[str]
    summary: ClassVar[str]
    decides: ClassVar[bool]
    Params: ClassVar[type[Params]]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            cls.spec = RULEBOOK[cls.name]
            cls.source, cls.summary, cls.decides, cls.Params = cls.spec.source, cls.spec.summary, cls.spec.decides, cls.spec.params

    def __init__(self, params: dict | None = None, ladder: CompiledLadder | None = None):
        self.params: P = cast(P, self.Params(**(params or {})))
        self._ladder = ladder

    @property
    def ladder(self) -> CompiledLadder:
        if self._ladder is None:
            raise ValueError(f"rule '{self.name}' was made without a ladder")
        return self._ladder

    def aim(self, s: Situation) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def explain(self, s: Situation) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def level(self, rung_id: str | None, default: int) -> int:
        """A rung parameter as a level, or ``default`` when not given."""
        return default if rung_id is None else self.ladder.level[rung_id]


class Bystander(Rule[Params]):
    """A rule that never chooses: the actor holds its posture unless an event or a person moves it."""

    def aim(self, s: Situation) -> np.ndarray:
        return s.posture
