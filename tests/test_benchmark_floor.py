"""The speed benchmark's arithmetic floor does the arithmetic it claims: its picks are the logit choice's."""

from __future__ import annotations

import numpy as np

from benchmarks.floor import decisions


def test_the_floor_picks_as_a_plain_logit_choice_does():
    rng = np.random.default_rng(3)
    candidates = np.array([5, 4, 2, 1], dtype=np.int64)
    shape = (len(candidates), 5_000)
    aim = rng.uniform(0, 4, shape).astype(np.float32)
    danger, cost = (rng.uniform(0, 0.5, shape).astype(np.float32) for _ in range(2))
    u = rng.random(shape, dtype=np.float32)
    pick = np.full(shape, -1, dtype=np.int64)
    decisions(candidates, aim, danger, cost, u, pick)
    for a, k in enumerate(candidates):
        level = np.arange(k, dtype=np.float64)[:, None]
        weight = np.exp(-((level - aim[a]) ** 2) - danger[a] * level - cost[a] * (level >= k // 2))
        cumulative = np.cumsum(weight, axis=0)
        expected = (cumulative[:-1] < u[a] * cumulative[-1]).sum(axis=0)
        assert (pick[a] == expected).mean() > 0.999, a  # single against double precision: a draw on an edge may differ
        assert len(np.unique(pick[a])) == k  # every move is chosen somewhere
