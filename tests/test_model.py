"""The crisis model's mechanics: choice, accidents, red lines, restraint, events, inactive actors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from escalation.model import END_STATES
from escalation.model.crisis import Crisis
from escalation.model.events import condition_mask
from escalation.model.kernels import COMPILED_FROM, logit_pick
from escalation.scenario.schema import Condition

pytestmark = pytest.mark.usefixtures("both_kernel_paths")  # every fact on the reference and on the compiled kernels


def holder_and_target(kit, *, credibility=0.8, resolve=1.0, holder="scripted", script=(), events=(), holder_active=True, grace=2, **settings):
    """A scripted target watched by a red line of the holder (at strikes, promising a strategic-class strike)."""
    line = {
        "id": "no_strikes",
        "watch": ["target"],
        "at": "cross_border_strikes",
        "response": "strategic_conventional_strike",
        "credibility": credibility,
        "grace": grace,
    }
    actors = {
        "holder": kit.actor("Holder", holder, "political_signalling", resolve=resolve, active=holder_active, red_lines=[line]),
        "target": kit.actor("Target", "scripted", "contained_war"),
    }
    return kit.build(actors, [*(kit.move("target", rung, turn) for turn, rung in script), *events], **settings)


def line_history(model):
    """Per turn: (due, credibility) of the holder's line in world 0."""
    rl = model.red_line("holder", "no_strikes")
    out = []
    while model.running:
        model.step()
        out.append((int(rl.due[0]), round(float(rl.credibility[0]), 6)))
    return out


# ------------------------------------------------------------------ the choice


def test_choice_follows_the_softmax_of_scores():
    rng = np.random.default_rng(11)
    scores = np.array([0.0, -1.0, -0.5, -3.0], dtype=np.float32)
    legal = np.array([True, True, False, True])
    n = 50_000
    picks = logit_pick(np.repeat(scores[:, None], n, axis=1), np.repeat(legal[:, None], n, axis=1), np.full(n, 0.7), rng.random(n))
    counts = np.bincount(picks, minlength=4)
    assert counts[2] == 0
    p = np.exp(scores.astype(float) / 0.7) * legal
    p /= p.sum()
    assert stats.chisquare(counts[legal], n * p[legal]).pvalue > 0.01


@settings(max_examples=60, deadline=None)
@given(
    scores=arrays(np.float32, (5, 7), elements=st.floats(-60, 60, width=32)),
    legal=arrays(np.bool_, (5, 7)),
    stay=st.integers(0, 4),
    temperature=st.floats(0.01, 10),
    u=arrays(np.float64, 7, elements=st.floats(0, 1, exclude_max=True)),
)
def test_choice_never_picks_an_illegal_move(scores, legal, stay, temperature, u):
    legal[stay] = True  # staying put is always legal
    picks = logit_pick(scores.copy(), legal, np.full(7, temperature), u)
    assert legal[picks, np.arange(7)].all()


def test_inertia_keeps_governments_on_course(kit):
    def moves(inertia):
        player = kit.actor("Player", "reciprocal", temperature=1.0, relations={"adversaries": ["opponent"]})
        opponent = kit.actor("Opponent", "scripted", "political_signalling")
        sc = kit.build({"player": player, "opponent": opponent}, turns=2, inertia=inertia)
        return (Crisis(sc, worlds=4000, rng=2).run().actors["player"].peak > 1).mean()

    assert moves(0.0) > moves(2.0) + 0.2


# ------------------------------------------------------------------ accidents


def test_an_accident_slips_a_step_one_rung_and_only_onto_a_rung_the_actor_can_take(kit):
    # it aims at the opponent's nuclear signalling: its step to 2 slips to 3; its step to 7 cannot slip, for 8 is out of
    # its reach; standing on its aim it takes no step, and holding still never slips
    player = kit.actor("Player", "reciprocal", relations={"adversaries": ["opponent"]},
                       capabilities={"rungs": ["contained_war", "political_signalling", "expanded_arms_support", "nuclear_signalling"]})
    opponent = kit.actor("Opponent", "scripted", "nuclear_signalling")
    sc = kit.build({"player": player, "opponent": opponent}, turns=6, accident_rate=1.0)
    model = Crisis(sc, worlds=200, rng=4, trajectories=True).run()
    assert (model.path[:, 0, :] == np.array([3, 7, 7, 7, 7, 7])[:, None]).all()


