"""The hub behind the web app: one shared session, refusals that change nothing, change signals."""

from __future__ import annotations

import tempfile
import threading
import time

from escalation.tabletop.session import Session
from escalation.tabletop.web.board import board_html, news_html, red_lines_html
from escalation.tabletop.web.hub import Hub


def started(**kw) -> Hub:
    kw.setdefault("out_dir", tempfile.mkdtemp(prefix="hub-"))  # its saves go to a folder of its own, never the working one
    hub = Hub(**kw)
    assert hub.start("nov-2024", ["ukraine", "russia"], 3, 6) is None
    return hub


def test_a_refused_action_returns_its_reason_and_signals_no_change():
    hub = started()
    version, state = hub.version, hub.session.to_json()
    assert hub.act(lambda s: s.choose("ukraine", "strategic_nuclear_exchange")).startswith("Ukraine cannot move to")
    assert hub.act(lambda s: s.inject("no_such_card")).startswith("unknown inject 'no_such_card'")
    assert hub.version == version and hub.session.to_json() == state
    assert hub.act(lambda s: s.choose("ukraine", "political_signalling")) is None
    assert hub.version == version + 1 and hub.session.pending.moves == {"ukraine": "political_signalling"}


def test_starting_or_loading_a_bad_game_keeps_the_current_one():
    hub = started()
    hub.act(lambda s: s.advance())
    state = hub.session.to_json()
    assert hub.start("nov-2024", ["narnia"]).startswith("unknown seat 'narnia'")
    assert hub.start("no-such-scenario", ["ukraine"]).startswith("no-such-scenario:1:1: no shipped scenario")
    assert hub.load('{"format": "escalation-tabletop-session"', "x.json").startswith("x.json:1:")
    assert hub.load('{"name": "nov-2024"}', "scenario.yaml").startswith("scenario.yaml:1:1: not a tabletop session file")
    assert hub.session.to_json() == state
    assert hub.load(state, "saved.json") is None and hub.session.turn == hub.session.start + 1


def test_no_game_yet(tmp_path):
    hub = Hub(out_dir=tmp_path)
    assert hub.act(lambda s: s.advance()) == "no game is set up yet"
    assert hub.chart_png() is None and hub.write_report() == "no game is set up yet"
    saved = started().session.to_json()
    assert hub.load(saved, "class.json") is None and hub.session.to_json() == saved  # a saved game resumes without a game under way


def test_waiting_pages_wake_when_the_game_changes():
    hub = started()
    seen = hub.version
    woke = []
    waiter = threading.Thread(target=lambda: woke.append(hub.wait(seen, timeout=10)))
    waiter.start()
    time.sleep(0.05)
    hub.act(lambda s: s.advance())
    waiter.join(timeout=5)
    assert woke == [seen + 1]
    started_at = time.perf_counter()
    assert hub.wait(hub.version, timeout=0.2) == hub.version  # nothing changed: it returns after the timeout
    assert time.perf_counter() - started_at >= 0.15


def test_the_chart_is_drawn_once_per_change_and_the_report_written(tmp_path):
    hub = started(out_dir=tmp_path)
    briefing = hub.chart_png()  # nothing played yet: the chart shows the history to the branch
    assert briefing[:8] == b"\x89PNG\r\n\x1a\n" and hub.chart_png() is briefing
    assert hub.write_report() == "nothing to report yet: no turn has been played" and hub.report is None
    hub.act(lambda s: s.advance())
    png = hub.chart_png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png is not briefing and hub.chart_png() is png
    hub.act(lambda s: s.advance())
    assert hub.chart_png() is not png
    assert hub.write_report() is None
    report = hub.report
    assert report.html == tmp_path / "aar.html"
    assert Session.load(report.session).to_json() == hub.session.to_json()


def test_pages_escape_what_scenarios_say():
    hub = started()
    hub.act(lambda s: s.advance())
    s = hub.session
    s.model.actors["russia"].label = "<script>alert(1)</script>"
    s.model.narrative[-1].text = "<img src=x onerror=alert(1)>"
    pages = board_html(s) + board_html(s, "ukraine") + news_html(s) + red_lines_html(s, "ukraine")
    assert "<script>" not in pages and "<img" not in pages
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages and "&lt;img src=x" in pages
