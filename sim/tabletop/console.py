"""The terminal tabletop: a session played line by line on a shared screen.

Each turn shows the date, what happened since the last turn as short news
items, every move the model made with its reason, the ladder with every actor's
posture, and for each human seat a numbered menu of its legal moves. The seats'
moves are typed hidden (no echo on a terminal) and revealed together once every
seat has chosen, so that no team sees another's choice first. At any prompt the
facilitator may type a command instead (``help`` lists them). Input may be
piped, so a class can be replayed from a file; a wrong entry gets a short hint,
never a crash.
"""

from __future__ import annotations

import shlex
import sys
from itertools import groupby
from pathlib import Path

from escalation.disclaimer import DISCLAIMER
from escalation.errors import TabletopError
from escalation.model.narrative import MARK, summary_text
from escalation.tabletop.session import Session

HELP = """Commands (at any prompt):
  1, 2, ...        choose that move for the seat being asked (typed hidden, revealed with the others')
  why TEXT         the seat's reason for its move (shown in the report)
  say TEXT         a public communique from the seat being asked (or the facilitator)
  tell SEAT TEXT   a private message to one seat
  next [N]         play the turn now, or N turns (seats that have not chosen hold)
  inject           list the inject deck;  inject ID (or number): play a card this turn
  inject write F   add a card written in class (YAML file F, as in a scenario's injects)
  rewind N         go back to the start of turn N (later turns are discarded)
  branch N [NAME]  set this line of play aside for the debrief, then go back to turn N
  save FILE        save the session;  load FILE: resume a saved session
  report [DIR]     write the after-action report (HTML) and the ladder chart (PNG)
  end              end the game here;  quit: leave the program
  help             this list"""


SEATED = ("why", "say", "tell")  # commands spoken by the seat being asked