def test_holding_still_is_no_step_and_never_slips(kit):
    player = kit.actor("Player", "reciprocal", "political_signalling", relations={"adversaries": ["opponent"]})
    opponent = kit.actor("Opponent", "scripted", "political_signalling")
    model = Crisis(kit.build({"player": player, "opponent": opponent}, turns=5, accident_rate=1.0), worlds=50, rng=4, trajectories=True).run()
    assert (model.path[:, 0, :] == 2).all()


def test_accidents_respect_the_capability_ceiling(kit):
    player = kit.actor("Player", "reciprocal", relations={"adversaries": ["opponent"]}, capabilities={"max_rung": "political_signalling"})
    opponent = kit.actor("Opponent", "scripted", "nuclear_signalling")
    model = Crisis(kit.build({"player": player, "opponent": opponent}, turns=4, accident_rate=1.0), worlds=50, rng=4, trajectories=True).run()
    assert (model.path[:, 0, :] == 2).all()


def test_accident_rate_is_per_step(kit):
    player = kit.actor("Player", "reciprocal", posture="ceasefire_talks", relations={"adversaries": ["opponent"]})
    opponent = kit.actor("Opponent", "scripted", "political_signalling")
    model = Crisis(kit.build({"player": player, "opponent": opponent}, turns=2, accident_rate=0.3), worlds=20_000, rng=6)
    model.step()  # it steps from talks to the contained war; three steps in ten slip one rung further
    slipped = (model.actors["player"].posture == 2).mean()
    assert (model.actors["player"].posture >= 1).all() and abs(slipped - 0.3) < 0.015


# ------------------------------------------------------------------ red lines


def test_red_line_is_crossed_on_the_edge_and_erodes_when_unanswered(kit):
    sc = holder_and_target(
        kit, credibility=0.8, script=[(1, "cross_border_strikes"), (5, "contained_war"), (7, "cross_border_strikes")], credibility_erosion=0.5
    )
    history = line_history(Crisis(sc, rng=0))
    # crossed at 1 (two turns of grace), unanswered: halved at 3 and, still held over, owed again at once;
    # halved again at 5 as the target steps back; over again at 7 is a new crossing, and so on
    assert history[:10] == [(0, 0.8), (2, 0.8), (1, 0.8), (2, 0.4), (1, 0.4), (0, 0.2), (0, 0.2), (2, 0.2), (1, 0.2), (2, 0.1)]


def test_red_line_honoured_regains_credibility(kit):
    sc = holder_and_target(
        kit, credibility=0.5, script=[(1, "cross_border_strikes")], events=[kit.move("holder", "strategic_conventional_strike", 2)], credibility_gain=0.2
    )
    history = line_history(Crisis(sc, rng=0))
    assert history[1] == (2, 0.5) and history[3] == (0, 0.6)  # answered within grace: +20% of the missing 0.5


def test_red_line_declared_while_already_violated_is_crossed_at_once(kit):
    declare = kit.event(
        "declare",
        3,
        {
            "add_red_line": {
                "actor": "holder",
                "red_line": {"id": "late", "watch": ["target"], "at": "cross_border_strikes", "response": "strategic_conventional_strike", "grace": 2},
            }
        },
    )
    sc = holder_and_target(kit, script=[(1, "cross_border_strikes")], events=[declare])
    model = Crisis(sc, rng=0)
    late = model.red_line("holder", "late")
    dues = []
    for _ in range(6):
        model.step()
        dues.append(int(late.due[0]))
    assert dues == [0, 0, 0, 2, 1, 2]  # unanswered and still violated: owed again
    assert any(e.kind == "red_line" and "'late' is crossed" in e.text and e.turn == 3 for e in model.narrative)


