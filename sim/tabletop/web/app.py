"""The web tabletop (Solara): projector, seat and facilitator views of one shared game.

``/``                        the projector: ladder board, thresholds, ladder chart, news feed
``/?seat=ukraine``           a team's seat: the ladder as that actor perceives it, its news, its moves
``/facilitator?key=KEY``     the facilitator: play the turn, injects, rewind, branch, save, load,
                             report, new game (the key is printed by ``escalation serve``)

Like Mesa's SolaraViz, the page title sits in the app bar and the controls in
cards in the sidebar; unlike it, every browser shows the same game (the
:data:`~sim.web.hub.HUB`) and redraws as soon as anyone acts.
"""

from __future__ import annotations

import hmac
import threading
from html import escape
from urllib.parse import parse_qs

import solara

from escalation.disclaimer import DISCLAIMER
from escalation.errors import did_you_mean
from escalation.model.outcomes import END_STATE_NAMES, END_STATES
from escalation.tabletop.web.board import board_html, news_html, red_lines_html
from escalation.tabletop.web.hub import HUB

changes = solara.reactive(0)  # per browser tab: the version of the shared game it shows


def use_live_updates() -> None:
    """Follow the shared game: when anyone changes it, every page showing it redraws."""

    def subscribe():
        stop = threading.Event()

        def watch(seen=HUB.version):
            while not stop.is_set():
                now = HUB.wait(seen, 0.5)
                if now != seen:
                    seen = now
                    changes.set(now)

        threading.Thread(target=watch, daemon=True, name="escalation-live").start()
        return stop.set

    solara.use_effect(subscribe, [])


def game():
    """The shared session (None before the facilitator sets one up); reading it here
    subscribes the calling component to its changes."""
    _ = changes.value
    return HUB.session


@solara.component
def Page():
    router = solara.use_router()
    query = parse_qs(router.search or "")
    use_live_updates()
    view = "facilitator" if router.path.strip("/") == "facilitator" else "seat" if "seat" in query else "projector"
    with HUB.lock:
        s = game()
        title = s.scenario.title if s else "escalation tabletop"
    solara.Title(f"{title} ({view})")
    with solara.AppBarTitle():
        solara.Text(title)
    with solara.AppBar():
        solara.Text(DISCLAIMER, classes=["disclaimer"], style={"font-weight": "600", "margin-right": "12px"})
    solara.HTML(
        tag="div", unsafe_innerHTML=DISCLAIMER, classes=["disclaimer-banner"],
        style="background:#fbeaea;color:#8a1c1c;border-left:5px solid #8a1c1c;padding:4px 10px;font-weight:600;margin-bottom:8px",
    )
    if view == "facilitator":
        FacilitatorView(query.get("key", [""])[0])
    elif view == "seat":
        SeatView(query["seat"][0])
    else:
        ProjectorView()


# --------------------------------------------------------------------------- projector


@solara.component
def ProjectorView():
    with HUB.lock:
        s = game()
        if s is None:
            solara.Info("The facilitator is setting up the game.")
            return
        Status()
        with solara.Columns([3, 2]):
            with solara.Card("The ladder"):
                solara.HTML(tag="div", unsafe_innerHTML=board_html(s))
            with solara.Card("News"):
                solara.HTML(tag="div", unsafe_innerHTML=news_html(s))
        png = HUB.chart_png()
        if png:
            with solara.Card("Day by day"):
                solara.Image(png, width="100%")


@solara.component
def Status():
    with HUB.lock:
        s = game()
        if s.finished and s.turn > s.start:
            state = END_STATE_NAMES[END_STATES[int(s.model.end_state()[0])]]
            text = f"Game over after {s.turn - s.start} turns from the branch: the crisis ended {state}."
        elif s.finished:
            text = "Game over before the first turn."
        else:
            waiting = ", ".join(s.label(k) for k in s.waiting_for()) or "nobody"
            text = f"Turn {s.turn} of {s.end_turn}: {s.date:%A %d %B %Y}. Waiting for: {waiting}."
        solara.Text(text, classes=["game-status"], style={"font-size": "20px", "font-weight": "600"})


# --------------------------------------------------------------------------- seat


