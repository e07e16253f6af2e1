"""A state actor as a Mesa agent whose state is a vector over W worlds."""

from __future__ import annotations

import mesa
import numpy as np

from escalation.model import kernels
from escalation.model.ladder import CompiledLadder
from escalation.model.rules import RULES
from escalation.scenario.schema import TRAITS, Actor

TRAIT_RANGE = {
    "resolve": (0.0, 1.0),
    "risk_tolerance": (0.0, 1.0),
    "leverage": (0.0, 1.0),
    "temperature": (0.01, 10.0),
    "cost_sensitivity": (0.0, 10.0),
    "air_defence": (0.0, 1.0),
}


class ActorAgent(mesa.Agent):
    """One actor of the crisis, in every world of the ensemble at once.

    ``posture``, ``peak``, ``active``, the traits and the capability bounds are
    numpy arrays of shape ``(W,)``; the decision rule reads them through a
    :class:`~sim.rules.Situation` and the model turns its aim into a move.
    ``peak`` is -1 in worlds where the actor has not yet taken part. The posture, the
    standing posture, ``active``, ``peak`` and the traits are written in place: the model
    holds them as rows of arrays over all actors (see ``Crisis._share_rows``).
    """

    def __init__(self, model: mesa.Model, key: str, spec: Actor, index: int, *, ladder: CompiledLadder, worlds: int, max_down: int):
        super().__init__(model)
        w = worlds
        self.key, self.spec, self.index = key, spec, index
        self.label = spec.name
        self.ladder = ladder
        self.rule = RULES[spec.rule](spec.params, ladder)
        self.posture = np.full(w, ladder.level[spec.posture], dtype=np.int8)
        # the posture it returns to after a one-off action (an action rung is never one)
        self.standing = np.full(w, _standing_below(ladder, self.posture[0]), dtype=np.int8)
        self.episodes = np.zeros((len(ladder.action_levels), w), dtype=np.int64)  # actions taken, per action rung
        self.active = np.full(w, spec.active)
        self.peak = np.where(self.active, self.posture, -1)
        self.traits = {t: np.full(w, float(getattr(spec, t))) for t in TRAITS}
        caps = spec.capabilities
        self.min_level = np.full(w, ladder.level[caps.min_rung] if caps.min_rung else 0, dtype=np.int8)
        self.max_level = np.full(w, ladder.level[caps.max_rung] if caps.max_rung else ladder.n - 1, dtype=np.int8)
        # the rungs it can ever stand on, in ladder order; a "step" is one place along this list
        self.reach = np.array(sorted(ladder.level[r] for r in caps.rungs) if caps.rungs else range(ladder.n), dtype=np.int64)
        self.offsets = np.arange(-max_down, spec.max_step + 1)
        self.stay = int(np.flatnonzero(self.offsets == 0)[0])
        self.table = candidate_table(self.reach, self.offsets, ladder.n)
        # a one-off action is an escalation, taken by climbing onto it; below the standing posture
        # only as the promised answer to a crossed red line (see Crisis._decide)
        self.down_to_action = (self.table >= 0) & ladder.action[np.clip(self.table, 0, None)] & (self.offsets < 0)[:, None]
        self.has_action_below = bool(self.down_to_action.any())
        self.table_danger = np.where(self.table >= 0, ladder.danger[self.table], 0.0).astype(np.float32)
        on_reach = np.zeros(ladder.n + 1, dtype=bool)
        on_reach[self.reach] = True
        self.can_slip = on_reach[1:]  # can_slip[L]: the rung above L is within its reach
        self.last_threat = np.full(w, np.nan)  # nothing perceived before the first turn
        # uses left of the one-off actions it holds a stock of (missiles of a kind), by level
        self.stock_levels = np.array([ladder.level[r] for r in spec.stocks], dtype=np.int64)
        self.stock_left = np.repeat(np.array(list(spec.stocks.values()), dtype=np.int64).reshape(-1, 1), w, axis=1)
        self.stocks = {int(level): self.stock_left[i] for i, level in enumerate(self.stock_levels)}  # level -> its row of stock_left
        self.action_levels = np.array(ladder.action_levels, dtype=np.int64)

    # What Mesa's agent reporters and visualisations read: numbers at W = 1, the mean over the worlds otherwise.
    @property
    def rung(self) -> float | int:
        """Its posture's level."""
        return number(self.posture)

    @property
    def rung_name(self) -> str:
        return self.ladder.names[int(round(number(self.posture)))]

    @property
    def peak_level(self) -> float | int:
        return number(self.peak)

    @property
    def resolve_value(self) -> float:
        return float(number(self.traits["resolve"]))

    def move(self, new: np.ndarray, mask: np.ndarray | None = None) -> None:
        """Stand on ``new`` (where ``mask``): a standing posture becomes the one to return to; an action is counted."""
        new = np.asarray(new, dtype=np.int64)
        if mask is not None:
            new = np.where(mask, new, self.posture)
        if self.model.kernels == "numba":  # the same, compiled (this is the reference)
            return kernels.move(new, self)
        is_action = self.ladder.action[new]
        acting = is_action & (new != self.posture)  # a fresh action; the same one again the same day is not
        if acting.any():
            for i, level in enumerate(self.ladder.action_levels):
                self.episodes[i] += acting & (new == level)
            for level, left in self.stocks.items():
                left -= acting & (new == level)
        self.standing[:] = np.where(is_action, self.standing, new)
        self.posture[:] = new

    def set_trait(self, trait: str, mask: np.ndarray, value: float | None = None, by: float | None = None) -> None:
        lo, hi = TRAIT_RANGE[trait]
        current = self.traits[trait]
        new = np.full_like(current, value) if value is not None else current + by
        current[:] = np.where(mask, np.clip(new, lo, hi), current)

    def set_bounds(self, mask: np.ndarray, min_level: int | None = None, max_level: int | None = None) -> None:
        """Narrow or widen the rungs it may take; a permission withdrawn ends what it allowed.

        Where the posture falls outside the new bounds it moves to the nearest rung of
        its reach inside them (the bounds themselves if no such rung exists).
        """
        if min_level is not None:
            self.min_level = np.where(mask, min_level, self.min_level)
        if max_level is not None:
            self.max_level = np.where(mask, max_level, self.max_level)
        lo, hi = self.min_level[:, None], self.max_level[:, None]
        inside = (self.reach >= lo) & (self.reach <= hi)  # (W, R)
        highest = np.where(inside, self.reach, -1).max(axis=1)
        lowest = np.where(inside, self.reach, np.iinfo(np.int64).max).min(axis=1)
        snapped = np.where(self.posture > self.max_level, np.where(highest >= 0, highest, self.max_level), self.posture)
        snapped = np.where(snapped < self.min_level, np.where(inside.any(axis=1), lowest, self.min_level), snapped)
        self.move(snapped, mask)

    def candidates(self, posture: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Candidate moves in every world: (levels, legal), each (K, W).

        Row k is the rung ``offsets[k]`` places away along the actor's reach (-1
        where there is none); row ``stay`` is the current posture. A candidate is
        legal if it exists, lies within the current capability bounds and is not a
        one-off action below the posture; staying put is always legal.
        """
        posture = self.posture if posture is None else posture
        levels = np.take(self.table, posture, axis=1)
        legal = (levels >= self.min_level) & (levels <= self.max_level)
        if self.has_action_below:
            legal &= ~np.take(self.down_to_action, posture, axis=1)
        self.exclude_spent(levels, legal)
        legal[self.stay] = True
        return levels, legal

    def exclude_spent(self, levels: np.ndarray, legal: np.ndarray) -> None:
        """An action whose stock is spent can no longer be taken (in place on ``legal``, (K, W))."""
        for level, left in self.stocks.items():
            legal &= ~((levels == level) & (left <= 0))

    def legal_levels(self, world: int = 0) -> list[int]:
        """The rung levels this actor may move to on its next turn, in one world, lowest first: from its standing
        posture, since a one-off action it took is over by the time it moves again."""
        levels, legal = self.candidates(np.where(self.ladder.action[self.posture], self.standing, self.posture))
        return sorted({int(lv) for lv in levels[:, world][legal[:, world]]})


def number(values: np.ndarray) -> float | int:
    """A per-world array as one number: the value at W = 1 (a whole number stays whole), the mean over the worlds otherwise."""
    if len(values) == 1:
        return int(values[0]) if values.dtype.kind in "iub" else float(values[0])
    return float(values.mean())


def _standing_below(ladder: CompiledLadder, level: int) -> int:
    """``level`` if it is a standing posture, else the highest standing rung below it."""
    below = [lv for lv in range(int(level), -1, -1) if not ladder.action[lv]]
    return below[0] if below else int(level)


def candidate_table(reach: np.ndarray, offsets: np.ndarray, n: int) -> np.ndarray:
    """Level of each candidate move from each posture: shape (K, n), int8, -1 if none.

    From a posture on its reach, offset ``o`` is the rung ``o`` places along the
    reach; from a posture off it (set by an event), the first place above or
    below counts as one step.
    """
    table = np.full((len(offsets), n), -1, dtype=np.int8)
    for level in range(n):
        below = int(np.searchsorted(reach, level, side="left"))  # reach rungs under this level
        above = int(np.searchsorted(reach, level, side="right"))  # index of the first rung over it
        for k, o in enumerate(offsets):
            if o == 0:
                table[k, level] = level
                continue
            i = below + o if o < 0 else above + o - 1
            if 0 <= i < len(reach):
                table[k, level] = reach[i]
    return table
