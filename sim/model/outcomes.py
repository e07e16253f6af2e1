"""How a world ended: the end states, in order of severity, and how each is recognised."""

from __future__ import annotations

import numpy as np

from escalation.model.ladder import CompiledLadder

END_STATES = ("de_escalated", "contained", "horizontal_escalation", "direct_nato_russia_war", "nuclear_use")
# each end state in words, for narratives, reports and chart labels
END_STATE_NAMES = dict(zip(END_STATES, ("de-escalated", "contained", "horizontal escalation", "direct NATO-Russia war", "nuclear use")))


def end_state(ladder: CompiledLadder, live: np.ndarray, final: np.ndarray, peak: np.ndarray) -> np.ndarray:
    """End-state code per world (index into END_STATES).

    ``live`` is each actor's final posture, -1 where it takes no part (actors, W);
    ``final`` and ``peak`` are the system rung at the end and at its highest.
    """
    fighting = (ladder.fighting[np.clip(live, 0, None)] & (live >= 0)).any(axis=0)
    state = np.where(fighting, 1, 0).astype(np.int64)
    state = np.where(final >= ladder.threshold_level("horizontal_escalation"), 2, state)
    state = np.where(peak >= ladder.threshold_level("direct_nato_russia_war"), 3, state)
    state = np.where(peak >= ladder.threshold_level("nuclear_threshold"), 4, state)
    return state