@solara.component
def SeatView(seat: str):
    message, set_message = solara.use_state("")
    with HUB.lock:
        s = game()
        if s is None:
            solara.Info("The facilitator is setting up the game.")
            return
        if seat not in s.seats():
            solara.Error(f"There is no seat '{seat}' in this game{did_you_mean(seat, s.seats())}. Seats: " + ", ".join(s.seats()))
            return
        human = seat in s.humans
        who = "your team's seat" if human else "played by the model"
        solara.Text(f"{s.label(seat)}: {who}", classes=["seat-title"], style={"font-size": "22px", "font-weight": "600"})
        Status()
        with solara.Columns([3, 2]):
            with solara.Card("The ladder as you see it", subtitle="Others' postures are your reading of them, fog of war included (~)."):
                solara.HTML(tag="div", unsafe_innerHTML=board_html(s, seat))
            with solara.Column():
                if human:
                    MovePanel(seat, set_message)
                with solara.Column():  # a stable slot (see FacilitatorView)
                    if message:
                        solara.Error(message)
                with solara.Card("Red lines", subtitle="Declared in public: yours, and those drawn against you."):
                    solara.HTML(tag="div", unsafe_innerHTML=red_lines_html(s, seat))
                with solara.Card("What you hear"):
                    solara.HTML(tag="div", unsafe_innerHTML=news_html(s, seat))


@solara.component
def MovePanel(seat: str, set_message):
    with HUB.lock, solara.Card("Your move"):
        s = game()
        if s.finished:
            solara.Text("The game is over.")
            return
        if not s.active(seat):
            solara.Text("You are not in the crisis at the moment.")
            return
        lad = s.model.ladder
        chosen = s.pending.moves.get(seat)
        here = lad.ids[s.level(seat)]
        if chosen:
            solara.Success(f"Your move: {lad.names[lad.level[chosen]]}. You can change it until the facilitator plays the turn.")
        else:
            solara.Text("Choose your move for this turn (if you do not, you hold your posture).")
        for rung in s.legal_moves(seat):
            r = lad.spec.rungs[lad.level[rung]]

            def choose(rung=rung):
                set_message(HUB.act(lambda game: game.choose(seat, rung)) or "")

            solara.Button(
                label=r.name + (" (hold)" if rung == here else ""), on_click=choose, color="primary" if rung == chosen else None,
                outlined=rung != chosen, classes=["move", "text-none"], style={"margin": "3px 0", "justify-content": "flex-start"},
            )
            solara.Text(r.description, style={"font-size": "12px", "color": "#666", "margin": "0 0 4px 8px"})


# --------------------------------------------------------------------------- facilitator


@solara.component
def FacilitatorView(key: str):
    message, set_message = solara.use_state(("", "info"))
    if not HUB.key or not hmac.compare_digest(key.encode(), HUB.key.encode()):
        solara.Error("The facilitator view needs the link that `escalation serve` printed (it ends in ?key=...).")
        return

    def tell(error: str | None, done: str) -> None:
        set_message((error, "error") if error else (done, "success"))

    with HUB.lock:
        s = game()
        with solara.Sidebar(), solara.Column():
            text, kind = message
            with solara.Column():  # always there, so that the cards below keep their widgets as messages come and go
                if text:
                    (solara.Error if kind == "error" else solara.Success)(text)
            if s is not None:
                TurnCard(tell)
                InjectCard(tell)
                RewindCard(tell)
            SaveCard(tell)  # loading a class's saved game needs no game under way
            if s is not None:
                ReportCard(tell)
            NewGameCard(tell)
        if s is None:
            solara.Info("No game yet: choose a scenario and the seats the teams hold (under New game), then start it.")
            return
        SeatLinks()
        ProjectorView()


@solara.component
def TurnCard(tell):
    with HUB.lock, solara.Card("Turn"):
        s = game()
        solara.Text(f"Turn {s.turn} of {s.end_turn}" + (" (over)" if s.finished else f": {s.date:%d %b %Y}"))
        solara.Text("Injects this turn: " + ", ".join(s.pending.injects) if s.pending.injects else "")
        with solara.Row():
            solara.Button("Play turn", color="primary", disabled=s.finished, on_click=lambda: tell(HUB.act(lambda g: g.advance()), "Turn played."))
            solara.Button("End game", outlined=True, disabled=s.finished, on_click=lambda: tell(HUB.act(lambda g: g.end()), "Game ended."))


