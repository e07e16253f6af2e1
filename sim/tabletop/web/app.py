"""The web tabletop (Solara): projector, seat and facilitator views of one class's shared game.

``/``                                  the projector: the ladder, thresholds, news, the model's
                                       moves and the ladder chart; public unless the facilitator reveals
``/?seat=ukraine&token=TOKEN``         a team's seat: the ladder as that actor perceives it, its
                                       news, objectives, messages and moves (its own secret link)
``/facilitator?key=KEY``               the facilitator: play turns, injects (and new ones), the
                                       projector's reveal, rewind, branch, save, load, report,
                                       new game, the seats' links
``?class=NAME``                        on any of them, when the server holds several classes

Like Mesa's SolaraViz, the page title sits in the app bar and the controls in
cards in the sidebar; unlike it, every browser of a class shows the same game
(its :class:`~escalation.tabletop.web.hub.Hub`) and redraws as soon as anyone acts.
"""

from __future__ import annotations

import threading
import typing
from html import escape
from urllib.parse import parse_qs

import solara
import solara.lab

from escalation.disclaimer import DISCLAIMER
from escalation.model.outcomes import END_STATE_NAMES, END_STATES
from escalation.tabletop.web.board import board_html, deck_html, messages_html, moves_html, news_html, objectives_html, red_lines_html
from escalation.tabletop.web.file_pick import FilePick
from escalation.tabletop.web.hub import Hub, hub_for

changes = solara.reactive(0)  # per browser tab: the version of the shared game it shows
ASK = "Ask your facilitator for your team's link."
CSS = """
.ladder-board { font-size: 14px; }
.ladder-board .rung { display: flex; align-items: center; flex-wrap: wrap; min-height: 26px; padding: 0 4px; position: relative; }
.ladder-board .level { width: 1.6em; color: #595959; }
.ladder-board .rung-name { flex: 0 1 17em; font-weight: 500; }
.ladder-board .chips { flex: 1 1 8em; padding-right: 9em; }
.ladder-board .threshold { position: absolute; right: 4px; bottom: 0; font-size: 11px; line-height: 12px; color: #8a1c1c; }
@media (min-width: 960px) { .ladder-board .rung-name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; } }
.v-application .v-main .container { padding-top: 4px; }
.v-application .v-btn.move { white-space: normal; height: auto !important; min-height: 36px; width: 100%; text-align: left; }
.v-application .v-btn.move .v-btn__content { white-space: normal; flex: 1 1 auto; }
.seat-links svg { display: block; }
@media (max-width: 600px) { .v-main .container { padding: 6px !important; } }
"""


def use_live_updates(hub: Hub) -> None:
    """Follow the class's game: when anyone changes it, every page showing it redraws."""

    def subscribe():
        stop = threading.Event()

        def watch(seen=hub.version):
            while not stop.is_set():
                now = hub.wait(seen, 0.5)
                if now != seen:
                    seen = now
                    changes.set(now)

        threading.Thread(target=watch, daemon=True, name="escalation-live").start()
        return stop.set

    solara.use_effect(subscribe, [hub])


def game(hub: Hub):
    """The class's session (None before the facilitator sets one up); reading it here
    subscribes the calling component to its changes."""
    _ = changes.value
    return hub.session


@solara.component
def Page():
    router = solara.use_router()
    query = parse_qs(router.search or "")

    def arg(name: str) -> str:
        return query.get(name, [""])[0]

    hub = hub_for(arg("class"))
    view = "facilitator" if router.path.strip("/") == "facilitator" else "seat" if "seat" in query else "projector"
    solara.Style(CSS)
    if hub is None:
        solara.Title("escalation tabletop")
        solara.Warning("There is no such class on this server. Ask your facilitator for your class's link.")
    else:
        ClassPage(hub, view, arg("key"), arg("seat"), arg("token"))


@solara.component
def ClassPage(hub: Hub, view: str, key: str, seat: str, token: str):
    use_live_updates(hub)
    with hub.lock:
        s = game(hub)
        title = s.scenario.title if s else "escalation tabletop"
    solara.Title(f"{title} ({view})")
    with solara.AppBarTitle():
        solara.Text(title)
    with solara.AppBar():
        solara.Text(DISCLAIMER, classes=["disclaimer"], style={"font-weight": "600", "margin-right": "12px", "font-size": "13px"})
    solara.HTML(
        tag="div", unsafe_innerHTML=DISCLAIMER, classes=["disclaimer-banner"],
        style="background:#fbeaea;color:#8a1c1c;border-left:5px solid #8a1c1c;padding:2px 10px;font-weight:600;margin-bottom:4px;font-size:13px",
    )
    if view == "facilitator":
        if not hub.is_facilitator(key):
            solara.Error("The facilitator view needs the link that `escalation serve` printed (it ends in key=...).")
            return
        FacilitatorView(hub)
    elif view == "seat":
        if not hub.seat_for(seat, token):  # no token, a wrong one, a revoked one, or a seat the model plays: nothing to see
            solara.Warning(ASK, classes=["ask-facilitator"])
            return
        SeatView(hub, seat)
    else:
        ProjectorView(hub, public=not hub.reveal)


