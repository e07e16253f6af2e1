"""The escalation ladder as arrays: rung levels, names, thresholds, costs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from escalation.scenario.schema import Ladder

# Rung categories on which an actor is still fighting; a crisis where nobody stands on
# one of these at the end has de-escalated, whatever the posturing that goes on.
FIGHTING = ("status quo", "violent escalation", "nuclear")


@dataclass(frozen=True)
class CompiledLadder:
    """A ladder ready for the model: everything indexed by level."""

    spec: Ladder
    ids: tuple[str, ...]
    names: tuple[str, ...]
    level: dict
    threshold_ids: tuple[str, ...]
    threshold_names: tuple[str, ...]
    threshold_levels: np.ndarray
    danger: np.ndarray  # summed weight of thresholds at or below each level
    fighting: np.ndarray  # per level: does standing there mean taking part in the fighting?
    action: np.ndarray  # per level: a one-off action (True) or a standing posture (False)
    action_levels: tuple[int, ...]  # the levels of the one-off actions, lowest first

    @classmethod
    def build(cls, spec: Ladder) -> CompiledLadder:
        level = {r.id: r.level for r in spec.rungs}
        t_levels = np.array([level[t.at] for t in spec.thresholds], dtype=np.int64)
        weights = np.array([t.weight for t in spec.thresholds])
        danger = np.array([weights[t_levels <= lv].sum() for lv in range(len(spec.rungs))])
        return cls(
            spec=spec,
            ids=tuple(r.id for r in spec.rungs),
            names=tuple(r.name for r in spec.rungs),
            level=level,
            threshold_ids=tuple(t.id for t in spec.thresholds),
            threshold_names=tuple(t.name for t in spec.thresholds),
            threshold_levels=t_levels,
            danger=danger,
            fighting=np.array([r.category in FIGHTING for r in spec.rungs]),
            action=np.array([r.kind == "action" for r in spec.rungs]),
            action_levels=tuple(r.level for r in spec.rungs if r.kind == "action"),
        )

    @property
    def n(self) -> int:
        return len(self.ids)

    def name_of(self, level: float) -> str:
        return self.names[int(np.clip(round(float(level)), 0, self.n - 1))]

    def threshold_level(self, threshold_id: str, default: int | None = None) -> int:
        if threshold_id in self.threshold_ids:
            return int(self.threshold_levels[self.threshold_ids.index(threshold_id)])
        if default is None:
            raise KeyError(threshold_id)
        return default

    def first_of_category(self, category: str) -> int:
        return next((r.level for r in self.spec.rungs if r.category == category), 0)

    def category_of(self, level: int) -> str:
        return self.spec.rungs[level].category
