"""HTML fragments the web pages show: the ladder board and the news feed.

Every text that comes from a scenario file is escaped, so a scenario cannot
inject markup or script into the pages.
"""

from __future__ import annotations

from html import escape

from escalation.analysis.style import actor_colour
from escalation.tabletop.session import Session

MARK = {"event": "&#9679;", "move": "&#8594;", "threshold": "&#9888;", "red_line": "&#9873;", "history": "&#8987;", "war": "&#9878;"}


def board_html(session: Session, seat: str | None = None) -> str:
    """The ladder from the top with every actor on its rung; as ``seat`` perceives it if given
    (``"public"``: what is public, so under the fog of war nobody is placed)."""
    rows = []
    for level, name, actors, threshold in session.board(seat):
        chips = "".join(_chip(session, k, seat) for k in actors)
        # a threshold is the dashed line under the rung it leads to, named at the right: no row of its own, so the
        # whole ladder fits a projector's screen
        line = "border-bottom:2px dashed #8a1c1c" if threshold else "border-bottom:1px solid #eee"
        named = f'<span class="threshold">{escape(threshold)}</span>' if threshold else ""
        rows.append(
            f'<div class="rung" data-level="{level}" style="{line}">'
            f'<span class="level">{level}</span><span class="rung-name">{escape(name)}</span>'
            f'<span class="chips">{chips}</span>{named}</div>'
        )
    note = ""
    if seat == "public" and session.fog():
        note = ('<div class="fog-note" style="color:#595959;font-size:13px;margin-bottom:4px">Public view: under the fog of war the '
                "actors' postures are not shown. The facilitator can reveal them.</div>")
    return f'<div class="ladder-board">{note}' + "".join(rows) + "</div>"


def _chip(session: Session, key: str, seat: str | None) -> str:
    colour = actor_colour(session.model.actors[key].index)
    human = key in session.humans
    border = f"2px solid {colour}"
    background = "#fff" if human else colour
    text = colour if human else "#fff"
    label = escape(session.label(key)) + (" (class)" if human else "")
    if seat and seat != "public" and key != seat:
        label = "~" + label  # a perceived position, not a known one
    return (
        f'<span class="actor" data-actor="{escape(key)}" data-colour="{colour}" style="display:inline-block;margin:1px 3px;padding:0 8px;'
        f'border-radius:12px;border:{border};background:{background};color:{text};font-size:13px;font-weight:600">{label}</span>'
    )


def news_html(session: Session, seat: str | None = None, turns: int = 6) -> str:
    """The narrative of the last few turns, newest first; for a seat, only what it would hear.
    At the branch, before the first turn of play, the whole history to it: the opening briefing."""
    blocks = []
    first = 0 if session.turn == session.start else max(session.turn - turns * session.days_per_turn, 0)
    for turn in range(session.turn - 1, first - 1, -1):
        entries = session.news(seat, turn)
        if not entries:
            continue
        items = "".join(f"<li>{MARK[e.kind]} {_entry(e)}</li>" for e in entries)
        history = " - history, before the branch" if turn < session.start else ""
        blocks.append(
            f'<div class="news-turn"><b>{session.scenario.date_of(turn):%a %d %b %Y}</b> (turn {turn}{history})'
            f'<ul style="margin:2px 0 8px 0">{items}</ul></div>'
        )
    return '<div class="news">' + ("".join(blocks) or "<i>Nothing has happened yet: the first turn has not been played.</i>") + "</div>"


def _entry(e) -> str:
    text = escape(e.text)
    if e.kind == "event":
        tag = "inject" if e.extra.get("inject") else e.status
        return f'<span style="color:{"#a34a00" if e.extra.get("inject") else "#1f4e79"}">[{escape(str(tag))}] {text}</span>'
    if e.kind == "threshold":
        return f'<b style="color:#8a1c1c">{text}</b>'
    return text


