"""Random draws keyed by what they are for.

Every draw of the model comes from a counter-based generator (SplitMix64: Steele, Lea and
Flood 2014, a Weyl sequence through a 64-bit finaliser). Its key is a hash of the run's
seed, the turn and the draw's purpose (an actor's decision, a red line, an event); its
counter is the world's run id and the lane. A world's draw therefore depends only on the
seed, its run id, the turn and what the draw is for, never on how many draws came before it:

- listing actors in another order, or adding one that nobody reacts to, changes no
  other actor's draws;
- a draw made only where it matters (an event inside its window) shifts no other;
- a world gives the same draws alone (W = 1, ``first_run=i``) as inside a chunk of any
  size or a packed sweep, so results do not depend on how a batch is cut into chunks.

Each call yields up to four independent draws per world, computed from the run ids over the
world axis in one pass (see ``kernels``). Written here: numpy's Philox needs a Generator per
purpose and call (its set-up alone is most of a one-world draw) and makes four times slower
draws over a batch; no library offers per-purpose keyed streams over a batch axis.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np

from escalation.model import kernels

LANES = 4  # independent draws per world and purpose


@functools.lru_cache(maxsize=8192)  # a batch's chunks share its seed, so each turn's keys come round again in every chunk
def _hash(*parts) -> np.uint64:
    """A 64-bit key from the parts, the same on every machine and Python run."""
    return np.uint64(int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest(), "little"))


class Streams:
    """The draws of ``worlds`` worlds with run ids ``first_run``, ``first_run + 1``, ... under ``seed``.

    ``replicates`` (one run id per world) replaces that range for worlds whose ids do not follow
    on: the points of a sweep packed into one chunk, which share their replicate numbers (common
    random numbers). A world then draws exactly what it would draw alone. ``kernels`` is the
    path the draws are computed on (see :func:`kernels.path`): the same numbers either way."""

    def __init__(self, seed: int, worlds: int, first_run: int = 0, replicates: np.ndarray | None = None, kernels: str = "numpy"):
        if not 0 <= first_run < 2**62 or worlds < 1:
            raise ValueError(f"first_run must be a whole number from 0 and worlds at least 1 (got {first_run}, {worlds})")
        self.seed, self.worlds, self.kernels = int(seed), int(worlds), kernels
        if replicates is None:
            self.ids = np.arange(first_run, first_run + self.worlds, dtype=np.uint64)
        else:
            ids = np.asarray(replicates, dtype=np.int64)
            if ids.shape != (self.worlds,) or (ids < 0).any():
                raise ValueError(f"replicates must be {self.worlds} run ids from 0")
            self.ids = ids.astype(np.uint64)

    def uniforms(self, turn: int, *purpose, lanes: int = LANES) -> np.ndarray:
        """``lanes`` (up to four) independent uniform draws in [0, 1) per world for ``purpose`` at ``turn``:
        shape (lanes, W). Lane l is the same whether one lane is drawn or four."""
        return kernels.uniforms(_hash("escalation", self.seed, turn, *purpose), self.ids, lanes, self.kernels)

    def uniform(self, turn: int, *purpose) -> np.ndarray:
        """One uniform draw in [0, 1) per world: the first lane of :meth:`uniforms`."""
        return self.uniforms(turn, *purpose, lanes=1)[0]


def normals(u1: np.ndarray, u2: np.ndarray, first: bool = True, second: bool = True, path: str = "numpy") -> tuple[np.ndarray | None, np.ndarray | None]:
    """Two independent standard normal draws (float32) from two uniform ones (Box and Muller, 1958); either
    one may be left undrawn (None), and the other is the same as when both are. ``path`` is the kernels' path they
    are computed on: the same numbers either way, and on every processor (see ``numerics.normals_reference``)."""
    return kernels.normals(u1, u2, first, second, path)
