"""The one tabletop session that every connected browser shares.

Solara keeps state per browser tab; a class needs the opposite: the projector,
each team's seat and the facilitator all look at one game. The hub holds that
game behind a lock, counts its changes, and wakes every page waiting for the
next change, so that all browsers update as soon as anyone acts.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path

from escalation.analysis.aar import Report
from escalation.errors import TabletopError
from escalation.tabletop.session import Session


class Hub:
    """The shared session, its change counter and the server's settings."""

    def __init__(self, scenario: str = "nov-2024", out_dir="out/tabletop-web", key: str = ""):
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.version = 0
        self.session: Session | None = None
        self.scenario = scenario  # offered first when the facilitator sets up a game
        self.out_dir = Path(out_dir)
        self.key = key  # the facilitator view asks for it (?key=...)
        self.report: Report | None = None  # the last after-action report written
        self._chart: tuple[int, bytes] | None = None

    def _bump(self) -> None:
        self.version += 1
        self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the version differs from ``seen`` (or ``timeout`` seconds pass); return it."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version

    def act(self, change: Callable[[Session], object]) -> str | None:
        """Apply ``change`` to the session; return the message if it was refused (nothing changed)."""
        with self.lock:
            if self.session is None:
                return "no game is set up yet"
            try:
                change(self.session)
            except TabletopError as exc:
                return str(exc)
            self._bump()
        return None

    def start(self, scenario, humans, seed: int = 0, length: int | None = None) -> str | None:
        """Begin a new game (replacing the current one); return a message if it cannot start."""
        from escalation.scenario.problems import ScenarioError

        try:
            session = Session(scenario, humans, seed, length=length)
        except TabletopError as exc:
            return str(exc)
        except ScenarioError as exc:
            return exc.brief()
        self.replace(session)
        return None

    def load(self, text: str, name: str) -> str | None:
        """Resume a saved session from its JSON text; return a message if the file is refused."""
        try:
            session = Session.from_json(text, name)
        except TabletopError as exc:
            return str(exc)
        self.replace(session)
        return None

    def replace(self, session: Session) -> None:
        with self.lock:
            self.session = session
            self.report = None
            self._bump()

    def write_report(self) -> str | None:
        """Write the after-action report of the game so far into the output folder
        (kept as ``report``); return the message if there is nothing to report."""
        from escalation.analysis.aar import write_report

        with self.lock:
            if self.session is None:
                return "no game is set up yet"
            try:
                self.report = write_report(self.session, self.out_dir)
            except TabletopError as exc:
                return str(exc)
            self._bump()
        return None

    def chart_png(self) -> bytes | None:
        """The ladder chart of the game so far, drawn once per change whoever asks."""
        with self.lock:
            if self.session is None or self.session.turn == 0:  # at the branch, the history to it is already drawn
                return None
            if self._chart is None or self._chart[0] != self.version:
                from escalation.analysis.ladder_chart import ladder_figure
                from escalation.analysis.style import pyplot

                fig = ladder_figure(self.session.model)
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=72)
                pyplot().close(fig)
                self._chart = (self.version, buf.getvalue())
            return self._chart[1]


HUB = Hub()  # the server's one hub; `escalation serve` configures it before the first page