def test_red_line_of_an_absent_holder_is_not_crossed_until_it_joins(kit):
    sc = holder_and_target(kit, holder_active=False, script=[(1, "cross_border_strikes")], events=[kit.event("joins", 4, {"add_actor": "holder"})])
    history = line_history(Crisis(sc, rng=0))
    assert [d for d, _ in history[:7]] == [0, 0, 0, 0, 2, 1, 2]
    assert history[3][1] == 0.8  # nothing eroded while it was away


def test_a_crossed_red_line_is_answered_with_chance_obligation_resolve_credibility(kit):
    def answered(obligation, resolve, credibility):
        # two turns: the first debt only (a violation held over is owed again, with a fresh draw)
        sc = holder_and_target(kit, holder="reciprocal", resolve=resolve, credibility=credibility, script=[(0, "cross_border_strikes")], obligation=obligation,
                               turns=2)
        sc = kit.vary(sc, "holder", max_step=5)
        model = Crisis(sc, worlds=4000, rng=8).run()
        return (model.actors["holder"].peak >= 6).mean()

    assert answered(1.0, 1.0, 1.0) == 1.0
    assert answered(0.0, 1.0, 1.0) == 0.0
    assert abs(answered(1.0, 0.8, 0.5) - 0.4) < 0.03


def test_a_credible_red_line_deters_the_watched_actor(kit):
    def crosses(credibility, holder_active=True, withdrawn=False):
        line = {"id": "no_strikes", "watch": ["player"], "at": "cross_border_strikes", "response": "strategic_conventional_strike", "credibility": credibility}
        events = [kit.event("withdrawn", 0, {"remove_red_line": {"actor": "holder", "red_line": "no_strikes"}})] if withdrawn else []
        sc = kit.build(
            {
                "player": kit.actor("Player", "reciprocal", temperature=0.5, relations={"adversaries": ["holder", "other"]}),
                "holder": kit.actor("Holder", "scripted", "cross_border_strikes", red_lines=[line], active=holder_active),
                "other": kit.actor("Other", "scripted", "cross_border_strikes"),  # a threat to answer while the holder is away
            },
            events,
            turns=5,
            deterrence=6.0,
        )
        return (Crisis(sc, worlds=4000, rng=9).run().actors["player"].peak >= 4).mean()

    assert crosses(0.0) > 0.95 and crosses(1.0) < 0.2
    # a line out of force deters no one: its holder out of the crisis, or the line withdrawn
    assert crosses(1.0, holder_active=False) > 0.95 and crosses(1.0, withdrawn=True) > 0.95


def test_restrainers_hold_their_client_below_the_restraint_threshold(kit):
    def goes_nuclear(leverage):
        sc = kit.build(
            {
                "client": kit.actor(
                    "Client", "reciprocal", "direct_nato_russia_clash", temperature=0.5, relations={"adversaries": ["enemy"], "restrainers": ["patron"]}
                ),
                "enemy": kit.actor("Enemy", "scripted", "theatre_nuclear_war"),
                "patron": kit.actor("Patron", "scripted", "ceasefire_talks", leverage=leverage),
            },
            turns=3,
            restraint=8.0,
        )
        return (Crisis(sc, worlds=4000, rng=10).run().actors["client"].peak >= 9).mean()

    assert goes_nuclear(0.0) > 0.95 and goes_nuclear(1.0) < 0.05
    absent = kit.build(
        {
            "client": kit.actor(
                "Client", "reciprocal", "direct_nato_russia_clash", temperature=0.5, relations={"adversaries": ["enemy"], "restrainers": ["patron"]}
            ),
            "enemy": kit.actor("Enemy", "scripted", "theatre_nuclear_war"),
            "patron": kit.actor("Patron", "scripted", "ceasefire_talks", leverage=1.0, active=False),
        },
        turns=3,
        restraint=8.0,
    )
    assert (Crisis(absent, worlds=4000, rng=10).run().actors["client"].peak >= 9).mean() > 0.95  # a patron out of the crisis restrains no one


