"""History, then branch: before the branch the documented past holds in every world; after it a
documented move of an actor that decides for itself happens only where the actor makes it, and is
told as history, never as news, in a world where it did not happen."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import numpy as np
import pytest

import escalation
from escalation.errors import InputError, TabletopError
from escalation.scenario.overrides import with_branch
from escalation.scenario.paths import shipped_scenarios
from escalation.tabletop.session import Session

WEEK_AFTER = "2024-11-23"  # the day after the documented week's last posture event


def branched(name, date=None):
    """A shipped scenario, its branch moved to ``date`` (None: the scenario's own)."""
    return with_branch(escalation.load_scenario(name), date)


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_every_shipped_scenario_branches_the_day_after_the_documented_week(name):
    sc = escalation.load_scenario(name)
    assert sc.branch is None and sc.branch_date == dt.date.fromisoformat(WEEK_AFTER)
    last = max(turn for turn, _, _ in documented_moves(sc))
    assert sc.branch_turn == last + 1


def documented_moves(sc):
    """(turn, actor, rung level) of every documented posture event at a date."""
    lv = {r.id: r.level for r in sc.resolved_ladder.rungs}
    return [(sc.turn_of(ev.at.date), fx.set_posture.actor, lv[fx.set_posture.rung]) for ev in sc.events
            if ev.status == "documented" and ev.at is not None and ev.at.date is not None for fx in ev.effects if fx.set_posture]


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_before_the_branch_every_world_shares_the_documented_past(name):
    sc = branched(name)
    model = escalation.Crisis(sc, worlds=300, rng=5, trajectories=True).run()
    past = model.path[: sc.branch_turn]
    assert (past == past[:, :, :1]).all()  # the same in every world
    for turn, actor, level in documented_moves(sc):
        if turn < sc.branch_turn:
            assert (model.path[turn, model.keys.index(actor)] == level).all(), (name, actor, turn)


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
@pytest.mark.parametrize("date", [WEEK_AFTER, "2024-11-17"])
def test_nothing_told_as_news_contradicts_the_world(name, date):
    sc = branched(name, date)
    specs = {e.id: e for e in sc.events}
    lv = {r.id: r.level for r in sc.resolved_ladder.rungs}
    for seed in range(6):
        model = escalation.Crisis(sc, rng=seed).run()
        news = [(e, specs.get(e.extra.get("id"))) for e in model.narrative if e.kind == "event"]
        for entry in (e for e in model.narrative if e.kind == "history"):  # told as history: where it did not happen
            spec = specs[entry.extra["id"]]
            moves = [(f.set_posture.actor, lv[f.set_posture.rung]) for f in spec.effects if f.set_posture]
            assert entry.turn >= sc.branch_turn and entry.text.startswith("In history on ")
            stands = {actor: model.path[entry.turn, model.keys.index(actor), 0] for actor, _ in moves}
            assert not all(stands[a] == level if model.ladder.action[level] else stands[a] >= level for a, level in moves), entry.text
        for entry, spec in news:
            if spec is None or spec.status != "documented":
                continue
            for fx in spec.effects:
                if fx.set_posture is None:
                    continue
                actor, turn = fx.set_posture.actor, entry.turn
                # another event of the same turn may move the actor on: then that one must be where it stands
                same_turn = [lv[f.set_posture.rung] for e, sp in news if e.turn == turn and sp is not None
                             for f in sp.effects if f.set_posture and f.set_posture.actor == actor]
                stands = model.path[turn, model.keys.index(actor), 0]
                level = lv[fx.set_posture.rung]
                made = stands == level if model.ladder.action[level] else stands >= level  # it chose so itself, after the branch
                assert stands in same_turn or (turn >= sc.branch_turn and made), \
                    f"{name} seed {seed}: '{entry.text}' told as news, yet {actor} stands on level {stands}"


def test_after_the_branch_a_documented_choice_is_told_as_history():
    model = escalation.Crisis(branched("nov-2024", "2024-11-17"), rng=1).run()
    told = [e for e in model.narrative if e.kind == "history"]
    assert any("In history on 21 Nov 2024: Oreshnik strike on Dnipro" in e.text for e in told)
    assert not any(e.kind == "event" and e.extra.get("id") == "oreshnik_dnipro" for e in model.narrative)


@pytest.mark.parametrize("us_move, authorised", [("expanded_arms_support", True), ("political_signalling", False)])
def test_a_documented_choice_happens_where_the_actor_makes_it(us_move, authorised):
    """The ATACMS authorisation of 17 Nov, with the branch on that day and the United States a human seat."""
    sc = branched("nov-2024", "2024-11-17").with_rules("human", ["united_states"])
    model = escalation.Crisis(sc, rng=4, human=lambda m, actor, legal: us_move if m.turn == 0 else legal[0])
    model.step()
    event = next(e for e in model.narrative if e.extra.get("id") == "atacms_authorised")
    assert event.kind == ("event" if authorised else "history")
    ukraine = model.actors["ukraine"]
    assert (ukraine.max_level[0] == model.ladder.level["cross_border_strikes"]) == authorised  # its effects, only where it happened


def test_in_an_ensemble_a_documented_choice_applies_world_by_world():
    sc = branched("nov-2024", "2024-11-17")
    model = escalation.Crisis(sc, worlds=400, rng=2)
    model.step()  # 17 Nov: the United States decides, then the authorisation is due
    us, ukraine, lad = model.actors["united_states"], model.actors["ukraine"], model.ladder
    made = us.posture >= lad.level["expanded_arms_support"]
    assert made.any() and (~made).any()
    assert np.array_equal(ukraine.max_level == lad.level["cross_border_strikes"], made)


def test_with_the_branch_at_the_start_scripted_actors_still_replay_the_timeline():
    sc = branched("nov-2024", "2024-11-17").with_rules("scripted")
    model = escalation.Crisis(sc, rng=0).run()
    for turn, actor, level in documented_moves(sc):
        assert model.path[turn, model.keys.index(actor), 0] == level


def test_nobody_decides_before_the_branch():
    model = escalation.Crisis(branched("nov-2024"), rng=2)
    for _ in range(model.branch):
        model.step()
        assert model.decisions == []
    model.step()
    assert model.decisions  # from the branch on, they do


@pytest.mark.parametrize("text, message", [("23/11/2024", "expected a date YYYY-MM-DD"), ("2026-01-01", "outside the scenario")])
def test_a_bad_branch_is_refused(text, message):
    with pytest.raises(InputError, match=message):
        branched("nov-2024", text)


def test_the_command_line_moves_the_branch(tmp_path):
    run = [sys.executable, "-m", "escalation.cli", "run", "nov-2024", "--seed", "1", "--branch", WEEK_AFTER, "--out", str(tmp_path / "r")]
    done = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    story = done.stdout.split("Sat 23 Nov 2024")[0]
    assert " climbs to " not in story and " steps down to " not in story  # no decisions in the history
    bad = subprocess.run([*run[:-4], "--branch", "tomorrow"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "escalation run: --branch tomorrow: expected a date YYYY-MM-DD" in bad.stderr
    batch = subprocess.run([sys.executable, "-m", "escalation.cli", "batch", "nov-2024", "--runs", "30", "--branch", WEEK_AFTER, "--out", str(tmp_path / "b")],
                           capture_output=True, text=True, timeout=120)
    assert batch.returncode == 0, batch.stderr
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["set"] == {"branch": WEEK_AFTER}  # recorded with the batch, like any --set


def test_a_game_begins_at_the_branch_with_the_history_as_its_briefing(tmp_path):
    sc = branched("nov-2024")
    game = Session(sc, ["ukraine", "russia"], seed=3, source="nov-2024")
    assert game.turn == sc.branch_turn and game.date == dt.date(2024, 11, 23)
    briefing = [e.text for e in game.briefing()]
    assert any("Oreshnik strike on Dnipro" in text for text in briefing)
    with pytest.raises(TabletopError, match="the game begins at the branch, 23 Nov 2024"):
        game.rewind(2)
    game.choose("ukraine", game.legal_moves("ukraine")[0])
    game.advance()
    again = Session.from_json(game.to_json())
    assert again.turn == game.turn and np.array_equal(again.model.path, game.model.path)


def test_a_documented_strike_happens_only_where_it_is_taken_that_day():
    """Standing higher is no strike: Russia on nuclear signalling on 21 Nov did not fire Oreshnik."""
    sc = branched("nov-2024", "2024-11-17").with_rules("human", ["russia"])

    def russia(model, actor, legal):  # climbs to nuclear signalling, never strikes, then holds
        lad = model.ladder
        return max((r for r in legal if not lad.action[lad.level[r]] and lad.level[r] <= lad.level["nuclear_signalling"]), key=lad.level.get)

    model = escalation.Crisis(sc, rng=4, human=russia).run()
    day = sc.turn_of(dt.date(2024, 11, 21))
    assert model.path[day, model.keys.index("russia"), 0] == model.ladder.level["nuclear_signalling"]
    told = {e.extra.get("id"): e.kind for e in model.narrative if e.extra.get("id") in ("oreshnik_dnipro", "nuclear_doctrine_revised")}
    assert told == {"oreshnik_dnipro": "history", "nuclear_doctrine_revised": "event"}  # the doctrine it did revise; the strike it did not make
    assert model.outcomes()["episodes_strategic_conventional_strike"][0] == 0


def test_a_documented_event_moves_its_scripted_actor_and_waits_on_the_one_that_decides():
    """Storm Shadow (20 Nov) names Europe, scripted here, and Ukraine, a human seat: Europe follows its timeline;
    the event is news, with its effects, where Ukraine struck across the border itself."""
    sc = branched("nov-2024", "2024-11-17").with_rules("scripted", ["europe", "united_states"]).with_rules("human", ["ukraine"])

    def ukraine(model, actor, legal):
        return "cross_border_strikes" if "cross_border_strikes" in legal else model.ladder.ids[int(model.actors[actor].posture[0])]

    model = escalation.Crisis(sc, rng=2, human=ukraine).run()
    day, lad = sc.turn_of(dt.date(2024, 11, 20)), model.ladder
    assert model.path[day, model.keys.index("europe"), 0] == lad.level["expanded_arms_support"]
    assert model.path[day, model.keys.index("ukraine"), 0] == lad.level["cross_border_strikes"]
    assert next(e.kind for e in model.narrative if e.extra.get("id") == "storm_shadow_kursk") == "event"
