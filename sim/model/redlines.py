"""Red lines: declared conditions with a promised response, weighed by what observers believe.

A red line is *violated* on every turn a watched actor stands on its rung or above.
A violation opens a debt: the holder has ``grace`` turns to reach the promised
response rung (to take it, if the response is a one-off action). An answered
crossing is settled for as long as the violation goes on. An unanswered one lapses,
and while the line is still held over a new debt opens at once, so a line ignored
for weeks is seen unanswered again and again (the "desensitised West" of
seed 003). Standing still is no answer: where the holder already stands on the
response, a crossing opens no debt (there is nothing left to promise), earns no
credit, and the line deters no one.

Whether the holder *means* to answer is settled when a debt opens, with chance
obligation x resolve x its commitment (the declared credibility, which an
unanswered debt erodes and an answer restores). A holder that means it aims at the
response; one that does not only weighs it.

Each watched actor holds its own *belief* that the holder will carry out the
response. It starts at the declared credibility, rises when it sees a crossing
answered and falls when it sees one pass unanswered. A share (``reputation``) of
the lesson carries over to the holder's other lines watched by the same observer
(Sartori 2005, *Deterrence by Diplomacy*; against it, Press 2005, *Calculating
Credibility*). The weight of the line on a move is belief x the response's cost
(see ``Crisis._score``).
"""

from __future__ import annotations

import numpy as np

from escalation.scenario.schema import RedLine

# a line's state in each world, and its type; and each observer's ``belief``, (observers, W)
STATE = {"active": np.bool_, "declared": np.float64, "credibility": np.float64, "due": np.int64, "answered": np.bool_, "meant": np.bool_}


def shared_rows(lines: list, worlds: int) -> dict:
    """The state of ``lines`` as rows of shared arrays: name -> (lines, W), and "belief" -> (their observers, W), one block of
    rows per line in order; each line then holds views of its rows (see :meth:`RedLineState.share`)."""
    rows: dict[str, np.ndarray] = {name: np.zeros((len(lines), worlds), dtype=dtype) for name, dtype in STATE.items()}
    rows["belief"] = np.zeros((sum(len(rl.watch) for rl in lines), worlds))
    first = 0
    for i, rl in enumerate(lines):
        rl.share(rows, i, first)
        first += len(rl.watch)
    return rows