# ------------------------------------------------------------------ events and absent actors


def test_only_scripted_actors_or_binding_events_are_moved(kit):
    events = [kit.move("decider", "political_signalling", 1), kit.move("decider", "cross_border_strikes", 3, binding=True)]
    sc = kit.build({"decider": kit.actor("Decider", "reciprocal")}, events, turns=5)
    model = Crisis(sc, rng=0).run()
    assert model.path[:, 0, 0].tolist() == [1, 1, 1, 4, 4]  # the non-binding move is ignored, the binding one is not


def test_withdrawn_permission_moves_the_actor_to_a_rung_it_can_take(kit):
    player = kit.actor(
        "Player",
        "scripted",
        "cross_border_strikes",
        capabilities={"rungs": ["ceasefire_talks", "contained_war", "political_signalling", "cross_border_strikes"]},
    )
    sc = kit.build({"player": player}, [kit.event("ban", 1, {"set_capability": {"actor": "player", "max_rung": "expanded_arms_support"}})], turns=3)
    model = Crisis(sc, rng=0).run()
    assert model.path[:, 0, 0].tolist() == [4, 2, 2]  # 3 is within the new bound but out of its reach


def test_an_absent_actor_stands_on_no_rung_until_it_joins(kit):
    sc = kit.build(
        {"here": kit.actor("Here", "scripted"), "later": kit.actor("Later", "scripted", "third_party_combat", active=False)},
        [kit.event("joins", 2, {"add_actor": "later"})],
        turns=4,
    )
    model = Crisis(sc, rng=0)
    assert model.actors["later"].peak[0] == -1
    model.step()
    assert not condition_mask(model, Condition(actor="later", metric="posture", op=">=", value="ceasefire_talks"))[0]
    model.run()
    assert model.path[:, 1, 0].tolist() == [-1, -1, 5, 5]
    assert model.system_path[:, 0].tolist() == [1, 1, 5, 5]
    assert model.actors["later"].peak[0] == 5


def test_conditional_and_stochastic_events(kit):
    trigger = {
        "id": "answer",
        "title": "answer",
        "status": "hypothetical",
        "source": {"title": "test"},
        "when": [{"actor": "a", "metric": "posture", "op": ">=", "value": "cross_border_strikes"}],
        "effects": [{"set_posture": {"actor": "b", "rung": "political_signalling"}}],
    }
    coin = {
        "id": "coin",
        "title": "coin",
        "status": "hypothetical",
        "source": {"title": "test"},
        "chance": 0.25,
        "window": {"start": 2, "end": 2},
        "effects": [{"set_posture": {"actor": "c", "rung": "political_signalling"}}],
    }
    sc = kit.build({k: kit.actor(k.upper(), "scripted") for k in "abc"}, [kit.move("a", "cross_border_strikes", 2), trigger, coin], turns=5)
    model = Crisis(sc, worlds=8000, rng=12, trajectories=True).run()
    assert (model.path[:2, 1] == 1).all() and (model.path[2:, 1] == 2).all()  # fires once an earlier event makes it hold
    c = model.path[:, 2]
    assert (c[:2] == 1).all() and (c[2] == c[4]).all() and abs((c[2] == 2).mean() - 0.25) < 0.02


# ------------------------------------------------------------------ determinism and narrative


def test_same_seed_same_world_bit_for_bit(baseline):
    a, b = Crisis(baseline, worlds=500, rng=21).run(), Crisis(baseline, worlds=500, rng=21).run()
    assert a.system_path.tobytes() == b.system_path.tobytes()
    for key, value in a.outcomes().items():
        assert np.array_equal(value, b.outcomes()[key]), key
    c = Crisis(baseline, worlds=500, rng=22).run()
    assert c.system_path.tobytes() != a.system_path.tobytes()


