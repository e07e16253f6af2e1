"""Classroom features of a session, the hub and the terminal: days per turn, one click one turn,
rationales, messages, injects written in class, what each seat saw, objectives, secrets,
autosave and resume, hidden simultaneous entry, a load in mid-game, team sheets."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time

import pytest

from escalation.analysis.style import ACTOR_COLOURS, contrast
from escalation.errors import TabletopError
from escalation.scenario.problems import ScenarioError
from escalation.tabletop.session import Session
from escalation.tabletop.web.hub import REPLAY_GUARD, Hub, same_secret

SEATS = ["russia", "ukraine", "united_states", "europe"]
CARD = """id: envoy_visit
title: An envoy flies to Moscow
status: hypothetical
source: {title: written in class}
text: A surprise visit opens a channel.
effects:
  - set_trait: {actor: russia, trait: resolve, by: -0.3}
"""


def game(**kw) -> Session:
    return Session("nov-2024", kw.pop("humans", SEATS), kw.pop("seed", 0), **kw)


# --------------------------------------------------------------------------- days per turn and several turns


def test_a_week_a_turn_steps_the_model_day_by_day_with_the_seats_holding():
    week = game(humans=["ukraine"], days_per_turn=7, length=3)
    daily = game(humans=["ukraine"])
    assert week.turn_starts() == [week.start, week.start + 7, week.start + 14] and week.game_turns == 3
    week.choose("ukraine", "political_signalling")
    assert week.advance() == 1 and week.turn == week.start + 7 and week.game_turn == 2
    # the same world as seven daily turns with Ukraine choosing on the first and holding after
    daily.choose("ukraine", "political_signalling")
    for _ in range(7):
        daily.advance()
    assert [e.text for e in week.model.narrative] == [e.text for e in daily.model.narrative]
    assert week.level("ukraine") == daily.level("ukraine") == week.model.ladder.level["political_signalling"]
    assert week.advance(5) == 2 and week.finished and week.turn == week.start + 21  # stops at the end
    with pytest.raises(TabletopError, match="the game's turns begin on days"):
        week.rewind(week.start + 3)
    week.rewind(week.start + 7)
    assert week.turn == week.start + 7 and not week.finished


def test_a_last_game_turn_may_be_shorter_and_a_saved_week_game_replays():
    s = Session("nov-2024", ["russia"], 2, days_per_turn=30)
    most = s.base.turns - s.start
    assert s.game_turns == -(-most // 30) and s.end_turn == s.scenario.turns
    s.advance(s.game_turns)
    assert s.finished and s.turn == s.end_turn
    again = Session.from_json(s.to_json())
    assert again.to_json() == s.to_json() and again.days_per_turn == 30
    with pytest.raises(TabletopError, match="a game turn can span 1 to"):
        Session("nov-2024", ["russia"], days_per_turn=0)
    with pytest.raises(TabletopError, match="the game can last 1 to 3 turns of 30 days"):
        Session("nov-2024", ["russia"], length=4, days_per_turn=30)


def test_a_damaged_week_game_is_refused():
    s = game(humans=["ukraine"], days_per_turn=7, length=2)
    s.advance()
    data = json.loads(s.to_json())
    data["played"][s.start + 2] = {"moves": {"ukraine": "political_signalling"}}
    with pytest.raises(TabletopError, match=f"turn {s.start + 2}: nobody decides between the game's turns"):
        Session.from_json(json.dumps(data), "week.json")
    data = json.loads(s.to_json())
    data["played"] = data["played"][:-2]  # a game turn cut short
    with pytest.raises(TabletopError, match="days played, but the game's turns end on day"):
        Session.from_json(json.dumps(data), "week.json")


def test_play_is_idempotent_per_turn():
    s = game()
    at = s.turn
    assert s.advance(at=at) == 1
    assert s.advance(at=at) == 0 and s.turn == at + 1  # the second click of the same turn's button plays nothing


def test_the_hub_plays_one_turn_for_a_double_click(tmp_path, monkeypatch):
    hub = Hub(out_dir=tmp_path)
    hub.start("nov-2024", ["ukraine"], 0, 5)
    at = hub.session.turn
    assert hub.play(at) is None
    assert hub.play(at) == "That turn has already been played (one click plays one turn)."
    assert hub.play(at + 1).startswith("That turn has already been played")  # the next turn's button, clicked within moments
    assert hub.session.turn == at + 1
    monkeypatch.setattr("escalation.tabletop.web.hub.time.monotonic", lambda: time.perf_counter() + 10 * REPLAY_GUARD)
    assert hub.play(at + 1, turns=2) is None and hub.session.turn == at + 3


# --------------------------------------------------------------------------- rationales, messages, injects written in class


def test_rationales_and_messages_are_kept_replayed_and_shown_only_to_whom_they_are_for():
    s = game()
    s.choose("ukraine", "political_signalling", "We signal first, then strike")
    s.send("russia", "We are ready for talks")
    s.send("ukraine", "Hold your fire for a day", to="united_states")
    s.send("facilitator", "Ten minutes left")
    with pytest.raises(TabletopError, match="china is played by the model|China is played by the model"):
        s.send("china", "hello")
    with pytest.raises(TabletopError, match="at most 500 characters"):
        s.explain_move("russia", "x" * 501)
    with pytest.raises(TabletopError, match="needs some text"):
        s.send("russia", "   ")
    s.advance()
    assert s.played[-1].rationales == {"ukraine": "We signal first, then strike"}
    texts = lambda seat: [m.text for _, m in s.messages(seat)]  # noqa: E731
    assert texts("united_states") == ["We are ready for talks", "Hold your fire for a day", "Ten minutes left"]
    assert texts("europe") == ["We are ready for talks", "Ten minutes left"]  # a private message stays private
    assert texts(None) == texts("united_states")  # the facilitator sees all
    again = Session.from_json(s.to_json())
    assert again.messages() == s.messages() and again.played[-1].rationales == s.played[-1].rationales


def test_an_inject_written_in_class_is_checked_like_a_scenario_and_changes_no_world_until_played():
    s = game()
    s.advance()
    before = [e.text for e in s.model.narrative]
    with pytest.raises(ScenarioError) as err:
        s.write_inject(CARD.replace("actor: russia", "actor: rusia"), "<card>")
    assert str(err.value).startswith("<card>:7:24: unknown actor 'rusia' (did you mean 'russia'?)")
    with pytest.raises(ScenarioError, match=r"<card>:3:9: status: 'hypotetical' is not allowed \(did you mean 'hypothetical'\?\)"):
        s.write_inject(CARD.replace("status: hypothetical", "status: hypotetical"), "<card>")
    with pytest.raises(ScenarioError, match="<card>:1:5: id 'kim_nuclear_threat' is used twice"):
        s.write_inject(CARD.replace("envoy_visit", "kim_nuclear_threat"), "<card>")
    with pytest.raises(ScenarioError, match="is hypothetical"):
        s.write_inject(CARD.replace("status: hypothetical", "status: documented\nsource: {seed: 000_x.txt, title: t}").replace(
            "source: {title: written in class}\n", ""), "<card>")
    card = s.write_inject(CARD)
    assert [e.text for e in s.model.narrative] == before  # written, not played: no world changes
    assert s.card_effects(card) == ["Russia's resolve changes by -0.3 (a team holds this seat: the team decides its moves, so it weighs this itself)"]
    assert s.card_status(card) == "playable"
    s.inject("envoy_visit")
    s.advance()
    told = [e.text for e in s.news() if e.extra.get("inject")]
    assert len(told) == 1 and told[0].startswith("An envoy flies to Moscow: A surprise visit opens a channel. (what changed: Russia's resolve ")
    was, now = map(float, re.findall(r"resolve (\d\.\d\d) -> (\d\.\d\d)\)$", told[0])[0])
    assert round(was - now, 2) == 0.3 and now == round(float(s.model.actors["russia"].traits["resolve"][0]) + 0, 2) or was - now > 0.29
    again = Session.from_json(s.to_json())
    assert [c.id for c in again.written] == ["envoy_visit"] and again.to_json() == s.to_json()
    data = json.loads(s.to_json())
    data["written"][0]["effects"][0]["set_trait"]["actor"] = "atlantis"
    with pytest.raises(TabletopError, match="written inject 1: unknown actor 'atlantis'"):
        Session.from_json(json.dumps(data), "class.json")


def test_every_card_of_the_deck_says_what_it_changes_and_the_news_what_it_changed():
    s = game()
    for card in s.deck():
        assert s.card_effects(card) and all(t and t[0].isupper() for t in s.card_effects(card))
        if s.playable(card):
            s.inject(card.id)
    s.advance()
    told = [e for e in s.news() if e.extra.get("inject")]
    assert len(told) == len(s.played[-1].injects) == sum(map(s.playable, s.deck()))
    assert all("(what changed: " in e.text for e in told)
    assert "North Korea's posture 'Third-party combat involvement' -> 'Nuclear signalling'" in " ".join(e.text for e in told)


# --------------------------------------------------------------------------- fog of war, objectives


def test_what_each_seat_saw_is_recorded_per_turn_and_the_public_board_hides_postures_under_fog():
    s = game(length=4)
    s.advance(4)
    assert sorted(s.seen) == s.turn_starts()
    for turn, seats in s.seen.items():
        assert set(seats) == set(SEATS)
        for seat, read in seats.items():
            assert read[seat] == int(s.model.path[turn - 1, s.model.actors[seat].index, 0])  # its own posture exactly
    misread = sum(read[a] != int(s.model.path[t - 1, s.model.actors[a].index, 0]) for t, seats in s.seen.items() for read in seats.values()
                  for a in read if read[a] is not None)
    assert misread > 0  # the fog of war is at work in the shipped scenario
    assert s.fog() and all(not actors for _, _, actors, _ in s.board("public"))
    assert sum(len(actors) for _, _, actors, _ in s.board()) == sum(s.active(k) for k in s.seats())
    clear = Session(s.base.model_copy(update={"settings": s.base.settings.model_copy(update={"noise": 0.0})}), ["ukraine"])
    assert not clear.fog() and clear.board("public") == clear.board()


def test_objectives_are_judged_at_the_end_throughout_or_ever():
    s = game(length=5)
    aims = {a["id"]: a for a in s.objectives("russia")}
    assert aims["strikes_stop"]["met"] is None and aims["nato_stays_out"]["met"] is None  # open before the game is over
    s.choose("ukraine", "political_signalling")
    s.choose("europe", "direct_nato_russia_clash") if "direct_nato_russia_clash" in s.legal_moves("europe") else None
    s.advance(5)
    assert s.finished
    held = s.held["russia"]
    aims = {a["id"]: a for a in s.objectives("russia")}
    assert aims["strikes_stop"]["met"] == held["strikes_stop"][-1]
    assert aims["nato_stays_out"]["met"] == all(held["nato_stays_out"])
    ukraine = {a["id"]: a for a in s.objectives("ukraine")}
    assert ukraine["deterrence_holds"]["met"] == any(s.held["ukraine"]["deterrence_holds"])
    assert len(held["strikes_stop"]) == s.turn - s.start  # judged on every day from the branch, not before


def test_objectives_name_what_exists(tmp_path):
    from escalation.scenario.loading import load_scenario

    text = (tmp_path / "x.yaml")
    text.write_text(
        "extends: nov-2024\nname: aims\nactors:\n  china:\n    objectives:\n      - id: calm\n        text: Calm.\n"
        "        when: [{actor: russa, metric: posture, op: '<', value: nuclear_signaling}]\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(text)
    said = str(err.value)
    assert "unknown actor 'russa' (did you mean 'russia'?)" in said and "unknown rung 'nuclear_signaling'" in said


# --------------------------------------------------------------------------- secrets, autosave, resume


def test_seat_links_are_secret_constant_time_and_reissued(tmp_path):
    hub = Hub(out_dir=tmp_path, key="k")
    hub.start("nov-2024", ["ukraine", "russia"])
    token = hub.tokens["ukraine"]
    assert len(token) >= 16 and hub.tokens["russia"] != token
    assert hub.seat_for("ukraine", token) and not hub.seat_for("russia", token)
    assert not hub.seat_for("ukraine", None) and not hub.seat_for("ukraine", "") and not hub.seat_for("china", token)
    assert not hub.seat_for("china", "")  # a model seat has no page at all
    assert hub.reissue("ukraine") is None and not hub.seat_for("ukraine", token) and hub.seat_for("ukraine", hub.tokens["ukraine"])
    assert hub.reissue("china") == "'china' is not a team's seat in this game"
    assert same_secret("abc", "abc") and not same_secret("abc", "abd") and not same_secret("", "")
    links = hub.links("http://10.0.0.5:8765")
    assert links["seat ukraine"] == f"http://10.0.0.5:8765/?seat=ukraine&token={hub.tokens['ukraine']}"
    assert links["facilitator"] == "http://10.0.0.5:8765/facilitator?key=k"


def test_every_change_is_saved_and_a_restart_resumes_the_latest_game_with_its_links(tmp_path):
    hub = Hub(out_dir=tmp_path, key="k")
    hub.start("nov-2024", ["ukraine", "russia"], 3, 6)
    first = hub.autosave
    hub.act(lambda g: g.choose("ukraine", "political_signalling", "talks first"))
    hub.play(hub.session.turn)
    assert Session.load(first).to_json() == hub.session.to_json()
    secrets = tmp_path / "secrets.json"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert hub.tokens["ukraine"] not in first.read_text()  # the session file, which a class may share, holds no secret
    time.sleep(0.01)
    hub.start("nov-2024", ["europe"], 1, 3)  # a new game: the old one's save stays
    assert first.exists() and hub.autosave != first
    hub.act(lambda g: g.advance())
    again = Hub(out_dir=tmp_path)
    assert again.resume() is None
    assert again.session.to_json() == hub.session.to_json() and again.key == "k" and again.tokens == hub.tokens
    assert Hub(out_dir=tmp_path / "empty").resume().endswith("no saved game to resume (games are saved there as autosave-*.json)")


# --------------------------------------------------------------------------- the terminal


def _console(lines: str, *args: str, cwd):
    cmd = [sys.executable, "-m", "escalation.cli", "play", "nov-2024", *args]
    return subprocess.run(cmd, input=lines, capture_output=True, text=True, timeout=300, cwd=cwd)


def test_terminal_moves_are_hidden_and_revealed_together_with_the_models_reasons(tmp_path):
    r = _console("why We warn first\n2\n3\nquit\n", "--human", "ukraine,russia", "--turns", "3", cwd=tmp_path)
    out = r.stdout
    assert r.returncode == 0, r.stderr
    assert "ukraine> (entered)" in out and "russia> (entered)" in out  # the move typed is not shown to the next team
    reveal = out.index("Moves revealed together:")
    assert out.index("russia> (entered)") < reveal  # revealed only once both have chosen
    assert "Ukraine: Political signalling and warnings (its reason: We warn first)" in out[reveal:]
    assert re.search(r"The model's moves, and why:\n(  .+: .+\n)+", out[reveal:])
    assert "China " in out[reveal:].split("The ladder:")[0]  # every bot, with its reason


def test_a_move_typed_at_a_terminal_is_not_echoed(tmp_path):
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "escalation.cli", "play", "nov-2024", "--human", "ukraine,russia", "--turns", "2"],
        stdin=follower, stdout=follower, stderr=subprocess.PIPE, cwd=tmp_path, close_fds=True,
    )
    os.close(follower)
    seen = b""

    def read_until(marker: bytes, times: int = 1, timeout: float = 120) -> bytes:
        nonlocal seen
        end = time.monotonic() + timeout
        while seen.count(marker) < times and time.monotonic() < end:
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
        return seen

    try:
        read_until(b"ukraine> ")
        os.write(leader, b"3\n")
        read_until(b"russia> ")
        after = seen.split(b"ukraine> ", 1)[1]
        assert after.startswith(b"(entered)") and not after.startswith(b"3")  # the terminal did not echo the digit
        os.write(leader, b"2\n")
        read_until(b"ukraine> ", times=2)  # the next turn's prompt
        os.write(leader, b"quit\n")
        read_until(b"Left after")
    finally:
        proc.wait(timeout=60)
        os.close(leader)
    shown = seen.replace(b"\r\n", b"\n")
    assert re.search(rb"Moves revealed together:\n  Ukraine: [^\n]+\n  Russia: ", shown), shown[shown.find(b"revealed") - 50:][:300]


def test_load_in_mid_game_replaces_the_game_the_console_drives(tmp_path):
    saved = game(humans=["ukraine", "russia"], length=4)
    saved.choose("ukraine", "political_signalling")
    saved.advance(2)
    saved.save(tmp_path / "class.json")
    # a game of another scenario under way; loading the class's file must drive that one, seat by seat
    r = subprocess.run(
        [sys.executable, "-m", "escalation.cli", "play", "no-atacms", "--human", "ukraine", "--turns", "6"],
        input="1\nload class.json\n1\n1\n1\n1\nquit\n", capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    out = r.stdout
    assert r.returncode == 0, r.stderr
    after = out.split("Loaded class.json: turn")[1]
    assert "russia> " in after  # Russia, a seat only in the loaded game, is asked
    assert f"=== Turn {saved.turn + 1} of {saved.end_turn}" in after  # and the loaded game's turns advance
    assert "Left after 10 of 10 turns" in after or f"Left after {saved.end_turn}" in after


# --------------------------------------------------------------------------- team sheets, colours


def test_a_team_sheet_for_every_seat_of_the_baseline(tmp_path):
    from escalation.scenario.loading import load_scenario

    r = subprocess.run([sys.executable, "-m", "escalation.cli", "brief", "nov-2024", "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    sc = load_scenario("nov-2024")
    for key, actor in sc.actors.items():
        page = (tmp_path / f"brief-nov-2024-{key}.html").read_text()
        assert f"Team sheet: {actor.name}" in page and "Illustrative scenario exploration, not a prediction." in page
        for section in ("Who you are", "The history to the branch", "What you can do", "Red lines", "Relations", "Your objectives"):
            assert f"<h2>{section}</h2>" in page, (key, section)
        assert "Oreshnik strike on Dnipro" in page  # the documented week, to the branch
        for aim in actor.objectives:
            assert aim.text.replace("'", "&#x27;") in page
    ukraine = (tmp_path / "brief-nov-2024-ukraine.html").read_text()
    assert "Biden authorises ATACMS strikes inside Russia" in ukraine  # what unlocked its cross-border strikes
    assert "Drawn against you by Russia" in ukraine and "Patrons (who arm and permit it): United States, Europe (NATO allies)" in ukraine


def test_a_team_sheet_prints_to_one_pdf_page(tmp_path):
    import shutil

    if not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: the PDF sheets cannot be printed (make browser installs it)")
        pytest.skip("chromium is missing")
    r = subprocess.run([sys.executable, "-m", "escalation.cli", "brief", "nov-2024", "--seat", "russia", "--pdf", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    pdf = (tmp_path / "brief-nov-2024-russia.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_actor_colours_pass_wcag_aa_for_their_labels():
    for colour in ACTOR_COLOURS:
        assert contrast("#ffffff", colour) >= 4.5, colour  # a white label on a model seat's chip
        assert contrast(colour, "#ffffff") >= 4.5, colour  # a class seat's label, in its colour on white
    assert round(contrast("#ff7f0e"), 1) == 2.5  # the old orange, as measured: the check can fail


def test_the_models_moves_never_contradict_the_board():
    s = game(humans=["ukraine"])
    s.inject("kim_nuclear_threat")  # moves North Korea after it has chosen
    s.advance()
    moves = {d["actor"]: d for d in s.bot_moves()}
    assert set(moves) == {k for k in s.seats() if k != "ukraine" and s.active(k)}
    for key, d in moves.items():
        shown = d["then"] or d["rung"]
        assert shown == s.model.ladder.names[s.level(key)], key
    assert moves["north_korea"]["then"] == "Nuclear signalling"


def test_an_inject_that_orders_a_one_off_action_says_so_in_the_news():
    s = game(humans=["ukraine"])
    s.write_inject(CARD.replace("set_trait: {actor: russia, trait: resolve, by: -0.3}",
                                "set_posture: {actor: russia, rung: strategic_conventional_strike, binding: true}"))
    s.inject("envoy_visit")
    s.advance()
    told = next(e.text for e in s.news() if e.extra.get("inject"))
    assert told.endswith("-> 'Strategic-class conventional strike')") or "stays 'Strategic-class conventional strike'" in told, told


def test_a_card_says_when_the_trait_it_changes_belongs_to_a_team():
    s = game()
    tusk = next(c for c in s.deck() if c.id == "tusk_global_war_warning")  # Europe's risk tolerance; Europe is a team here
    assert s.card_effects(tusk) == ["Europe (NATO allies)'s risk tolerance changes by -0.1 (a team holds this seat: the team decides its moves, "
                                    "so it weighs this itself)"]
    assert "a team holds" not in " ".join(game(humans=["ukraine"]).card_effects(tusk))


def test_the_terminal_takes_an_inject_written_in_class(tmp_path):
    (tmp_path / "bad.yaml").write_text(CARD.replace("actor: russia", "actor: rusia"))
    (tmp_path / "card.yaml").write_text(CARD)
    r = _console("inject write bad.yaml\ninject write card.yaml\ninject envoy_visit\nnext\nquit\n", "--human", "ukraine", "--turns", "3", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "bad.yaml:7:24: unknown actor 'rusia' (did you mean 'russia'?)" in r.stdout
    assert "Inject 'envoy_visit' added to the deck: Russia's resolve changes by -0.3. Play it with: inject envoy_visit" in r.stdout
    assert "* Inject: An envoy flies to Moscow: A surprise visit opens a channel. (what changed: Russia's resolve" in r.stdout