# --------------------------------------------------------------------------- projector


@solara.component
def ProjectorView(hub: Hub, public: bool = True):
    """The big screen. ``public``: only what is public (under the fog of war, no actor's posture)."""
    with hub.lock:
        s = game(hub)
        if s is None:
            solara.Info("The facilitator is setting up the game.")
            return
        hidden = public and s.fog()
        Status(hub)
        with solara.ColumnsResponsive(12, large=[7, 5]):
            with solara.Card(None, classes=["ladder-card"], style={"padding": "4px 8px"}):
                solara.HTML(tag="div", unsafe_innerHTML=board_html(s, "public" if public else None))
            with solara.Column():
                with solara.Card("The model's moves, and why", classes=["moves-card"]):
                    if hidden:
                        solara.HTML(tag="div", unsafe_innerHTML="<i>Hidden under the fog of war: the facilitator can reveal them.</i>")
                    else:
                        solara.HTML(tag="div", unsafe_innerHTML=moves_html(s))
                with solara.Card("News"):
                    solara.HTML(tag="div", unsafe_innerHTML=news_html(s, "public" if public else None))
                with solara.Card("Communiques"):
                    solara.HTML(tag="div", unsafe_innerHTML=messages_html(s, "public"))
        png = None if hidden else hub.chart_png()
        if png:
            with solara.Card("Day by day"):
                solara.Image(png, width="100%")


@solara.component
def Status(hub: Hub):
    with hub.lock:
        s = game(hub)
        if s.finished and s.turn > s.start:
            state = END_STATE_NAMES[END_STATES[int(s.model.end_state()[0])]]
            text = f"Game over after {s.game_turn - 1} turns from the branch: the crisis ended {state}."
        elif s.finished:
            text = "Game over before the first turn."
        else:
            waiting = ", ".join(s.label(k) for k in s.waiting_for()) or "nobody"
            span = f" ({s.turn_days()} days, to {s.scenario.date_of(s.turn + s.turn_days() - 1):%d %B})" if s.days_per_turn > 1 else ""
            text = f"Turn {s.turn} of {s.end_turn}: {s.date:%A %d %B %Y}{span}. Waiting for: {waiting}."
        solara.Text(text, classes=["game-status"], style={"font-size": "18px", "font-weight": "600"})


# --------------------------------------------------------------------------- seat


@solara.component
def SeatView(hub: Hub, seat: str):
    message, set_message = solara.use_state("")
    with hub.lock:
        s = game(hub)
        if s is None:
            solara.Info("The facilitator is setting up the game.")
            return
        solara.Text(f"{s.label(seat)}: your team's seat", classes=["seat-title"], style={"font-size": "20px", "font-weight": "600"})
        Status(hub)
        with solara.ColumnsResponsive(12, large=[7, 5]):
            with solara.Column():
                MovePanel(hub, seat, set_message)
                with solara.Column():  # a stable slot (see FacilitatorView)
                    if message:
                        solara.Error(message)
                with solara.Card("The ladder as you see it", subtitle="Others' postures are your reading of them, fog of war included (~)."):
                    solara.HTML(tag="div", unsafe_innerHTML=board_html(s, seat))
            with solara.Column():
                with solara.Card("Your objectives"):
                    solara.HTML(tag="div", unsafe_innerHTML=objectives_html(s, seat))
                with solara.Card("Red lines", subtitle="Declared in public: yours, and those drawn against you."):
                    solara.HTML(tag="div", unsafe_innerHTML=red_lines_html(s, seat))
                MessagesCard(hub, seat, set_message)
                with solara.Card("What you hear"):
                    solara.HTML(tag="div", unsafe_innerHTML=news_html(s, seat))