def test_a_generator_seeds_the_model(baseline):
    seq = np.random.SeedSequence(5).spawn(2)[1]
    a = Crisis(baseline, worlds=50, rng=np.random.default_rng(seq)).run()
    b = Crisis(baseline, worlds=50, rng=np.random.default_rng(np.random.SeedSequence(5).spawn(2)[1])).run()
    assert a.system_path.tobytes() == b.system_path.tobytes()


def test_narrative_says_why_and_cites_sources(baseline):
    model = Crisis(baseline, rng=3).run()
    moves = [e for e in model.narrative if e.kind == "move"]
    assert moves and all(e.why and e.actor in model.actors for e in moves)
    events = [e for e in model.narrative if e.kind == "event"]
    assert all(e.status in ("documented", "hypothetical") and e.source for e in events)
    assert all(".txt" in e.source for e in events if e.status == "documented")
    order = {"move": 0, "event": 1, "red_line": 2, "war": 3, "threshold": 4}  # the order things happen within a turn
    for turn in range(model.turns):
        ranks = [order[e.kind] for e in model.narrative if e.turn == turn]
        assert ranks == sorted(ranks), turn
    crossed = {e.extra["id"]: e.turn for e in model.narrative if e.kind == "threshold"}
    out = model.outcomes()
    assert crossed == {tid: int(out[f"first_{tid}"][0]) for tid in model.ladder.threshold_ids if out[f"first_{tid}"][0] >= 0}


@pytest.mark.parametrize("worlds", [1, 3])
def test_outcomes_have_one_entry_per_world(baseline, worlds):
    out = Crisis(baseline, worlds=worlds, rng=1).run().outcomes()
    assert {"peak_rung", "end_state", "final_rung", "first_nuclear_threshold", "peak_russia"} <= set(out)
    assert all(v.shape == (worlds,) and v.dtype.kind == ("f" if k in ("intensity_mean", "balance_end") else "i") for k, v in out.items())


def test_the_summary_names_the_end_state_in_words():
    from escalation.model import END_STATE_NAMES, END_STATES
    from escalation.model.narrative import summary_text

    assert list(END_STATE_NAMES) == list(END_STATES) and all("_" not in name for name in END_STATE_NAMES.values())
    assert END_STATE_NAMES["direct_nato_russia_war"] == "direct NATO-Russia war"
    worlds = Crisis("ceasefire-track", worlds=200, rng=1).run().outcomes()["end_state"]
    held = int(np.flatnonzero(worlds == END_STATES.index("de_escalated"))[0])  # a world in which the talks hold
    ended = Crisis("ceasefire-track", rng=1, first_run=held).run()
    assert END_STATES[int(ended.outcomes()["end_state"][0])] == "de_escalated"
    assert "Outcome: de-escalated (the escalation intensity at the end was clearly below the branch's)" in summary_text(ended)


# --------------------------------------------------------------------------- one-off actions


def test_a_one_off_action_lasts_its_day_and_each_episode_is_counted(kit):
    actor = kit.actor("Striker", "scripted", "cross_border_strikes")
    strikes = [kit.move("striker", "strategic_conventional_strike", t) for t in (2, 5)]
    twice = kit.event("again_the_same_day", 5, {"set_posture": {"actor": "striker", "rung": "strategic_conventional_strike"}})
    model = Crisis(kit.build({"striker": actor}, [*strikes, twice], actions=True), rng=0).run()
    path = model.path[:, 0, 0].tolist()
    assert path == [4, 4, 6, 4, 4, 6, 4, 4, 4, 4, 4, 4]  # back on its standing posture the day after each strike
    out = model.outcomes()
    assert out["episodes_strategic_conventional_strike"][0] == 2 and out["episodes_demonstrative_nuclear_use"][0] == 0
    assert out["peak_striker"][0] == 6 and out["first_strategic_strike"][0] == 2


