"""Expected-cost deterrence: beliefs per observer that learn, a weight that grows with what is threatened,
responses that follow doctrine, and traits that every rule reads."""

from __future__ import annotations

import datetime as dt

import pytest

from escalation.model import Crisis
from escalation.scenario.loading import load_scenario
from escalation.scenario.schema import TRAITS, Event
from tests.mechanisms import DECIDING

LINE = {"watch": ["x"], "at": "cross_border_strikes", "response": "strategic_conventional_strike", "credibility": 0.8, "grace": 2}


def watched(kit, events=(), **changes):
    """A scripted holder with two lines: 'strikes' watched by X alone, 'signals' watched by X and Y."""
    holder = kit.actor("Holder", "scripted", "political_signalling", red_lines=[
        {**LINE, "id": "strikes"},
        {**LINE, "id": "signals", "watch": ["x", "y"], "at": "nuclear_signalling"},
    ])
    actors = {"holder": holder, "x": kit.actor("X", "scripted"), "y": kit.actor("Y", "scripted")}
    settings = {"credibility_erosion": 0.5, "credibility_gain": 0.5, "reputation": 0.5, **changes}
    return kit.build(actors, events, **settings)


def beliefs(model, line):
    rl = model.red_line("holder", line)
    return {model.keys[o]: float(rl.belief[i, 0]) for i, o in enumerate(rl.watch)}


def test_an_unanswered_crossing_lowers_the_beliefs_of_those_who_watch_and_spills_over_to_the_holders_other_lines(kit):
    model = Crisis(watched(kit, [kit.move("x", "cross_border_strikes", 1), kit.move("x", "contained_war", 2)]), rng=0).run()
    assert beliefs(model, "strikes") == {"x": 0.4}  # unanswered once: halved
    assert beliefs(model, "signals") == {"x": pytest.approx(0.8 * 0.75), "y": 0.8}  # X learns a quarter of it; Y saw nothing it watches


def test_an_answered_crossing_raises_the_beliefs(kit):
    answer = kit.move("holder", "strategic_conventional_strike", 2)
    model = Crisis(watched(kit, [kit.move("x", "cross_border_strikes", 1), answer]), rng=0).run()
    assert beliefs(model, "strikes") == {"x": pytest.approx(0.9)}  # half of the missing 0.2
    assert beliefs(model, "signals")["x"] == pytest.approx(0.85) and beliefs(model, "signals")["y"] == 0.8


def test_standing_still_is_no_answer_and_a_spent_threat_deters_no_one(kit):
    line = {"id": "words", "watch": ["x"], "at": "cross_border_strikes", "response": "political_signalling", "credibility": 0.8, "grace": 2}
    holder = kit.actor("Holder", "scripted", "political_signalling", red_lines=[line])
    sc = kit.build({"holder": holder, "x": kit.actor("X", "scripted")}, [kit.move("x", "cross_border_strikes", 1)])
    model = Crisis(sc, rng=0).run()
    rl = model.red_line("holder", "words")
    assert rl.belief[0, 0] == 0.8 and rl.credibility[0] == 0.8 and not rl.due.any()  # no debt, no credit, no erosion
    assert not any(e.kind == "red_line" for e in model.narrative)


def test_a_line_held_over_is_violated_again_and_again(kit):
    model = Crisis(watched(kit, [kit.move("x", "cross_border_strikes", 1)], credibility_erosion=0.5), rng=0).run()
    # crossed at 1, lapsing every two turns while X stays over: 11 turns give five lapses
    assert beliefs(model, "strikes")["x"] == pytest.approx(0.8 * 0.5**5)


def test_the_weight_of_a_line_grows_with_the_cost_of_its_response(kit):
    def crossing(response):
        line = {"id": "l", "watch": ["x"], "at": "cross_border_strikes", "response": response, "credibility": 0.6, "grace": 3}
        actors = {
            "x": kit.actor("X", "reciprocal", temperature=0.5, relations={"adversaries": ["holder"]}, capabilities={"max_rung": "cross_border_strikes"}),
            "holder": kit.actor("Holder", "scripted", "cross_border_strikes", red_lines=[line]),
        }
        model = Crisis(kit.build(actors, turns=6, deterrence=0.5), worlds=3000, rng=4).run()
        return (model.actors["x"].peak >= 4).mean()

    severities = [crossing(r) for r in ("strategic_conventional_strike", "direct_nato_russia_clash", "strategic_nuclear_exchange")]
    assert severities[0] > severities[1] > severities[2]


