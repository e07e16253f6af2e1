"""Red lines: declared conditions with a promised response, whose credibility erodes.

A red line is *crossed* when a watched actor steps onto its rung or above. The
holder then has ``grace`` turns to reach the promised response rung: if it does,
the line regains credibility; if not, it loses a share of it (the "desensitised
West" of seed 003). A credible red line deters the watched actors from crossing.
"""

from __future__ import annotations

import numpy as np

from .schema import RedLine


class RedLineState:
    """One red line of one holder, across all worlds."""

    def __init__(self, holder: int, spec: RedLine, watch: list[int], ladder, worlds: int, active: bool):
        self.holder, self.spec, self.id = holder, spec, spec.id
        self.watch = np.array(watch, dtype=np.int64)
        self.at = ladder.level[spec.at]
        self.response = ladder.level[spec.response]
        self.active = np.full(worlds, active)
        self.credibility = np.full(worlds, spec.credibility)
        self.due = np.zeros(worlds, dtype=np.int64)  # turns left to respond; 0 = nothing owed
        self.was_over = np.zeros(worlds, dtype=bool)

    def declare(self, mask: np.ndarray) -> None:
        """(Re)declare the line in the masked worlds, at its declared credibility."""
        self.active |= mask
        self.credibility = np.where(mask, self.spec.credibility, self.credibility)
        self.due = np.where(mask, 0, self.due)

    def withdraw(self, mask: np.ndarray) -> None:
        self.active &= ~mask
        self.due = np.where(mask, 0, self.due)

    def update(self, watched_max: np.ndarray, holder_posture: np.ndarray, gain: float, erosion: float):
        """Advance one turn; return masks (crossed, honoured, eroded) for the narrative."""
        owed = self.due > 0
        honoured = owed & (holder_posture >= self.response)
        self.credibility = np.where(honoured, self.credibility + gain * (1.0 - self.credibility), self.credibility)
        self.due = np.where(honoured, 0, self.due)
        still = (self.due > 0) & ~honoured
        self.due = np.where(still, self.due - 1, self.due)
        eroded = still & (self.due == 0)
        self.credibility = np.where(eroded, self.credibility * (1.0 - erosion), self.credibility)
        over = watched_max >= self.at
        crossed = self.active & over & ~self.was_over & (self.due == 0)
        self.due = np.where(crossed, self.spec.grace, self.due)
        self.was_over = over
        return crossed, honoured, eroded