def test_a_new_standing_posture_is_the_one_returned_to(kit):
    actor = kit.actor("Striker", "scripted", "contained_war")
    events = [kit.move("striker", "nuclear_signalling", 1), kit.move("striker", "strategic_conventional_strike", 3)]
    model = Crisis(kit.build({"striker": actor}, events, actions=True), rng=0).run()
    assert model.path[:6, 0, 0].tolist() == [1, 7, 7, 6, 7, 7]


def test_an_action_below_the_standing_posture_is_no_step_down(kit):
    """On nuclear signalling, aiming a rung lower, an actor does not 'step down' to a strike: it holds."""
    actors = {
        "a": kit.actor("A", "reciprocal", "nuclear_signalling", params={"offset": 1.0}, relations={"adversaries": ["b"]},
                       capabilities={"rungs": ["cross_border_strikes", "strategic_conventional_strike", "nuclear_signalling"]}),
        "b": kit.actor("B", "scripted", "third_party_combat"),
    }
    model = Crisis(kit.build(actors, turns=10, actions=True), rng=0).run()
    assert model.outcomes()["episodes_strategic_conventional_strike"][0] == 0
    assert (model.path[:, 0, 0] == model.ladder.level["nuclear_signalling"]).all()


def test_a_promised_strike_is_taken_from_above_and_answers_the_line(kit):
    """Owed as the answer to its crossed red line, the strike below the standing posture is a legal move."""
    line = {"id": "no_strikes", "watch": ["b"], "at": "cross_border_strikes", "response": "strategic_conventional_strike",
            "credibility": 1.0, "grace": 3}
    actors = {
        "a": kit.actor("A", "reciprocal", "nuclear_signalling", resolve=1.0, params={"offset": 1.0}, relations={"adversaries": ["b"]},
                       red_lines=[line], capabilities={"rungs": ["strategic_conventional_strike", "nuclear_signalling"]}),
        "b": kit.actor("B", "scripted", "contained_war"),
    }
    model = Crisis(kit.build(actors, [kit.move("b", "cross_border_strikes", 1)], turns=8, actions=True, obligation=1.0), rng=0).run()
    path = model.path[:, 0, 0].tolist()
    strike = model.ladder.level["strategic_conventional_strike"]
    assert path.count(strike) == 1 and path[path.index(strike) + 1] == model.ladder.level["nuclear_signalling"]
    assert model.outcomes()["episodes_strategic_conventional_strike"][0] == 1
    assert model.red_line("a", "no_strikes").credibility[0] == 1.0  # answered as promised (standing higher would not be)
    assert any(e.kind == "red_line" and "answers as promised" in e.text for e in model.narrative)


def test_a_ladder_without_actions_keeps_every_posture(kit):
    actor = kit.actor("Striker", "scripted", "cross_border_strikes")
    model = Crisis(kit.build({"striker": actor}, [kit.move("striker", "strategic_conventional_strike", 2)]), rng=0).run()
    assert model.path[:, 0, 0].tolist() == [4, 4] + [6] * 10
    assert not [key for key in model.outcomes() if key.startswith("episodes_")]  # no action rungs, no episodes to count


# --------------------------------------------------------------------------- features the mutation run found untested


def test_a_removed_actor_leaves_the_crisis_and_stops_counting(kit):
    sc = kit.build(
        {"here": kit.actor("Here", "scripted"), "gone": kit.actor("Gone", "scripted", "third_party_combat")},
        [kit.event("leaves", 2, {"remove_actor": "gone"})],
        turns=5,
    )
    model = Crisis(sc, rng=0).run()
    assert model.path[:, 1, 0].tolist() == [5, 5, -1, -1, -1]
    assert model.system_path[:, 0].tolist() == [5, 5, 1, 1, 1]
    assert not model.actors["gone"].active[0] and model.actors["gone"].peak[0] == 5


