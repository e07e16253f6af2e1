"""A state actor as a Mesa agent whose state is a vector over W worlds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from .rules import RULES
from .schema import TRAITS, Actor

if TYPE_CHECKING:  # pragma: no cover
    from .model import Crisis

TRAIT_RANGE = {
    "resolve": (0.0, 1.0),
    "risk_tolerance": (0.0, 1.0),
    "leverage": (0.0, 1.0),
    "temperature": (0.01, 10.0),
    "cost_sensitivity": (0.0, 10.0),
}


class ActorAgent(mesa.Agent):
    """One actor of the crisis, in every world of the ensemble at once.

    ``posture``, ``peak``, ``active``, the traits and the capability bounds are
    numpy arrays of shape ``(W,)``; the decision rule reads them through a
    :class:`~sim.rules.Situation` and the model turns its aim into a move.
    """

    def __init__(self, model: "Crisis", key: str, spec: Actor, index: int):
        super().__init__(model)
        ladder, w = model.ladder, model.worlds
        self.key, self.spec, self.index = key, spec, index
        self.label = spec.name
        self.rule = RULES[spec.rule](spec.params, ladder)
        self.posture = np.full(w, ladder.level[spec.posture], dtype=np.int64)
        self.peak = self.posture.copy()
        self.active = np.full(w, spec.active)
        self.traits = {t: np.full(w, float(getattr(spec, t))) for t in TRAITS}
        caps = spec.capabilities
        self.min_level = np.full(w, ladder.level[caps.min_rung] if caps.min_rung else 0, dtype=np.int64)
        self.max_level = np.full(w, ladder.level[caps.max_rung] if caps.max_rung else ladder.n - 1, dtype=np.int64)
        # the rungs it can ever stand on, in ladder order; a "step" is one place along this list
        self.reach = np.array(sorted(ladder.level[r] for r in caps.rungs) if caps.rungs else range(ladder.n), dtype=np.int64)
        self.reach_danger = ladder.danger[self.reach]
        self.offsets = np.arange(-model.scenario.settings.max_down, spec.max_step + 1)
        self.stay = int(np.flatnonzero(self.offsets == 0)[0])
        self.last_threat = np.full(w, -1.0)

    def set_trait(self, trait: str, mask: np.ndarray, value: float | None = None, by: float | None = None) -> None:
        lo, hi = TRAIT_RANGE[trait]
        current = self.traits[trait]
        new = np.full_like(current, value) if value is not None else current + by
        self.traits[trait] = np.where(mask, np.clip(new, lo, hi), current)

    def candidates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate moves in every world: (levels, places along ``reach``, legal), each (K, W).

        The candidates are the rungs ``offsets`` places away along the actor's reach;
        a candidate is legal if it exists and lies within the current capability
        bounds. Staying put is always legal.
        """
        place = np.searchsorted(self.reach, self.posture)
        places = place[None, :] + self.offsets[:, None]
        inside = (places >= 0) & (places < len(self.reach))
        places = np.clip(places, 0, len(self.reach) - 1)
        levels = self.reach[places]
        legal = inside & (levels >= self.min_level) & (levels <= self.max_level)
        levels[self.stay] = self.posture
        legal[self.stay] = True
        return levels, places, legal

    def legal_levels(self, world: int = 0) -> list[int]:
        """The rung levels this actor may move to now, in one world, lowest first."""
        levels, _, legal = self.candidates()
        return sorted({int(lv) for lv in levels[:, world][legal[:, world]]})
