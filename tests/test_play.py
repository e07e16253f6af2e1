"""The terminal tabletop end to end: `escalation play` driven through piped input."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

# the documented week played as a counterfactual: the branch moved back to the start date
GAME = ["nov-2024", "--human", "ukraine,russia", "--turns", "6", "--seed", "4", "--branch", "2024-11-17"]

# Turn 0: both teams move (one typo); turn 1: an inject, an unknown inject, a wrong number,
# then a rewind to the start of turn 1 and the turn played again differently.
BEFORE_SAVE = ["help", "3", "xyz", "2", "inject kim_nuclear_threat", "inject nosuch", "4", "99", "3", "rewind 1", "1", "2"]
# Turn 2 onwards: an inject, a branch, the rest played by holding; then the report.
AFTER_SAVE = ["inject tusk_global_war_warning", "2", "1", "next", "branch 3", "next", "next", "next", "5", "report rep", "quit"]


def play(args, lines, cwd):
    return subprocess.run(
        [sys.executable, "-m", "escalation.cli", "play", *args], input="\n".join(lines) + "\n",
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )


@pytest.fixture(scope="module")
def games(tmp_path_factory):
    """One game played straight through, and the same game saved midway, quit and resumed."""
    whole = tmp_path_factory.mktemp("whole")
    resumed = tmp_path_factory.mktemp("resumed")
    a = play(GAME, [*BEFORE_SAVE, "save mid.json", *AFTER_SAVE], whole)
    b1 = play(GAME, [*BEFORE_SAVE, "save mid.json", "quit"], resumed)
    b2 = play(["--load", "mid.json"], AFTER_SAVE, resumed)
    return whole, resumed, a, b1, b2


def test_the_game_runs_from_piped_input_with_hints_not_crashes(games):
    whole, _, a, _, _ = games
    assert a.returncode == 0, a.stderr
    assert a.stderr == ""
    out = a.stdout
    assert "Illustrative scenario exploration, not a prediction." in out
    assert "=== Turn 0 of 6 - Sun 17 Nov 2024 ===" in out and "=== Turn 5 of 6 - Fri 22 Nov 2024 ===" in out
    assert "Ukraine, your move (now: Contained war inside Ukraine):" in out
    assert "  2. Contained war inside Ukraine (hold):" in out
    assert "Russia [class]" in out and "North Korea" in out  # human and model seats on the ladder
    assert "? 'xyz' is not a move or a command: type a number from 1 to 4 for Russia's move" in out
    assert "! unknown inject 'nosuch'; the deck: kim_nuclear_threat" in out
    # the documented week played as a counterfactual: the model's United States moved to arms support on
    # 17 Nov, so the authorisation happened (news) and Ukraine may strike; the Russia team held, so the
    # Kremlin's warning of 18 Nov is history beside the game
    assert "  * Biden authorises ATACMS strikes inside Russia" in out and "? choose a move from 1 to 4" in out
    assert "  = In history on 18 Nov 2024: The Kremlin warns Ukraine's backers" in out
    assert "Rewound to the start of turn 1 (18 Nov 2024)." in out
    assert "Inject 'tusk_global_war_warning' will take effect when this turn is played." in out
    assert "This line of play is kept as 'line 1'; back to the start of turn 3." in out
    assert "The game is over." in out and "Thresholds crossed after the branch: " in out
    assert "? no seat is choosing a move now: the game is over" in out
    assert "Report: rep/aar.html" in out and "Traceback" not in out


def test_the_report_tells_the_classes_game(games):
    whole, _, _, _, _ = games
    html = (whole / "rep" / "aar.html").read_text()
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html).replace("&#x27;", "'").replace("&quot;", '"')
    assert "Illustrative scenario exploration, not a prediction." in text
    assert "<b>Ukraine</b> (the class) moves to <b>Political signalling and warnings</b>" in text  # turn 0
    assert "<b>Ukraine</b> (the class) moves to <b>Ceasefire talks</b>" in text  # turn 1, replayed after the rewind
    assert "(the class) holds at <b>Political signalling and warnings</b>" not in text  # the rewound move is gone
    assert re.search(r"\(the model\) moves from [^<]+ to <b>[^<]+</b>, because [^<]+\.", text)
    assert "Inject played [documented]: Tusk warns again that the war could turn global" in text
    assert "Kim repeats" not in text  # played, then rewound away
    assert "In 10,000 model runs of the same scenario over the same 6 turns" in text
    assert "History beside your game, 17-26 November 2024" in text and "Oreshnik strike on Dnipro" in text
    assert text.count("beyond this game") == 4  # 23 to 26 November lie beyond a six-turn game
    assert "Lines of play set aside" in text and "<td>line 1</td><td>4</td>" in text
    assert html.count('src="data:image/png;base64,') == 2
    assert (whole / "rep" / "ladder.png").read_bytes()[:4] == b"\x89PNG"


def test_a_saved_and_resumed_game_ends_exactly_as_the_uninterrupted_one(games):
    whole, resumed, a, b1, b2 = games
    assert b1.returncode == 0 and "Saved to mid.json" in b1.stdout and "Left after 2 of 6 turns." in b1.stdout
    assert b2.returncode == 0, b2.stderr
    assert "=== Turn 2 of 6 - Tue 19 Nov 2024 ===" in b2.stdout
    assert (resumed / "mid.json").read_text() == (whole / "mid.json").read_text()
    assert (resumed / "rep" / "session.json").read_text() == (whole / "rep" / "session.json").read_text()
    assert (resumed / "rep" / "aar.html").read_text() == (whole / "rep" / "aar.html").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["nov-2024", "--human", "ukraine,narnia"], "escalation play: unknown seat 'narnia'; seats: russia, ukraine,"),
        (["nov-2024", "--human", "Ukraine"], "escalation play: unknown seat 'Ukraine' (did you mean 'ukraine'?)"),
        (["nov-2024"], "escalation play: name the seats people hold with --human"),
        (["nov-2024", "--human", "ukraine", "--turns", "500"], "escalation play: the game can last 1 to 84 turns from the branch (23 Nov 2024), not 500"),
        (["no-such-scenario", "--human", "ukraine"], "no-such-scenario:1:1: no shipped scenario named 'no-such-scenario'"),
        (["--load", "broken.json"], "broken.json:1:12: damaged session file: Unterminated string"),
        (["--load", "broken.json", "--human", "ukraine"], "escalation play: --load resumes a saved game as it was"),
    ],
)
def test_bad_command_lines_get_one_clear_line_and_exit_2(tmp_path, args, message):
    (tmp_path / "broken.json").write_text('{"format": "escal')
    r = play(args, ["quit"], tmp_path)
    assert r.returncode == 2
    assert r.stderr.splitlines()[0].startswith(message) and len(r.stderr.splitlines()) == 1
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_a_report_asked_for_before_the_first_turn_is_refused_in_one_line(tmp_path):
    r = play(GAME, ["report", "quit"], tmp_path)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "! nothing to report yet: no turn has been played" in r.stdout and "Writing the report" not in r.stdout
    assert not list(tmp_path.rglob("aar.html"))


def test_an_inject_number_outside_the_deck_gets_a_hint(tmp_path):
    from escalation.scenario.loading import load_scenario

    deck = load_scenario("nov-2024").injects
    r = play(GAME, [f"inject {len(deck) + 1}", "inject 2", "quit"], tmp_path)
    assert f"? the deck has cards 1 to {len(deck)}: type 'inject' to list them" in r.stdout
    assert f"Inject '{deck[1].id}' will take effect when this turn is played." in r.stdout


def test_a_game_begun_with_set_on_an_overlay_saves_and_resumes_with_it(tmp_path):
    begun = play(["weak-china-restraint", "--human", "ukraine", "--turns", "3", "--set", "actors.china.leverage=0.3"], ["1", "save g.json", "quit"], tmp_path)
    assert begun.returncode == 0, begun.stderr
    saved = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert saved["scenario"] == "weak-china-restraint" and saved["sets"] == {"actors.china.leverage": 0.3}
    resumed = play(["--load", "g.json"], ["quit"], tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    refused = play(["--load", "g.json", "--set", "settings.noise=0.4"], ["quit"], tmp_path)
    assert refused.returncode == 2 and "--load resumes a saved game as it was" in refused.stderr
