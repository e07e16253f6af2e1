"""The arithmetic floor of a chunk: what the decisions alone must compute, with nothing else around them.

For every world, turn and actor, each of the actor's candidate moves gets a score of a few flops (the squared gap to
its aim, a danger weight, a red line's cost on the upper moves) and one exp (its logit weight); the weights are summed and a uniform draw
picks a move. Nothing is read through the fog, no red line or war is kept, nothing is recorded, no draw is made: the
inputs sit ready in memory. It runs compiled, in SIMD lanes over the worlds, with the engine's own exp polynomial.

The engine's cost per world-turn-actor over this floor, both measured in the same run, reads the same on a fast machine
as on a slow one; the target is ten times the floor.
"""

from __future__ import annotations

import numba
import numpy as np

from escalation.model.numerics import EXP_FLOOR, HALF, LN2_HI, LN2_LO, LOG2E, ONE, P0, P1, P2, P3, P4, P5


@numba.njit(nogil=True, error_model="numpy")
def decisions(candidates, aim, danger, cost, u, pick):
    """One turn of every actor in every world: ``candidates[a]`` moves for actor ``a``; returns nothing, fills ``pick``."""
    actors, worlds = aim.shape
    weight = np.empty((candidates.max(), worlds), dtype=np.float32)
    bits = np.empty(worlds, dtype=np.int32)
    scale = bits.view(np.float32)  # 2**n, made from its exponent's bits: the pass then runs in SIMD lanes
    total = np.empty(worlds, dtype=np.float32)
    zero = np.float32(0.0)
    for a in range(actors):
        goal, d, c, draw, chosen = aim[a], danger[a], cost[a], u[a], pick[a]
        total[:] = 0.0
        line = candidates[a] // 2  # a red line's cost on the moves from the middle one up
        for k in range(candidates[a]):
            level = np.float32(k)
            row = weight[k]
            for w in range(worlds):
                gap = level - goal[w]
                x = max(-(gap * gap) - d[w] * level - (c[w] if k >= line else zero), EXP_FLOOR)
                n = np.floor(x * LOG2E + HALF)
                r = (x - n * LN2_HI) - n * LN2_LO
                p = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5
                row[w] = p * (r * r) + r + ONE
                bits[w] = (np.int32(n) + np.int32(127)) << np.int32(23)
            for w in range(worlds):
                e = row[w] * scale[w]
                row[w] = e
                total[w] += e
        for w in range(worlds):
            total[w] *= draw[w]
            chosen[w] = 0
        acc = np.zeros(worlds, dtype=np.float32)
        for k in range(candidates[a] - 1):
            row = weight[k]
            for w in range(worlds):
                acc[w] += row[w]
                chosen[w] += acc[w] < total[w]


def units_per_run(scenario: str) -> int:
    """The world-turn-actors of one run of ``scenario``: the unit of work the floor and the engine are measured in."""
    from escalation.scenario.loading import load_scenario

    loaded = load_scenario(scenario)
    return loaded.turns * len(loaded.actors)


def unit_ns(scenario: str = "nov-2024", worlds: int = 10_000, repeat: int = 5) -> float:
    """CPU nanoseconds per world-turn-actor of the floor for ``scenario``: its turns, and each deciding actor's candidate
    moves (an actor that never decides costs nothing and still counts as a unit, as it does in a chunk); the best of
    ``repeat``."""
    import time

    from escalation.model import Crisis

    model = Crisis(scenario, worlds=1, rng=0, collect=False)
    candidates = np.array([a.table.shape[0] for a in model.order if a.rule.decides], dtype=np.int64)
    rng = np.random.default_rng(0)
    shape = (len(candidates), worlds)
    aim = rng.uniform(0, 4, shape).astype(np.float32)
    danger, cost = (rng.uniform(0, 0.5, shape).astype(np.float32) for _ in range(2))
    u = rng.random(shape, dtype=np.float32)
    pick = np.empty(shape, dtype=np.int64)
    decisions(candidates, aim, danger, cost, u, pick)  # compile
    best = np.inf
    for _ in range(repeat):
        t = time.process_time()
        for _ in range(model.turns):
            decisions(candidates, aim, danger, cost, u, pick)
        best = min(best, time.process_time() - t)
    return best / (units_per_run(scenario) * worlds) * 1e9
