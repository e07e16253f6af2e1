"""A classroom tabletop session: people hold some actors' seats, the model plays the rest.

One world (W = 1). Each turn the human seats choose among their legal moves, the
facilitator may play injects from the scenario's deck, and advancing plays the
turn: the bots decide (each with its one-sentence reason), everyone moves at
once, events and injects fire, red lines and thresholds are checked.

A session is kept as its *inputs*: the scenario (name and content hash), the
seed, the human seats and, per turn, the moves people chose and the injects
played. The model is deterministic for a seed, so every earlier state is a
replay of those inputs: rewinding and branching are replays, and a saved file
(JSON of the inputs, validated on load) continues exactly as if the session had
not stopped. A request that cannot be carried out raises :class:`TabletopError`
before anything changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from escalation.disclaimer import DISCLAIMER
from escalation.errors import InputError, TabletopError, did_you_mean
from escalation.model import Crisis, Entry
from escalation.scenario.problems import ScenarioError
from escalation.scenario.schema import Scenario

FORMAT = "escalation-tabletop-session"
MAX_FILE_BYTES = 5_000_000  # a 2,000-turn game with every seat human is far below this


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TurnInputs(_Record):
    """What people decided in one turn: human seats' moves (rung ids) and injects played."""

    moves: dict[str, str] = Field(default_factory=dict)
    injects: list[str] = Field(default_factory=list)


class Branch(_Record):
    """A line of play set aside by :meth:`Session.branch`, kept for the debrief."""

    name: str = Field(min_length=1, max_length=80)
    turns: list[TurnInputs]


class SessionFile(_Record):
    """A saved session: its inputs, enough to replay it exactly."""

    format: Literal["escalation-tabletop-session"]
    version: Literal[1]
    disclaimer: str
    scenario: str = Field(min_length=1, description="Shipped scenario name or path, as given when the session began.")
    scenario_hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    seed: int = Field(ge=0)
    humans: list[str] = Field(min_length=1)
    length: int = Field(ge=1, description="Turns the game runs from the branch.")
    branch: dt.date | None = Field(None, description="The branch the game began at, if moved from the scenario's (the turns before it are history).")
    sets: dict[str, bool | int | float | str] = Field(default_factory=dict, description="The --set changes the game began with, applied in order.")
    played: list[TurnInputs]
    pending: TurnInputs
    ended: bool = False
    branches: list[Branch] = Field(default_factory=list)


def scenario_hash(scenario: Scenario) -> str:
    """Content hash of a loaded scenario (its ladder included), comments and layout aside."""
    return "sha256:" + hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()


def shortened(scenario: Scenario, length: int) -> Scenario:
    """The scenario cut to its first ``length`` turns (the same turns, the same random draws)."""
    return scenario if length == scenario.turns else scenario.model_copy(update={"end": scenario.date_of(length - 1)})


