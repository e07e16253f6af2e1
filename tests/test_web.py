"""The web tabletop in a real headless Chromium: one class's shared game seen from several browsers.

The server is `escalation serve` itself, started on a free localhost port. If
Chromium is missing the test is skipped on a developer's machine, and fails in
CI (where the CI variable is set), so a missing browser never passes unnoticed.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from escalation.disclaimer import DISCLAIMER
from escalation.tabletop.session import Session

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
KEY = "test-key"
WAIT = 20_000  # ms: generous for a loaded 2-core machine; a live update normally takes well under a second
ASK = "Ask your facilitator for your team's link."


@dataclass
class Served:
    base: str
    banner: str
    out: Path
    links: dict[str, str]  # page -> its link, as `escalation serve` printed it

    def seat(self, seat: str) -> str:
        return self.links[f"seat {seat}"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`escalation serve` on a port the system picks, a game under way."""
    yield from serve(tmp_path_factory.mktemp("web"), "--human", "ukraine,russia", "--turns", "8")


def serve(out: Path, *args: str, key: str = KEY):
    """Run `escalation serve nov-2024 ARGS` on a free port; yield what it printed, then stop it."""
    cmd = [sys.executable, "-m", "escalation.cli", "serve", "nov-2024", "--port", "0", *args, "--key", key, "--out", str(out / "reports")]
    log = open(out / "serve.log", "a+")  # the server's own messages: shown if a test fails
    proc = subprocess.Popen(cmd, cwd=out, stdout=subprocess.PIPE, stderr=log, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    shown: list[str] = []
    try:
        while not shown or not shown[-1].startswith("Stop with Ctrl-C."):
            shown.append(lines.get(timeout=60))
    except queue.Empty:
        proc.kill()
        pytest.fail("escalation serve did not start: " + "".join(shown) + (out / "serve.log").read_text())
    base = shown[0].split()[3]
    links = {}
    for line in shown[1:]:
        if "http" in line:
            page, url = line.strip().rsplit(" ", 1)
            links[page.strip().rstrip(":")] = url
    yield Served(base, "".join(shown), out, links)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    print("escalation serve said:\n" + (out / "serve.log").read_text())


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: the web app's browser tests cannot run (make browser installs it)")
        pytest.skip(f"{CHROMIUM} is missing: install chromium to run the browser tests")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT)  # assertions wait as long as actions do (their own default is 5 s)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def context(browser, width: int = 1400, height: int = 1000):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    ctx.set_default_timeout(WAIT)
    return ctx


def confirm(page, name: str) -> None:
    """Press a button that asks first, and say yes in its dialog."""
    page.get_by_role("button", name=name, exact=True).first.click()
    dialog = page.locator(".v-dialog--active")
    dialog.get_by_role("button", name=name, exact=True).click()


def test_serve_announces_each_pages_link_on_localhost(server):
    assert server.base.startswith("http://127.0.0.1:")
    assert DISCLAIMER in server.banner
    assert server.links["projector"] == f"{server.base}/"
    assert server.links["facilitator"] == f"{server.base}/facilitator?key={KEY}"
    for seat in ("ukraine", "russia"):
        assert server.seat(seat).startswith(f"{server.base}/?seat={seat}&token=") and len(server.seat(seat).split("token=")[1]) >= 16
    assert "seat china" not in server.links  # a model seat has no page