def test_a_condition_on_the_systems_peak_remembers_what_the_posture_forgets(kit):
    once_high = {
        "id": "remembered", "title": "remembered", "status": "hypothetical", "source": {"title": "test"},
        "when": [{"actor": "system", "metric": "peak", "op": ">=", "value": "strategic_conventional_strike"},
                 {"actor": "system", "metric": "posture", "op": "<", "value": "strategic_conventional_strike"}],
        "effects": [{"set_posture": {"actor": "b", "rung": "political_signalling"}}],
    }
    sc = kit.build({"a": kit.actor("A", "scripted"), "b": kit.actor("B", "scripted")},
                   [kit.move("a", "strategic_conventional_strike", 1), kit.move("a", "contained_war", 3), once_high], turns=6)
    b = Crisis(sc, rng=0).run().path[:, 1, 0].tolist()
    assert b == [1, 1, 1, 2, 2, 2]  # from the turn the posture is down again, the peak still holds


def test_a_new_crossing_while_a_debt_is_outstanding_keeps_the_first_deadline(kit):
    # crossed at 1 (grace 3); back at 2 and over again at 3, still owed: the deadline of the first crossing stands;
    # it lapses at 4, and the violation held over is owed again
    sc = holder_and_target(kit, credibility=0.8, grace=3, script=[(1, "cross_border_strikes"), (2, "contained_war"), (3, "cross_border_strikes")],
                           credibility_erosion=0.5)
    history = line_history(Crisis(sc, rng=0))
    assert history[:6] == [(0, 0.8), (3, 0.8), (2, 0.8), (1, 0.8), (3, 0.4), (2, 0.4)]


def test_a_withdrawn_red_line_has_no_credibility_to_condition_on(kit):
    withdrawn = kit.event("withdrawn", 1, {"remove_red_line": {"actor": "holder", "red_line": "no_strikes"}})
    doubted = {
        "id": "doubted", "title": "doubted", "status": "hypothetical", "source": {"title": "test"},
        "when": [{"actor": "holder", "metric": "credibility", "red_line": "no_strikes", "op": "<", "value": 0.5}],
        "effects": [{"set_posture": {"actor": "target", "rung": "political_signalling"}}],
    }
    model = Crisis(holder_and_target(kit, credibility=0.8, events=[withdrawn, doubted]), rng=0).run()
    assert model.path[:4, 1, 0].tolist() == [1, 2, 2, 2]  # at 0.8 while declared; none once withdrawn


def test_an_actor_out_of_the_crisis_is_not_fighting_at_the_end(kit):
    sc = kit.build(
        {"a": kit.actor("A", "scripted", "ceasefire_talks"), "b": kit.actor("B", "scripted", "contained_war", relations={"adversaries": ["a"]})},
        [kit.event("b_leaves", 2, {"remove_actor": "b"})],
        turns=4,
    )
    assert END_STATES[int(Crisis(sc, rng=0).run().outcomes()["end_state"][0])] == "settled"  # the one pair at war is over


def test_fog_never_invents_an_adversary_who_is_not_there(kit):
    sc = kit.build(
        {"player": kit.actor("Player", "reciprocal", relations={"adversaries": ["away"]}),
         "away": kit.actor("Away", "scripted", "cross_border_strikes", active=False)},
        turns=6, noise=3.0,
    )
    model = Crisis(sc, worlds=2000, rng=4, trajectories=True).run()
    assert (model.path[:, 0] == 1).all()  # with no adversary in the crisis it holds, however foggy


@pytest.mark.parametrize("trait, by, expected", [("resolve", 2.0, 1.0), ("risk_tolerance", -3.0, 0.0), ("temperature", -9.0, 0.01)])
def test_a_trait_change_stays_within_the_traits_range(kit, trait, by, expected):
    change = kit.event("change", 1, {"set_trait": {"actor": "a", "trait": trait, "by": by}})
    model = Crisis(kit.build({"a": kit.actor("A", "scripted")}, [change], turns=3), rng=0).run()
    assert model.actors["a"].traits[trait][0] == expected


