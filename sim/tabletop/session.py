"""A classroom tabletop session: people hold some actors' seats, the model plays the rest.

One world (W = 1). Each turn the human seats choose among their legal moves (each
with the team's rationale, if it gives one), teams send messages, the facilitator
may play injects from the scenario's deck (or one written on the spot), and
advancing plays the turn: the bots decide (each with its one-sentence reason),
everyone moves at once, events and injects fire, red lines and thresholds are
checked. A game turn may span several of the scenario's days (``days_per_turn``):
the model still steps day by day, and a seat holds the move it chose for the
whole game turn.

A session is kept as its *inputs*: the scenario (name and content hash), the
seed, the human seats, the days per turn, the injects written on the spot and,
per day, the moves people chose, their rationales, their messages and the
injects played. The model is deterministic for a seed, so every earlier state is a
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
from escalation.scenario.schema import Inject, Scenario

FORMAT = "escalation-tabletop-session"
MAX_FILE_BYTES = 5_000_000  # a 2,000-turn game with every seat human is far below this
PUBLIC = ("event", "history", "war")  # narrative kinds every seat hears: the rest is what an actor did or owes


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


MAX_TEXT = 500  # characters of a message or a rationale: a few sentences, not an essay


class Message(_Record):
    """A team's message: a public communique (``to`` None) or private to one seat; the facilitator sees all."""

    sender: str
    to: str | None = None
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class TurnInputs(_Record):
    """What people decided in one turn: human seats' moves (rung ids) with their rationales,
    the injects played and the messages sent."""

    moves: dict[str, str] = Field(default_factory=dict)
    injects: list[str] = Field(default_factory=list)
    rationales: dict[str, str] = Field(default_factory=dict)
    messages: list[Message] = Field(default_factory=list)


class Branch(_Record):
    """A line of play set aside by :meth:`Session.branch`, kept for the debrief."""

    name: str = Field(min_length=1, max_length=80)
    turns: list[TurnInputs]


