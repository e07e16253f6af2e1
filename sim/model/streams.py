"""Random draws keyed by what they are for.

Every draw of the model comes from a counter-based generator (numpy's Philox 4x64).
Its key is a hash of the run's seed and the turn; its counter is the world's run id
together with a hash of the draw's purpose (an actor's decision, a red line, an event).
A world's draw therefore depends only on the seed, its run id, the turn and what the
draw is for, never on how many draws came before it:

- listing actors in another order, or adding one that nobody reacts to, changes no
  other actor's draws;
- a draw made only where it matters (an event inside its window) shifts no other;
- a world gives the same draws alone (W = 1, ``first_run=i``) as inside a chunk of any
  size, so results do not depend on how a batch is cut into chunks.

Each call yields four independent 64-bit lanes per world. A hand-written keying over
numpy's own Philox: no library offers per-purpose keyed streams over a batch axis.
"""

from __future__ import annotations

import hashlib

import numpy as np

LANES = 4  # 64-bit outputs per world and purpose: Philox 4x64 makes four per counter step


def _hash(*parts) -> tuple[int, int]:
    """Two 64-bit words from the parts, the same on every machine and Python run."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


class Streams:
    """The draws of ``worlds`` worlds with run ids ``first_run``, ``first_run + 1``, ... under ``seed``.

    ``replicates`` (one run id per world) replaces that range for worlds whose ids do not follow
    on: the points of a sweep packed into one chunk, which share their replicate numbers (common
    random numbers). A world then draws exactly what it would draw alone."""

    def __init__(self, seed: int, worlds: int, first_run: int = 0, replicates: np.ndarray | None = None):
        if not 0 <= first_run < 2**63 or worlds < 1:
            raise ValueError(f"first_run must be a whole number from 0 and worlds at least 1 (got {first_run}, {worlds})")
        self.seed, self.worlds, self.first_run = int(seed), int(worlds), int(first_run)
        self._keys: dict[int, np.ndarray] = {}
        self._gather: np.ndarray | None = None
        self._span = self.worlds
        if replicates is not None:
            ids = np.asarray(replicates, dtype=np.int64)
            if ids.shape != (self.worlds,) or (ids < 0).any():
                raise ValueError(f"replicates must be {self.worlds} run ids from 0")
            low = int(ids.min())
            self.first_run, self._span = low, int(ids.max()) - low + 1
            if not np.array_equal(ids, np.arange(low, low + self.worlds)):
                # draw the span of ids once, then hand each world its own: the shared ids of packed points cost one draw
                self._gather = ids - low

    def _key(self, turn: int) -> np.ndarray:
        key = self._keys.get(turn)
        if key is None:
            key = self._keys[turn] = np.array(_hash("escalation", self.seed, turn), dtype=np.uint64)
        return key

    def _generator(self, turn: int, purpose: tuple) -> np.random.Generator:
        lo, hi = _hash(*purpose)
        counter = np.array([self.first_run, lo, hi, 0], dtype=np.uint64)
        return np.random.Generator(np.random.Philox(key=self._key(turn), counter=counter))

    def uniforms(self, turn: int, *purpose) -> np.ndarray:
        """Four independent uniform draws in [0, 1) per world for ``purpose`` at ``turn``: shape (LANES, W).

        Each is a 64-bit Philox word's top 53 bits times 2**-53 (numpy's own conversion,
        done in C: faster than shifting the raw words here, and the same numbers)."""
        drawn = self._generator(turn, purpose).random(LANES * self._span).reshape(self._span, LANES).T
        return drawn if self._gather is None else drawn[:, self._gather]

    def uniform(self, turn: int, *purpose) -> np.ndarray:
        """One uniform draw in [0, 1) per world: the first lane of :meth:`uniforms`."""
        return self.uniforms(turn, *purpose)[0]


def normals(u1: np.ndarray, u2: np.ndarray, first: bool = True, second: bool = True) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Two independent standard normal draws (float32) from two uniform ones (Box and Muller, 1958); either
    one may be left undrawn (None), and the other is the same as when both are."""
    # in single precision, several times faster over a batch (and ample for a misreading of a rung); the
    # rounding of a draw just under 1 up to 1 is kept out, so log1p never sees -1
    u1 = np.minimum(u1.astype(np.float32), np.float32(1.0 - 2.0**-24))
    radius = np.sqrt(np.float32(-2.0) * np.log1p(-u1))
    angle = np.float32(2.0 * np.pi) * u2.astype(np.float32)
    return radius * np.cos(angle) if first else None, radius * np.sin(angle) if second else None
