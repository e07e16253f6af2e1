"""The escalation ladder as arrays: rung levels, names, thresholds, costs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from escalation.scenario.schema import Ladder

# Rung categories on which an actor is still fighting: a pair of adversaries with one of them
# standing on one is at war (the pairs a settlement must bring to talks, see outcomes).
FIGHTING = ("status quo", "violent escalation", "nuclear")

# The escalation score of each category (Rivera et al. 2024, "Escalation Risks from Language
# Models in Military and Diplomatic Decision-Making", FAccT '24, their scoring of a nation's
# actions): the weights grow about geometrically, so one nuclear step outweighs many threats.
RIVERA_SCORE = {"de-escalation": -2, "status quo": 0, "posturing": 4, "non-violent escalation": 12, "violent escalation": 28, "nuclear": 60}


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
    intensity: np.ndarray  # per level: the escalation score of standing there for a day (Rivera category, monotone in level)
    talks: np.ndarray  # per level: a de-escalation rung (talks, ceasefire)
    categories: tuple[str, ...]  # the categories the ladder's rungs use, in ladder order, as names ("violent_escalation")
    category_index: np.ndarray  # per level: index into ``categories``
    band: np.ndarray  # per level: index of the threshold band it lies in (-1: below every threshold)
    band_thresholds: tuple[tuple[int, ...], ...]  # per band: the thresholds (indices) whose fact entering it is

    @classmethod
    def build(cls, spec: Ladder) -> CompiledLadder:
        level = {r.id: r.level for r in spec.rungs}
        t_levels = np.array([level[t.at] for t in spec.thresholds], dtype=np.int64)
        weights = np.array([t.weight for t in spec.thresholds])
        danger = np.array([weights[t_levels <= lv].sum() for lv in range(len(spec.rungs))])
        # thresholds cut the ladder into bands, each from a threshold's rung up to the next one's:
        # entering a band is the fact its thresholds name (nuclear use is a fact of its own, not a
        # kind of NATO-Russia war)
        starts = sorted(set(t_levels.tolist()))
        band = np.array([sum(s <= lv for s in starts) - 1 for lv in range(len(spec.rungs))], dtype=np.int64)
        cats = list(dict.fromkeys(r.category for r in spec.rungs))
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
            # a rung scores at least what any rung below it does, so the number never falls as an actor climbs
            intensity=np.maximum.accumulate([RIVERA_SCORE[r.rivera] for r in spec.rungs]).astype(np.int64),
            talks=np.array([r.category == "de-escalation" for r in spec.rungs]),
            categories=tuple(_key(c) for c in cats),
            category_index=np.array([cats.index(r.category) for r in spec.rungs], dtype=np.int64),
            band=band,
            band_thresholds=tuple(tuple(int(i) for i in np.flatnonzero(t_levels == s)) for s in starts),
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


def _key(category: str) -> str:
    """A category as a name for an outcome column: 'non-violent escalation' -> 'non_violent_escalation'."""
    return category.replace(" ", "_").replace("-", "_")
