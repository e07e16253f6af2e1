"""Outcomes from what happened: facts after the branch, end states against it, the escalation intensity."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import default_ladder, make_actor, make_event, make_scenario, moved
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.model import END_STATES, Crisis
from escalation.model.ladder import RIVERA_SCORE, CompiledLadder
from escalation.model.outcomes import entered, intensity
from escalation.scenario.loading import load_ladder_file, load_scenario
from escalation.scenario.paths import shipped_ladders

pytestmark = pytest.mark.usefixtures("both_kernel_paths")  # every fact on the reference and on the compiled kernels

FOUR = ("russia", "ukraine", "united_states", "europe")


def code(name: str) -> int:
    return END_STATES.index(name)


def towards_talks(model, actor, legal):
    """A team that walks down to 'Ceasefire talks' and holds there."""
    return legal[0]


@pytest.mark.parametrize("seed", range(6))
def test_four_teams_at_ceasefire_talks_end_quiet_and_cross_nothing(seed):
    sc = load_scenario("nov-2024").with_rules("human", FOUR)
    model = Crisis(sc, rng=seed, human=towards_talks).run()
    out = model.outcomes()
    assert all(model.actors[k].posture[0] == model.ladder.level["ceasefire_talks"] for k in FOUR)
    assert END_STATES[int(out["end_state"][0])] in ("settled", "de_escalated")
    assert out["intensity_end"][0] < out["intensity_branch"][0] - sc.settings.contained_band
    assert all(out[f"first_{t}"][0] == -1 for t in model.ladder.threshold_ids), "no threshold before anyone acts"
    assert not [e for e in model.narrative if e.kind == "threshold"]


def test_with_every_actor_scripted_nothing_happens_after_the_branch():
    """The documented week is history; a world where nobody moves after it is contained, with no fact recorded."""
    sc = load_scenario("nov-2024").with_rules("scripted")
    out = Crisis(sc, worlds=50, rng=1).run().outcomes()
    assert (out["end_state"] == code("contained")).all()
    for t in CompiledLadder.build(sc.resolved_ladder).threshold_ids:
        assert (out[f"first_{t}"] == -1).all(), t  # North Korea standing in combat, Russia on nuclear signalling: the past
    assert (out["intensity_end"] == out["intensity_branch"]).all()
    assert (out["episodes_strategic_conventional_strike"] == 0).all()  # the Oreshnik launch is history, not an episode


def test_with_the_branch_at_the_start_the_documented_week_is_counted():
    sc = load_scenario("nov-2024").with_rules("scripted")
    sc = sc.model_copy(update={"branch": sc.start})
    model = Crisis(sc, rng=1).run()
    out, turn = model.outcomes(), sc.turn_of
    assert out["first_cross_border"][0] == turn(dt("2024-11-19"))  # the first ATACMS volley
    assert out["first_strategic_strike"][0] == turn(dt("2024-11-21"))  # Oreshnik on Dnipro
    assert out["first_nuclear_shadow"][0] == turn(dt("2024-11-19"))  # the doctrine revision
    assert out["first_horizontal_escalation"][0] == -1  # North Korea was in the fighting at the start
    assert out["episodes_strategic_conventional_strike"][0] == 1
    # the strike lasted its day: Russia was back on its standing posture (nuclear signalling) the next
    russia = model.keys.index("russia")
    day = turn(dt("2024-11-21"))
    assert model.path[day, russia, 0] == model.ladder.level["strategic_conventional_strike"]
    assert model.path[day + 1 :, russia, 0].tolist() == [model.ladder.level["nuclear_signalling"]] * (sc.turns - day - 1)


def dt(text):
    import datetime

    return datetime.date.fromisoformat(text)


def two(events, a="contained_war", **kw):
    return make_scenario({"a": make_actor("A", posture=a), "b": make_actor("B", relations={"adversaries": ["a"]})}, events, **kw)


def test_nuclear_use_is_not_also_a_nato_russia_war():
    sc = two([moved("a", "demonstrative_nuclear_use", 3)])
    out = Crisis(sc, rng=0).run().outcomes()
    assert out["first_nuclear_threshold"][0] == 3
    assert out["first_direct_nato_russia_war"][0] == -1 and out["first_strategic_strike"][0] == -1
    assert out["end_state"][0] == code("nuclear_use")


def test_a_clash_makes_the_war_end_state_even_after_a_step_back():
    sc = two([moved("a", "direct_nato_russia_clash", 2), moved("a", "contained_war", 4)])
    out = Crisis(sc, rng=0).run().outcomes()
    assert out["first_direct_nato_russia_war"][0] == 2 and out["end_state"][0] == code("direct_nato_russia_war")


def test_stepping_down_into_a_band_or_back_from_an_action_is_no_fact():
    down = two([moved("a", "nuclear_signalling", 0), moved("a", "cross_border_strikes", 3)])
    out = Crisis(down, rng=0).run().outcomes()
    assert out["first_nuclear_shadow"][0] == 0 and out["first_cross_border"][0] == -1
    strike = two([moved("a", "nuclear_signalling", 0), moved("a", "strategic_conventional_strike", 3)], actions=True)
    model = Crisis(strike, rng=0).run()
    out = model.outcomes()
    assert out["first_strategic_strike"][0] == 3 and out["episodes_strategic_conventional_strike"][0] == 1
    assert out["first_nuclear_shadow"][0] == 0  # not again on the day after, when A is back on nuclear signalling
    assert model.path[4, 0, 0] == model.ladder.level["nuclear_signalling"]


def test_a_move_within_a_band_is_no_new_fact():
    ladder = default_ladder()
    ladder["thresholds"] = [t for t in ladder["thresholds"] if t["id"] != "horizontal_escalation"]  # cross-border's band spans two rungs
    actors = {"a": make_actor("A", posture="cross_border_strikes"), "b": make_actor("B", relations={"adversaries": ["a"]})}
    sc = make_scenario(actors, [moved("a", "third_party_combat", 2), moved("a", "cross_border_strikes", 4)], ladder=ladder)
    model = Crisis(sc, rng=0).run()
    assert model.path[2, 0, 0] == model.ladder.level["third_party_combat"]
    out = model.outcomes()
    assert out["first_cross_border"][0] == -1 and out["day_a_past_cross_border"][0] == -1  # in the band from the start


def test_a_party_entering_the_crisis_on_a_band_is_a_fact():
    actors = {
        "a": make_actor("A"),
        "b": make_actor("B", posture="third_party_combat", active=False, relations={"adversaries": ["a"]}),
    }
    sc = make_scenario(actors, [make_event("b_joins", 5, {"add_actor": "b"})])
    out = Crisis(sc, rng=0).run().outcomes()
    assert out["first_horizontal_escalation"][0] == 5


def test_end_states_judge_the_end_against_the_branch():
    band = 6.0
    up = Crisis(two([moved("a", "cross_border_strikes", 2)], contained_band=band), rng=0).run().outcomes()
    assert up["intensity_end"][0] - up["intensity_branch"][0] == RIVERA_SCORE["violent escalation"] > band
    assert up["end_state"][0] == code("escalated")
    same = Crisis(two([moved("a", "political_signalling", 2)], contained_band=band), rng=0).run().outcomes()
    assert same["intensity_end"][0] - same["intensity_branch"][0] == RIVERA_SCORE["posturing"] <= band
    assert same["end_state"][0] == code("contained")
    wide = Crisis(two([moved("a", "cross_border_strikes", 2)], contained_band=30.0), rng=0).run().outcomes()
    assert wide["end_state"][0] == code("contained")  # the band is the scenario's to set
    war = "cross_border_strikes"
    talks = Crisis(two([moved("a", "ceasefire_talks", 2), moved("b", "ceasefire_talks", 3)], a=war), rng=0).run().outcomes()
    assert talks["end_state"][0] == code("settled")
    one = Crisis(two([moved("a", "ceasefire_talks", 2)], a=war), rng=0).run().outcomes()
    assert one["end_state"][0] == code("de_escalated")  # B fights on: the pair is not at talks
    gone = Crisis(two([moved("a", "ceasefire_talks", 2), make_event("b_leaves", 3, {"remove_actor": "b"})], a=war), rng=0).run().outcomes()
    assert gone["end_state"][0] == code("settled")


def test_the_band_is_inclusive_and_nuclear_use_outranks_a_clash():
    edge = Crisis(two([moved("a", "political_signalling", 2)], contained_band=4.0), rng=0).run().outcomes()
    assert edge["intensity_end"][0] - edge["intensity_branch"][0] == 4 and edge["end_state"][0] == code("contained")
    down = Crisis(two([moved("a", "ceasefire_talks", 2)], a="political_signalling", contained_band=6.0), rng=0).run().outcomes()
    assert down["intensity_end"][0] - down["intensity_branch"][0] == -6 and down["end_state"][0] == code("contained")
    both = Crisis(two([moved("a", "direct_nato_russia_clash", 2), moved("a", "theatre_nuclear_war", 4)]), rng=0).run().outcomes()
    # the jump lands in the theatre band: its fact, not the limited-use one below it, and still nuclear use
    assert both["first_direct_nato_russia_war"][0] == 2 and both["first_theatre_nuclear"][0] == 4 and both["first_nuclear_threshold"][0] == -1
    assert both["end_state"][0] == code("nuclear_use")


def test_settling_needs_adversaries_and_counts_every_pair_when_none_is_at_war():
    calm = make_scenario({"a": make_actor("A", posture="ceasefire_talks"), "b": make_actor("B", posture="ceasefire_talks")})
    assert Crisis(calm, rng=0).run().outcomes()["end_state"][0] == code("contained")  # no adversaries: nothing to settle
    posturing = two([moved("a", "ceasefire_talks", 2), moved("b", "ceasefire_talks", 2)], a="political_signalling")
    b_start = make_scenario(
        {"a": make_actor("A", posture="political_signalling"), "b": make_actor("B", posture="political_signalling", relations={"adversaries": ["a"]})},
        [moved("a", "ceasefire_talks", 2), moved("b", "ceasefire_talks", 2)],
    )
    for sc in (posturing, b_start):  # no pair at war at the branch: every pair of adversaries must end on talks
        model = Crisis(sc, rng=0).run()
        first = model.outcomes()["end_state"][0]
        assert first in (code("settled"), code("de_escalated"))
    assert Crisis(b_start, rng=0).run().outcomes()["end_state"][0] == code("settled")


def test_the_branch_moves_what_counts():
    late = two([moved("a", "cross_border_strikes", 2)]).model_copy(update={"branch": dt("2024-11-21")})
    out = Crisis(late, rng=0).run().outcomes()
    assert out["first_cross_border"][0] == -1  # before the branch: history
    assert out["end_state"][0] == code("contained") and out["intensity_branch"][0] == out["intensity_end"][0]


def ladders():
    return [CompiledLadder.build(load_ladder_file(path)) for path in shipped_ladders().values()]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_the_intensity_never_falls_as_an_actor_climbs(data):
    for lad in ladders():
        n = data.draw(st.integers(1, 6))
        live = np.array(data.draw(st.lists(st.integers(-1, lad.n - 1), min_size=n, max_size=n)))[:, None]
        who = data.draw(st.integers(0, n - 1))
        live[who] = max(live[who, 0], 0)  # the one who climbs takes part (joining at talks scores below absence)
        higher = live.copy()
        higher[who] = data.draw(st.integers(max(live[who, 0], 0), lad.n - 1))
        assert intensity(lad, higher)[0] >= intensity(lad, live)[0]
        # and a climb into a higher band from below is that band's fact, never a lower band's
        facts = entered(lad, live, higher)[:, 0]
        for i in np.flatnonzero(facts):
            assert lad.band[higher[who, 0]] == lad.band[lad.threshold_levels[i]]


def test_the_intensity_scores_follow_rivera_et_al():
    lad = ladders()[0]
    scores = [RIVERA_SCORE[r.rivera] for r in lad.spec.rungs]
    assert lad.intensity.tolist() == np.maximum.accumulate(scores).tolist()
    assert lad.intensity[lad.level["nuclear_signalling"]] == RIVERA_SCORE["violent escalation"]  # raised to the strikes below it


def test_a_batch_keeps_the_intensity_per_world_and_per_day(tmp_path):
    from escalation.analysis.results import load_results
    from escalation.ensemble.batch import run_batch

    folder = run_batch("nov-2024", runs=40, seed=3, out=tmp_path / "b", trajectories=True)
    res = load_results(folder)
    model = Crisis("nov-2024", worlds=40, rng=3, trajectories=True).run()
    assert np.array_equal(res.paths("intensity"), model.intensity_path.T)
    assert np.allclose(res.runs["intensity_mean"].to_numpy(), model.outcomes()["intensity_mean"].astype(np.float32))
    assert res.model["branch"] == "2024-11-23"


def test_each_actor_ends_somewhere_and_its_days_on_each_kind_of_rung_add_up():
    sc = two([moved("a", "cross_border_strikes", 2), moved("a", "strategic_conventional_strike", 5)], actions=True)
    sc = sc.model_copy(update={"branch": dt("2024-11-18")})  # turn 1: the day before is history
    model = Crisis(sc, rng=0).run()
    out = model.outcomes()
    assert out["final_a"][0] == model.ladder.level["cross_border_strikes"]  # back from the strike to its standing posture
    days = {c: int(out[f"days_a_{c}"][0]) for c in model.ladder.categories}
    played = sc.turns - 1
    assert sum(days.values()) == played and days["status_quo"] == 1  # turn 1 on contained war, then strikes
    assert days["violent_escalation"] == played - 1 and "non_violent_escalation" in days


def test_a_pair_is_at_war_when_either_side_fights():
    """Two pairs at the branch: A fights while B only warns, and C fights D. C and D make peace; A and B do not."""
    actors = {
        "a": make_actor("A"),
        "b": make_actor("B", posture="political_signalling", relations={"adversaries": ["a"]}),
        "c": make_actor("C"),
        "d": make_actor("D", relations={"adversaries": ["c"]}),
    }
    sc = make_scenario(actors, [moved("c", "ceasefire_talks", 2), moved("d", "ceasefire_talks", 2)])
    out = Crisis(sc, rng=0).run().outcomes()
    assert out["end_state"][0] == code("contained")  # not settled: the A-B pair is still at war


def test_an_actor_out_of_the_crisis_adds_nothing_to_the_intensity():
    actors = {"a": make_actor("A", posture="political_signalling"), "b": make_actor("B", posture="ceasefire_talks", active=False)}
    sc = make_scenario(actors, [make_event("b_joins", 3, {"add_actor": "b"})])
    model = Crisis(sc, rng=0).run()
    out = model.outcomes()
    assert out["intensity_branch"][0] == RIVERA_SCORE["posturing"]  # B, not yet in, counts for nothing
    assert model.intensity_path[2, 0] == RIVERA_SCORE["posturing"] and model.intensity_path[3, 0] == RIVERA_SCORE["posturing"] + RIVERA_SCORE["de-escalation"]


def test_days_on_each_rung_are_the_days_the_path_shows_it_there():
    """Every world, every actor, every rung: the days counted equal the days its recorded path stands there."""
    model = Crisis("nov-2024", worlds=60, rng=5, trajectories=True).run()
    out = model.outcomes()
    played = model.path[model.branch : model.turn]
    moved = 0
    for a in model.order:
        for level, rung in enumerate(model.ladder.ids):
            assert np.array_equal(out[f"days_{a.key}_on_{rung}"], (played[:, a.index, :] == level).sum(axis=0)), (a.key, rung)
        moved += int((np.diff(played[:, a.index, :], axis=0) < 0).sum())
    assert moved > 50  # steps down happen, and are counted where they lead


def test_a_climb_the_day_after_a_one_off_action_is_measured_from_the_standing_posture():
    """Standing on nuclear signalling, a nuclear demonstration one day, a clash the next: the clash is a new fact,
    since the day after an action the actor stands where it stood, below the clash."""
    sc = two([moved("a", "nuclear_signalling", 2), moved("a", "demonstrative_nuclear_use", 3), moved("a", "direct_nato_russia_clash", 4)], actions=True)
    out = Crisis(sc, rng=0).run().outcomes()
    assert out["first_nuclear_threshold"][0] == 3 and out["first_direct_nato_russia_war"][0] == 4
