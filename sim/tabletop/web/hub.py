"""The classes a server holds: each one tabletop game that every browser of that class shares.

Solara keeps state per browser tab; a class needs the opposite: the projector,
each team's seat and the facilitator all look at one game. A :class:`Hub` holds
that game behind a lock, counts its changes, and wakes every page waiting for
the next change, so that all browsers update as soon as anyone acts. It also
holds the class's secrets (the facilitator's key and one token per team seat),
saves the game after every change into the class's folder, and resumes the
latest save when the server restarts with ``--resume``.

One server may hold several classes (:data:`HUBS`, by name), each with its own
key, seats and folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import io
import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

from escalation.analysis.aar import Report
from escalation.errors import TabletopError
from escalation.tabletop.session import Session

REPLAY_GUARD = 1.5  # seconds: a second "Play turn" this soon after one is the same click twice, not a new turn
SECRETS = "secrets.json"  # in the class's folder, readable by its owner only: the key and the seats' tokens


def new_token() -> str:
    return secrets.token_urlsafe(12)


def same_secret(given: str | None, expected: str | None) -> bool:
    """A constant-time comparison, so that the time taken says nothing about how much of a secret was right."""
    return bool(given and expected) and hmac.compare_digest(str(given).encode(), str(expected).encode())


class Hub:
    """One class: its shared session, change counter, secrets and folder."""

    def __init__(self, scenario: str = "nov-2024", out_dir="out/tabletop-web", key: str = "", name: str = ""):
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.version = 0
        self.name = name  # the class's name in its links (empty when the server holds one class)
        self.session: Session | None = None
        self.scenario = scenario  # offered first when the facilitator sets up a game
        self.out_dir = Path(out_dir)
        self.key = key  # the facilitator view asks for it (?key=...)
        self.tokens: dict[str, str] = {}  # seat -> its team's secret (?token=...)
        self.reveal = False  # the projector shows only what is public until the facilitator reveals the truth
        self.report: Report | None = None  # the last after-action report written
        self.autosave: Path | None = None  # this game's file in the class's folder
        self._played_at = 0.0
        self._chart: tuple[int, bytes] | None = None

    # ------------------------------------------------------------------ changes

    def _bump(self) -> None:
        self.version += 1
        self._save()
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

    def play(self, at: int, turns: int = 1) -> str | None:
        """Play ``turns`` game turns from day ``at`` (the day the button showed): a click that arrives
        after that turn was played, or a second click within moments of the first, plays nothing."""
        with self.lock:
            if self.session is None:
                return "no game is set up yet"
            if at != self.session.turn or time.monotonic() - self._played_at < REPLAY_GUARD:
                return "That turn has already been played (one click plays one turn)."
            try:
                self.session.advance(turns, at=at)
            except TabletopError as exc:
                return str(exc)
            self._played_at = time.monotonic()
            self._bump()
        return None

    def set_reveal(self, on: bool) -> None:
        with self.lock:
            self.reveal = on
            self._bump()

    # ------------------------------------------------------------------ games

    def start(self, scenario, humans, seed: int = 0, length: int | None = None, days_per_turn: int = 1) -> str | None:
        """Begin a new game (replacing the current one, whose save stays in the folder); return a message if it cannot start."""
        from escalation.scenario.problems import ScenarioError

        try:
            session = Session(scenario, humans, seed, length=length, days_per_turn=days_per_turn)
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

    def replace(self, session: Session, autosave: Path | None = None, tokens: dict[str, str] | None = None) -> None:
        """Make ``session`` the class's game: new seat links (unless ``tokens`` are kept), a new save file
        (unless resuming ``autosave``)."""
        with self.lock:
            self.session = session
            self.report = None
            self.reveal = False
            self._played_at = 0.0
            kept = tokens or {}
            self.tokens = {seat: kept.get(seat) or new_token() for seat in session.humans}
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            self.autosave = autosave or self.out_dir / f"autosave-{stamp}-{session.scenario.name}.json"
            self._bump()

    def reissue(self, seat: str) -> str | None:
        """Revoke a seat's link and give it a new one; return a message if there is no such team seat."""
        with self.lock:
            if seat not in self.tokens:
                return f"'{seat}' is not a team's seat in this game"
            self.tokens[seat] = new_token()
            self._bump()
        return None

    def seat_for(self, seat: str, token: str | None) -> bool:
        """Whether ``token`` opens ``seat``'s page (only a team's seat has one)."""
        with self.lock:
            return same_secret(token, self.tokens.get(seat))

    def is_facilitator(self, key: str | None) -> bool:
        return same_secret(key, self.key)

    # ------------------------------------------------------------------ saving

    def _save(self) -> None:
        """Write the game and the class's secrets into its folder: a stopped server loses nothing."""
        if self.session is None or self.autosave is None:
            return
        try:
            self.session.save(self.autosave)
            self._write_secrets()
        except TabletopError as exc:  # a full disk must not stop the class: say so on the server's console
            print(f"escalation serve: could not save the game: {exc}", flush=True)

    def _write_secrets(self) -> None:
        path = self.out_dir / SECRETS
        tmp = path.with_name(path.name + ".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"key": self.key, "tokens": self.tokens, "autosave": str(self.autosave)}, fh)
        tmp.replace(path)

    def resume(self) -> str | None:
        """Continue the latest game saved in the class's folder, with its seat links; a message if there is none
        or it cannot be read (nothing then changes)."""
        saves = sorted(self.out_dir.glob("autosave-*.json"), key=lambda p: p.stat().st_mtime)
        if not saves:
            return f"{self.out_dir}: no saved game to resume (games are saved there as autosave-*.json)"
        latest = saves[-1]
        try:
            session = Session.load(latest)
        except TabletopError as exc:
            return str(exc)
        kept: dict = {}
        with contextlib.suppress(OSError, ValueError):  # without them new links are printed; the game itself is intact
            kept = json.loads((self.out_dir / SECRETS).read_text(encoding="utf-8"))
        if not self.key:
            self.key = kept["key"] if isinstance(kept.get("key"), str) and kept["key"] else secrets.token_urlsafe(9)
        same_game = kept.get("autosave") == str(latest)
        self.replace(session, autosave=latest, tokens=kept.get("tokens") if same_game and isinstance(kept.get("tokens"), dict) else None)
        return None

    # ------------------------------------------------------------------ reports and charts

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

    # ------------------------------------------------------------------ links

    def links(self, base: str) -> dict[str, str]:
        """The class's pages: the projector, each team's seat (with its token), the facilitator (with the key)."""
        cls = f"class={self.name}&" if self.name else ""
        out = {"projector": f"{base}/" + (f"?class={self.name}" if self.name else "")}
        for seat, token in self.tokens.items():
            out[f"seat {seat}"] = f"{base}/?{cls}seat={seat}&token={token}"
        out["facilitator"] = f"{base}/facilitator?{cls}key={self.key}"
        return out


HUBS: dict[str, Hub] = {"": Hub()}  # the server's classes by name; `escalation serve` sets them up before the first page


def hub_for(name: str | None) -> Hub | None:
    """The class a page asks for (``?class=NAME``; none: the only class)."""
    return HUBS.get(name or "")
