"""The tabletop session: human seats, bots with reasons, injects, rewind, branch, save and load."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from escalation.analysis.aar import write_report
from escalation.errors import TabletopError
from escalation.model import END_STATE_NAMES, END_STATES, Crisis
from escalation.scenario.loading import load_scenario
from escalation.tabletop.session import Session, TurnInputs

TURNS = 8
T0 = load_scenario("nov-2024").branch_turn  # the game begins at the branch; the turns before it are history


def session(humans=("ukraine",), seed=5, length=TURNS) -> Session:
    return Session("nov-2024", list(humans), seed, length=length)


def play(s: Session, moves: list[dict], injects: dict[int, list[str]] | None = None) -> Session:
    for turn, chosen in enumerate(moves):
        for card in (injects or {}).get(turn, []):
            s.inject(card)
        for seat, pick in chosen.items():
            if seat not in s.humans:
                continue
            legal = s.legal_moves(seat)
            s.choose(seat, legal[pick % len(legal)])
        s.advance()
    return s


MOVES = [{"ukraine": -1, "russia": 0}, {"ukraine": -1, "russia": -1}, {"ukraine": 0, "russia": 1}, {"ukraine": 2, "russia": -1}]


def fingerprint(s: Session):
    m = s.model
    return (m.turn, m.system_path.tobytes(), m.path.tobytes(), [(e.turn, e.kind, e.text, e.why) for e in m.narrative], s.log)


def test_human_seats_move_as_chosen_and_bots_explain_themselves():
    s = session(humans=("ukraine", "russia"))
    assert s.turn == T0 and len(s.log) == T0 and not any(s.log)  # the history: nobody decided in it
    before = {k: s.level(k) for k in s.seats()}
    ukraine = s.legal_moves("ukraine")[0]
    s.choose("ukraine", ukraine)  # russia does not choose: it holds
    s.advance()
    lad = s.model.ladder
    assert s.level("ukraine") == lad.level[ukraine] < before["ukraine"]
    assert s.level("russia") == before["russia"]
    decisions = {d["actor"]: d for d in s.log[T0]}
    assert decisions["ukraine"]["human"] and decisions["ukraine"]["rule"] == "human"
    assert decisions["ukraine"]["to"] == lad.level[ukraine]
    bots = [d for d in s.log[T0] if not d["human"]]
    assert {d["actor"] for d in bots} == set(s.seats()) - {"ukraine", "russia"}
    assert all(d["why"] and d["rule"] != "human" for d in bots)
    assert s.pending == TurnInputs() and s.turn == T0 + 1


def test_a_session_is_the_model_played_with_those_inputs():
    """Bots at W = 1 in a session behave exactly as the plain model would with the same human moves."""
    s = play(session(humans=("ukraine", "russia")), MOVES)
    chosen = [inputs.moves for inputs in s.played]
    sc = load_scenario("nov-2024").with_rules("human", ["ukraine", "russia"])
    sc = sc.model_copy(update={"end": sc.date_of(T0 + TURNS - 1)})
    model = Crisis(sc, rng=5, human=lambda m, actor, legal: chosen[m.turn].get(actor) or m.ladder.ids[int(m.actors[actor].posture[0])])
    for _ in range(T0 + len(MOVES)):
        model.step()
    assert np.array_equal(model.path[: T0 + len(MOVES)], s.model.path[: T0 + len(MOVES)])
    assert [e.text for e in model.narrative] == [e.text for e in s.model.narrative]


def test_a_short_game_plays_the_same_turns_as_the_whole_scenario():
    short, whole = play(session(length=4), MOVES[:4]), play(session(length=None), MOVES[:4])
    assert short.length == 4 and whole.length == load_scenario("nov-2024").turns - T0
    assert np.array_equal(short.model.path[: T0 + 4], whole.model.path[: T0 + 4])
    assert short.finished and not whole.finished


def test_an_inject_takes_effect_in_the_turn_it_is_played():
    s = session()
    s.inject("kim_nuclear_threat")
    s.choose("ukraine", s.legal_moves("ukraine")[0])
    s.advance()
    lad = s.model.ladder
    assert s.level("north_korea") == lad.level["nuclear_signalling"]
    played = [e for e in s.model.narrative if e.extra.get("inject")]
    assert [e.extra["id"] for e in played] == ["kim_nuclear_threat"] and played[0].status == "documented" and played[0].turn == T0
    assert s.played[T0].injects == ["kim_nuclear_threat"]


def test_an_inject_outside_its_window_is_refused():
    s = session()
    card = next(c for c in s.deck() if c.id == "atacms_permission_withdrawn")
    assert not s.playable(card)
    with pytest.raises(TabletopError, match="from 20 Jan 2025"):
        s.inject(card.id)
    assert s.pending.injects == []


@pytest.mark.parametrize(
    "action, message",
    [
        (lambda s: s.choose("ukrane", "contained_war"), "unknown seat 'ukrane' (did you mean 'ukraine'?)"),
        (lambda s: s.choose("russia", "contained_war"), "Russia is played by the model"),
        (lambda s: s.choose("ukraine", "strategic_nuclear_exchange"), "Ukraine cannot move to 'strategic_nuclear_exchange' now"),
        (lambda s: s.choose("ukraine", "no_such_rung"), "legal moves: "),
        (lambda s: s.inject("kim_nuclear_thret"), "unknown inject 'kim_nuclear_thret' (did you mean 'kim_nuclear_threat'?)"),
        (lambda s: s.rewind(T0 + 7), f"rewind to a turn from {T0} to {T0 + 2}, not {T0 + 7}"),
        (lambda s: s.rewind(T0 - 1), f"rewind to a turn from {T0} to {T0 + 2}, not {T0 - 1} (the game begins at the branch, 23 Nov 2024"),
        (lambda s: s.perceived("atlantis"), "unknown seat 'atlantis'"),
    ],
)
def test_a_refused_request_says_why_and_changes_nothing(action, message):
    s = play(session(), MOVES[:2])
    s.inject("tusk_global_war_warning")
    s.choose("ukraine", s.legal_moves("ukraine")[0])
    before, state = s.to_json(), fingerprint(s)
    with pytest.raises(TabletopError) as err:
        action(s)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert s.to_json() == before and fingerprint(s) == state


def test_unknown_seat_bad_seed_or_length_when_starting():
    with pytest.raises(TabletopError, match="unknown seat 'narnia'; seats: russia, ukraine"):
        Session("nov-2024", ["narnia"])
    with pytest.raises(TabletopError, match="no human seat"):
        Session("nov-2024", [])
    with pytest.raises(TabletopError, match="seed"):
        Session("nov-2024", ["ukraine"], -1)
    with pytest.raises(TabletopError, match=f"1 to {90 - T0} turns from the branch"):
        Session("nov-2024", ["ukraine"], length=91)


def test_rewind_replays_to_the_turn_and_the_game_goes_on_from_there():
    s = play(session(), MOVES)
    after_two = play(session(), MOVES[:2])
    s.rewind(T0 + 2)
    assert fingerprint(s) == fingerprint(after_two)
    play(s, MOVES[2:])
    assert fingerprint(s) == fingerprint(play(session(), MOVES))
    s.rewind(T0)
    assert s.turn == T0 and s.model.narrative == s.briefing() and s.briefing()


def test_branch_sets_the_line_aside_for_the_debrief(tmp_path):
    s = play(session(), MOVES, injects={1: ["missile_strikes_poland"]})
    line = fingerprint(s)
    name = s.branch(T0 + 1)
    assert name == "line 1" and s.turn == T0 + 1 and len(s.branches[0].turns) == T0 + len(MOVES)
    kept = s.replay_line(s.branches[0].turns)
    assert np.array_equal(kept.path, play(session(), MOVES, injects={1: ["missile_strikes_poland"]}).model.path)
    assert s.turn == T0 + 1  # looking at a branch leaves the session where it was
    with pytest.raises(TabletopError, match="already a branch named 'line 1'"):
        s.branch(T0, "line 1")
    assert fingerprint(play(session(), MOVES, injects={1: ["missile_strikes_poland"]})) == line
    loaded = Session.from_json(s.to_json())
    assert loaded.branches == s.branches


def test_end_closes_the_game_until_a_rewind():
    s = play(session(), MOVES[:2])
    s.end()
    assert s.finished
    with pytest.raises(TabletopError, match="the game is over"):
        s.advance()
    s.rewind(T0 + 2)
    assert not s.finished


def test_seat_view_misperceives_others_without_touching_the_models_random_stream():
    looked, plain = session(humans=("ukraine", "russia")), session(humans=("ukraine", "russia"))
    views = []
    for _ in range(3):
        views.append(looked.perceived("ukraine"))
        assert looked.perceived("ukraine") == views[-1]  # the same reading in every browser
        assert views[-1]["ukraine"] == looked.level("ukraine")  # its own posture it knows
        for s in (looked, plain):
            s.choose("ukraine", s.legal_moves("ukraine")[-1])
            s.advance()
    assert fingerprint(looked) == fingerprint(plain)
    # over many turns and seats the fog shows: some readings are off, none by more than the ladder allows
    readings = [(looked.perceived(seat)[k], looked.level(k)) for seat in looked.seats() for k in looked.seats() if k != seat and looked.active(k)]
    assert any(seen != true for seen, true in readings)
    assert all(0 <= seen < looked.model.ladder.n for seen, _ in readings)


def test_without_noise_a_seat_sees_the_truth():
    sc = load_scenario("nov-2024")
    clear = sc.model_copy(update={"settings": sc.settings.model_copy(update={"noise": 0.0})})
    s = Session(clear, ["ukraine"], 3, length=TURNS)
    play(s, MOVES[:3])
    assert s.perceived("russia") == {k: (s.level(k) if s.active(k) else None) for k in s.seats()}
    board = s.board("russia")
    assert [row[0] for row in board] == list(range(s.model.ladder.n - 1, -1, -1))
    assert sorted(k for row in board for k in row[2]) == sorted(k for k in s.seats() if s.active(k))


def test_save_and_load_continue_exactly(tmp_path):
    s = play(session(humans=("ukraine", "russia")), MOVES[:2], injects={0: ["china_presses_moscow"]})
    s.inject("backchannel_talks")
    s.choose("russia", s.legal_moves("russia")[0])
    path = s.save(tmp_path / "class.json")
    loaded = Session.load(path)
    assert loaded.to_json() == s.to_json() and fingerprint(loaded) == fingerprint(s)
    for game in (s, loaded):
        game.choose("ukraine", game.legal_moves("ukraine")[0])
        game.advance()
        play(game, MOVES[2:])
    assert fingerprint(loaded) == fingerprint(s)


def damage(text: str, how: str) -> str:
    data = json.loads(text)
    if how == "move":
        data["played"][T0 + 1]["moves"]["ukraine"] = "strategic_nuclear_exchange"
    elif how == "inject":
        data["played"][T0]["injects"] = ["alien_invasion"]
    elif how == "history":
        data["played"][1]["moves"]["ukraine"] = "contained_war"
    elif how == "hash":
        data["scenario_hash"] = "sha256:" + "0" * 64
    elif how == "seat":
        data["humans"] = ["ukraine", "atlantis"]
    elif how == "version":
        data["version"] = 3
    elif how == "seed":
        data["seed"] = "seven"
    elif how == "turns":
        data["played"] = data["played"] * 10
    return json.dumps(data)


@pytest.mark.parametrize(
    "how, message",
    [
        ("move", f"damaged session file: turn {T0 + 1}: Ukraine cannot move to 'strategic_nuclear_exchange' now"),
        ("inject", f"damaged session file: turn {T0}: unknown inject 'alien_invasion'"),
        ("history", "damaged session file: turn 1: before the branch nobody moves"),
        ("hash", "another version of scenario 'nov-2024'"),
        ("seat", "damaged session file: unknown seat 'atlantis'"),
        ("version", "damaged session file: version: Input should be 1 or 2"),
        ("seed", "damaged session file: seed:"),
        ("turns", "the game is over"),
    ],
)
def test_a_damaged_session_file_is_refused_with_a_located_message(tmp_path, how, message):
    text = play(session(), MOVES[:3], injects={0: ["tusk_global_war_warning"]}).to_json()
    path = tmp_path / "class.json"
    path.write_text(damage(text, how))
    with pytest.raises(TabletopError) as err:
        Session.load(path)
    assert str(err.value).startswith(f"{path}:1:1: ") and message in str(err.value)


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"format": "escalation-tabletop-session", "version": 1,', ":1:56: damaged session file: Expecting property name"),
        (b'{"name": "nov-2024", "actors": {}}', ":1:1: not a tabletop session file"),
        (b"[1, 2, 3]", ":1:1: not a tabletop session file"),
        (b"\xff\xfe\x00garbage", ":1:1: not a session file (not UTF-8 text)"),
        (b"", ":1:1: damaged session file: Expecting value"),
    ],
)
def test_a_foreign_or_broken_file_is_refused(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(TabletopError) as err:
        Session.load(path)
    assert message in str(err.value)
    with pytest.raises(TabletopError, match="cannot read the session file"):
        Session.load(tmp_path / "missing.json")


def test_the_report_tells_what_happened_and_why(tmp_path):
    s = play(session(humans=("ukraine", "russia")), MOVES, injects={2: ["kim_nuclear_threat"]})
    report = write_report(s, tmp_path, runs=2000)
    html = report.html.read_text()
    assert "Illustrative scenario exploration, not a prediction." in html
    assert html.count('src="data:image/png;base64,') == 2  # self-contained: both charts embedded
    assert report.chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Session.load(report.session).to_json() == s.to_json()
    # every bot move is shown with its reason, every human decision as the class's
    for decisions in s.log:
        for d in decisions:
            if not d["human"] and d["to"] != d["from"]:
                assert f"because {d['why']}" in html.replace("&#x27;", "'")
    assert html.count("(the class)") == sum(1 for decisions in s.log for d in decisions if d["human"])
    for decisions in s.log:  # and every bot that held, by name
        held = [s.model.actors[d["actor"]].label for d in decisions if not d["human"] and d["to"] == d["from"]]
        assert not held or f"Held their posture (the model): {', '.join(held)}." in html
    holding = sum(1 for decisions in s.log if any(not d["human"] and d["to"] == d["from"] for d in decisions))
    assert html.count("Held their posture (the model): ") == holding > 0
    assert "Inject played [documented]: Kim repeats his" in html.replace("&quot;", '"')
    assert "History beside your game, 17-26 November 2024" in html and "Oreshnik strike on Dnipro" in html
    assert html.count("(history: nobody decides before the branch)") == T0
    # the comparison with the model's own runs states a share that the outcomes bear out
    out = s.model.outcomes()
    state = int(out["end_state"][0])
    ensemble = Crisis(s.base, worlds=2000, rng=s.seed, trajectories=False)
    for _ in range(s.turn):
        ensemble.step()
    share = float(np.mean(ensemble.outcomes()["end_state"] == state))
    assert f"In 2,000 model runs of the same scenario over the same {len(MOVES)} turns from the branch" in html
    assert f"<b>{share:.1%}</b> ended {END_STATE_NAMES[END_STATES[state]]} as your game did" in html
    assert f"{int(out['intensity_branch'][0])} at the branch on 23 Nov 2024, {int(out['intensity_end'][0])} at the end" in html


def test_a_seat_knows_the_red_lines_it_holds_and_those_drawn_against_it():
    s = session(humans=("ukraine", "russia"))
    ids = lambda seat: {(rl["holder"], rl["id"], rl["mine"]) for rl in s.red_lines(seat)}  # noqa: E731
    # in the history before the branch, the doctrine revision (19 Nov) and "global dimensions" (21 Nov) drew new lines
    assert ids("ukraine") == {("russia", line, False) for line in ("western_missiles_inside_russia", "joint_attack_doctrine", "strike_the_suppliers")}
    assert ("united_states", "nuclear_use_in_ukraine", False) in ids("russia") and ("russia", "nato_direct_involvement", True) in ids("russia")
    assert ids("hungary") == set()
    early = Session(load_scenario("nov-2024").model_copy(update={"branch": dt.date(2024, 11, 17)}), ["ukraine"], 5)
    assert {rl["id"] for rl in early.red_lines("ukraine")} == {"western_missiles_inside_russia"}  # a game from the start: none yet
    line = next(rl for rl in s.red_lines("ukraine") if rl["id"] == "joint_attack_doctrine")
    assert line["at"] == "Cross-border conventional strikes" and line["response"] == "Nuclear signalling"


def test_no_report_before_the_first_turn(tmp_path):
    with pytest.raises(TabletopError, match="nothing to report yet: no turn has been played"):
        write_report(session(), tmp_path)
    assert not (tmp_path / "aar.html").exists()


def test_a_one_turn_report_reads_right_and_its_shares_stop_at_100_percent(tmp_path):
    from escalation.analysis.aar import distribution_figure, model_distribution
    from escalation.analysis.style import pyplot

    s = play(session(), MOVES[:1])
    html = write_report(s, tmp_path, runs=500).html.read_text()
    assert "over the same 1 turn from the branch, with" in html and "1 turns" not in html
    fig = distribution_figure(s, model_distribution(s, 500), 500)
    ax = fig.axes[0]
    assert max(ax.get_xticks()) <= 100 < ax.get_xlim()[1]  # room for the label, no share above 100%
    assert "End state after 1 turn from the branch:" in ax.get_title()
    pyplot().close(fig)
