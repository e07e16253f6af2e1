"""The hot path's kernels: each a pure-numpy reference and a compiled twin that gives the same bits.

Two kernels carry arithmetic that numpy does badly (one temporary per operation, one pass
over memory each): the keyed random draws, and each actor's choice (every candidate's score,
then the logit draw). Their numba twins fuse each into passes over the worlds, writing into
preallocated arrays. Both paths use only integer arithmetic and single IEEE operations in the same
order (no library transcendental: numpy's vectorised ``exp`` and the C library's differ
in the last bit), so the compiled path equals the reference bit for bit; the tests
compare them on every shipped scenario.

The compiled path serves batches of at least :data:`COMPILED_FROM` worlds; a single
world (the classroom) keeps the reference path, so ``escalation run`` never imports
numba or waits for a compilation. ``ESCALATION_KERNELS=numpy`` (or ``numba``) forces
one path everywhere. Compiled kernels are cached in the user's cache folder
(``$NUMBA_CACHE_DIR``, by default ``~/.cache/escalation/numba``), so only the first batch
on a machine compiles them (about two CPU-seconds).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

COMPILED_FROM = 64  # worlds from which a batch takes the compiled path (below it, compiling and dispatch cost more than they save)
PATHS = ("auto", "numpy", "numba")

# SplitMix64 (Steele, Lea & Flood 2014): a Weyl sequence through a 64-bit finaliser
GAMMA, MIX1, MIX2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
S30, S27, S31, S11 = (np.uint64(s) for s in (30, 27, 31, 11))
TO_UNIT = 2.0**-53

# exp(x) for x <= 0 in single precision (Cephes' expf: Cody and Waite's reduction, a degree-6 polynomial)
LOG2E, LN2_HI, LN2_LO = np.float32(1.44269504088896341), np.float32(0.693359375), np.float32(-2.12194440e-4)
P0, P1, P2, P3, P4, P5 = (np.float32(c) for c in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1))
EXP_FLOOR = np.float32(-87.0)  # below it (2**-125.5) the weight is taken as exactly 0: illegal moves sit at -1e30
HALF, ONE, BIG = np.float32(0.5), np.float32(1.0), np.float32(1e30)


def path(worlds: int, choice: str = "auto") -> str:
    """The kernels' path for a model of ``worlds`` worlds: "numba" or "numpy"."""
    choice = os.environ.get("ESCALATION_KERNELS", choice) if choice == "auto" else choice
    if choice not in PATHS:
        raise ValueError(f"kernels must be one of {', '.join(PATHS)} (got {choice!r})")
    if choice == "auto":
        return "numba" if worlds >= COMPILED_FROM else "numpy"
    return choice


@dataclass
class Costs:
    """The per-world weights (float32, (W,)) of the costs an actor's candidate moves bear this turn (see ``Crisis._score``):
    crossing thresholds, inertia, each red line it watches (its key, the rung it is drawn at, the expected cost), restraint
    (None: no restrainer) and the audience cost of each promise it owes (the rungs that keep it, the bonus)."""

    danger: np.ndarray
    inertia: np.ndarray
    lines: list = field(default_factory=list)
    restraint: np.ndarray | None = None
    audience: list = field(default_factory=list)


# ---------------------------------------------------------------- reference (numpy)


def uniforms_reference(key: np.uint64, ids: np.ndarray, lanes: int) -> np.ndarray:
    """``lanes`` uniform draws in [0, 1) per world: lane l of the world with run id i is the (4i + l)-th
    output of SplitMix64 seeded with ``key``; shape (lanes, W)."""
    with np.errstate(over="ignore"):
        z = (ids[None, :] * np.uint64(4) + np.arange(lanes, dtype=np.uint64)[:, None]) * GAMMA + key
        z ^= z >> S30
        z *= MIX1
        z ^= z >> S27
        z *= MIX2
        z ^= z >> S31
    return (z >> S11) * TO_UNIT