class Console:
    """Plays a :class:`~sim.tabletop.Session` over text streams."""

    def __init__(self, session: Session, out_dir, stdin=None, stdout=None):
        self.session = session
        self.out_dir = Path(out_dir)
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.echo = not _is_tty(self.stdin)  # piped input: show it, so the transcript reads as a dialogue
        self.shown: tuple[int, str | None] | None = None  # (turn, seat) whose screen was last printed
        self.quit = False

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    # ------------------------------------------------------------------ loop

    def run(self) -> int:
        s = self.session
        self.say(f"{s.scenario.title} ({s.source}, seed {s.seed})")
        self.say(DISCLAIMER)
        self.say("Human seats: " + ", ".join(s.label(k) for k in s.humans) + "; the model plays the others. Type 'help' for commands.")
        if s.days_per_turn > 1:
            self.say(f"Each turn spans {s.days_per_turn} days: a seat holds its move for all of them, while the model decides day by day.")
        summarised = False
        while not self.quit:
            s = self.session  # 'load' replaces the game being driven
            if s.finished:
                if not summarised:
                    self.say("\nThe game is over." if not s.ended else "\nThe game has been ended.")
                    self.say(summary_text(s.model) if s.turn else "No turn was played.")
                    self.say("Type 'report' for the after-action report, 'rewind N' to play again from turn N, or 'quit'.")
                    summarised = True
                line = self.ask("facilitator")
                if line is not None:
                    self.command(line, seat=None)
                continue
            summarised = False
            waiting = s.waiting_for()
            if not waiting and s.pending.moves:
                self.reveal()
                s.advance()  # every human seat has chosen
                continue
            seat = waiting[0] if waiting else None
            self.show(seat)
            line = self.ask(seat or "facilitator", hidden=seat is not None)
            if line is not None:
                self.command(line, seat)
        s = self.session
        self.say(f"Left after {s.turn} of {s.end_turn} turns. {DISCLAIMER}")
        return 0

    def ask(self, prompt: str, hidden: bool = False) -> str | None:
        """One line of input; ``hidden``: a seat's entry, not echoed (the next team is watching the screen)."""
        unseen = hidden and _is_tty(self.stdin)
        line = _read_hidden(self.stdin, self.stdout, f"{prompt}> ") if unseen else self._prompted(f"{prompt}> ")
        if not line:
            self.say("(end of input)")
            self.quit = True
            return None
        line = line.strip()
        if unseen or self.echo:  # a move stays hidden; a command is shown, as typed
            self.say("(entered)" if hidden and self._is_move(line) else line)
        return line

    def _is_move(self, line: str) -> bool:
        word = line.split()[0].lower() if line.split() else ""
        return word.isdigit() or word in self.session.model.ladder.level

    def _prompted(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        return self.stdin.readline()

    def reveal(self) -> None:
        """Every seat's move, shown together once all have chosen, with the reasons the teams gave."""
        s, lad = self.session, self.session.model.ladder
        self.say("Moves revealed together:")
        for seat, rung in s.pending.moves.items():
            why = s.pending.rationales.get(seat)
            self.say(f"  {s.label(seat)}: {lad.names[lad.level[rung]]}" + (f" (its reason: {why})" if why else ""))

    # ------------------------------------------------------------------ screens

    def show(self, seat: str | None) -> None:
        s = self.session
        if self.shown and self.shown[0] == s.turn:
            if self.shown[1] != seat and seat:
                self.menu(seat)
                self.shown = (s.turn, seat)
            return
        self.shown = (s.turn, seat)
        span = f" ({s.turn_days()} days: game turn {s.game_turn} of {s.game_turns})" if s.days_per_turn > 1 else ""
        self.say(f"\n=== Turn {s.turn} of {s.end_turn} - {s.date:%a %d %b %Y}{span} ===")
        news = s.news() if s.turn else []
        if s.start and s.turn == s.start:  # the opening briefing: the history to the branch
            self.say(f"The history to the branch ({s.date:%d %b %Y}); nobody decided before it:")
            for date, entries in groupby(s.briefing(), key=lambda e: e.date):
                self.say(f"  {date:%a %d %b}")
                for e in entries:
                    self.say(f"    {MARK[e.kind]} {e.text}")
        elif s.turn > s.start:
            days = s.last_turn()
            news = [e for day in days for e in s.news(turn=day) if e.kind != "move" or e.actor in s.humans]
            if news:
                self.say("Since the last turn:")
                for e in news:
                    when = f"{e.date:%d %b} " if len(days) > 1 else ""
                    self.say(f"  {MARK[e.kind]} {when}{'Inject: ' if e.extra.get('inject') else ''}{e.text}")
            self.say("The model's moves, and why:")
            for d in s.bot_moves():
                when = f"{s.scenario.date_of(d['day']):%d %b} " if len(days) > 1 else ""
                what = f"holds on '{d['rung']}'" if d["to"] == d["from"] else f"'{d['was']}' -> '{d['rung']}'"
                then = f"; then moved to '{d['then']}' by an event or inject that day" if d["then"] else ""
                self.say(f"  {when}{d['label']} {what}: {d['why']}{then}")
        self.ladder()
        if s.pending.injects:
            self.say("Injects to take effect this turn: " + ", ".join(s.pending.injects))
        if seat:
            self.menu(seat)
        else:
            self.say("No human seat moves this turn: type 'next' to play it.")

    def ladder(self) -> None:
        s = self.session
        self.say("The ladder:")
        for level, name, actors, threshold in s.board():
            on = ", ".join(s.label(k) + (" [class]" if k in s.humans else "") for k in actors)
            self.say(f"  {level:>2} {name:<38} {on}".rstrip())
            if threshold:
                self.say(f"     - - {threshold} - -")

    def menu(self, seat: str) -> None:
        s, lad = self.session, self.session.model.ladder
        here = s.level(seat)
        self.say(f"{s.label(seat)}, your move (now: {lad.names[here]}):")
        for i, rung in enumerate(s.legal_moves(seat), start=1):
            r = lad.spec.rungs[lad.level[rung]]
            hold = " (hold)" if r.level == here else ""
            self.say(f"  {i}. {r.name}{hold}: {r.description}")

    # ------------------------------------------------------------------ commands

    def command(self, line: str, seat: str | None) -> None:
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        if not words:
            self.hint(line, seat)
            return
        verb, rest = words[0].lower(), words[1:]
        handler = getattr(self, f"do_{verb}", None)
        try:
            if verb.isdigit() or (seat and verb in self.session.model.ladder.level):
                self.move(seat, verb)
            elif handler is None:
                self.hint(line, seat)
            elif verb in SEATED:
                handler(rest, seat)
            else:
                handler(rest)
        except TabletopError as exc:
            self.say(f"! {exc}")

    def hint(self, line: str, seat: str | None) -> None:
        what = f"'{line}' is not a move or a command: " if line else ""
        if seat:
            n = len(self.session.legal_moves(seat))
            self.say(f"? {what}type a number from 1 to {n} for {self.session.label(seat)}'s move, or 'help'")
        else:
            self.say(f"? {what}type 'next' to play the turn, or 'help' for the commands")

    def move(self, seat: str | None, text: str) -> None:
        if seat is None:
            self.say("? no seat is choosing a move now" + (": the game is over" if self.session.finished else ": type 'next' to play the turn"))
            return
        legal = self.session.legal_moves(seat)
        if text.isdigit():
            if not 1 <= int(text) <= len(legal):
                self.say(f"? choose a move from 1 to {len(legal)}")
                return
            text = legal[int(text) - 1]
        self.session.choose(seat, text)

    def do_help(self, rest) -> None:
        self.say(HELP)

    def do_next(self, rest) -> None:
        if rest and not (rest[0].isdigit() and int(rest[0]) >= 1):
            self.say("? next takes a number of turns to play, e.g. next 3")
            return
        if self.session.pending.moves:
            self.reveal()
        self.session.advance(int(rest[0]) if rest else 1)

    def do_why(self, rest, seat=None) -> None:
        if seat is None:
            self.say("? 'why' gives the reason of the seat being asked for its move; no seat is choosing now")
            return
        self.session.explain_move(seat, " ".join(rest))
        self.say(f"Noted {self.session.label(seat)}'s reason.")

    def do_say(self, rest, seat=None) -> None:
        self.session.send(seat or "facilitator", " ".join(rest))
        self.say(f"Communique from {self.session.label(seat) if seat else 'the facilitator'} to all.")

    def do_tell(self, rest, seat=None) -> None:
        if len(rest) < 2:
            self.say("? tell takes a seat and a message, e.g. tell russia We propose talks")
            return
        self.session.send(seat or "facilitator", " ".join(rest[1:]), to=rest[0])
        self.say(f"Message to {self.session.label(rest[0])} recorded (the facilitator sees every message).")

    def do_inject(self, rest) -> None:
        s = self.session
        deck = s.deck()
        if not rest:
            if not deck:
                self.say("This scenario has no inject deck.")
            for i, card in enumerate(deck, start=1):
                when = "" if s.playable(card) else "  (not playable now)"
                self.say(f"  {i}. {card.id} [{card.status}] {card.title}{when}")
            return
        ref = rest[0]
        if ref == "write":
            self.write_inject(rest[1:])
            return
        if ref.isdigit():
            if not 1 <= int(ref) <= len(deck):
                self.say(f"? the deck has cards 1 to {len(deck)}: type 'inject' to list them" if deck else "? this scenario has no inject deck")
                return
            ref = deck[int(ref) - 1].id
        s.inject(ref)
        self.say(f"Inject '{ref}' will take effect when this turn is played.")

    def write_inject(self, rest) -> None:
        """A card written during the game, from a YAML file, checked like a scenario's inject."""
        from escalation.scenario.problems import ScenarioError
        from escalation.scenario.yamlio import read_text

        if len(rest) != 1:
            self.say("? inject write takes one YAML file holding the card (id, title, status, source, text, effects)")
            return
        try:
            card = self.session.write_inject(read_text(rest[0], rest[0]), rest[0])
        except ScenarioError as exc:
            self.say(str(exc))
            return
        self.say(f"Inject '{card.id}' added to the deck: " + "; ".join(self.session.card_effects(card)) + f". Play it with: inject {card.id}")

    def do_rewind(self, rest) -> None:
        turn = self._turn_arg(rest, "rewind")
        if turn is not None:
            self.session.rewind(turn)
            self.say(f"Rewound to the start of turn {turn} ({self.session.date:%d %b %Y}).")
            self.shown = None

    def do_branch(self, rest) -> None:
        turn = self._turn_arg(rest, "branch")
        if turn is not None:
            name = self.session.branch(turn, " ".join(rest[1:]) or None)
            self.say(f"This line of play is kept as '{name}'; back to the start of turn {turn}.")
            self.shown = None

    def do_save(self, rest) -> None:
        if len(rest) != 1:
            self.say("? save takes one file name, e.g. save class.json")
            return
        self.say(f"Saved to {self.session.save(rest[0])}")

    def do_load(self, rest) -> None:
        if len(rest) != 1:
            self.say("? load takes one file name, e.g. load class.json")
            return
        self.session = Session.load(rest[0])
        self.shown = None
        self.say(f"Loaded {rest[0]}: turn {self.session.turn} of {self.session.end_turn}.")

    def do_report(self, rest) -> None:
        from escalation.analysis.aar import write_report

        if len(rest) > 1:
            self.say("? report takes at most one folder name")
            return
        if self.session.turn:  # before the first turn there is nothing to write, and the session says so
            self.say("Writing the report (with 10,000 model runs for comparison)...")
        report = write_report(self.session, rest[0] if rest else self.out_dir)
        self.say(f"Report: {report.html}\nLadder chart: {report.chart}\nSession: {report.session}")

    def do_end(self, rest) -> None:
        self.session.end()

    def do_quit(self, rest) -> None:
        self.quit = True

    do_exit = do_quit

    def _turn_arg(self, rest, verb: str) -> int | None:
        if not rest or not rest[0].isdigit():
            self.say(f"? {verb} takes a turn number from 0 to {len(self.session.played)}, e.g. {verb} 2")
            return None
        return int(rest[0])


def _read_hidden(stream, out, prompt: str) -> str:
    """A line from a terminal with its echo off (what getpass does, but on the console's own streams);
    the echo goes off before the prompt shows, so that nothing typed after it is echoed."""
    import termios

    fd = stream.fileno()
    old = termios.tcgetattr(fd)
    new = termios.tcgetattr(fd)
    new[3] &= ~termios.ECHO
    try:
        termios.tcsetattr(fd, termios.TCSADRAIN, new)
        out.write(prompt)
        out.flush()
        return stream.readline()
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
