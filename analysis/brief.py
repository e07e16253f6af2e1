"""A team's briefing sheet: one printable page for the seat a team will hold.

Everything on it comes from the scenario, as it stands at the branch: who the
team is, the documented history to the branch, what it can do and what would
unlock more, the red lines it holds and those drawn against it, its relations,
and the objectives the after-action report will score. The page is HTML with a
print stylesheet (A4, one page); ``pdf`` prints it through a headless Chromium.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from itertools import groupby
from pathlib import Path

from escalation.analysis.style import actor_colour
from escalation.disclaimer import DISCLAIMER
from escalation.errors import InputError
from escalation.model.events import effect_text
from escalation.scenario.schema import JUDGED

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TRAIT_WORDS = {  # what each trait means for the team, said once
    "resolve": "determination to stand firm and honour red lines",
    "risk_tolerance": "willingness to accept escalation risk",
    "cost_sensitivity": "weight on the cost of crossing thresholds",
    "leverage": "pull over those it restrains or can veto",
    "air_defence": "share of incoming strikes it blunts",
}
ROLES = {"adversaries": "Adversaries", "allies": "Allies", "patrons": "Patrons (who arm and permit it)", "restrainers": "Restrainers",
         "veto_players": "Veto players"}


def brief_html(session, seat: str) -> str:
    """The sheet of ``seat`` in ``session`` (a tabletop session at the branch whose human seats include it)."""
    sc, m = session.scenario, session.model
    actor = m.actors[seat]
    lad = m.ladder
    colour = actor_colour(actor.index)
    e = _e
    sections = [
        _section("Who you are", f"<p>You hold the seat of <b>{e(actor.label)}</b> in <i>{e(sc.title)}</i>. {e(sc.question)}</p>"
                 f"<p>The game begins on <b>{session.date:%A %d %B %Y}</b> (the branch). You stand on <b>{e(lad.names[session.level(seat)])}</b>: "
                 f"{e(lad.spec.rungs[session.level(seat)].description)}</p>"
                 f"<p>When the model plays this seat it follows the <i>{e(session.base.actors[seat].rule)}</i> rule. Its traits: "
                 + "; ".join(f"{e(TRAIT_WORDS[t])} {_trait(session, seat, t)}" for t in TRAIT_WORDS) + ".</p>"),
        _section("The history to the branch", _history(session)),
        _section("What you can do", _capabilities(session, seat)),
        _section("Red lines", _red_lines(session, seat)),
        _section("Relations", _relations(session, seat)),
        _section("Your objectives", _objectives(session, seat)),
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Team sheet: {e(actor.label)} - {e(sc.title)}</title>
<style>
@page {{ size: A4; margin: 12mm; }}
body {{ font: 10.5pt/1.35 system-ui, sans-serif; color: #222; max-width: 48rem; margin: 1rem auto; padding: 0 1rem; }}
h1 {{ font-size: 17pt; margin: 0 0 .2rem; border-left: 10px solid {colour}; padding-left: .5rem; }}
h2 {{ font-size: 11.5pt; margin: .6rem 0 .2rem; color: {colour}; border-bottom: 1px solid #ddd; }}
p, ul {{ margin: .2rem 0; }} ul {{ padding-left: 1.2rem; }} .src {{ color: #595959; font-size: .9em; }}
.disclaimer {{ background: #fbeaea; border-left: 5px solid #8a1c1c; padding: .25rem .6rem; color: #8a1c1c; font-weight: 600; }}
.columns {{ columns: 2; column-gap: 1.4rem; }} section {{ break-inside: avoid; }}
@media print {{ body {{ max-width: none; margin: 0; padding: 0; font-size: 9pt; }} a {{ color: inherit; text-decoration: none; }} }}
</style></head><body>
<h1>Team sheet: {e(actor.label)}</h1>
<p class="disclaimer">{e(DISCLAIMER)} The actors follow stylised rules with hand-chosen traits.</p>
<div class="columns">{"".join(sections)}</div>
<p class="src">Scenario {e(session.source)} ({e(sc.kind)}); written by <code>escalation brief</code>. {e(DISCLAIMER)}</p>
</body></html>
"""


def _section(title: str, body: str) -> str:
    return f'<section class="{title.lower().replace(" ", "-")}"><h2>{_e(title)}</h2>{body}</section>'


def _history(session) -> str:
    entries = [x for x in session.briefing() if x.kind in ("event", "history")]
    if not entries:
        return "<p>The game begins at the start of the scenario: you play the documented days yourselves.</p>"
    out = []
    for date, group in groupby(entries, key=lambda x: x.date):
        out.append(f"<li><b>{date:%d %b}</b>: " + "; ".join(_e(x.text.split(":")[0]) for x in group) + "</li>")
    return f"<ul>{''.join(out)}</ul>"


