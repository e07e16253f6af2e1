"""A one-line progress bar with runs per second and time left, on an interactive terminal only."""

from __future__ import annotations

import sys
import time


class Progress:
    """Redraws at most a few times a second; silent when the stream is not a terminal."""

    WIDTH = 24

    def __init__(self, total: int, done: int = 0, label: str = "", stream=None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.done, self.label = total, done, label
        self.start_done = done
        self.started = time.perf_counter()
        self.last = 0.0

    def advance(self, runs: int) -> None:
        self.done += runs
        now = time.perf_counter()
        if self.enabled and (now - self.last > 0.2 or self.done >= self.total):
            self.last = now
            self._draw(now)

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, now: float) -> None:
        share = self.done / self.total if self.total else 1.0
        filled = int(share * self.WIDTH)
        rate = (self.done - self.start_done) / max(now - self.started, 1e-9)
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        bar = "#" * filled + "." * (self.WIDTH - filled)
        eta = _clock(left) if left != float("inf") else "--:--"
        self.stream.write(f"\r{self.label} [{bar}] {share:4.0%}  {self.done:,}/{self.total:,} runs  {rate:,.0f} runs/s  {eta} left ")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