def test_two_teams_in_two_browsers_play_several_turns(server, browser):
    from playwright.sync_api import expect

    requests: list[str] = []
    ukraine_ctx, russia_ctx, room = context(browser), context(browser), context(browser)
    for ctx in (ukraine_ctx, russia_ctx, room):
        ctx.on("request", lambda r: requests.append(r.url))
    ukraine, russia = ukraine_ctx.new_page(), russia_ctx.new_page()
    projector, facilitator = room.new_page(), room.new_page()
    ukraine.goto(server.seat("ukraine"))
    russia.goto(server.seat("russia"))
    projector.goto(server.links["projector"])
    facilitator.goto(server.links["facilitator"])

    for page in (projector, ukraine, russia, facilitator):
        expect(page.locator("header")).to_contain_text(DISCLAIMER)  # the app bar of every page
    status = projector.locator(".game-status")
    expect(status).to_contain_text("Turn 6 of 14")
    expect(status).to_contain_text("Waiting for: Ukraine, Russia.")
    expect(projector.locator(".news")).to_contain_text("Oreshnik strike on Dnipro")  # documented history is public
    # the projector is public: under the fog of war nobody's posture is shown
    expect(projector.locator(".fog-note")).to_be_visible()
    expect(projector.locator(".actor")).to_have_count(0)
    expect(ukraine.locator(".seat-title")).to_have_text("Ukraine: your team's seat")
    expect(ukraine.locator('.actor[data-actor="ukraine"]')).to_have_text("Ukraine (class)")
    expect(ukraine.locator('.actor[data-actor="russia"]')).to_have_text("~Russia (class)")  # the others as perceived
    expect(ukraine.locator(".objective")).to_have_count(2)

    # each team chooses in its own browser; the facilitator sees who has chosen, not what
    ukraine.get_by_role("button", name="Political signalling and warnings").click()
    expect(ukraine.get_by_text("Your move: Political signalling and warnings.")).to_be_visible()
    expect(status).to_contain_text("Waiting for: Russia.")
    expect(facilitator.locator(".have-chosen")).to_have_text("Have chosen: Ukraine")
    reason = ukraine.get_by_label("Why this move? (for the debrief)")
    reason.fill("Signal before we strike again")
    ukraine.get_by_role("button", name="Save our reason").click()
    expect(ukraine.locator(".rationale")).to_have_text("Your reason: Signal before we strike again")
    russia.get_by_role("button", name="Nuclear signalling").first.click()
    expect(status).to_contain_text("Waiting for: nobody.")

    # a private message reaches its seat only; a communique reaches the projector
    ukraine.locator(".messages-card .v-select").click()
    ukraine.get_by_role("option", name="united_states").click()
    ukraine.locator(".messages-card").get_by_label("Message").fill("Only for Washington")
    ukraine.locator(".messages-card").get_by_role("button", name="Send").click()
    russia.locator(".messages-card").get_by_label("Message").fill("We are ready to talk")
    russia.locator(".messages-card").get_by_role("button", name="Send").click()
    expect(projector.locator(".messages")).to_contain_text("We are ready to talk")
    expect(russia.locator(".messages")).not_to_contain_text("Only for Washington")
    expect(facilitator.locator(".messages").first).to_contain_text("Only for Washington")

    # the inject deck says what each card changes; once played, the news says what changed
    deck = facilitator.locator(".deck")
    expect(deck.locator('.card[data-card="kim_nuclear_threat"]')).to_contain_text("Changes: North Korea moves to 'Nuclear signalling'")
    facilitator.locator(".v-select").first.click()
    facilitator.get_by_role("option", name="kim_nuclear_threat").click()
    facilitator.get_by_role("button", name="Play inject").click()
    expect(facilitator.get_by_text("Injects this turn: kim_nuclear_threat")).to_be_visible()

    # a double click plays one turn
    facilitator.get_by_role("button", name="Play turn").dblclick()
    expect(status).to_contain_text("Turn 7 of 14: Sunday 24 November 2024")
    facilitator.wait_for_timeout(2500)
    expect(status).to_contain_text("Turn 7 of 14")
    news = projector.locator(".news")
    expect(news).to_contain_text("(what changed: North Korea's posture 'Third-party combat involvement' -> 'Nuclear signalling')")
    expect(news).not_to_contain_text("Ukraine steps down")  # a team's move is not public under the fog of war
    expect(projector.locator(".moves-card")).to_contain_text("Hidden under the fog of war")
    expect(projector.get_by_role("img")).to_have_count(0)  # the chart would show true postures

    # revealed, the projector shows the truth and every model move with its reason
    facilitator.get_by_label("Reveal the truth on the projector").check(force=True)
    expect(projector.locator('.rung[data-level="2"] .actor[data-actor="ukraine"]')).to_have_count(1)
    expect(projector.locator('.rung[data-level="7"] .actor[data-actor="north_korea"]')).to_have_count(1)
    moves = projector.locator(".bot-move")
    expect(moves).to_have_count(6)  # the six seats the model plays
    expect(moves.filter(has_text="China")).to_contain_text(":")
    expect(projector.get_by_role("img")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    projector.screenshot(path=str(ARTIFACTS / "web-projector.png"), full_page=True)
    ukraine.screenshot(path=str(ARTIFACTS / "web-seat-ukraine.png"), full_page=True)
    facilitator.screenshot(path=str(ARTIFACTS / "web-facilitator.png"), full_page=True)
    facilitator.get_by_label("Reveal the truth on the projector").uncheck(force=True)
    expect(projector.locator(".actor")).to_have_count(0)

    # a second and a third turn, played at once
    ukraine.get_by_role("button", name="Cross-border conventional strikes").click()
    expect(status).to_contain_text("Waiting for: Russia.")
    turns = facilitator.get_by_label("Turns", exact=True)
    turns.fill("2")
    turns.press("Enter")
    facilitator.get_by_role("button", name="Play 2 turns").click()
    expect(status).to_contain_text("Turn 9 of 14")
    expect(ukraine.locator(".game-status")).to_contain_text("Turn 9 of 14")

    # rewind asks first, and says what will be lost; cancelling changes nothing
    turn = facilitator.get_by_label("Back to the start of turn")
    turn.fill("7")
    turn.press("Enter")
    facilitator.get_by_role("button", name="Rewind", exact=True).click()
    dialog = facilitator.locator(".v-dialog--active")
    expect(dialog).to_contain_text("The 2 days played after it, their moves and messages, are discarded")
    dialog.get_by_role("button", name="Cancel").click()
    expect(status).to_contain_text("Turn 9 of 14")
    confirm(facilitator, "Rewind")
    expect(facilitator.get_by_text("Rewound to turn 7.")).to_be_visible()
    expect(status).to_contain_text("Turn 7 of 14")

    # the session is saved from the browser (and on the server after every change)
    with facilitator.expect_download() as download:
        facilitator.get_by_role("button", name="Save session").click()
    saved = Session.load(download.value.path())
    assert saved.turn == 7 and saved.played[6].moves == {"ukraine": "political_signalling", "russia": "nuclear_signalling"}
    assert saved.played[6].rationales == {"ukraine": "Signal before we strike again"}
    assert [m.text for m in saved.played[6].messages] == ["Only for Washington", "We are ready to talk"]
    autosaves = list((server.out / "reports").glob("autosave-*.json"))
    assert len(autosaves) == 1 and Session.load(autosaves[0]).to_json() == saved.to_json()

    # the report is written on the server
    facilitator.get_by_role("button", name="Write report").click()
    expect(facilitator.get_by_text("Report written to")).to_be_visible()
    report = (server.out / "reports" / "aar.html").read_text()
    assert DISCLAIMER in report and "Signal before we strike again" in report and "What each team saw" in report

    assert "Traceback" not in (server.out / "serve.log").read_text()
    beyond = [url for url in requests if not url.startswith((server.base, "data:", "blob:"))]
    assert not beyond, f"pages reached beyond the server: {beyond}"
    assert "token=" not in (server.out / "serve.log").read_text()  # no secret in the server's log
    for ctx in (ukraine_ctx, russia_ctx, room):
        ctx.close()


def test_a_seat_link_without_its_token_shows_nothing(server, browser):
    from playwright.sync_api import expect

    ctx = context(browser, 900, 700)
    page = ctx.new_page()
    token = server.seat("russia").split("token=")[1]
    for url in (
        f"{server.base}/?seat=russia",  # no token: the link a curious student guesses
        f"{server.base}/?seat=russia&token=wrong",
        f"{server.base}/?seat=ukraine&token={token}",  # another team's token
        f"{server.base}/?seat=china&token={token}",  # a model seat has no page
        f"{server.base}/?seat=narnia",
    ):
        page.goto(url)
        expect(page.locator(".ask-facilitator")).to_contain_text(ASK)
        expect(page.locator(".seat-title")).to_have_count(0)
        expect(page.locator(".actor")).to_have_count(0)
        expect(page.get_by_role("button")).to_have_count(0)
    page.goto(f"{server.base}/facilitator?key=wrong")
    expect(page.get_by_text("The facilitator view needs the link that `escalation serve` printed")).to_be_visible()
    expect(page.get_by_role("button", name="Play turn")).to_have_count(0)
    ctx.close()


def test_a_revoked_seat_link_stops_working(tmp_path, browser):
    from playwright.sync_api import expect

    running = serve(tmp_path, "--human", "ukraine,russia", "--turns", "4")
    served = next(running)
    try:
        ctx = context(browser)
        seat, facilitator = ctx.new_page(), ctx.new_page()
        seat.goto(served.seat("ukraine"))
        expect(seat.locator(".seat-title")).to_have_text("Ukraine: your team's seat")
        facilitator.goto(served.links["facilitator"])
        old = facilitator.locator('.seat-link[data-seat="ukraine"]').get_attribute("href")
        assert old == served.seat("ukraine")
        expect(facilitator.locator(".seat-links svg")).to_have_count(2)  # a QR code per team to project
        confirm(facilitator, "New link")
        expect(facilitator.get_by_text("has a new link.")).to_be_visible()
        new = facilitator.locator(".seat-link").first.get_attribute("href")
        assert new != old
        seat.goto(old)
        expect(seat.locator(".ask-facilitator")).to_contain_text(ASK)
        seat.goto(new)
        expect(seat.locator(".seat-title")).to_have_count(1)
        ctx.close()
    finally:
        next(running, None)


def test_end_game_and_new_game_ask_first(tmp_path, browser):
    from playwright.sync_api import expect

    running = serve(tmp_path, "--human", "ukraine", "--turns", "4")
    served = next(running)
    try:
        ctx = context(browser)
        page = ctx.new_page()
        page.goto(served.links["facilitator"])
        status = page.locator(".game-status").first
        page.get_by_role("button", name="End game").click()
        dialog = page.locator(".v-dialog--active")
        expect(dialog).to_contain_text("End the game now, after 0 of 4 turns? The 4 turns left will not be played")
        dialog.get_by_role("button", name="Cancel").click()
        expect(status).to_contain_text("Waiting for: Ukraine.")
        confirm(page, "End game")
        expect(status).to_contain_text("Game over before the first turn.")
        page.get_by_role("button", name="Start new game").click()
        expect(page.locator(".v-dialog--active")).to_contain_text("The game under way is replaced and its seat links stop working")
        ctx.close()
    finally:
        next(running, None)


def test_a_restart_with_resume_continues_the_game_and_its_links(tmp_path, browser):
    from playwright.sync_api import expect

    running = serve(tmp_path, "--human", "ukraine,russia", "--turns", "6")
    first = next(running)
    try:
        ctx = context(browser)
        page = ctx.new_page()
        page.goto(first.seat("ukraine"))
        page.get_by_role("button", name="Political signalling and warnings").click()
        facilitator = ctx.new_page()
        facilitator.goto(first.links["facilitator"])
        facilitator.get_by_role("button", name="Play turn").click()
        expect(facilitator.locator(".game-status").first).to_contain_text("Turn 7 of 12")
        ctx.close()
    finally:
        next(running, None)  # the server stops: a power cut, a closed laptop
    running = serve(tmp_path, "--resume", key=KEY)
    again = next(running)
    try:
        assert again.seat("ukraine").split("?")[1] == first.seat("ukraine").split("?")[1]  # the teams' links still work
        ctx = context(browser)
        page = ctx.new_page()
        page.goto(again.base + "/?" + first.seat("ukraine").split("?")[1])
        expect(page.locator(".game-status")).to_contain_text("Turn 7 of 12")
        expect(page.locator(".seat-title")).to_have_text("Ukraine: your team's seat")
        ctx.close()
    finally:
        next(running, None)


def test_a_saved_session_loads_through_the_file_picker(tmp_path, browser):
    from playwright.sync_api import expect

    saved = Session("nov-2024", ["ukraine"], 4, length=5)
    saved.choose("ukraine", "political_signalling")
    saved.advance()
    path = saved.save(tmp_path / "class.json")
    (tmp_path / "notes.json").write_text('{"title": "my notes"}')
    running = serve(tmp_path)
    served = next(running)
    try:
        ctx = context(browser)
        page = ctx.new_page()
        page.goto(served.links["facilitator"])
        expect(page.get_by_text("No game yet")).to_be_visible()
        picker = page.locator('input[type="file"]')
        picker.set_input_files(str(tmp_path / "notes.json"))
        expect(page.get_by_text("notes.json:1:1: not a tabletop session file")).to_be_visible()
        picker.set_input_files(str(path))
        expect(page.get_by_text("Loaded class.json.")).to_be_visible()
        expect(page.locator(".game-status").first).to_contain_text(f"Turn {saved.turn} of {saved.end_turn}")
        ctx.close()
    finally:
        next(running, None)


def test_an_inject_written_in_class_is_checked_then_dealt(tmp_path, browser):
    from playwright.sync_api import expect

    running = serve(tmp_path, "--human", "russia", "--turns", "3")
    served = next(running)
    try:
        ctx = context(browser)
        page = ctx.new_page()
        page.goto(served.links["facilitator"])
        page.get_by_text("Write an inject").click()
        card = page.locator(".inject-card textarea")
        card.fill("id: envoy\ntitle: An envoy flies in\nstatus: hypothetical\nsource: {title: class}\n"
                  "effects:\n  - set_trait: {actor: rusia, trait: resolve, by: -0.2}\n")
        page.get_by_role("button", name="Add to the deck").click()
        expect(page.locator(".inject-problem")).to_contain_text("<inject written in class>:6:24: unknown actor 'rusia' (did you mean 'russia'?)")
        card.fill(card.input_value().replace("rusia", "russia"))
        page.get_by_role("button", name="Add to the deck").click()
        expect(page.get_by_text("Inject 'envoy' added to the deck.")).to_be_visible()
        expect(page.locator('.card[data-card="envoy"]')).to_contain_text("Changes: Russia's resolve changes by -0.2")
        ctx.close()
    finally:
        next(running, None)


def test_several_classes_on_one_server(tmp_path, browser):
    from playwright.sync_api import expect

    running = serve(tmp_path, "--classes", "9a,9b", "--human", "ukraine", "--turns", "3", key="k")
    served = next(running)
    try:
        assert "class 9a" in served.banner and "class 9b" in served.banner
        assert (tmp_path / "reports" / "9a").is_dir() and (tmp_path / "reports" / "9b").is_dir()
        a_key, b_key = f"{served.base}/facilitator?class=9a&key=k-9a", f"{served.base}/facilitator?class=9b&key=k-9b"
        assert a_key in served.banner and b_key in served.banner
        ctx = context(browser)
        page = ctx.new_page()
        page.goto(f"{served.base}/facilitator?class=9b&key=k-9a")  # one class's key does not open another's
        expect(page.get_by_text("The facilitator view needs the link")).to_be_visible()
        page.goto(a_key)
        page.get_by_role("button", name="Play turn").click()
        expect(page.locator(".game-status").first).to_contain_text("Turn 7 of 9")
        other = ctx.new_page()
        other.goto(f"{served.base}/?class=9b")
        expect(other.locator(".game-status")).to_contain_text("Turn 6 of 9")  # the other class's game did not move
        other.goto(f"{served.base}/")
        expect(other.get_by_text("There is no such class on this server.")).to_be_visible()
        ctx.close()
    finally:
        next(running, None)


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_the_projector_shows_the_whole_ladder(server, browser, width, height):
    from playwright.sync_api import expect

    ctx = context(browser, width, height)
    page = ctx.new_page()
    page.goto(server.links["projector"])
    rungs = page.locator(".rung")
    expect(rungs).to_have_count(12)
    for i in range(12):
        box = rungs.nth(i).bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= height and box["x"] + box["width"] <= width, (i, box)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-projector-{width}x{height}.png"))
    ctx.close()


def test_a_seat_page_works_on_a_phone(server, browser):
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(WAIT)
    page = ctx.new_page()
    page.goto(server.seat("russia"))
    buttons = page.locator(".move-panel button.move")
    expect(buttons.first).to_be_visible()
    assert buttons.count() >= 3
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (i, box)
        inner = buttons.nth(i).locator(".v-btn__content").bounding_box()
        assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 1, (i, inner, box)  # the label is not cut off
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-seat-390x844.png"), full_page=True)
    ctx.close()


def test_serve_refuses_bad_command_lines_with_one_line(tmp_path):
    import socket

    (tmp_path / "notes.json").write_text('{"title": "my notes"}')
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cases = [
            (["--human", "ukraine,narnia"], "escalation serve: unknown seat 'narnia'; seats: russia, ukraine,"),
            (["--port", str(port)], f"escalation serve: cannot listen on 127.0.0.1:{port}: Address already in use"),
            (["--load", "notes.json"], "notes.json:1:1: not a tabletop session file"),
            (["--resume", "--out", "nothing-here"], "escalation serve: nothing-here: no saved game to resume"),
            (["--classes", "9a,9a"], "escalation serve: each class needs its own name"),
            (["--classes", "a b"], "escalation serve: a class name has letters, digits"),
            (["--human", "ukraine", "--days-per-turn", "0"], "escalation serve: a game turn can span 1 to"),
        ]
        for args, message in cases:
            r = subprocess.run([sys.executable, "-m", "escalation.cli", "serve", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
            assert r.returncode == 2 and r.stderr.startswith(message), r.stderr
            assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr


def test_before_a_game_the_facilitator_is_told_how_to_start_one(tmp_path, browser):
    from playwright.sync_api import expect

    running = serve(tmp_path)
    served = next(running)
    try:
        page = browser.new_page()
        page.set_default_timeout(WAIT)
        page.goto(served.links["facilitator"])
        expect(page.get_by_text("No game yet: choose a scenario and the seats the teams hold")).to_be_visible()
        expect(page.get_by_role("button", name="Start new game")).to_be_visible()
        expect(page.get_by_text("Drop a saved session here to load it")).to_be_visible()  # or resume a class's game
        expect(page.get_by_text("Save session")).to_have_count(0)
        page.goto(served.links["projector"])
        expect(page.get_by_text("The facilitator is setting up the game.")).to_be_visible()
        page.close()
    finally:
        next(running, None)