def test_nuclear_use_brings_the_responses_the_red_lines_and_alliances_promise():
    """A Russian nuclear use forced on 1 Jan 2025: Washington answers as its red line promises, and its allies do not step down."""
    base = load_scenario("nov-2024")
    use = Event.model_validate({
        "id": "forced_use", "title": "A forced nuclear use", "status": "hypothetical", "source": {"title": "written in a test"},
        "at": {"date": "2025-01-01"}, "effects": [{"set_posture": {"actor": "russia", "rung": "demonstrative_nuclear_use", "binding": True}}],
    })
    sc = base.model_copy(update={"events": [*base.events, use]})
    model = Crisis(sc, worlds=2000, rng=3, trajectories=True).run()
    t = sc.turn_of(dt.date(2025, 1, 1))
    us, europe = model.keys.index("united_states"), model.keys.index("europe")
    clash = model.ladder.level["direct_nato_russia_clash"]
    answered = (model.path[t : t + 4, us] >= clash).any(axis=0)
    assert answered.mean() > 0.3  # the US line promises a direct answer; it comes in a good share of worlds
    before = model.path[t - 1, [us, europe]].astype(float)
    after = model.path[t + 1 : t + 8, [us, europe]].astype(float).mean(axis=0)
    assert (after.mean(axis=1) > before.mean(axis=1) + 0.5).all()  # both climb: nobody shrugs


# a supporter that aids; a restrainer that presses with nuclear signals, past the thresholds its risk tolerance weighs
PARAMS = {"alliance": {"aid": "expanded_arms_support"}, "restraint": {"signal": "nuclear_signalling", "alarm": "cross_border_strikes"}}


def live_traits():
    """Every deciding rule against every trait."""
    return [(rule, trait) for rule in DECIDING for trait in TRAITS]


@pytest.mark.parametrize("rule, trait", live_traits())
def test_no_trait_is_dead_for_any_rule(kit, rule, trait):
    """An actor on ``rule`` at war with a climbing foe: changing any one of its traits changes what it does."""
    changed = {"resolve": 0.1, "risk_tolerance": 0.95, "temperature": 3.0, "cost_sensitivity": 4.0, "leverage": 1.0, "air_defence": 1.0}
    foe_climbs = [kit.move("foe", rung, t) for t, rung in ((3, "cross_border_strikes"), (8, "third_party_combat"), (14, "nuclear_signalling"))]
    x = kit.actor("X", rule, "political_signalling", temperature=0.5, cost_sensitivity=1.0, resolve=0.7, risk_tolerance=0.4, leverage=0.3,
                  air_defence=0.2, relations={"adversaries": ["foe"]}, params=PARAMS.get(rule, {}))
    actors = {
        "x": x,
        # the foe warns X against taking sides: a line every rule's choice weighs, by its risk tolerance
        "foe": kit.actor("Foe", "scripted", "contained_war", relations={"adversaries": ["x", "client"], "restrainers": ["x"]},
                         red_lines=[{"id": "stay_out", "watch": ["x"], "at": "political_signalling", "response": "cross_border_strikes", "credibility": 0.5}]),
        "client": kit.actor("Client", "scripted", "contained_war", relations={"adversaries": ["foe"], "patrons": ["x"]}),
    }
    war = {"sides": ["x", "foe"], "optimism": 0.3, "cost_weight": 0.004, "weariness": 0.01, "rally": 0.05}
    base = kit.build(actors, foe_climbs, turns=25, war=war, noise=0.3, inertia=1.0, deterrence=0.5)
    varied = kit.vary(base, "x", **{trait: changed[trait]})
    paths = [Crisis(sc, worlds=1500, rng=6, trajectories=True).run().path[:, 0, :] for sc in (base, varied)]
    differ = (paths[0] != paths[1]).any(axis=0).mean()
    assert differ > 0.02, f"{rule}: its {trait} changes what it does in only {differ:.1%} of worlds"


def test_a_line_declared_again_starts_afresh_in_belief_and_credibility(kit):
    line = {**LINE, "id": "strikes"}
    withdraw = kit.event("withdrawn", 5, {"remove_red_line": {"actor": "holder", "red_line": "strikes"}})
    again = kit.event("again", 6, {"add_red_line": {"actor": "holder", "red_line": {**line, "watch": ["x"]}}})
    holder = kit.actor("Holder", "scripted", "political_signalling", red_lines=[line])
    sc = kit.build({"holder": holder, "x": kit.actor("X", "scripted")},
                   [kit.move("x", "cross_border_strikes", 1), kit.move("x", "contained_war", 4), withdraw, again], credibility_erosion=0.5)
    model = Crisis(sc, rng=0)
    rl = model.red_line("holder", "strikes")
    for _ in range(6):
        model.step()
    assert rl.belief[0, 0] == pytest.approx(0.4) and rl.credibility[0] == pytest.approx(0.4)  # eroded once, then withdrawn
    model.step()  # declared again
    assert rl.belief[0, 0] == 0.8 and rl.credibility[0] == 0.8