@solara.component
def MovePanel(hub: Hub, seat: str, set_message):
    reason, set_reason = solara.use_state("")
    with hub.lock, solara.Card("Your move", classes=["move-panel"]):
        s = game(hub)
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
                set_message(hub.act(lambda g: g.choose(seat, rung)) or "")

            solara.Button(
                label=r.name + (" (hold)" if rung == here else ""), on_click=choose, color="primary" if rung == chosen else None,
                outlined=rung != chosen, classes=["move", "text-none"], style={"margin": "3px 0", "justify-content": "flex-start"},
            )
            solara.Text(r.description, style={"font-size": "12px", "color": "#595959", "margin": "0 0 4px 8px"})
        given = s.pending.rationales.get(seat)
        if given:
            solara.Text(f"Your reason: {given}", classes=["rationale"], style={"font-size": "13px"})
        solara.InputTextArea("Why this move? (for the debrief)", value=reason, on_value=set_reason, rows=2, continuous_update=True)
        solara.Button(
            "Save our reason", outlined=True, disabled=not reason.strip(),
            on_click=lambda: (set_message(hub.act(lambda g: g.explain_move(seat, reason)) or ""), set_reason("")),
        )


@solara.component
def MessagesCard(hub: Hub, sender: str, set_message):
    """The messages a seat may read, and a form to send one (to all, or to one seat)."""
    text, set_text = solara.use_state("")
    to, set_to = solara.use_state("everyone")
    with hub.lock, solara.Card("Messages", classes=["messages-card"]):
        s = game(hub)
        solara.HTML(tag="div", unsafe_innerHTML=messages_html(s, None if sender == "facilitator" else sender))
        if s.finished:
            return
        others = [k for k in s.seats() if k != sender]
        solara.Select(label="To", values=["everyone", *others], value=to, on_value=set_to)
        solara.InputTextArea("Message", value=text, on_value=set_text, rows=2, continuous_update=True)

        def send():
            error = hub.act(lambda g: g.send(sender, text, None if to == "everyone" else to))
            set_message(error or "")
            if not error:
                set_text("")

        solara.Button("Send", disabled=not text.strip(), on_click=send)


# --------------------------------------------------------------------------- facilitator


@solara.component
def FacilitatorView(hub: Hub):
    message, set_message = solara.use_state(("", "info"))

    def tell(error: str | None, done: str) -> None:
        set_message((error, "error") if error else (done, "success"))

    with hub.lock:
        s = game(hub)
        with solara.Sidebar(), solara.Column():
            text, kind = message
            with solara.Column():  # always there, so that the cards below keep their widgets as messages come and go
                if text:
                    (solara.Error if kind == "error" else solara.Success)(text)
            if s is not None:
                TurnCard(hub, tell)
                ProjectorCard(hub)
                InjectCard(hub, tell)
                RewindCard(hub, tell)
            SaveCard(hub, tell)  # loading a class's saved game needs no game under way
            if s is not None:
                ReportCard(hub, tell)
            NewGameCard(hub, tell)
        if s is None:
            solara.Info("No game yet: choose a scenario and the seats the teams hold (under New game), then start it.")
            return
        SeatLinks(hub, tell)
        MessagesCard(hub, "facilitator", lambda error: tell(error or None, "Sent."))
        with solara.Card("What is true", subtitle="The facilitator sees the true postures; the projector shows them only when revealed."):
            ProjectorView(hub, public=False)


@solara.component
def Confirmed(label: str, question: str, on_ok, **button):
    """A button that asks first: the question says what will be lost."""
    asking, set_asking = solara.use_state(False)
    solara.Button(label, on_click=lambda: set_asking(True), **button)
    solara.lab.ConfirmationDialog(asking, on_close=lambda: set_asking(False), title=label, content=question, ok=label, on_ok=on_ok)


@solara.component
def TurnCard(hub: Hub, tell):
    several, set_several = solara.use_state(2)
    with hub.lock, solara.Card("Turn"):
        s = game(hub)
        span = f" to {s.scenario.date_of(s.turn + s.turn_days() - 1):%d %b}" if s.days_per_turn > 1 and not s.finished else ""
        solara.Text(f"Turn {s.turn} of {s.end_turn}" + (" (over)" if s.finished else f": {s.date:%d %b %Y}{span}"), style={"display": "block"})
        chosen = [s.label(k) for k in s.humans if k in s.pending.moves]
        solara.Text("Have chosen: " + (", ".join(chosen) or "nobody yet"), classes=["have-chosen"], style={"display": "block"})
        solara.Text("Injects this turn: " + ", ".join(s.pending.injects) if s.pending.injects else "", style={"display": "block"})
        at = s.turn  # the turn this button plays: a click arriving after it was played plays nothing

        def play(turns: int = 1):
            tell(hub.play(at, turns), "Turn played." if turns == 1 else f"{turns} turns played.")

        with solara.Row():
            # a new widget for each turn: a second click sent to the last turn's button finds it gone
            solara.Button("Play turn", color="primary", disabled=s.finished, on_click=play).key(f"play-{at}")
            left = s.game_turns - s.game_turn + 1
            Confirmed(
                "End game", f"End the game now, after {s.game_turn - 1} of {s.game_turns} turns? The {left} turns left will not be played "
                "(Rewind reopens the game).", lambda: tell(hub.act(lambda g: g.end()), "Game ended."), outlined=True, disabled=s.finished,
            )
        with solara.Row():
            solara.InputInt("Turns", value=several, on_value=set_several, style={"max-width": "80px"})
            solara.Button(f"Play {several} turns", outlined=True, disabled=s.finished or several < 1, on_click=lambda: play(several))