@solara.component
def InjectCard(tell):
    card, set_card = solara.use_state(None)
    with HUB.lock, solara.Card("Injects"):
        s = game()
        cards = [c.id for c in s.deck() if s.playable(c)]
        if not cards:
            solara.Text("No inject can be played now.")
            return
        solara.Select(label="Card", values=cards, value=card if card in cards else None, on_value=set_card)
        solara.Button(
            "Play inject", disabled=card not in cards or s.finished,
            on_click=lambda: tell(HUB.act(lambda g: g.inject(card or "")), f"Inject '{card}' takes effect when the turn is played."),
        )


@solara.component
def RewindCard(tell):
    turn, set_turn = solara.use_state(HUB.session.start if HUB.session else 0)  # the game's first turn: the branch
    with solara.Card("Rewind and branch"):
        solara.InputInt("Back to the start of turn", value=turn, on_value=set_turn)
        with solara.Row():
            solara.Button("Rewind", on_click=lambda: tell(HUB.act(lambda g: g.rewind(turn)), f"Rewound to turn {turn}."))
            solara.Button("Branch", outlined=True, on_click=lambda: tell(HUB.act(lambda g: g.branch(turn)), f"Line set aside; back to turn {turn}."))


@solara.component
def SaveCard(tell):
    with HUB.lock, solara.Card("Save and load"):
        s = game()
        if s is not None:
            solara.FileDownload(
                lambda: HUB.session.to_json() if HUB.session else "",
                filename=f"{s.scenario.name}-session.json", label="Save session", mime_type="application/json",
            )

        def load(info):
            tell(HUB.load(info["data"].decode("utf-8", "replace"), info["name"]), f"Loaded {info['name']}.")

        solara.FileDrop(label="Drop a saved session here to load it", on_file=load, lazy=False)


@solara.component
def ReportCard(tell):
    with HUB.lock, solara.Card("After-action report"):
        game()

        def write():
            error = HUB.write_report()
            tell(error, "" if error else f"Report written to {HUB.report.html if HUB.report else ''}")

        solara.Button("Write report", on_click=write)
        if HUB.report is not None:
            html = HUB.report.html
            solara.FileDownload(lambda: html.read_bytes(), filename="aar.html", label="Download report", mime_type="text/html")


@solara.component
def NewGameCard(tell):
    from escalation.scenario.paths import shipped_scenarios

    names = list(dict.fromkeys([HUB.scenario, *shipped_scenarios()]))
    scenario, set_scenario = solara.use_state(HUB.scenario)
    no_seats: list[str] = []
    seats, set_seats = solara.use_state(no_seats)
    seed, set_seed = solara.use_state(0)
    turns, set_turns = solara.use_state(0)
    actors = solara.use_memo(lambda: _actors(scenario), [scenario])
    with solara.Card("New game"):
        solara.Select(label="Scenario", values=names, value=scenario, on_value=set_scenario)
        solara.SelectMultiple("Seats held by teams", values=[s for s in seats if s in actors], all_values=actors, on_value=set_seats)
        solara.InputInt("Seed", value=seed, on_value=set_seed)
        solara.InputInt("Turns (0: the whole scenario)", value=turns, on_value=set_turns)
        solara.Button(
            "Start new game", color="primary",
            on_click=lambda: tell(HUB.start(scenario, seats, seed, turns or None), "New game started."),
        )


def _actors(scenario: str) -> list[str]:
    from escalation.scenario.loading import load_scenario
    from escalation.scenario.problems import ScenarioError

    try:
        return list(load_scenario(scenario).actors)
    except ScenarioError:
        return []


@solara.component
def SeatLinks():
    with HUB.lock, solara.Card("Seat views for the teams"):
        s = game()
        links = " &middot; ".join(f'<a href="/?seat={k}" target="_blank">{escape(s.label(k))}</a>' for k in s.humans)
        solara.HTML(tag="div", unsafe_innerHTML=links + ' &middot; <a href="/" target="_blank">projector</a>')


@solara.component
def Layout(children=[]):  # noqa: B006 - the signature Solara looks for; the list is never changed
    """Solara's app layout without its navigation tabs: each audience opens its own link."""
    solara.AppLayout(children=children, navigation=False)


# the projector and seats at "/", the facilitator at "/facilitator"; one page component serves all
routes = [solara.Route(path="/", component=Page, layout=Layout), solara.Route(path="facilitator", component=Page)]