def exp_reference(x: np.ndarray) -> np.ndarray:
    """exp of single-precision ``x`` <= 0, elementwise, in the operations the compiled twin makes."""
    kept = x >= EXP_FLOOR
    x = np.where(kept, x, EXP_FLOOR)
    n = np.floor(x * LOG2E + HALF)
    r = x - n * LN2_HI
    r = r - n * LN2_LO
    p = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5
    p = p * (r * r) + r + ONE
    scale = ((n.astype(np.int32) + np.int32(127)) << np.int32(23)).view(np.float32)  # 2**n, exact: its bits
    return np.where(kept, p, np.float32(0.0)) * scale


def logit_pick_reference(score: np.ndarray, legal: np.ndarray, temperature: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Row drawn in each column from softmax(score / temperature) over the legal rows (``score``: float32, overwritten).

    ``u`` holds one uniform draw in [0, 1) per column (inverse-CDF sampling, so one number
    per world decides the choice)."""
    score *= (1.0 / temperature).astype(np.float32)
    score -= ~legal * BIG  # arithmetic, not a masked write: much faster
    score -= score.max(axis=0)
    weight = exp_reference(score)  # illegal rows come to exactly 0
    target = (1.0 - u) * weight.sum(axis=0, dtype=np.float64)  # in (0, total]
    acc = np.zeros_like(target)
    pick = np.zeros(score.shape[1], dtype=np.int64)
    for row in weight[:-1]:  # pick = how many cumulative weights fall short of the target
        acc += row
        pick += acc < target
    return pick


# ---------------------------------------------------------------- compiled (numba)


@functools.cache
def _compiled():
    """The numba twins, compiled on first use (and cached on disk): numba is imported only here."""
    os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "escalation" / "numba"))
    import numba

    jit = numba.njit(cache=True, nogil=True, error_model="numpy")

    @jit
    def uniforms(key, ids, out):
        for lane in range(out.shape[0]):
            for w in range(ids.shape[0]):
                z = (ids[w] * np.uint64(4) + np.uint64(lane)) * GAMMA + key
                z ^= z >> S30
                z *= MIX1
                z ^= z >> S27
                z *= MIX2
                z ^= z >> S31
                out[lane, w] = np.float64(z >> S11) * TO_UNIT

    @jit
    def logit_pick(score, legal, temperature, u, pick):
        # row by row, each pass over contiguous memory (the worlds): the order of the reference's operations
        rows, worlds = score.shape
        inv, top = np.empty(worlds, dtype=np.float32), np.full(worlds, -np.inf, dtype=np.float32)
        for w in range(worlds):
            inv[w] = np.float32(1.0 / temperature[w])
        for k in range(rows):
            for w in range(worlds):
                s = score[k, w] * inv[w]
                if not legal[k, w]:
                    s = s - BIG
                score[k, w] = s
                top[w] = max(top[w], s)
        # exp in two vectorisable passes: the polynomial and the exponent's bits, then their product
        bits = np.empty((rows, worlds), dtype=np.int32)
        for k in range(rows):
            for w in range(worlds):
                x = score[k, w] - top[w]
                kept = x >= EXP_FLOOR
                x = max(x, EXP_FLOOR)
                n = np.floor(x * LOG2E + HALF)
                r = x - n * LN2_HI
                r = r - n * LN2_LO
                p = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5
                p = p * (r * r) + r + ONE
                score[k, w] = p if kept else np.float32(0.0)
                bits[k, w] = (np.int32(n) + np.int32(127)) << np.int32(23)
        scale = bits.view(np.float32)
        total = np.zeros(worlds)
        for k in range(rows):
            for w in range(worlds):
                e = score[k, w] * scale[k, w]
                score[k, w] = e
                total[w] += np.float64(e)
        acc = np.zeros(worlds)
        for w in range(worlds):
            total[w] = (1.0 - u[w]) * total[w]  # the target, in (0, total]
            pick[w] = 0
        for k in range(rows - 1):
            for w in range(worlds):
                acc[w] += np.float64(score[k, w])
                pick[w] += acc[w] < total[w]

    @jit
    def choose(levels, legal, posture, aim, table_danger, danger, inertia, stay, line_at, line_cost, restrained, restraint,
               keeps, bonus, temperature, u, pick):
        # the reference's operations in its order, per candidate and world, into one scratch array; then the logit draw
        rows, worlds = levels.shape
        score = np.empty((rows, worlds), dtype=np.float32)
        zero = np.float32(0.0)
        for k in range(rows):
            for w in range(worlds):
                level = levels[k, w]
                s = np.float32(level) - aim[w]
                s = -(s * s)
                s = s - table_danger[k, posture[w]] * danger[w]
                if k == stay:
                    s = s - (-inertia[w])
                for r in range(line_at.shape[0]):
                    s = s - (line_cost[r, w] if level >= line_at[r] else zero)
                if restrained.shape[0]:
                    added = max(restrained[max(level, 0)] - restrained[posture[w]], zero)
                    s = s - added * restraint[w]
                for r in range(keeps.shape[0]):
                    s = s - (-(bonus[r, w] if keeps[r, max(level, 0)] and level >= 0 else zero))
                score[k, w] = s
        logit_pick(score, legal, temperature, u, pick)

    return uniforms, logit_pick, choose


def uniforms(key: np.uint64, ids: np.ndarray, lanes: int, kernels: str) -> np.ndarray:
    """See :func:`uniforms_reference`; ``kernels`` is a :func:`path`."""
    if kernels == "numpy":
        return uniforms_reference(key, ids, lanes)
    out = np.empty((lanes, len(ids)))
    _compiled()[0](np.uint64(key), ids, out)
    return out


def logit_pick(score: np.ndarray, legal: np.ndarray, temperature: np.ndarray, u: np.ndarray, kernels: str = "numpy") -> np.ndarray:
    """See :func:`logit_pick_reference`; ``kernels`` is a :func:`path`."""
    if kernels == "numpy":
        return logit_pick_reference(score, legal, temperature, u)
    pick = np.empty(score.shape[1], dtype=np.int64)
    temperature = np.broadcast_to(np.asarray(temperature, dtype=np.float64), pick.shape)
    _compiled()[1](score, legal, np.ascontiguousarray(temperature), np.asarray(u, dtype=np.float64), pick)
    return pick


def choose(levels: np.ndarray, legal: np.ndarray, posture: np.ndarray, aim: np.ndarray, table_danger: np.ndarray, costs: Costs, stay: int,
           restrained: np.ndarray, temperature: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The compiled twin of ``Crisis._score`` followed by :func:`logit_pick`: the row each world picks."""
    worlds = levels.shape[1]
    f32 = np.float32
    pick = np.empty(worlds, dtype=np.int64)
    lines = costs.lines
    line_at = np.array([at for _, at, _ in lines], dtype=np.int64)
    line_cost = np.stack([c for _, _, c in lines]) if lines else np.zeros((0, worlds), dtype=f32)
    keeps = np.stack([k for k, _ in costs.audience]) if costs.audience else np.zeros((0, len(restrained)), dtype=bool)
    bonus = np.stack([b for _, b in costs.audience]) if costs.audience else np.zeros((0, worlds), dtype=f32)
    restraint = costs.restraint if costs.restraint is not None else np.zeros(worlds, dtype=f32)
    _compiled()[2](levels, legal, posture, aim, table_danger, costs.danger, costs.inertia, stay, line_at, line_cost,
                   restrained if costs.restraint is not None else restrained[:0], restraint, keeps, bonus,
                   np.ascontiguousarray(np.broadcast_to(np.asarray(temperature, dtype=np.float64), (worlds,))), np.asarray(u, dtype=np.float64), pick)
    return pick
