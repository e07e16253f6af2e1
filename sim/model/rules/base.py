"""What every decision rule shares: the situation it reads, its typed parameters, the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, cast

import numpy as np

from escalation.model import kernels
from escalation.model.ladder import CompiledLadder
from escalation.scenario.rulebook import RULEBOOK, Params, RuleSpec

P = TypeVar("P", bound=Params)
# Rungs a side's aim rises per share of the stake it has lost since the branch: losing, it gambles
# (prospect theory: risk-seeking in losses; Levy 1992, McDermott 1998). Losing a fifth of the stake
# (a tenth of the front's range) adds 0.4 of a rung.
LOSS_PUSH = 2.0
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
    the actors it restrains. Missing inputs are -1. The ``true_*``, ``*_by`` and
    ``need_of`` entries serve explanations (filled at W = 1): what truly stands, who
    makes the threat, and which ally faces it. ``loss`` is the ground its side of the
    war has lost since the branch; every deciding rule reads it and ``resolve``.
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
    loss: np.ndarray  # share of the stake its side has lost since the branch (0: none, or no war)
    fought: np.ndarray  # an actor it supports has an adversary on a fighting rung
    true_threat: np.ndarray | None = None
    true_need: np.ndarray | None = None
    need_of: np.ndarray | None = None  # index into `actor_names` of the supported actor facing the highest threat
    need_by: np.ndarray | None = None  # and of the actor who makes that threat

    def losing(self) -> str:
        """For a reason, in world 0: ", and losing ground (N% of the stake since the branch)", or nothing."""
        return f", and losing ground ({self.loss[0]:.0%} of the stake since the branch)" if self.loss[0] >= 0.01 else ""

    def rung(self, level: float) -> str:
        """Name of the rung nearest a (perceived, fractional) level."""
        return self.ladder.name_of(level)

    def adversary(self, i: int = 0) -> str:
        return self.actor_names[int(self.threat_by[i])] if self.threat_by[i] >= 0 else "no adversary"

    def reading(self, seen: float, true: float | None) -> str:
        """" at 'X'", or, where the fog of war changed the reading, ", seen at about 'X' (actually 'Y'),"."""
        if true is None or self.rung(seen) == self.ladder.names[int(true)]:
            return f" at '{self.rung(seen)}'"
        return f", seen at about '{self.rung(seen)}' (actually '{self.ladder.names[int(true)]}'),"

    def adversary_reading(self) -> str:
        """The adversary seen highest and where it stands, in world 0."""
        true = None if self.true_threat is None else float(self.true_threat[0])
        return f"{self.adversary()}{self.reading(float(self.threat[0]), true)}"

    def need_reading(self) -> str:
        """Which ally or client faces the highest threat, from whom, and how high, in world 0."""
        names = self.actor_names
        ally = names[int(self.need_of[0])] if self.need_of is not None and self.need_of[0] >= 0 else "its allies"
        by = names[int(self.need_by[0])] if self.need_by is not None and self.need_by[0] >= 0 else "their adversaries"
        true = None if self.true_need is None else float(self.true_need[0])
        return f"{ally} against {by}{self.reading(float(self.need[0]), true)}"


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

    def compiled_aim(self, s: Situation) -> np.ndarray | None:
        """:meth:`aim` by its compiled twin (see ``kernels``), the same bits, for batches on the compiled path; None if the rule
        has none (its ``aim`` serves: a rule needs no twin)."""
        return None

    def per_world(self, name: str, s: Situation) -> np.ndarray:
        """A number parameter as one value per world, as a compiled twin takes it (a sweep may give one per world)."""
        return kernels.per_world(getattr(self.params, name), len(s.posture))

    @staticmethod
    def firmness(s: Situation) -> np.ndarray:
        """Rungs its resolve (above or below a half) and its side's losses add to what the rule aims at."""
        return (s.resolve - 0.5) + LOSS_PUSH * s.loss

    def level(self, rung_id: str | None, default: int) -> int:
        """A rung parameter as a level, or ``default`` when not given."""
        return default if rung_id is None else self.ladder.level[rung_id]


class Bystander(Rule[Params]):
    """A rule that never chooses: the actor holds its posture unless an event or a person moves it."""

    def aim(self, s: Situation) -> np.ndarray:
        return s.posture
