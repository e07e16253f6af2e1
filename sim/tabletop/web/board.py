"""HTML fragments the web pages show: the ladder board and the news feed.

Every text that comes from a scenario file is escaped, so a scenario cannot
inject markup or script into the pages.
"""

from __future__ import annotations

from html import escape

from escalation.tabletop.session import Session

# matplotlib's tab10, so that an actor has the same colour on the board and in the ladder chart
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MARK = {"event": "&#9679;", "move": "&#8594;", "threshold": "&#9888;", "red_line": "&#9873;", "history": "&#8987;", "war": "&#9878;"}


def board_html(session: Session, seat: str | None = None) -> str:
    """The ladder from the top with every actor on its rung; as ``seat`` perceives it if given."""
    rows = []
    for level, name, actors, threshold in session.board(seat):
        chips = "".join(_chip(session, k, seat) for k in actors)
        rows.append(
            f'<div class="rung" data-level="{level}" style="display:flex;align-items:center;min-height:30px;'
            f'border-bottom:1px solid #eee;padding:2px 4px">'
            f'<span style="width:2.2em;color:#888">{level}</span><span style="width:19em;flex:none;font-weight:500">{escape(name)}</span>'
            f"<span>{chips}</span></div>"
        )
        if threshold:
            rows.append(
                f'<div class="threshold" style="border-bottom:2px dashed #8a1c1c;color:#8a1c1c;font-size:12px;'
                f'text-align:right;padding-right:6px">{escape(threshold)}</div>'
            )
    return '<div class="ladder-board" style="font-size:15px">' + "".join(rows) + "</div>"


def _chip(session: Session, key: str, seat: str | None) -> str:
    colour = COLOURS[session.model.actors[key].index % len(COLOURS)]
    human = key in session.humans
    border = f"2px solid {colour}" if human else "2px solid transparent"
    background = "#fff" if human else colour
    text = colour if human else "#fff"
    label = escape(session.label(key)) + (" (class)" if human else "")
    if seat and key != seat:
        label = "~" + label  # a perceived position, not a known one
    return (
        f'<span class="actor" data-actor="{escape(key)}" style="display:inline-block;margin:2px 4px;padding:1px 9px;'
        f'border-radius:12px;border:{border};background:{background};color:{text};font-size:13px">{label}</span>'
    )


def news_html(session: Session, seat: str | None = None, turns: int = 6) -> str:
    """The narrative of the last few turns, newest first; for a seat, only what it would hear.
    At the branch, before the first turn of play, the whole history to it: the opening briefing."""
    blocks = []
    first = 0 if session.turn == session.start else max(session.turn - turns, 0)
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
        return f'<span style="color:{"#c0620a" if e.extra.get("inject") else "#1f4e79"}">[{escape(str(tag))}] {text}</span>'
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