@solara.component
def ProjectorCard(hub: Hub):
    with hub.lock, solara.Card("Projector"):
        s = game(hub)
        if not s.fog():
            solara.Text("No fog of war in this scenario: the projector shows every posture.")
        elif hub.reveal:
            solara.Text("The projector shows the true postures and the model's moves.")
        else:
            solara.Text("Public view: the projector shows what is public only, not the postures under the fog of war.")
        solara.Switch(label="Reveal the truth on the projector", value=hub.reveal, on_value=hub.set_reveal)


@solara.component
def InjectCard(hub: Hub, tell):
    from escalation.scenario.problems import ScenarioError
    from escalation.tabletop.written import TEMPLATE

    card, set_card = solara.use_state(None)
    draft, set_draft = solara.use_state(TEMPLATE)
    problem, set_problem = solara.use_state("")
    with hub.lock, solara.Card("Injects", classes=["inject-card"]):
        s = game(hub)
        solara.HTML(tag="div", unsafe_innerHTML=deck_html(s))
        cards = [c.id for c in s.deck() if s.playable(c)]
        if cards:
            solara.Select(label="Card", values=cards, value=card if card in cards else None, on_value=set_card)
            solara.Button(
                "Play inject", disabled=card not in cards or s.finished,
                on_click=lambda: tell(hub.act(lambda g: g.inject(card or "")), f"Inject '{card}' takes effect when the turn is played."),
            )
        else:
            solara.Text("No inject can be played now.")
        with solara.Details("Write an inject"):
            solara.InputTextArea("The card, in YAML (as in a scenario's injects)", value=draft, on_value=set_draft, rows=8, continuous_update=True)

            def add():
                try:
                    with hub.lock:
                        made = s.write_inject(draft, "<inject written in class>")
                        hub.act(lambda g: None)  # every page shows the new card
                except ScenarioError as exc:
                    set_problem(str(exc))
                    return
                set_problem("")
                tell(None, f"Inject '{made.id}' added to the deck.")

            solara.Button("Add to the deck", on_click=add, disabled=s.finished)
            if problem:
                solara.HTML(tag="pre", unsafe_innerHTML=escape(problem), classes=["inject-problem"], style="white-space:pre-wrap;font-size:12px")


@solara.component
def RewindCard(hub: Hub, tell):
    s = hub.session
    turn, set_turn = solara.use_state(s.start if s else 0)  # the game's first turn: the branch
    with hub.lock, solara.Card("Rewind and branch"):
        s = game(hub)
        solara.InputInt("Back to the start of turn", value=turn, on_value=set_turn)
        lost = max(s.turn - turn, 0)
        with solara.Row():
            Confirmed(
                "Rewind", f"Go back to the start of turn {turn}? The {lost} days played after it, their moves and messages, are discarded "
                "(Branch keeps them for the debrief instead).", lambda: tell(hub.act(lambda g: g.rewind(turn)), f"Rewound to turn {turn}."),
            )
            solara.Button("Branch", outlined=True, on_click=lambda: tell(hub.act(lambda g: g.branch(turn)), f"Line set aside; back to turn {turn}."))


@solara.component
def SaveCard(hub: Hub, tell):
    chosen, set_chosen = solara.use_state(typing.cast(tuple[str, bytes] | None, None))
    with hub.lock, solara.Card("Save and load"):
        s = game(hub)
        if s is not None:
            solara.FileDownload(
                lambda: hub.session.to_json() if hub.session else "",
                filename=f"{s.scenario.name}-session.json", label="Save session", mime_type="application/json",
            )
            if hub.autosave:
                solara.Text(f"Saved after every change to {hub.autosave}", style={"font-size": "12px", "color": "#595959"})

        def load(name: str, data: bytes):
            if hub.session is None:
                tell(hub.load(data.decode("utf-8", "replace"), name), f"Loaded {name}.")
            else:
                set_chosen((name, data))

        FilePick("Drop a saved session here to load it", on_file=load)
        if chosen is not None:
            name, data = chosen
            solara.lab.ConfirmationDialog(
                True, on_close=lambda: set_chosen(None), title="Load", ok="Load",
                content=f"Load {name}? The game under way is replaced (its save stays in {hub.out_dir}).",
                on_ok=lambda: tell(hub.load(data.decode("utf-8", "replace"), name), f"Loaded {name}."),
            )