def red_lines_html(session: Session, seat: str) -> str:
    """The red lines a seat holds and those drawn against it."""
    lines = session.red_lines(seat)
    if not lines:
        return "<i>No declared red line concerns you at the moment.</i>"
    items = []
    for rl in lines:
        who = "You" if rl["mine"] else escape(session.label(rl["holder"]))
        said = f" &ldquo;{escape(rl['text'])}&rdquo;" if rl["text"] else ""
        items.append(
            f'<li class="red-line" data-holder="{escape(rl["holder"])}"><b>{who}</b>:{said} Crossed at <i>{escape(rl["at"])}</i>; '
            f"the promised answer: <i>{escape(rl['response'])}</i>.</li>"
        )
    return '<ul class="red-lines" style="margin:0">' + "".join(items) + "</ul>"


def moves_html(session: Session) -> str:
    """The model's moves in the turn played last, each with its one-sentence reason."""
    moves = session.bot_moves()
    if not moves:
        return "<i>No turn has been played yet.</i>"
    many = session.days_per_turn > 1
    items = []
    for d in moves:
        when = f"{session.scenario.date_of(d['day']):%d %b}: " if many else ""
        what = f"holds on <i>{escape(d['rung'])}</i>" if d["to"] == d["from"] else f"<i>{escape(d['was'])}</i> &rarr; <i>{escape(d['rung'])}</i>"
        then = f"; then moved to <i>{escape(d['then'])}</i> by an event or inject that day" if d["then"] else ""
        items.append(f'<li class="bot-move" data-actor="{escape(d["actor"])}">{when}<b>{escape(d["label"])}</b> {what}: {escape(d["why"])}{then}</li>')
    return '<ul class="bot-moves" style="margin:0;font-size:13px">' + "".join(items) + "</ul>"


def messages_html(session: Session, seat: str | None = None) -> str:
    """The messages a seat may read (all of them for the facilitator), newest first."""
    shown = session.messages(seat)
    if not shown:
        return "<i>No messages yet.</i>"
    items = []
    for day, m in reversed(shown):
        sender, to = (escape(part) for part in session.addressed(m))
        when = f"{session.scenario.date_of(day):%d %b}"
        items.append(f'<li class="message" data-to="{escape(m.to or "all")}"><b>{sender}</b> {to}, {when}: {escape(m.text)}</li>')
    return '<ul class="messages" style="margin:0;font-size:13px">' + "".join(items) + "</ul>"


def objectives_html(session: Session, seat: str) -> str:
    aims = session.objectives(seat)
    if not aims:
        return "<i>The scenario sets this seat no objectives: agree your own.</i>"
    state = {True: ("met", "#1e7a1e"), False: ("missed", "#b31b1b"), None: ("open", "#595959")}
    items = []
    for a in aims:
        word, colour = state[a["met"]]
        items.append(f'<li class="objective" data-met="{word}">{escape(a["text"])} <span style="color:{colour};font-weight:600">[{word}]</span></li>')
    return '<ul class="objectives" style="margin:0">' + "".join(items) + "</ul>"


def deck_html(session: Session) -> str:
    """Every card of the inject deck: its title, text, status and what it changes."""
    cards = session.deck()
    if not cards:
        return "<i>This scenario has no inject deck.</i>"
    items = []
    for c in cards:
        effects = "; ".join(escape(t) for t in session.card_effects(c))
        text = f"<br>{escape(c.text)}" if c.text else ""
        items.append(
            f'<li class="card" data-card="{escape(c.id)}" style="margin-bottom:6px"><b>{escape(c.title)}</b> '
            f'<span style="color:#595959">({escape(c.id)}, {escape(c.status)}; {escape(session.card_status(c))})</span>{text}'
            f'<br><span style="color:#7a4a00">Changes: {effects}</span></li>'
        )
    return '<ul class="deck" style="margin:0;padding-left:18px;font-size:13px">' + "".join(items) + "</ul>"
