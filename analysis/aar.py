"""The after-action report of a tabletop session: one self-contained, printable HTML page.

It tells what happened and why: each team's objectives and how they were met,
the timeline of moves by people (with the reasons the teams gave) and by the
model (each bot move with its reason), injects (those written in class too),
thresholds crossed, the messages the teams sent, what each team saw of the
others beside what was true, the documented
history of 17-26 November 2024 beside the class's game, and where the class's
outcome sits among the model's own runs of the same scenario (an ensemble with
every seat played by the model, cut to the same number of turns). Charts are
embedded, so the page can be mailed or printed as it is; the ladder chart is
also written as a PNG beside it, with the session's inputs (session.json).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from escalation.analysis.ladder_chart import ladder_chart
from escalation.analysis.style import pyplot, save, stamp
from escalation.disclaimer import DISCLAIMER
from escalation.errors import TabletopError
from escalation.model import END_STATE_NAMES, END_STATES, Crisis
from escalation.model.outcomes import END_STATE_MEANING
from escalation.scenario.schema import JUDGED

RUNS = 10_000
HISTORY = (dt.date(2024, 11, 17), dt.date(2024, 11, 26))  # the documented week of the seed articles
_ENSEMBLES: OrderedDict = OrderedDict()  # a few recent ensembles, so a second report is quick


@dataclass(frozen=True)
class Report:
    html: Path
    chart: Path
    session: Path


def model_distribution(session, runs: int = RUNS) -> dict[str, np.ndarray]:
    """Outcomes of ``runs`` worlds of the session's scenario, every seat played by the model,
    after as many turns as the class has played (seeded by the session's seed)."""
    turns = session.turn
    key = (session.digest, session.length, session.seed, turns, runs)
    if key not in _ENSEMBLES:
        model = Crisis(session.base, worlds=runs, rng=session.seed, trajectories=False)
        for _ in range(turns):
            model.step()
        _ENSEMBLES[key] = model.outcomes()
        while len(_ENSEMBLES) > 4:
            _ENSEMBLES.popitem(last=False)
    return _ENSEMBLES[key]


def write_report(session, out_dir, runs: int = RUNS) -> Report:
    """Write ``aar.html``, ``ladder.png``, ``distribution.png`` and ``session.json`` into ``out_dir``."""
    if session.turn <= session.start:
        raise TabletopError("nothing to report yet: no turn has been played")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = session.model
    chart = Path(ladder_chart(model, out / "ladder.png"))
    dist = model_distribution(session, runs)
    spread = _distribution_chart(session, dist, runs, out / "distribution.png")
    outcome = model.outcomes()
    parts = [_header(session), _outcome(session, outcome), _comparison(session, outcome, dist, runs, spread)]
    parts += [
        f'<section><h2>The ladder, day by day</h2><img src="{_data_uri(chart)}" alt="ladder chart of the game"></section>',
        _objectives(session),
        _history(session),
        _timeline(session),
        _seen(session),
        _messages(session),
        _written(session),
        _branches(session),
        _questions(),
    ]
    session_file = session.save(out / "session.json")
    page = out / "aar.html"
    page.write_text(_page(session, "\n".join(p for p in parts if p)), encoding="utf-8")
    return Report(page, chart, session_file)


# --------------------------------------------------------------------------- sections


def _header(s) -> str:
    sc, m = s.scenario, s.model
    seats = "".join(
        f"<tr><td>{_e(m.actors[k].label)}</td><td>{'the class' if k in s.humans else 'the model: ' + _e(s.base.actors[k].rule)}</td></tr>"
        for k in s.seats()
    )
    per = f" of {s.days_per_turn} days" if s.days_per_turn > 1 else ""
    played = f"{s.game_turn - 1} of {s.game_turns} turns{per}, {sc.date_of(s.start):%d %b %Y} to {sc.date_of(s.turn - 1):%d %b %Y}"
    if s.start:
        played += f", after the history from {sc.start:%d %b %Y}"
    return (
        f"<header><h1>After-action report: {_e(sc.title)}</h1>"
        f'<p class="disclaimer">{_e(DISCLAIMER)} The actors follow stylised rules with hand-chosen traits; '
        "the model explores what could happen, it does not forecast.</p>"
        f"<p>{_e(sc.question)}</p>"
        f'<table class="meta"><tr><th>Scenario</th><td>{_e(s.source)} ({_e(sc.kind)})</td></tr>'
        f"<tr><th>Seed</th><td>{s.seed}</td></tr><tr><th>Played</th><td>{played}</td></tr></table>"
        f'<table class="meta"><tr><th>Seat</th><th>Played by</th></tr>{seats}</table></header>'
    )


def _outcome(s, out) -> str:
    lad, sc = s.model.ladder, s.scenario
    state = END_STATES[int(out["end_state"][0])]
    crossed = [
        f"<li>{_e(name)}: {sc.date_of(int(out[f'first_{tid}'][0])):%a %d %b %Y}</li>"
        for tid, name in zip(lad.threshold_ids, lad.threshold_names)
        if out[f"first_{tid}"][0] >= 0
    ]
    return (
        "<section><h2>Outcome</h2>"
        f"<p>Your game ended <b>{_e(END_STATE_NAMES[state])}</b>: {_e(END_STATE_MEANING[state])}. "
        f"The escalation intensity (the actors' rungs scored as in Rivera et al. 2024, summed) was {int(out['intensity_branch'][0])} "
        f"at the branch on {sc.date_of(s.start):%d %b %Y}, {int(out['intensity_end'][0])} at the end, and at most "
        f"{int(out['intensity_peak'][0])} on a day. The highest rung anyone stood on was {_e(lad.names[int(out['peak_rung'][0])])}.</p>"
        f"<p>Thresholds crossed after the branch (someone climbed onto them):</p><ul>{''.join(crossed) or '<li>none</li>'}</ul></section>"
    )


def _comparison(s, out, dist, runs: int, chart: Path) -> str:
    lad = s.model.ladder
    state = int(out["end_state"][0])
    same = float(np.mean(dist["end_state"] == state))
    worse = float(np.mean(dist["end_state"] > state))
    milder = float(np.mean(dist["end_state"] < state))
    rows = []
    for tid, name in zip(lad.threshold_ids, lad.threshold_names):
        share = float(np.mean(dist[f"first_{tid}"] >= 0))
        ours = out[f"first_{tid}"][0] >= 0
        rows.append(f"<tr><td>{_e(name)}</td><td>{'yes' if ours else 'no'}</td><td>{_pct(share)}</td></tr>")
    return (
        "<section><h2>Where your game sits among the model's own runs</h2>"
        f"<p>In {runs:,} model runs of the same scenario over the same {_turns(s.turn - s.start)} from the branch, with every seat "
        f"played by the model and no injects, <b>{_pct(same)}</b> ended {_e(_end_state(out))} as your game did; "
        f"{_pct(worse)} ended in a graver state and {_pct(milder)} in a milder one.</p>"
        '<table><tr><th>Threshold</th><th>Crossed in your game</th><th>Share of model runs crossing it</th></tr>'
        f"{''.join(rows)}</table>"
        f'<img src="{_data_uri(chart)}" alt="distribution of end states in the model runs"></section>'
    )


def _history(s) -> str:
    """Documented events of 17-26 November 2024 beside what the class's game did those days."""
    sc, lad = s.scenario, s.model.ladder
    first, last = max(HISTORY[0], sc.start), HISTORY[1]
    title = "<h2>History beside your game, 17-26 November 2024</h2>"
    if first > last:
        return f"<section>{title}<p>This game does not cover those days.</p></section>"
    documented: dict[dt.date, list[str]] = {}
    for ev in sc.events:
        if ev.status != "documented" or ev.at is None:
            continue
        day = ev.at.date or sc.date_of(ev.at.turn)
        moves = [f"{s.model.actors[fx.set_posture.actor].label}: {lad.names[lad.level[fx.set_posture.rung]]}" for fx in ev.effects if fx.set_posture]
        cite = f' <span class="src">({_e(ev.source.seed or ev.source.title)})</span>'
        documented.setdefault(day, []).append(_e(ev.title) + (f" <i>({_e('; '.join(moves))})</i>" if moves else "") + cite)
    rows = []
    day = first
    while day <= last:
        turn = sc.turn_of(day)
        if turn < s.turn:
            ours = [_game_item(s, e) for e in s.news(turn=turn) if not (e.kind == "event" and not e.extra.get("inject"))]
            game = "<br>".join(x for x in ours if x) or "no change"
        else:
            game = f'<span class="src">{"beyond this game" if turn >= s.end_turn else "not played"}</span>'
        rows.append(f"<tr><td>{day:%a %d %b}</td><td>{'<br>'.join(documented.get(day, [])) or '-'}</td><td>{game}</td></tr>")
        day += dt.timedelta(days=1)
    return (
        f"<section>{title}<p>Left, what the seed articles report (the scenario's documented events; the model's reading of each "
        "as a rung in italics). Right, what happened in your game on the same days. Before the branch they are your game's history too; "
        "after it, a documented move of an actor that decides is told as history beside your game, not made in it.</p>"
        f'<table class="history"><tr><th>Date</th><th>Documented</th><th>Your game</th></tr>{"".join(rows)}</table></section>'
    )


def _game_item(s, e) -> str:
    if e.kind == "move":
        who = "class" if e.actor in s.humans else "model"
        return f'<span class="{who}">{_e(e.text)}</span>'
    if e.kind == "event":
        return f'<span class="inject">Inject: {_e(e.text)}</span>'
    return _e(e.text)


def _timeline(s) -> str:
    """Every turn played: decisions by people and by the model (with the model's reasons), and what happened."""
    m, lad = s.model, s.model.ladder
    blocks = []
    for turn, decisions in enumerate(s.log):
        items = []
        for d in decisions:
            label = _e(m.actors[d["actor"]].label)
            if d["human"]:
                verb = "holds at" if d["to"] == d["from"] else "moves to"
                why = s.played[turn].rationales.get(d["actor"])
                reason = f' Its reason: <q class="rationale">{_e(why)}</q>' if why else ""
                items.append(f'<li class="class"><b>{label}</b> (the class) {verb} <b>{_e(lad.names[d["to"]])}</b>.{reason}</li>')
            elif d["to"] != d["from"]:
                items.append(
                    f'<li class="model"><b>{label}</b> (the model) moves from {_e(lad.names[d["from"]])} to <b>{_e(lad.names[d["to"]])}</b>, '
                    f"because {_e(d['why'])}.</li>"
                )
        for e in s.news(turn=turn):
            if e.kind == "move":
                continue
            if e.kind == "event":
                kind = "inject" if e.extra.get("inject") else "event"
                tag = "Inject played" if kind == "inject" else "Event"
                items.append(f'<li class="{kind}">{tag} [{_e(e.status)}]: {_e(e.text)} <span class="src">({_e(e.source)})</span></li>')
            else:
                items.append(f'<li class="{e.kind}">{_e(e.text)}</li>')
        holds = [m.actors[d["actor"]].label for d in decisions if not d["human"] and d["to"] == d["from"]]
        if holds:
            items.append(f'<li class="src">Held their posture (the model): {_e(", ".join(holds))}.</li>')
        history = " (history: nobody decides before the branch)" if turn < s.start else ""
        blocks.append(f"<h3>Turn {turn}: {s.scenario.date_of(turn):%a %d %b %Y}{history}</h3><ul>{''.join(items)}</ul>")
    return f"<section><h2>Timeline: every move and why</h2>{''.join(blocks)}</section>"


def _objectives(s) -> str:
    """Each team's objectives from the scenario, judged on the game: met, missed or still open, and its score."""
    teams = [k for k in s.humans if s.scenario.actors[k].objectives]
    if not teams:
        return ""
    word = {True: "met", False: "missed", None: "open (the game goes on)"}
    rows, scores = [], []
    for k in teams:
        aims = s.objectives(k)
        got = sum(a["points"] for a in aims if a["met"])
        scores.append(f"<li><b>{_e(s.label(k))}</b>: {got} of {sum(a['points'] for a in aims)} points</li>")
        for a in aims:
            rows.append(
                f'<tr class="objective" data-met="{"open" if a["met"] is None else word[a["met"]]}"><td>{_e(s.label(k))}</td><td>{_e(a["text"])}</td>'
                f"<td>{JUDGED[a['judged']]}</td><td>{word[a['met']]}</td><td>{a['points'] if a['met'] else 0} / {a['points']}</td></tr>"
            )
    return (
        "<section><h2>Objectives</h2><p>The aims the scenario sets each team's seat, judged on your game from the branch.</p>"
        f"<ul>{''.join(scores)}</ul>"
        f"<table><tr><th>Team</th><th>Objective</th><th>Judged</th><th>Result</th><th>Points</th></tr>{''.join(rows)}</table></section>"
    )


def _seen(s) -> str:
    """What each team's seat showed it of the others at the start of each turn, beside what was true."""
    m, lad = s.model, s.model.ladder
    if not s.seen or m.path is None:
        return ""
    blocks = []
    for seat in s.humans:
        others = [a for a in m.order if a.key != seat]
        head = "".join(f"<th>{_e(a.label)}</th>" for a in others)
        rows = []
        for turn in sorted(t for t in s.seen if t < s.turn):
            read = s.seen[turn][seat]
            cells = []
            for a in others:
                true = int(m.path[turn - 1, a.index, 0]) if turn else (lad.level[a.spec.posture] if a.spec.active else -1)
                seen = read.get(a.key)
                if seen is None or true < 0:
                    cells.append("<td>-</td>")
                elif seen == true:
                    cells.append(f'<td>{_e(lad.names[true])}</td>')
                else:
                    cells.append(f'<td class="misread">read <b>{_e(lad.names[seen])}</b><br><span class="src">true: {_e(lad.names[true])}</span></td>')
            rows.append(f"<tr><td>{s.scenario.date_of(turn):%d %b}</td>{''.join(cells)}</tr>")
        blocks.append(f'<h3>{_e(s.label(seat))}</h3><table class="seen" data-seat="{_e(seat)}"><tr><th>Turn of</th>{head}</tr>{"".join(rows)}</table>')
    return (
        "<section><h2>What each team saw</h2><p>The others' postures as each team's seat showed them when it chose its move, "
        "through the fog of war; where the reading was wrong, the true posture is beside it.</p>" + "".join(blocks) + "</section>"
    )


def _messages(s) -> str:
    sent = s.messages()
    if not sent:
        return ""
    items = []
    for day, msg in sent:
        who, to = s.addressed(msg)
        items.append(f'<li class="message">{s.scenario.date_of(day):%d %b}: <b>{_e(who)}</b> {_e(to)}: {_e(msg.text)}</li>')
    return f"<section><h2>Messages between the teams</h2><ul>{''.join(items)}</ul></section>"


def _written(s) -> str:
    if not s.written:
        return ""
    items = [
        f"<li><b>{_e(c.title)}</b> ({_e(c.id)}){': ' + _e(c.text) if c.text else ''}. Changes: {_e('; '.join(s.card_effects(c)))}.</li>"
        for c in s.written
    ]
    return f"<section><h2>Injects written in class</h2><ul>{''.join(items)}</ul></section>"


def _branches(s) -> str:
    if not s.branches:
        return ""
    lad = s.model.ladder
    rows = []
    for b in s.branches:
        out = s.replay_line(b.turns).outcomes()
        peak = int(out["peak_rung"][0])
        rows.append(
            f"<tr><td>{_e(b.name)}</td><td>{len(b.turns) - s.start}</td><td>{_e(lad.names[peak])}</td>"
            f"<td>{_e(_end_state(out))}</td></tr>"
        )
    return (
        "<section><h2>Lines of play set aside</h2><p>Branches the class explored before going back and playing differently.</p>"
        f"<table><tr><th>Line</th><th>Turns played</th><th>Peak</th><th>End state</th></tr>{''.join(rows)}</table></section>"
    )


def _questions() -> str:
    qs = [
        "Which single move, by a team or by the model, did most to set the course of the crisis? Why then?",
        "Where did a red line change what someone did, and where was one crossed without the promised answer?",
        "What did your team believe about the others that turned out wrong? How did the fog of war shape your choices?",
        "Compare your game with the documented week: where did it follow history, where did it leave it, and why?",
        "Your outcome against the model's own runs: was it typical or rare? What would have changed it?",
    ]
    return "<section><h2>Debrief questions</h2><ol>" + "".join(f"<li>{_e(q)}</li>" for q in qs) + "</ol></section>"


# --------------------------------------------------------------------------- charts and page


def _distribution_chart(s, dist, runs: int, path: Path) -> Path:
    return Path(save(distribution_figure(s, dist, runs), path))


def distribution_figure(s, dist, runs: int):
    """The end states of the model's own runs, the class's game marked."""
    plt = pyplot()
    ours = int(s.model.end_state()[0])
    share = np.bincount(dist["end_state"], minlength=len(END_STATES))[: len(END_STATES)] / runs
    fig, ax = plt.subplots(figsize=(10, 4.6))
    fig.subplots_adjust(left=0.3, right=0.97, top=0.86, bottom=0.2)
    colours = ["#c0392b" if i == ours else "#9fb3c8" for i in range(len(END_STATES))]
    ax.barh(range(len(END_STATES)), share * 100, color=colours)
    ax.set_yticks(range(len(END_STATES)), [END_STATE_NAMES[e] for e in END_STATES], fontsize=9)
    ax.set_xlabel(f"share of {runs:,} model runs (%)")
    ax.text(share[ours] * 100, ours, f"  your game ({share[ours]:.1%})", va="center", fontsize=9, color="#c0392b", weight="bold")
    ax.set_xlim(0, max(share.max() * 100 * 1.35, 5))
    ax.set_xticks([t for t in ax.get_xticks() if 0 <= t <= 100])  # the room right of 100% is for the label, not a share
    ax.set_title(f"End state after {_turns(s.turn - s.start)} from the branch: your game against the model's own runs", fontsize=11)
    stamp(fig, f"scenario {s.scenario.name}, seed {s.seed}")
    return fig


def _page(s, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>After-action report: {_e(s.scenario.title)}</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem; color: #222; }}
h1 {{ font-size: 1.6rem; margin-bottom: .3rem; }} h2 {{ border-bottom: 2px solid #ddd; margin-top: 2rem; }}
h3 {{ margin: 1.2rem 0 .3rem; font-size: 1.05rem; }}
.disclaimer {{ background: #fbeaea; border-left: 5px solid #8a1c1c; padding: .5rem .8rem; color: #8a1c1c; font-weight: 600; }}
table {{ border-collapse: collapse; margin: .6rem 0; }} td, th {{ border: 1px solid #ccc; padding: .25rem .5rem; vertical-align: top; text-align: left; }}
table.meta {{ display: inline-table; margin-right: 1.5rem; }} table.history td:first-child {{ white-space: nowrap; }}
img {{ max-width: 100%; border: 1px solid #eee; }}
li.class, span.class {{ color: #0b5394; }} li.model {{ color: #333; }} li.inject, span.inject {{ color: #a34a00; }}
li.threshold {{ color: #8a1c1c; font-weight: 600; }} .src {{ color: #595959; font-size: .85em; }} td.misread {{ background: #fff4e0; }}
footer {{ margin-top: 2rem; border-top: 1px solid #ddd; color: #555; font-size: .9em; }}
@media print {{ body {{ max-width: none; font-size: 11pt; }} section {{ break-inside: avoid-page; }} h3, tr, li {{ break-inside: avoid; }} }}
</style></head><body>
{body}
<footer><p class="disclaimer">{_e(DISCLAIMER)}</p>
<p>Replay or continue this game with <code>escalation play --load session.json</code> (the file beside this report).</p></footer>
</body></html>
"""


def _end_state(out) -> str:
    """The end state of a one-world game's outcomes, in words."""
    return END_STATE_NAMES[END_STATES[int(out["end_state"][0])]]


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _turns(n: int) -> str:
    return f"{n} turn" if n == 1 else f"{n} turns"


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _e(text) -> str:
    return html.escape(str(text))