@solara.component
def ReportCard(hub: Hub, tell):
    with hub.lock, solara.Card("After-action report"):
        game(hub)

        def write():
            error = hub.write_report()
            tell(error, "" if error else f"Report written to {hub.report.html if hub.report else ''}")

        solara.Button("Write report", on_click=write)
        if hub.report is not None:
            html = hub.report.html
            solara.FileDownload(lambda: html.read_bytes(), filename="aar.html", label="Download report", mime_type="text/html")


@solara.component
def NewGameCard(hub: Hub, tell):
    from escalation.scenario.paths import shipped_scenarios

    names = list(dict.fromkeys([hub.scenario, *shipped_scenarios()]))
    scenario, set_scenario = solara.use_state(hub.scenario)
    no_seats: list[str] = []
    seats, set_seats = solara.use_state(no_seats)
    seed, set_seed = solara.use_state(0)
    turns, set_turns = solara.use_state(0)
    days, set_days = solara.use_state(1)
    actors = solara.use_memo(lambda: _actors(scenario), [scenario])
    with solara.Card("New game"):
        solara.Select(label="Scenario", values=names, value=scenario, on_value=set_scenario)
        solara.SelectMultiple("Seats held by teams", values=[s for s in seats if s in actors], all_values=actors, on_value=set_seats)
        solara.InputInt("Seed", value=seed, on_value=set_seed)
        solara.InputInt("Turns (0: the whole scenario)", value=turns, on_value=set_turns)
        solara.InputInt("Days per turn", value=days, on_value=set_days)

        def start():
            tell(hub.start(scenario, seats, seed, turns or None, days), "New game started.")

        if hub.session is None:
            solara.Button("Start new game", color="primary", on_click=start)
        else:
            Confirmed(
                "Start new game", f"Start a new game of {scenario}? The game under way is replaced and its seat links stop working "
                f"(its save stays in {hub.out_dir}).", start, color="primary",
            )


def _actors(scenario: str) -> list[str]:
    from escalation.scenario.loading import load_scenario
    from escalation.scenario.problems import ScenarioError

    try:
        return list(load_scenario(scenario).actors)
    except ScenarioError:
        return []


@solara.component
def SeatLinks(hub: Hub, tell):
    import segno

    base = BASE["url"]
    with hub.lock, solara.Card("The teams' links", subtitle="Each team's own secret link: project a QR code or send the link. Model seats have no page."):
        s = game(hub)
        links = hub.links(base)
        with solara.Row(classes=["seat-links"], style={"flex-wrap": "wrap"}):
            for seat in s.humans:
                url = links[f"seat {seat}"]
                with solara.Column(style={"align-items": "center", "margin": "0 12px 8px 0"}):
                    link = f'<a class="seat-link" data-seat="{escape(seat)}" href="{escape(url)}" target="_blank">{escape(s.label(seat))}</a>'
                    solara.HTML(tag="div", unsafe_innerHTML=link)
                    solara.HTML(tag="div", unsafe_innerHTML=segno.make(url, error="m").svg_inline(scale=3, dark="#000"))
                    Confirmed(
                        "New link", f"Revoke {s.label(seat)}'s link and make a new one? Pages opened with the old link stop working.",
                        lambda seat=seat: tell(hub.reissue(seat), f"{s.label(seat)} has a new link."), outlined=True, small=True,
                    )
        solara.HTML(tag="div", unsafe_innerHTML=f'<a href="{escape(links["projector"])}" target="_blank">projector</a>')


BASE = {"url": ""}  # the address students reach the server at, as `escalation serve` printed it


@solara.component
def Layout(children=[]):  # noqa: B006 - the signature Solara looks for; the list is never changed
    """Solara's app layout without its navigation tabs: each audience opens its own link."""
    solara.AppLayout(children=children, navigation=False)


# the projector and seats at "/", the facilitator at "/facilitator"; one page component serves all
routes = [solara.Route(path="/", component=Page, layout=Layout), solara.Route(path="facilitator", component=Page)]
