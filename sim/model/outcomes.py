"""How a world ended, judged from what happened in it after the branch.

Thresholds are facts: a threshold is crossed when, from the branch on, an actor climbs
into its band of the ladder (its rung up to the next threshold's) from below it, enters
the crisis there, or takes a one-off action in it (a strike while on nuclear signalling). Standing there at the branch is the past, not a fact of this
world; stepping down into a band, or back from a one-off action to a standing posture,
is no new fact. A jump past several bands is a fact of the one it lands in only: nuclear
use is not also a NATO-Russia war.

The escalation intensity of a day is the sum, over the actors taking part, of the
escalation score of the rung each stands on (:data:`~escalation.model.ladder.RIVERA_SCORE`).

End states, from the least to the most severe; a world ends in the most severe that holds:

- ``settled``: every pair of adversaries at war at the branch (one of them on a fighting
  rung) ends with both on talks, or with one of them gone from the crisis;
- ``de_escalated``: the intensity of the standing postures at the end is below the
  branch's by more than ``settings.contained_band``;
- ``contained``: it is within that band of the branch's;
- ``escalated``: it is above the branch's by more than the band;
- ``direct_nato_russia_war``: a direct NATO-Russia clash happened after the branch;
- ``nuclear_use``: a nuclear weapon was used after the branch.
"""

from __future__ import annotations

import numpy as np

from escalation.model.ladder import CompiledLadder

END_STATES = ("settled", "de_escalated", "contained", "escalated", "direct_nato_russia_war", "nuclear_use")
# each end state in words, for narratives, reports and chart labels
END_STATE_NAMES = dict(
    zip(END_STATES, ("settled or talks holding", "de-escalated", "contained", "escalated", "direct NATO-Russia war", "nuclear use"))
)
# what each end state means, in a sentence (reports, the README and docs/odd.md say the same)
END_STATE_MEANING = {
    "settled": "every pair of adversaries at war at the branch ended with neither fighting and one of them at talks (or one of them left the crisis)",
    "de_escalated": "the escalation intensity at the end was clearly below the branch's",
    "contained": "the escalation intensity at the end was about the branch's",
    "escalated": "the escalation intensity at the end was clearly above the branch's",
    "direct_nato_russia_war": "a direct NATO-Russia clash happened after the branch (and no nuclear use)",
    "nuclear_use": "a nuclear weapon was used after the branch",
}
# the threshold whose fact, after the branch, makes each of the two gravest end states
FACT_END_STATES = {"direct_nato_russia_war": "direct_nato_russia_war", "nuclear_use": "nuclear_threshold"}


def intensity(ladder: CompiledLadder, live: np.ndarray) -> np.ndarray:
    """Escalation intensity per world of postures ``live`` (actors, W; -1 for an actor not taking part)."""
    scores = np.append(ladder.intensity, 0)  # index -1: no part, no score
    return scores[live].sum(axis=0)


def entries(ladder: CompiledLadder, before: np.ndarray, now: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who entered which band where, between standing postures ``before`` and postures ``now`` (actors, W): the
    actor, band and world of each climb into a band (coming down into it is no new fact) or one-off action taken."""
    actors, worlds = np.nonzero(now != before)  # a fact needs a move, and few actors move on a day
    moved, was = now[actors, worlds], before[actors, worlds]
    bands = np.append(ladder.band, -1)  # index -1: no part, no band
    band = bands[moved]
    fresh = (band > bands[was]) | np.append(ladder.action, False)[moved]
    return actors[fresh], band[fresh], worlds[fresh]


def entered(ladder: CompiledLadder, before: np.ndarray, now: np.ndarray, found: tuple | None = None) -> np.ndarray:
    """Thresholds whose band some actor climbed into, or acted in, between standing postures ``before`` and postures ``now``:
    (thresholds, W). ``found``: the :func:`entries` already at hand."""
    hit = np.zeros((len(ladder.band_thresholds), now.shape[1]), dtype=bool)
    _, band, worlds = entries(ladder, before, now) if found is None else found
    hit[band, worlds] = True
    out = np.zeros((len(ladder.threshold_ids), now.shape[1]), dtype=bool)
    for b, thresholds in enumerate(ladder.band_thresholds):
        out[list(thresholds)] = hit[b]
    return out


def pairs_at_war(ladder: CompiledLadder, adversary: np.ndarray, standing: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of adversaries that matter, from the postures ``standing`` at the branch.

    Returns the pairs' two actor indices and a mask (pairs, W): the pairs at war (both
    taking part, one of them on a fighting rung), or where no pair is at war, every pair
    of adversaries taking part.
    """
    i, j = np.nonzero(np.triu(adversary | adversary.T, 1))
    both = (standing[i] >= 0) & (standing[j] >= 0)
    fighting = np.append(ladder.fighting, False)
    war = both & (fighting[standing[i]] | fighting[standing[j]])
    return i, j, np.where(war.any(axis=0), war, both)


def settled(ladder: CompiledLadder, pairs: tuple[np.ndarray, np.ndarray, np.ndarray], end: np.ndarray) -> np.ndarray:
    """Worlds where every pair that matters ends with neither fighting and one of them at talks, or with one side
    gone (``end``: standing postures at the end)."""
    i, j, matter = pairs
    talks = np.append(ladder.talks, True)  # an actor no longer taking part fights no one
    fighting = np.append(ladder.fighting, False)
    quiet = (talks[end[i]] | talks[end[j]]) & ~fighting[end[i]] & ~fighting[end[j]]
    return matter.any(axis=0) & (quiet | ~matter).all(axis=0)


def end_state(
    ladder: CompiledLadder, *, facts: np.ndarray, settled: np.ndarray, at_branch: np.ndarray, at_end: np.ndarray, band: float
) -> np.ndarray:
    """End-state code per world (index into END_STATES).

    ``facts`` holds each threshold's first turn after the branch (-1: never), by threshold;
    ``at_branch`` and ``at_end`` the intensity of the standing postures then.
    """
    change = at_end.astype(float) - at_branch
    state = np.where(change < -band, 1, np.where(change > band, 3, 2)).astype(np.int64)
    state = np.where(settled, 0, state)
    for code, name in ((4, "direct_nato_russia_war"), (5, "nuclear_use")):
        # the threshold's fact, or that of any graver one (a jump straight to theatre nuclear war is nuclear use)
        graver = ladder.threshold_levels >= ladder.threshold_level(FACT_END_STATES[name])
        state = np.where((facts[graver] >= 0).any(axis=0), code, state)
    return state