def test_an_actor_out_of_the_crisis_neither_moves_nor_peaks(kit):
    sc = kit.build(
        {"later": kit.actor("Later", "reciprocal", "contained_war", active=False, relations={"adversaries": ["enemy"]}),
         "never": kit.actor("Never", "scripted", "third_party_combat", active=False),
         "enemy": kit.actor("Enemy", "scripted", "cross_border_strikes")},
        [kit.event("joins", 4, {"add_actor": "later"})],
        turns=6,
    )
    model = Crisis(sc, rng=0).run()
    assert model.path[:5, 0, 0].tolist() == [-1, -1, -1, -1, 1]  # it joins where it stood: it did not move while away
    assert model.outcomes()["peak_never"][0] == -1  # nor does one that never joins have a peak
    batch = Crisis(sc, worlds=COMPILED_FROM, rng=0, kernels="numba", trajectories=True).run()  # the same on the compiled path
    assert (batch.outcomes()["peak_never"] == -1).all() and np.array_equal(batch.path[:, :, 0], model.path[:, :, 0])
    assert all(np.array_equal(v[..., :1], model.outcomes()[k]) for k, v in batch.outcomes().items())


def test_staying_put_is_always_a_legal_move(kit):
    sc = kit.build(
        {"player": kit.actor("Player", "reciprocal", relations={"adversaries": ["enemy"]}, capabilities={"max_rung": "political_signalling"}),
         "enemy": kit.actor("Enemy", "scripted", "cross_border_strikes")},
        [kit.move("player", "cross_border_strikes", 1, binding=True)],
        turns=5,
    )
    model = Crisis(sc, rng=0).run()
    assert model.path[1:, 0, 0].tolist() == [4, 4, 4, 4]  # set beyond its bounds, it may still hold there


def test_a_line_withdrawn_in_some_worlds_deters_only_in_the_others(kit):
    line = {"id": "no_strikes", "watch": ["player"], "at": "cross_border_strikes", "response": "strategic_conventional_strike", "credibility": 1.0}
    coin = {"id": "withdrawn", "title": "withdrawn", "status": "hypothetical", "source": {"title": "test"}, "chance": 0.5,
            "window": {"start": 0, "end": 0}, "effects": [{"remove_red_line": {"actor": "holder", "red_line": "no_strikes"}}]}
    sc = kit.build(
        {"player": kit.actor("Player", "reciprocal", temperature=0.5, relations={"adversaries": ["holder"]}),
         "holder": kit.actor("Holder", "scripted", "cross_border_strikes", red_lines=[line])},
        [coin], turns=5, deterrence=6.0,
    )
    model = Crisis(sc, worlds=4000, rng=9).run()
    withdrawn, crossed = model.events[0].fired, model.actors["player"].peak >= 4
    assert 0.4 < withdrawn.mean() < 0.6
    assert crossed[withdrawn].mean() > 0.95 and crossed[~withdrawn].mean() < 0.2


def test_an_ally_taking_no_part_is_not_defended(kit):
    """A patron mirrors the threat to an ally only while the ally takes part: an absent one's foe threatens no one it backs."""

    def patron_peak(client_active: bool) -> int:
        actors = {
            "client": kit.actor("Client", "scripted", "political_signalling", relations={"adversaries": ["foe"]}, active=client_active),
            "foe": kit.actor("Foe", "scripted", "nuclear_signalling", relations={"adversaries": ["client"]}),
            "patron": kit.actor("Patron", "alliance", "political_signalling", relations={"allies": ["client"]}),
        }
        model = Crisis(kit.build(actors, turns=6), worlds=COMPILED_FROM, rng=3, trajectories=True).run()  # on the compiled path too
        assert model.path is not None
        return int(model.path[:, 2, :].max())

    start = Crisis(kit.build({"p": kit.actor("P", "scripted", "political_signalling")}), rng=0).actors["p"].posture[0]
    assert patron_peak(True) > start  # it climbs to meet the threat to an ally in the crisis
    assert patron_peak(False) == start