class Session:
    """A tabletop game in progress; see the module docstring.

    ``scenario`` is a loaded scenario, a shipped scenario's name or a path;
    ``humans`` the actor ids whose seats people hold; ``length`` is how many turns
    the game runs from its first, the branch (default: to the scenario's end).
    """

    def __init__(self, scenario, humans, seed: int = 0, *, length: int | None = None, source: str | None = None, sets=None):
        if isinstance(scenario, Scenario):
            base = scenario
        else:
            from escalation.scenario.loading import load_scenario

            base = load_scenario(scenario)
        self.source = source or (base.name if isinstance(scenario, Scenario) else str(scenario))
        self.sets = dict(sets or {})  # the --set changes already in ``scenario``, kept so that a saved game replays
        humans = list(dict.fromkeys(humans))
        if not humans:
            raise TabletopError("no human seat: name at least one actor, e.g. " + ", ".join(list(base.actors)[:2]))
        for seat in humans:
            _known_seat(seat, base.actors)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise TabletopError(f"the seed must be a whole number from 0 up, not {seed!r}")
        self.start = base.branch_turn  # the game begins at the branch: the turns before it are history
        most = base.turns - self.start
        length = most if length is None else length
        if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= most:
            raise TabletopError(f"the game can last 1 to {most} turns from the branch ({base.branch_date:%d %b %Y}), not {length!r}")
        self.digest = scenario_hash(base)
        self.end_turn = self.start + length  # the turns of the scenario the game covers, history included
        self.base = shortened(base, self.end_turn)  # every seat played by the model: the ensemble's scenario
        self.scenario = self.base.with_rules("human", humans)
        self.seed, self.humans, self.length = seed, humans, length
        self.pending = TurnInputs()
        self.ended = False
        self.branches: list[Branch] = []
        self._replay([])

    # ------------------------------------------------------------------ replay

    def _replay(self, turns: list[TurnInputs]) -> None:
        """Rebuild the model from the seed and play ``turns`` (inputs already checked)."""
        self.model = Crisis(self.scenario, worlds=1, rng=self.seed, human=self._human_move)
        self.played: list[TurnInputs] = []
        self.log: list[list[dict]] = []  # per played turn: every actor's decision and why
        for inputs in turns:
            self._play(inputs)
        while len(self.played) < self.start:  # the history, played for every game alike: nobody decides in it
            self._play(TurnInputs())

    def _play(self, inputs: TurnInputs) -> None:
        for card in inputs.injects:
            self.model.play_inject(card)
        self._inputs = inputs
        self.model.step()
        self.played.append(inputs)
        self.log.append([{**d, "human": d["actor"] in self.humans} for d in self.model.decisions])

    def _human_move(self, model: Crisis, actor: str, legal: list[str]) -> str:
        """The ``human`` rule's callback: the seat's chosen rung, or its posture held."""
        return self._inputs.moves.get(actor) or model.ladder.ids[int(model.actors[actor].posture[0])]

    def replay_line(self, turns: list[TurnInputs]) -> Crisis:
        """A fresh model with ``turns`` played (for a branch set aside); the session is untouched."""
        keep = (self.model, self.played, self.log)
        try:
            self._replay(turns)
            return self.model
        finally:
            self.model, self.played, self.log = keep

    # ------------------------------------------------------------------ state

    @property
    def turn(self) -> int:
        """The turn about to be played (= turns played so far)."""
        return self.model.turn

    @property
    def date(self):
        return self.scenario.date_of(min(self.turn, self.end_turn - 1))

    @property
    def finished(self) -> bool:
        return self.ended or self.turn >= self.end_turn

    def seats(self) -> list[str]:
        return list(self.scenario.actors)

    def label(self, actor: str) -> str:
        return self.model.actors[actor].label

    def level(self, actor: str) -> int:
        return int(self.model.actors[actor].posture[0])

    def active(self, actor: str) -> bool:
        return bool(self.model.actors[actor].active[0])

    def waiting_for(self) -> list[str]:
        """Human seats in the crisis that have not chosen this turn's move."""
        return [s for s in self.humans if self.active(s) and s not in self.pending.moves]

    def legal_moves(self, seat: str) -> list[str]:
        """Rung ids the seat may move to this turn, lowest first (its posture among them)."""
        self._human_seat(seat)
        if not self.active(seat):
            raise TabletopError(f"{self.label(seat)} is not in the crisis at the moment")
        return [self.model.ladder.ids[lv] for lv in self.model.actors[seat].legal_levels(0)]

    def deck(self) -> list:
        """The scenario's inject cards."""
        return list(self.scenario.injects)

    def playable(self, card) -> bool:
        """Whether an inject card may be played this turn (its window, if any, allows it)."""
        w = card.window
        if w is None:
            return True
        first = self.scenario.turn_at(w.start, 0)
        last = self.scenario.turn_at(w.end, self.end_turn - 1)
        return first <= self.turn <= last

    def briefing(self) -> list[Entry]:
        """The history to the branch: what happened before the game began (empty when it begins at the start)."""
        return [e for e in self.model.narrative if e.turn < self.start]

    def news(self, seat: str | None = None, turn: int | None = None) -> list[Entry]:
        """What happened in one played turn (default: the last), as one seat would hear it.

        A seat hears the public events and injects and its own moves and red lines;
        everyone else's posture it knows only as it perceives it (:meth:`perceived`).
        """
        turn = self.turn - 1 if turn is None else turn
        entries = [e for e in self.model.narrative if e.turn == turn]
        if seat is None:
            return entries
        return [e for e in entries if e.kind in ("event", "history", "war") or (e.actor == seat and e.kind in ("move", "red_line"))]

    def perceived(self, seat: str) -> dict[str, int | None]:
        """Every actor's posture as ``seat`` sees it this turn: its own exactly, the others'
        through the scenario's misperception noise (None for actors out of the crisis).

        The noise comes from its own generator, seeded by (seed, turn, seat), so that
        looking never changes the model's random stream, and every browser showing
        the seat sees the same.
        """
        _known_seat(seat, self.model.actors)
        me = self.model.actors[seat].index
        z = np.random.default_rng([self.seed, self.turn, me]).standard_normal(len(self.model.order))
        noise, top = self.scenario.settings.noise, self.model.ladder.n - 1
        seen: dict[str, int | None] = {}
        for a in self.model.order:
            true = int(a.posture[0])
            if not a.active[0]:
                seen[a.key] = None
            elif a.index == me:
                seen[a.key] = true
            else:
                seen[a.key] = int(np.clip(np.rint(true + noise * z[a.index]), 0, top))
        return seen

    def board(self, seat: str | None = None) -> list[tuple[int, str, list[str], str | None]]:
        """The ladder from the top: (level, rung name, actors on it, name of the threshold
        just below it or None); as ``seat`` perceives it when one is given."""
        lad = self.model.ladder
        where = self.perceived(seat) if seat else {k: self.level(k) if self.active(k) else None for k in self.seats()}
        below = {int(lv): name for lv, name in zip(lad.threshold_levels, lad.threshold_names)}
        return [(lv, lad.names[lv], [k for k, at in where.items() if at == lv], below.get(lv)) for lv in range(lad.n - 1, -1, -1)]

    def red_lines(self, seat: str) -> list[dict]:
        """The declared red lines that concern ``seat``, as public knowledge: those it holds
        and those drawn against it (text, the rung that crosses it, the promised response)."""
        m, lad = self.model, self.model.ladder
        me = m.actors[seat].index
        return [
            {
                "holder": m.order[rl.holder].key,
                "id": rl.id,
                "text": rl.spec.text,
                "at": lad.names[rl.at],
                "response": lad.names[rl.response],
                "mine": rl.holder == me,
            }
            for rl in m.red_lines.values()
            if rl.active[0] and (rl.holder == me or me in rl.watch)
        ]

    # ------------------------------------------------------------------ players and facilitator

    def choose(self, seat: str, rung: str) -> None:
        """Record a human seat's move for this turn (a rung id among its legal moves)."""
        self._open()
        legal = self.legal_moves(seat)
        if rung not in legal:
            names = ", ".join(legal)
            raise TabletopError(f"{self.label(seat)} cannot move to '{rung}' now{did_you_mean(rung, legal)}; legal moves: {names}")
        self.pending = self.pending.model_copy(update={"moves": {**self.pending.moves, seat: rung}})

    def inject(self, card_id: str) -> None:
        """Play an inject card: it takes effect when this turn is played."""
        self._open()
        cards = {c.id: c for c in self.scenario.injects}
        if card_id not in cards:
            deck = ", ".join(cards) if cards else "(this scenario has no inject deck)"
            raise TabletopError(f"unknown inject '{card_id}'{did_you_mean(card_id, cards)}; the deck: {deck}")
        if not self.playable(cards[card_id]):
            raise TabletopError(f"inject '{card_id}' cannot be played on {self.date:%d %b %Y}: {_window_text(cards[card_id].window)}")
        if card_id in self.pending.injects:
            raise TabletopError(f"inject '{card_id}' is already played this turn")
        self.pending = self.pending.model_copy(update={"injects": [*self.pending.injects, card_id]})

    def advance(self) -> None:
        """Play the turn: seats that have not chosen hold their posture."""
        self._open()
        self._play(self.pending)
        self.pending = TurnInputs()

    def rewind(self, turn: int) -> None:
        """Go back to the start of ``turn`` (0 = the beginning); later turns are discarded."""
        self._check_turn(turn)
        self._replay(self.played[:turn])
        self.pending = TurnInputs()
        self.ended = False

    def branch(self, turn: int, name: str | None = None) -> str:
        """Set the current line of play aside (kept for the debrief) and go back to ``turn``."""
        self._check_turn(turn)
        name = (name or f"line {len(self.branches) + 1}").strip()
        if not name or len(name) > 80:
            raise TabletopError("a branch name has 1 to 80 characters")
        if any(b.name == name for b in self.branches):
            raise TabletopError(f"there is already a branch named '{name}'")
        self.branches.append(Branch(name=name, turns=list(self.played)))
        self.rewind(turn)
        return name

    def end(self) -> None:
        """End the game here; rewinding reopens it."""
        self.ended = True
        self.pending = TurnInputs()

    def _open(self) -> None:
        if self.finished:
            raise TabletopError("the game is over: rewind to play on, or write the report")

    def _human_seat(self, seat: str) -> None:
        _known_seat(seat, self.scenario.actors)
        if seat not in self.humans:
            raise TabletopError(f"{self.label(seat)} is played by the model; human seats: {', '.join(self.humans)}")

    def _check_turn(self, turn) -> None:
        if isinstance(turn, bool) or not isinstance(turn, int) or not self.start <= turn <= len(self.played):
            before = f" (the game begins at the branch, {self.scenario.date_of(self.start):%d %b %Y}; before it is history)" if self.start else ""
            raise TabletopError(f"rewind to a turn from {self.start} to {len(self.played)}, not {turn!r}{before}")

    # ------------------------------------------------------------------ save and load

    def record(self) -> SessionFile:
        return SessionFile(
            format=FORMAT,
            version=1,
            disclaimer=DISCLAIMER,
            scenario=self.source,
            scenario_hash=self.digest,
            seed=self.seed,
            humans=self.humans,
            length=self.length,
            branch=self.base.branch,
            sets=self.sets,
            played=self.played,
            pending=self.pending,
            ended=self.ended,
            branches=self.branches,
        )

    def to_json(self) -> str:
        return self.record().model_dump_json(indent=1) + "\n"

    def save(self, path) -> Path:
        """Write the session's inputs as JSON (atomically: a failed write leaves no half file)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(self.to_json(), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            raise TabletopError(f"{path}: cannot save: {exc.strerror or exc}") from None
        return path

    @classmethod
    def load(cls, path) -> Session:
        """A saved session, replayed to where it stopped; TabletopError if the file is damaged or foreign."""
        file = str(path)
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise TabletopError(f"{file}:1:1: cannot read the session file: {exc.strerror or exc}") from None
        if len(raw) > MAX_FILE_BYTES:
            raise TabletopError(f"{file}:1:1: not a session file (over {MAX_FILE_BYTES:,} bytes)")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise TabletopError(f"{file}:1:1: not a session file (not UTF-8 text)") from None
        return cls.from_json(text, file)

    @classmethod
    def from_json(cls, text: str, file: str = "<session>") -> Session:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TabletopError(f"{file}:{exc.lineno}:{exc.colno}: damaged session file: {exc.msg}") from None
        except RecursionError:
            raise TabletopError(f"{file}:1:1: damaged session file: nested too deeply") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise TabletopError(f'{file}:1:1: not a tabletop session file (a saved session starts with "format": "{FORMAT}")')
        try:
            rec = SessionFile.model_validate(data)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in err["loc"])
            more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
            raise TabletopError(f"{file}:1:1: damaged session file: {where}: {err['msg']}{more}") from None
        return cls.from_record(rec, file)

    @classmethod
    def from_record(cls, rec: SessionFile, file: str = "<session>") -> Session:
        """Rebuild a session from its inputs, checking every move and inject as it replays."""
        try:
            from escalation.scenario.overrides import load_with_sets

            base = load_with_sets(rec.scenario, rec.sets)[0]
            if rec.branch != base.branch:  # a branch moved with --branch when the game began
                base = base.model_copy(update={"branch": rec.branch})
        except InputError as exc:  # a located problem in the scenario, or a --set it no longer takes
            why = exc.brief() if isinstance(exc, ScenarioError) else str(exc)
            raise TabletopError(f"{file}:1:1: the session's scenario '{rec.scenario}' cannot be loaded:\n{why}") from None
        if scenario_hash(base) != rec.scenario_hash:
            raise TabletopError(
                f"{file}:1:1: this session was played on another version of scenario '{rec.scenario}' "
                "(its content has changed since), so it cannot be replayed exactly"
            )
        try:
            session = cls(base, rec.humans, rec.seed, length=rec.length, source=rec.scenario, sets=rec.sets)
        except TabletopError as exc:
            raise TabletopError(f"{file}:1:1: damaged session file: {exc}") from None
        session._enter_all(rec.played, file, "")
        session._enter(rec.pending, file, "the turn in progress", play=False)
        for branch in rec.branches:
            line = cls(base, rec.humans, rec.seed, length=rec.length, source=rec.scenario)
            line._enter_all(branch.turns, file, f"branch '{branch.name}', ")
        if len({b.name for b in rec.branches}) < len(rec.branches):
            raise TabletopError(f"{file}:1:1: damaged session file: two branches have the same name")
        session.branches = list(rec.branches)
        session.ended = rec.ended
        return session

    def _enter_all(self, played: list[TurnInputs], file: str, line: str) -> None:
        """Replay saved turns: the history by itself (nobody moved in it), then the game's turns through the checks."""
        for turn, inputs in enumerate(played[: self.start]):
            if inputs != TurnInputs():
                raise TabletopError(f"{file}:1:1: damaged session file: {line}turn {turn}: before the branch nobody moves and no inject is played")
        for turn, inputs in enumerate(played[self.start :], start=self.start):
            self._enter(inputs, file, f"{line}turn {turn}", play=True)

    def _enter(self, inputs: TurnInputs, file: str, where: str, play: bool) -> None:
        """Enter one turn's inputs through the same checks as a player's (and play it)."""
        try:
            for seat, rung in inputs.moves.items():
                self.choose(seat, rung)
            for card in inputs.injects:
                self.inject(card)
            if play:
                self.advance()
        except TabletopError as exc:
            raise TabletopError(f"{file}:1:1: damaged session file: {where}: {exc}") from None


def _known_seat(seat: str, actors) -> None:
    if seat not in actors:
        raise TabletopError(f"unknown seat '{seat}'{did_you_mean(seat, actors)}; seats: {', '.join(actors)}")


def _window_text(window) -> str:
    def show(v):
        return f"turn {v}" if isinstance(v, int) else f"{v:%d %b %Y}"

    if window.start is not None and window.end is not None:
        return f"it may be played from {show(window.start)} to {show(window.end)}"
    if window.start is not None:
        return f"it may be played from {show(window.start)}"
    return f"it may be played until {show(window.end)}"
