"""Red lines: declared conditions with a promised response, whose credibility erodes.

A red line is *crossed* when a watched actor steps onto its rung or above. The
holder then has ``grace`` turns to reach the promised response rung (to take it, if
the response is a one-off action): if it does,
the line regains credibility; if not, it loses a share of it (the "desensitised
West" of seed 003). Whether the holder *means* to answer is settled when the line
is crossed, with chance obligation x resolve x credibility: a holder that means
it aims at the response; one that does not only weighs it. A credible red line
deters the watched actors from crossing.
"""

from __future__ import annotations

import numpy as np

from escalation.scenario.schema import RedLine


class RedLineState:
    """One red line of one holder, across all worlds."""

    def __init__(self, holder: int, spec: RedLine, watch: list[int], ladder, worlds: int, active: bool):
        self.holder, self.spec, self.id = holder, spec, spec.id
        self.watch = np.array(watch, dtype=np.int64)
        self.at = ladder.level[spec.at]
        self.response = ladder.level[spec.response]
        # a one-off action is answered only by taking it (or a graver action) that day, not by standing higher
        self.answers = ladder.action & (np.arange(ladder.n) >= self.response) if ladder.action[self.response] else np.arange(ladder.n) >= self.response
        self.active = np.full(worlds, active)
        self.credibility = np.full(worlds, spec.credibility)
        self.due = np.zeros(worlds, dtype=np.int64)  # turns left to respond; 0 = nothing owed
        self.was_over = np.zeros(worlds, dtype=bool)
        self.meant = np.zeros(worlds, dtype=bool)  # the holder means to answer the current crossing

    def declare(self, mask: np.ndarray) -> None:
        """(Re)declare the line in the masked worlds, at its declared credibility."""
        self.active |= mask
        self.credibility = np.where(mask, self.spec.credibility, self.credibility)
        self.due = np.where(mask, 0, self.due)

    def withdraw(self, mask: np.ndarray) -> None:
        self.active &= ~mask
        self.due = np.where(mask, 0, self.due)

    def owed(self) -> np.ndarray:
        """Worlds where the holder owes, and means to give, the promised response."""
        return self.meant & (self.due > 0)

    def update(self, watched_max, holder_posture, holder_active, holder_resolve, draw, obligation: float, gain: float, erosion: float):
        """Advance one turn; return masks (crossed, honoured, eroded) for the narrative.

        ``draw()`` gives one uniform draw per world, used where the line is crossed to
        settle whether the holder means to answer; it is called only on a turn when the
        line is crossed somewhere (the draws are keyed, so skipping them changes nothing).

        A line is in force where it is declared and its holder takes part. It is
        crossed when a watched actor is at or over it while it is in force and was
        not the turn before, so a line declared while already violated is crossed at
        once. A debt lapses where the line stops being in force.
        """
        in_force = self.active & holder_active
        if self.due.any():
            owed = (self.due > 0) & in_force
            honoured = owed & self.answers[holder_posture]
            self.credibility = np.where(honoured, self.credibility + gain * (1.0 - self.credibility), self.credibility)
            still = owed & ~honoured
            due = np.where(still, self.due - 1, 0)
            eroded = still & (due == 0)
            self.credibility = np.where(eroded, self.credibility * (1.0 - erosion), self.credibility)
        else:  # nothing owed anywhere (most lines, most days): nothing to honour or erode
            honoured = eroded = np.zeros(self.due.shape, dtype=bool)
            due = self.due
        over = in_force & (watched_max >= self.at)
        crossed = over & ~self.was_over & (due == 0)
        self.due = np.where(crossed, self.spec.grace, due)
        meaning = draw() < obligation * holder_resolve * self.credibility if crossed.any() else False
        self.meant = np.where(crossed, meaning, self.meant & (self.due > 0))
        self.was_over = over
        return crossed, honoured, eroded