class SessionFile(_Record):
    """A saved session: its inputs, enough to replay it exactly."""

    format: Literal["escalation-tabletop-session"]
    version: Literal[1, 2] = Field(description="1: before days per turn, rationales, messages and written injects (read as their defaults).")
    disclaimer: str
    scenario: str = Field(min_length=1, description="Shipped scenario name or path, as given when the session began.")
    scenario_hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    seed: int = Field(ge=0)
    humans: list[str] = Field(min_length=1)
    length: int = Field(ge=1, description="Game turns the game runs from the branch.")
    days_per_turn: int = Field(1, ge=1, le=365, description="The scenario's days (model steps) in one game turn.")
    written: list[dict] = Field(default_factory=list, description="Inject cards the facilitator wrote during the game, as their YAML mappings.")
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
    ``humans`` the actor ids whose seats people hold; ``length`` is how many game
    turns the game runs from its first, the branch (default: to the scenario's
    end); ``days_per_turn`` how many of the scenario's days one game turn spans.
    Turn numbers (``turn``, :meth:`rewind`) count the scenario's days.
    """

    def __init__(self, scenario, humans, seed: int = 0, *, length: int | None = None, source: str | None = None, sets=None, days_per_turn: int = 1):
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
        step = days_per_turn
        if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= most:
            raise TabletopError(f"a game turn can span 1 to {most} days of the scenario, not {step!r}")
        longest = -(-most // step)
        length = longest if length is None else length
        if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= longest:
            per = f" of {step} days" if step > 1 else ""
            raise TabletopError(f"the game can last 1 to {longest} turns{per} from the branch ({base.branch_date:%d %b %Y}), not {length!r}")
        self.digest = scenario_hash(base)
        self.days_per_turn = step
        self.end_turn = self.start + min(length * step, most)  # the days of the scenario the game covers, history included
        self.base = shortened(base, self.end_turn)  # every seat played by the model: the ensemble's scenario
        self.scenario = self.base.with_rules("human", humans)
        self.seed, self.humans, self.length = seed, humans, length
        self.written: list[Inject] = []  # cards the facilitator wrote during the game
        self.pending = TurnInputs()
        self.ended = False
        self.branches: list[Branch] = []
        self._replay([])

    # ------------------------------------------------------------------ replay

    def _replay(self, turns: list[TurnInputs]) -> None:
        """Rebuild the model from the seed and play ``turns`` (inputs already checked)."""
        self.model = Crisis(self.scenario, worlds=1, rng=self.seed, human=self._human_move)
        self.played: list[TurnInputs] = []
        self.log: list[list[dict]] = []  # per played day: every actor's decision and why
        self.seen: dict[int, dict[str, dict[str, int | None]]] = {}  # per game turn: what each human seat saw when it chose
        self.held: dict[str, dict[str, list[bool]]] = {k: {o.id: [] for o in a.objectives} for k, a in self.scenario.actors.items()}
        for inputs in turns:
            self._play(inputs)
        while len(self.played) < self.start:  # the history, played for every game alike: nobody decides in it
            self._play(TurnInputs())
        self._look()

    def _play(self, inputs: TurnInputs) -> None:
        for card in inputs.injects:
            self.model.play_inject(card)
        self._inputs = inputs
        self.model.step()
        self.played.append(inputs)
        self.log.append([{**d, "human": d["actor"] in self.humans} for d in self.model.decisions])
        if self.model.turn > self.start:  # objectives are judged on the game, from the branch
            self._judge()
        self._look()

    def _look(self) -> None:
        """Record what each human seat sees at the start of a game turn (the report shows it beside the truth)."""
        if self.begins_turn(self.turn) and self.turn not in self.seen:
            self.seen[self.turn] = {seat: self.perceived(seat) for seat in self.humans}

    def _judge(self) -> None:
        from escalation.model.events import condition_mask

        for key, actor in self.scenario.actors.items():
            for aim in actor.objectives:
                self.held[key][aim.id].append(all(bool(condition_mask(self.model, c)[0]) for c in aim.when))

    def _human_move(self, model: Crisis, actor: str, legal: list[str]) -> str:
        """The ``human`` rule's callback: the seat's chosen rung, or its posture held."""
        return self._inputs.moves.get(actor) or model.ladder.ids[int(model.actors[actor].posture[0])]

    def replay_line(self, turns: list[TurnInputs]) -> Crisis:
        """A fresh model with ``turns`` played (for a branch set aside); the session is untouched."""
        keep = (self.model, self.played, self.log, self.seen, self.held)
        try:
            self._replay(turns)
            return self.model
        finally:
            self.model, self.played, self.log, self.seen, self.held = keep

    # ------------------------------------------------------------------ state

    @property
    def turn(self) -> int:
        """The day of the scenario about to be played (= days played so far)."""
        return self.model.turn

    @property
    def date(self):
        return self.scenario.date_of(min(self.turn, self.end_turn - 1))

    @property
    def finished(self) -> bool:
        return self.ended or self.turn >= self.end_turn

    def turn_starts(self) -> list[int]:
        """The days on which the game's turns begin: the branch, then every ``days_per_turn`` days."""
        return list(range(self.start, self.end_turn, self.days_per_turn))

    def begins_turn(self, day: int) -> bool:
        """Whether a game turn begins on ``day``."""
        return self.start <= day < self.end_turn and (day - self.start) % self.days_per_turn == 0

    @property
    def game_turn(self) -> int:
        """The game turn about to be played, from 1 at the branch (one past the last when the game is over)."""
        return -(-(self.turn - self.start) // self.days_per_turn) + 1

    @property
    def game_turns(self) -> int:
        return len(self.turn_starts())

    def turn_days(self) -> int:
        """The days the next game turn spans (the last may be shorter)."""
        return min(self.days_per_turn, self.end_turn - self.turn)

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

    def deck(self) -> list[Inject]:
        """The scenario's inject cards, then those written during the game."""
        return list(self.scenario.injects)

    def playable(self, card) -> bool:
        """Whether an inject card may be played this turn (its window, if any, allows it)."""
        w = card.window
        if w is None:
            return True
        first = self.scenario.turn_at(w.start, 0)
        last = self.scenario.turn_at(w.end, self.end_turn - 1)
        return first <= self.turn <= last

    def card_status(self, card) -> str:
        """Where a card stands: played this turn, played on an earlier day, playable, or when it can be."""
        if card.id in self.pending.injects:
            return "played this turn"
        days = [t for t, inputs in enumerate(self.played) if card.id in inputs.injects]
        if days:
            return "played on " + ", ".join(f"{self.scenario.date_of(t):%d %b}" for t in days) + ("; playable again" if self.playable(card) else "")
        return "playable" if self.playable(card) else f"not playable now: {_window_text(card.window)}"

    def card_effects(self, card) -> list[str]:
        """What a card changes, in words."""
        from escalation.model.events import effect_text

        said = []
        for fx in card.effects:
            body = getattr(fx, fx.kind)
            text = effect_text(fx, self.model.ladder, self.label)
            if fx.kind == "set_trait" and body.actor in self.humans:  # a rule reads traits only for the seats the model plays
                text += " (a team holds this seat: the team decides its moves, so it weighs this itself)"
            said.append(text)
        return said or ["nothing: it is only news"]

    def briefing(self) -> list[Entry]:
        """The history to the branch: what happened before the game began (empty when it begins at the start)."""
        return [e for e in self.model.narrative if e.turn < self.start]

    def turn_of_day(self, day: int) -> int:
        """The first day of the game turn that contains ``day`` (before the branch: the day itself)."""
        return day if day < self.start else self.start + (day - self.start) // self.days_per_turn * self.days_per_turn

    def last_turn(self) -> range:
        """The days of the game turn played last (empty before the first)."""
        if self.turn <= self.start:
            return range(0)
        first = self.turn_of_day(self.turn - 1)
        return range(first, self.turn)

    def news(self, seat: str | None = None, turn: int | None = None) -> list[Entry]:
        """What happened on one played day (default: the last), as one seat would hear it.

        A seat hears the public events and injects and its own moves and red lines;
        everyone else's posture it knows only as it perceives it (:meth:`perceived`).
        ``seat="public"`` is what everyone hears: the projector's public mode.
        """
        turn = self.turn - 1 if turn is None else turn
        entries = [e for e in self.model.narrative if e.turn == turn]
        if seat is None:
            return entries
        return [e for e in entries if e.kind in PUBLIC or (e.actor == seat and e.kind in ("move", "red_line"))]

    def bot_moves(self) -> list[dict]:
        """The model's moves in the game turn played last, each with its reason: per day a bot
        changed posture, and once for a bot that held all turn."""
        lad, days = self.model.ladder, self.last_turn()

        def row(d: dict, day: int) -> dict:
            ended = int(self.model.path[day, self.model.actors[d["actor"]].index, 0])
            then = lad.names[ended] if ended not in (d["to"], -1) else ""  # moved by an event or inject after it chose: said, never contradicted
            return {**d, "day": day, "label": self.label(d["actor"]), "rung": lad.names[d["to"]], "was": lad.names[d["from"]], "then": then}

        shown = [row(d, day) for day in days for d in self.log[day] if not d["human"] and d["to"] != d["from"]]
        moved = {d["actor"] for d in shown}
        if days:
            shown += [row(d, days[0]) for d in self.log[days[0]] if not d["human"] and d["actor"] not in moved]
        return shown

    def fog(self) -> bool:
        """Whether the fog of war applies: seats read others' postures through noise."""
        return self.noise > 0

    @property
    def noise(self) -> float:
        """The misperception noise this game's world holds (drawn, where the scenario gives a distribution)."""
        return float(np.asarray(self.model.settings.noise).reshape(-1)[0])

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
        noise, top = self.noise, self.model.ladder.n - 1
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
        just below it or None); as ``seat`` perceives it when one is given. ``seat="public"``:
        what is public, so under the fog of war no actor is placed after the branch."""
        lad = self.model.ladder
        if seat == "public":
            where = dict.fromkeys(self.seats()) if self.fog() else self._true()
        else:
            where = self.perceived(seat) if seat else self._true()
        below = {int(lv): name for lv, name in zip(lad.threshold_levels, lad.threshold_names)}
        return [(lv, lad.names[lv], [k for k, at in where.items() if at == lv], below.get(lv)) for lv in range(lad.n - 1, -1, -1)]

    def _true(self) -> dict[str, int | None]:
        return {k: self.level(k) if self.active(k) else None for k in self.seats()}

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

    def objectives(self, seat: str) -> list[dict]:
        """A seat's objectives and how they stand so far: met, missed, or still open (None)."""
        _known_seat(seat, self.scenario.actors)
        out = []
        for aim in self.scenario.actors[seat].objectives:
            days = self.held[seat][aim.id]
            if aim.judged == "end":
                met = days[-1] if self.finished and days else None
            elif aim.judged == "throughout":
                met = False if not all(days) else (True if self.finished and days else None)
            else:
                met = True if any(days) else (False if self.finished else None)
            out.append({"id": aim.id, "text": aim.text, "judged": aim.judged, "points": aim.points, "met": met, "now": days[-1] if days else None})
        return out

    def addressed(self, message: Message) -> tuple[str, str]:
        """(who sent it, to whom) in words: "The facilitator" or a seat's name; "to all" or "to NAME (private)"."""
        sender = "The facilitator" if message.sender == "facilitator" else self.label(message.sender)
        return sender, "to all" if message.to is None else f"to {self.label(message.to)} (private)"

    def messages(self, seat: str | None = None) -> list[tuple[int, Message]]:
        """(day, message) for every message so far, the turn in progress included: all for the
        facilitator (``seat`` None), else the public ones and those the seat sent or received."""
        sent = [(t, m) for t, inputs in enumerate([*self.played, self.pending]) for m in inputs.messages]
        return [(t, m) for t, m in sent if seat is None or m.to is None or seat in (m.to, m.sender)]

    # ------------------------------------------------------------------ players and facilitator

    def choose(self, seat: str, rung: str, rationale: str | None = None) -> None:
        """Record a human seat's move for this turn (a rung id among its legal moves), with the team's reason if given."""
        self._open()
        legal = self.legal_moves(seat)
        if rung not in legal:
            names = ", ".join(legal)
            raise TabletopError(f"{self.label(seat)} cannot move to '{rung}' now{did_you_mean(rung, legal)}; legal moves: {names}")
        update: dict = {"moves": {**self.pending.moves, seat: rung}}
        if rationale is not None:
            update["rationales"] = {**self.pending.rationales, seat: _text(rationale, "a rationale")}
        self.pending = self.pending.model_copy(update=update)

    def explain_move(self, seat: str, rationale: str) -> None:
        """The team's reason for its move this turn (it may be given before or after the move)."""
        self._open()
        self._human_seat(seat)
        self.pending = self.pending.model_copy(update={"rationales": {**self.pending.rationales, seat: _text(rationale, "a rationale")}})

    def send(self, sender: str, text: str, to: str | None = None) -> None:
        """A message from a human seat (or the facilitator, ``sender="facilitator"``): public, or private to one seat."""
        self._open()
        if sender != "facilitator":
            self._human_seat(sender)
        if to is not None:
            _known_seat(to, self.scenario.actors)
            if to == sender:
                raise TabletopError("a team cannot send a private message to itself")
        message = Message(sender=sender, to=to, text=_text(text, "a message"))
        self.pending = self.pending.model_copy(update={"messages": [*self.pending.messages, message]})

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

    def write_inject(self, text: str, file: str = "<inject>") -> Inject:
        """Add a card written on the spot (one inject as YAML, as in a scenario's ``injects``) to the deck.

        It is checked with the scenario loader's own messages (a ScenarioError, located in
        ``text``, if it is wrong); playing it is then like playing any card of the deck.
        """
        from escalation.tabletop.written import checked_inject

        card = checked_inject(text, file, self.scenario)
        self._add_cards([card])
        return card

    def _add_cards(self, cards: list[Inject]) -> None:
        """Put written cards in the deck; the game so far is replayed on it (an unplayed card changes no world)."""
        self.written = [*self.written, *cards]
        for name in ("base", "scenario"):
            sc = getattr(self, name)
            setattr(self, name, sc.model_copy(update={"injects": [*sc.injects, *cards]}))
        pending = self.pending
        self._replay(self.played)
        self.pending = pending

    def advance(self, turns: int = 1, at: int | None = None) -> int:
        """Play ``turns`` game turns (seats that have not chosen hold, and every seat holds in the
        turns after the first); return how many were played. ``at``: play only if the game is
        still at that day, so that a second click on the same turn's button plays nothing."""
        if at is not None and at != self.turn:
            return 0
        self._open()
        if isinstance(turns, bool) or not isinstance(turns, int) or turns < 1:
            raise TabletopError(f"play 1 turn or more at once, not {turns!r}")
        played = 0
        while played < turns and not self.finished:
            inputs, self.pending = self.pending, TurnInputs()
            for day in range(self.turn_days()):
                self._play(inputs if day == 0 else TurnInputs())
            played += 1
        return played

    def rewind(self, turn: int) -> None:
        """Go back to the start of ``turn`` (the day a game turn begins); later turns are discarded."""
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
        starts = [t for t in [*self.turn_starts(), self.end_turn] if t <= len(self.played)]
        if isinstance(turn, bool) or not isinstance(turn, int) or not self.start <= turn <= len(self.played):
            before = f" (the game begins at the branch, {self.scenario.date_of(self.start):%d %b %Y}; before it is history)" if self.start else ""
            raise TabletopError(f"rewind to a turn from {self.start} to {len(self.played)}, not {turn!r}{before}")
        if turn not in starts:
            shown = ", ".join(map(str, starts[:8])) + (", ..." if len(starts) > 8 else "")
            raise TabletopError(f"with {self.days_per_turn} days a turn, the game's turns begin on days {shown}; not on {turn}")

    # ------------------------------------------------------------------ save and load

    def record(self) -> SessionFile:
        return SessionFile(
            format=FORMAT,
            version=2,
            disclaimer=DISCLAIMER,
            scenario=self.source,
            scenario_hash=self.digest,
            seed=self.seed,
            humans=self.humans,
            length=self.length,
            days_per_turn=self.days_per_turn,
            written=[card.model_dump(mode="json", exclude_defaults=True) for card in self.written],
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
        def fresh() -> Session:
            try:
                game = cls(base, rec.humans, rec.seed, length=rec.length, source=rec.scenario, sets=rec.sets, days_per_turn=rec.days_per_turn)
            except TabletopError as exc:
                raise TabletopError(f"{file}:1:1: damaged session file: {exc}") from None
            game._add_cards(cards)
            return game

        cards = written_cards(rec.written, base, file)
        session = fresh()
        session._enter_all(rec.played, file, "")
        session._enter(rec.pending, file, "the turn in progress", play=False)
        for branch in rec.branches:
            fresh()._enter_all(branch.turns, file, f"branch '{branch.name}', ")
        if len({b.name for b in rec.branches}) < len(rec.branches):
            raise TabletopError(f"{file}:1:1: damaged session file: two branches have the same name")
        session.branches = list(rec.branches)
        session.ended = rec.ended
        return session

    def _enter_all(self, played: list[TurnInputs], file: str, line: str) -> None:
        """Replay saved days: the history by itself (nobody moved in it), then the game's turns through the
        checks (the later days of a game turn, when nobody decides, carry nothing)."""
        for turn, inputs in enumerate(played):
            if self.begins_turn(turn) or turn >= max(self.end_turn, self.start):  # past the end: refused as the game being over
                self._enter(inputs, file, f"{line}turn {turn}", play=True)
            elif inputs != TurnInputs():
                why = "before the branch nobody moves and no inject is played" if turn < self.start else "nobody decides between the game's turns"
                raise TabletopError(f"{file}:1:1: damaged session file: {line}turn {turn}: {why}")
        if len(played) != len(self.played):
            raise TabletopError(f"{file}:1:1: damaged session file: {line}{len(played)} days played, but the game's turns end on day {len(self.played)}")

    def _enter(self, inputs: TurnInputs, file: str, where: str, play: bool) -> None:
        """Enter one turn's inputs through the same checks as a player's (and play it)."""
        try:
            for seat, rung in inputs.moves.items():
                self.choose(seat, rung)
            for seat, why in inputs.rationales.items():
                self.explain_move(seat, why)
            for message in inputs.messages:
                self.send(message.sender, message.text, message.to)
            for card in inputs.injects:
                self.inject(card)
            if play:
                self.advance()
        except TabletopError as exc:
            raise TabletopError(f"{file}:1:1: damaged session file: {where}: {exc}") from None


def written_cards(written: list[dict], scenario: Scenario, file: str) -> list[Inject]:
    """A saved session's written injects, checked again against its scenario."""
    from escalation.scenario.problems import ScenarioError
    from escalation.tabletop.written import as_yaml, checked_inject

    cards: list[Inject] = []
    for i, raw in enumerate(written):
        try:
            cards.append(checked_inject(as_yaml(raw), f"{file}: written inject {i + 1}", scenario.model_copy(update={"injects": [*scenario.injects, *cards]})))
        except ScenarioError as exc:
            raise TabletopError(f"{file}:1:1: damaged session file: written inject {i + 1}: {exc.problems[0].message}") from None
    return cards


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


def _text(text, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise TabletopError(f"{what} needs some text")
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        raise TabletopError(f"{what} has at most {MAX_TEXT} characters, not {len(text)}")
    return text
