"""The web tabletop in a real headless Chromium: one shared game seen from several browsers.

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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`escalation serve` on a port the system picks, a game under way; yields its base URL."""
    yield from serve(tmp_path_factory.mktemp("web"), "--human", "ukraine,russia", "--turns", "8")


def serve(out: Path, *args: str):
    """Run `escalation serve nov-2024 ARGS` on a free port; yield (base URL, what it printed, its folder), then stop it."""
    cmd = [sys.executable, "-m", "escalation.cli", "serve", "nov-2024", "--port", "0", *args, "--key", KEY, "--out", str(out / "reports")]
    log = open(out / "serve.log", "w+")  # the server's own messages: shown if a test fails
    proc = subprocess.Popen(cmd, cwd=out, stdout=subprocess.PIPE, stderr=log, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    shown, base = [], None
    try:
        while base is None:
            line = lines.get(timeout=60)
            shown.append(line)
            if "facilitator:" in line:
                base = line.split()[-1].split("/facilitator")[0]
    except queue.Empty:
        proc.kill()
        pytest.fail("escalation serve did not start: " + "".join(shown) + (out / "serve.log").read_text())
    yield base, "".join(shown), out
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


def test_serve_announces_its_pages_on_localhost(server):
    base, banner, _ = server
    assert base.startswith("http://127.0.0.1:")
    assert DISCLAIMER in banner
    assert f"{base}/?seat=ukraine" in banner and f"{base}/facilitator?key={KEY}" in banner


def test_a_class_plays_across_browsers(server, browser):
    from playwright.sync_api import expect

    base, _, out = server
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(WAIT)
    requests = []
    ctx.on("request", lambda r: requests.append(r.url))
    projector, seat, facilitator = ctx.new_page(), ctx.new_page(), ctx.new_page()
    projector.goto(base + "/")
    seat.goto(base + "/?seat=ukraine")
    facilitator.goto(f"{base}/facilitator?key={KEY}")

    for page in (projector, seat, facilitator):
        expect(page.locator("header")).to_contain_text(DISCLAIMER)  # the app bar of every page
    status = projector.locator(".game-status")
    # the game begins at the branch (23 Nov), with the documented week as its briefing
    expect(status).to_contain_text("Turn 6 of 14")
    expect(status).to_contain_text("Waiting for: Ukraine, Russia.")
    expect(projector.locator(".news")).to_contain_text("Oreshnik strike on Dnipro")
    expect(projector.locator(".news")).to_contain_text("history, before the branch")
    expect(seat.locator(".seat-title")).to_have_text("Ukraine: your team's seat")
    expect(seat.locator('.actor[data-actor="ukraine"]')).to_have_text("Ukraine (class)")
    expect(seat.locator('.actor[data-actor="russia"]')).to_have_text("~Russia (class)")  # the others as perceived
    lines = seat.locator('.red-line[data-holder="russia"]')
    expect(lines.filter(has_text="Strikes on Russia with Western long-range missiles will be answered.")).to_have_count(1)
    expect(lines.filter(has_text="a joint attack")).to_have_count(1)  # declared in the history before the branch

    # a seat moves: its own page confirms, and the projector, in another page, updates live
    seat.get_by_role("button", name="Political signalling and warnings").click()
    expect(seat.get_by_text("Your move: Political signalling and warnings.")).to_be_visible()
    expect(status).to_contain_text("Waiting for: Russia.")

    # the facilitator plays an inject and the turn; Russia, not having chosen, holds
    facilitator.locator(".v-select").first.click()
    facilitator.get_by_role("option", name="kim_nuclear_threat").click()
    facilitator.get_by_role("button", name="Play inject").click()
    expect(facilitator.get_by_text("Injects this turn: kim_nuclear_threat")).to_be_visible()
    expect(facilitator.get_by_text("Inject 'kim_nuclear_threat' takes effect when the turn is played.")).to_be_visible()
    facilitator.get_by_role("button", name="Play turn").click()
    expect(status).to_contain_text("Turn 7 of 14: Sunday 24 November 2024")
    news = projector.locator(".news")
    expect(news).to_contain_text("Ukraine steps down to 'Political signalling and warnings'")
    expect(news).to_contain_text('[inject] Kim repeats his "unprecedented" nuclear threat')
    expect(projector.locator('.rung[data-level="2"] .actor[data-actor="ukraine"]')).to_have_count(1)
    expect(projector.locator('.rung[data-level="7"] .actor[data-actor="north_korea"]')).to_have_count(1)
    expect(projector.get_by_role("img")).to_have_count(1)  # the ladder chart, once a turn is played
    expect(seat.get_by_text("Choose your move for this turn")).to_be_visible()  # the seat's page moved on too

    ARTIFACTS.mkdir(exist_ok=True)
    projector.screenshot(path=str(ARTIFACTS / "web-projector.png"), full_page=True)
    seat.screenshot(path=str(ARTIFACTS / "web-seat-ukraine.png"), full_page=True)
    facilitator.screenshot(path=str(ARTIFACTS / "web-facilitator.png"), full_page=True)

    # a second turn, then a rewind to its start: every page goes back
    seat.get_by_role("button", name="Cross-border conventional strikes").click()
    expect(status).to_contain_text("Waiting for: Russia.")
    facilitator.get_by_role("button", name="Play turn").click()
    expect(status).to_contain_text("Turn 8 of 14")
    expect(projector.locator('.rung[data-level="4"] .actor[data-actor="ukraine"]')).to_have_count(1)
    turn = facilitator.get_by_label("Back to the start of turn")
    turn.fill("7")
    turn.press("Enter")
    facilitator.get_by_role("button", name="Rewind").click()
    expect(facilitator.get_by_text("Rewound to turn 7.")).to_be_visible()
    expect(status).to_contain_text("Turn 7 of 14")
    expect(projector.locator('.rung[data-level="2"] .actor[data-actor="ukraine"]')).to_have_count(1)
    expect(seat.locator(".game-status")).to_contain_text("Turn 7 of 14")
    projector.screenshot(path=str(ARTIFACTS / "web-projector-rewound.png"), full_page=True)

    # an illegal request is refused with its reason, and nothing changes
    turn.fill("12")
    turn.press("Enter")
    facilitator.get_by_role("button", name="Rewind").click()
    expect(facilitator.get_by_text("rewind to a turn from 6 to 7, not 12")).to_be_visible()
    expect(status).to_contain_text("Turn 7 of 14")

    # the session is saved from the browser: the file replays to the game on screen
    with facilitator.expect_download() as download:
        facilitator.get_by_role("button", name="Save session").click()
    saved = Session.load(download.value.path())
    assert saved.turn == 7 and saved.played[6].moves == {"ukraine": "political_signalling"}
    assert saved.played[6].injects == ["kim_nuclear_threat"]

    # the report is written on the server, and offered for download
    facilitator.get_by_role("button", name="Write report").click()
    expect(facilitator.get_by_text("Report written to")).to_be_visible()
    assert DISCLAIMER in (out / "reports" / "aar.html").read_text()

    assert "Traceback" not in (out / "serve.log").read_text()
    beyond = [url for url in requests if not url.startswith((base, "data:", "blob:"))]
    assert not beyond, f"pages reached beyond the server: {beyond}"
    ctx.close()


def test_pages_refuse_what_they_cannot_show(server, browser):
    from playwright.sync_api import expect

    base, _, _ = server
    page = browser.new_page()
    page.set_default_timeout(WAIT)
    page.goto(f"{base}/facilitator?key=wrong")
    expect(page.get_by_text("The facilitator view needs the link that `escalation serve` printed")).to_be_visible()
    expect(page.get_by_role("button", name="Play turn")).to_have_count(0)
    page.goto(f"{base}/?seat=narnia")
    expect(page.get_by_text("There is no seat 'narnia' in this game.")).to_be_visible()
    page.goto(f"{base}/?seat=ukrane")
    expect(page.get_by_text("There is no seat 'ukrane' in this game (did you mean 'ukraine'?).")).to_be_visible()
    page.goto(f"{base}/?seat=china")
    expect(page.locator(".seat-title")).to_have_text("China: played by the model")
    expect(page.get_by_role("button", name="Ceasefire talks")).to_have_count(0)
    page.close()


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
        ]
        for args, message in cases:
            r = subprocess.run([sys.executable, "-m", "escalation.cli", "serve", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
            assert r.returncode == 2 and r.stderr.startswith(message), r.stderr
            assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr


def test_before_a_game_the_facilitator_is_told_how_to_start_one(tmp_path, browser):
    from playwright.sync_api import expect

    running = serve(tmp_path)
    base, _, _ = next(running)
    try:
        page = browser.new_page()
        page.set_default_timeout(WAIT)
        page.goto(f"{base}/facilitator?key={KEY}")
        expect(page.get_by_text("No game yet: choose a scenario and the seats the teams hold")).to_be_visible()
        expect(page.get_by_role("button", name="Start new game")).to_be_visible()
        expect(page.get_by_text("Drop a saved session here to load it")).to_be_visible()  # or resume a class's game
        expect(page.get_by_text("Save session")).to_have_count(0)
        page.goto(f"{base}/")
        expect(page.get_by_text("The facilitator is setting up the game.")).to_be_visible()
        page.close()
    finally:
        next(running, None)