def _capabilities(session, seat: str) -> str:
    sc, m = session.scenario, session.model
    lad, agent = m.ladder, m.actors[seat]
    now = [lad.names[lv] for lv in agent.legal_levels(0)]
    reach = [lad.names[int(lv)] for lv in agent.reach if agent.min_level[0] <= lv <= agent.max_level[0]]
    beyond = [lad.names[int(lv)] for lv in agent.reach if not agent.min_level[0] <= lv <= agent.max_level[0]]
    parts = [f"<p>Your moves on the first turn: {_e(', '.join(now))}. You may climb at most {sc.actors[seat].max_step} rung(s) a turn.</p>",
             f"<p>Within your reach now: {_e(', '.join(reach))}.</p>"]
    if beyond:
        parts.append(f"<p>Out of reach until something changes: {_e(', '.join(beyond))}.</p>")
    stocks = sc.actors[seat].stocks
    if stocks:
        parts.append("<p>Stocks: " + ", ".join(f"{n} x {_e(lad.names[lad.level[r]])}" for r, n in stocks.items()) + ".</p>")
    unlocks = []
    for kind, items in (("event", sc.events), ("inject card", session.deck())):
        for h in items:
            for fx in h.effects:
                body = getattr(fx, fx.kind)
                if fx.kind == "set_capability" and body.actor == seat:
                    when = _when(sc, h) if kind == "event" else "if the facilitator plays it"
                    unlocks.append(f"<li>{_e(effect_text(fx, lad, session.label))}: <i>{_e(h.title)}</i> ({kind}, {_e(when)})</li>")
    if unlocks:
        parts.append(f"<p>What changes your reach:</p><ul>{''.join(unlocks)}</ul>")
    return "".join(parts)


def _when(sc, ev) -> str:
    if ev.at is not None:
        return f"on {ev.at.date or sc.date_of(ev.at.turn):%d %b %Y}"
    if ev.when:
        return "once " + " and ".join(f"{c.actor} {c.metric} {c.op} {c.value}" for c in ev.when)
    return f"by chance, {ev.chance:.0%} a turn"


def _trait(session, seat: str, trait: str) -> str:
    """A trait as this game's world holds it, and where the scenario leaves it uncertain, what it was drawn from."""
    value = float(session.model.actors[seat].traits[trait][0])
    drawn = session.base.distributions.get(("actors", seat, trait))
    return f"{value:.2g}" + (f" (drawn for this game from {drawn})" if drawn else "")


def _red_lines(session, seat: str) -> str:
    lines = session.red_lines(seat)
    if not lines:
        return "<p>No declared red line concerns you at the branch.</p>"
    items = []
    for rl in lines:
        who = "Yours" if rl["mine"] else f"Drawn against you by {_e(session.label(rl['holder']))}"
        said = f" &ldquo;{_e(rl['text'])}&rdquo;" if rl["text"] else ""
        items.append(f"<li><b>{who}</b>:{said} crossed at <i>{_e(rl['at'])}</i>; the promised answer: <i>{_e(rl['response'])}</i>.</li>")
    return f"<ul>{''.join(items)}</ul>"


def _relations(session, seat: str) -> str:
    sc = session.scenario
    rel = sc.actors[seat].relations
    items = []
    for field, title in ROLES.items():
        named = getattr(rel, field)
        if named:
            items.append(f"<li>{_e(title)}: {_e(', '.join(session.label(k) for k in named))}</li>")
    against = [session.label(k) for k, a in sc.actors.items() if k != seat and seat in a.relations.adversaries]
    if against:
        items.append(f"<li>Who count you an adversary: {_e(', '.join(against))}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>No declared relations.</p>"


def _objectives(session, seat: str) -> str:
    aims = session.scenario.actors[seat].objectives
    if not aims:
        return "<p>The scenario sets no objectives for this seat: agree your own before the first turn, and write them here.</p>"
    items = [f"<li>{_e(a.text)} <span class='src'>({JUDGED[a.judged]}; {a.points} point{'s' if a.points > 1 else ''})</span></li>" for a in aims]
    return f"<ul>{''.join(items)}</ul><p class='src'>The after-action report scores them on your game.</p>"


def print_pdf(page: Path, pdf: Path) -> Path:
    """Print an HTML page to PDF with a headless Chromium (its print stylesheet applies)."""
    browser = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if browser is None:
        raise InputError(f"no Chromium found to print {pdf.name}: open {page} in a browser and print it, or install chromium")
    with tempfile.TemporaryDirectory() as profile:
        args = [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}", "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}", page.resolve().as_uri()]
        try:
            subprocess.run(args, capture_output=True, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"{browser} did not print {pdf.name} within two minutes") from None
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise InputError(f"{browser} could not print {pdf.name}: open {page} in a browser and print it")
    return pdf


def _e(text) -> str:
    return html.escape(str(text))