class RedLineState:
    """One red line of one holder, across all worlds."""

    def __init__(self, holder: int, spec: RedLine, watch: list[int], ladder, worlds: int, active: bool):
        self.holder, self.spec, self.id = holder, spec, spec.id
        self.watch = np.array(watch, dtype=np.int64)
        self._row = {int(o): i for i, o in enumerate(watch)}  # observer -> its row of ``belief``
        self.at = ladder.level[spec.at]
        self.response = ladder.level[spec.response]
        self.severity = float(ladder.danger[self.response])  # what carrying out the response costs those it is aimed at
        # a one-off action is answered only by taking it (or a graver action) that day, not by standing higher
        self.response_is_action = bool(ladder.action[self.response])
        self.answers = ladder.action & (np.arange(ladder.n) >= self.response) if self.response_is_action else np.arange(ladder.n) >= self.response
        self.active = np.full(worlds, active)
        self.declared = np.full(worlds, spec.credibility)  # the credibility it is declared at, in each world
        self.credibility = self.declared.copy()  # the holder's own commitment
        self.belief = np.tile(self.declared, (len(watch), 1))  # each watched actor's belief that it will be answered
        self.due = np.zeros(worlds, dtype=np.int64)  # turns left to respond; 0 = nothing owed
        self.answered = np.zeros(worlds, dtype=bool)  # the violation going on has been answered
        self.meant = np.zeros(worlds, dtype=bool)  # the holder means to answer the current debt

    def share(self, rows: dict, index: int, first_observer: int) -> None:
        """Hold its state as row ``index`` of the shared ``rows`` (see :func:`shared_rows`) and its observers' beliefs as
        rows from ``first_observer`` of ``rows["belief"]``, with the values it holds now. Every write after this is in place."""
        for name in STATE:
            rows[name][index] = getattr(self, name)
            setattr(self, name, rows[name][index])
        beliefs = rows["belief"][first_observer:first_observer + len(self.watch)]
        beliefs[:] = self.belief
        self.belief = beliefs
        self.index = index
        self.belief_rows = np.arange(first_observer, first_observer + len(self.watch))  # its observers' rows of rows["belief"]

    def declared_at(self, credibility: np.ndarray) -> None:
        """Declare it at a credibility of its own in each world (a distribution, a sweep's points)."""
        self.declared[:] = credibility
        self.credibility[:] = self.declared
        self.belief[:] = self.declared

    def declare(self, mask: np.ndarray) -> None:
        """(Re)declare the line in the masked worlds, at its declared credibility."""
        self.active |= mask
        self.credibility[:] = np.where(mask, self.declared, self.credibility)
        self.belief[:] = np.where(mask, self.declared, self.belief)
        self.due[:] = np.where(mask, 0, self.due)
        self.answered &= ~mask

    def withdraw(self, mask: np.ndarray) -> None:
        self.active &= ~mask
        self.due[:] = np.where(mask, 0, self.due)

    def owed(self) -> np.ndarray:
        """Worlds where the holder owes, and means to give, the promised response."""
        return self.meant & (self.due > 0)

    def belief_of(self, observer: int) -> np.ndarray:
        """What ``observer`` (an actor index it watches) believes of the line: (W,)."""
        return self.belief[self._row[observer]]

    def spent(self, holder_standing: np.ndarray) -> np.ndarray:
        """Worlds where the holder already stands on the promised response (a standing posture): the threat is spent."""
        return np.zeros(holder_standing.shape, dtype=bool) if self.response_is_action else holder_standing >= self.response

    def update(self, live, holder, draw, obligation: float, gain: float, erosion: float):
        """Advance one turn, given the postures ``live`` (actors, W; -1: taking no part) and the holder (an actor); return
        masks (crossed, honoured, eroded) for the narrative.

        ``crossed`` marks the worlds where a debt opens this turn (a fresh crossing, or a
        violation held over past an unanswered debt). ``draw()`` gives one uniform draw per
        world, used there to settle whether the holder means to answer; it is called only
        on a turn when a debt opens somewhere (the draws are keyed, so skipping them changes
        nothing). A line is in force where it is declared and its holder takes part; a debt
        lapses where it stops being in force. This is the reference: ``kernels.red_line`` makes the same operations compiled,
        with what the observers learn.
        """
        watched_max, holder_posture, holder_standing = live[self.watch].max(axis=0), holder.posture, holder.standing
        holder_active, holder_resolve = holder.active, holder.traits["resolve"]
        in_force = self.active & holder_active
        if self.due.any():
            owed = (self.due > 0) & in_force
            honoured = owed & self.answers[holder_posture]
            self.credibility[:] = np.where(honoured, self.credibility + gain * (1.0 - self.credibility), self.credibility)
            still = owed & ~honoured
            due = np.where(still, self.due - 1, 0)
            eroded = still & (due == 0)
            self.credibility[:] = np.where(eroded, self.credibility * (1.0 - erosion), self.credibility)
            self.answered |= honoured
        else:  # nothing owed anywhere (most lines, most days): nothing to honour or erode
            honoured = eroded = np.zeros(self.due.shape, dtype=bool)
            due = self.due
        over = in_force & (watched_max >= self.at)
        self.answered &= over  # once the violation ends, the next crossing is a new one
        crossed = over & (due == 0) & ~self.answered & ~self.spent(holder_standing)
        self.due[:] = np.where(crossed, self.spec.grace, due)
        meaning = draw() < obligation * holder_resolve * self.credibility if crossed.any() else False
        self.meant[:] = np.where(crossed, meaning, self.meant & (self.due > 0))
        return crossed, honoured, eroded

    def learn(self, seen: np.ndarray, rate: float, observers: np.ndarray | None = None) -> None:
        """The watched actors' beliefs move where ``seen``: towards 1 by ``rate`` of the gap (rate > 0, an answer)
        or towards 0 by ``-rate`` of the belief (rate < 0, a crossing unanswered); ``observers`` (rows) default to all."""
        rows = slice(None) if observers is None else observers
        b = self.belief[rows]
        moved = np.where(rate > 0, b + rate * (1.0 - b), b * (1.0 + rate))  # ``rate`` may differ per world
        self.belief[rows] = np.where(seen, moved, b)
