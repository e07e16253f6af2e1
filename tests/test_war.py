"""The war's material state: the front, costs and weariness, rallying, air defence, losses, bargaining, stocks."""

from __future__ import annotations

import numpy as np
import pytest

from escalation.model import Crisis
from escalation.scenario.problems import ScenarioError

WAR = {"sides": ["a", "b"], "momentum": 0.01, "volatility": 0.0, "weariness": 0.01, "rally": 0.1}


def two(kit, a="contained_war", b="contained_war", events=(), turns=10, war=None, **fields):
    """Two scripted sides of a war, A and B, standing where told; ``fields`` go to both actors."""
    actors = {
        "a": kit.actor("A", "scripted", a, relations={"adversaries": ["b"]}, **fields),
        "b": kit.actor("B", "scripted", b, relations={"adversaries": ["a"]}, **fields),
    }
    return kit.build(actors, events, turns=turns, war={**WAR, **(war or {})})


def test_the_front_moves_to_the_side_that_strikes_harder(kit):
    even = Crisis(two(kit, war={"weariness": 0.0, "rally": 0.0}), rng=0).run()
    harder = Crisis(two(kit, a="cross_border_strikes", war={"weariness": 0.0, "rally": 0.0}), rng=0).run()
    assert even.front.balance[0] == 0.0  # equal efforts, no noise: the front holds
    # A's force is 1 + 1 (cross-border strikes) against B's 1, at resolve 0.5 (three quarters of full effort)
    assert harder.front.balance[0] == pytest.approx(10 * 0.01 * (2 - 1) * 0.75)


def test_a_side_that_stops_fighting_loses_ground_and_the_war_stops_only_when_both_do(kit):
    one_out = Crisis(two(kit, b="ceasefire_talks"), rng=0).run()
    both_out = Crisis(two(kit, a="ceasefire_talks", b="ceasefire_talks"), rng=0).run()
    assert one_out.front.balance[0] > 0.05 and both_out.front.balance[0] == 0.0
    assert both_out.front.cost.sum() == 0.0 and one_out.front.cost[1, 0] > 0  # B bears the war it no longer fights


def test_war_weariness_wears_resolve_down_and_strikes_rally(kit):
    model = Crisis(two(kit, resolve=0.5, cost_sensitivity=1.0), rng=0).run()
    worn = model.actors["a"].traits["resolve"][0]
    assert worn == pytest.approx(0.5 - 10 * 0.01 * 1.0)  # a unit of cost a day at cost sensitivity 1
    struck = Crisis(two(kit, resolve=0.5, cost_sensitivity=1.0, events=[kit.move("a", "cross_border_strikes", 3)]), rng=0).run()
    # B takes a strike from turn 3: it costs it more, but the first, harder strike rallies it once
    b = struck.actors["b"].traits["resolve"][0]
    assert b == pytest.approx(0.5 - 0.01 * (10 + 7 * 1.0) + 0.1)


def test_weariness_wears_resolve_down_to_nothing_and_no_further(kit):
    # a unit of cost a day at weariness 0.1 takes a tenth of resolve a day: gone after three days of ten
    for worlds in (1, 80):  # one world, and enough for the compiled path
        model = Crisis(two(kit, resolve=0.3, cost_sensitivity=1.0, war={"weariness": 0.1}), worlds=worlds, rng=0).run()
        assert (model.actors["a"].traits["resolve"] == 0.0).all()


def test_air_defence_blunts_what_strikes_achieve(kit):
    open_sky = Crisis(two(kit, a="cross_border_strikes"), rng=0).run()
    defended = Crisis(two(kit, a="cross_border_strikes", air_defence=0.5), rng=0).run()
    assert defended.front.balance[0] < open_sky.front.balance[0]  # the strikes move the front less
    assert defended.front.cost[1, 0] < open_sky.front.cost[1, 0]  # and cost B less


def test_ground_lost_since_the_branch_is_a_loss_for_the_side_and_its_supporters(kit):
    actors = {
        "a": kit.actor("A", "scripted", "cross_border_strikes", relations={"adversaries": ["b"]}),
        "b": kit.actor("B", "scripted", relations={"adversaries": ["a"]}),
        "friend": kit.actor("Friend", "scripted", "expanded_arms_support", relations={"allies": ["b"]}),
        "bystander": kit.actor("Bystander", "scripted"),
    }
    model = Crisis(kit.build(actors, turns=10, war=WAR), rng=0).run()
    loss = model.front.loss()[:, 0]
    assert loss[0] == 0 and loss[1] > 0 and loss[2] == loss[1] and loss[3] == 0
    # the friend's arms count for B: without them B loses more
    alone = Crisis(kit.build({k: v for k, v in actors.items() if k != "friend"}, turns=10, war=WAR), rng=0).run()
    assert alone.front.balance[0] > model.front.balance[0]


def test_losing_makes_a_side_risk_seeking(kit):
    """Risk aversion weighs on threshold costs: a side that has lost ground crosses a threshold it would not."""
    def climbs(loss_seeking):
        actors = {
            "a": kit.actor("A", "reciprocal", "cross_border_strikes", temperature=0.3, cost_sensitivity=2.0, risk_tolerance=0.0,
                           relations={"adversaries": ["b"]}),
            "b": kit.actor("B", "scripted", "strategic_conventional_strike", relations={"adversaries": ["a"]}),
        }
        war = {**WAR, "balance": 0.0, "loss_seeking": loss_seeking, "momentum": 0.05}
        sc = kit.build(actors, turns=15, war=war, noise=0.0)
        model = Crisis(sc, worlds=2000, rng=3).run()
        return (model.actors["a"].peak >= 6).mean()

    assert climbs(5.0) > climbs(0.0) + 0.2


def test_talks_open_when_both_sides_would_rather_settle_and_a_spoiler_breaks_them(kit):
    keen = two(kit, resolve=0.1, war={"optimism": 0.5, "cost_weight": 0.01})
    model = Crisis(keen, worlds=1, rng=0).run()
    assert model.front.talks[0] and model.outcomes()["first_talks"][0] == 0
    assert any(e.kind == "war" and "talks are on offer" in e.text for e in model.narrative)
    stubborn = Crisis(two(kit, resolve=0.9, war={"optimism": 0.5, "cost_weight": 0.01}), rng=0).run()
    assert not stubborn.front.talks.any() and stubborn.outcomes()["first_talks"][0] == -1
    spoilt = Crisis(two(kit, resolve=0.1, war={"optimism": 0.5, "cost_weight": 0.01, "spoilers": 1.0}), worlds=50, rng=0).run()
    assert not spoilt.front.talks.any()


def test_the_sides_go_to_the_table_when_talks_open(kit):
    actors = {
        "a": kit.actor("A", "reciprocal", "cross_border_strikes", resolve=0.1, temperature=0.05, relations={"adversaries": ["b"]}),
        "b": kit.actor("B", "reciprocal", "cross_border_strikes", resolve=0.1, temperature=0.05, relations={"adversaries": ["a"]}),
    }
    sc = kit.build(actors, turns=8, war={**WAR, "optimism": 0.5, "cost_weight": 0.01, "weariness": 0.0})
    model = Crisis(sc, rng=0).run()
    assert model.actors["a"].posture[0] == 0 and model.actors["b"].posture[0] == 0
    out = model.outcomes()
    assert out["end_state"][0] == 0  # settled
    moves = [e for e in model.narrative if e.kind == "move" and e.actor == "a"]
    assert moves and "bargaining: it expects less from fighting on than from the settlement on offer" in moves[0].why


def test_leverage_is_bargaining_power(kit):
    """The side with more leverage is offered better terms: it settles sooner, its adversary later."""
    def willing(lev_a):
        sc = two(kit, resolve=0.5, war={"optimism": 0.5, "cost_weight": 0.001})
        sc = kit.vary(sc, "a", leverage=lev_a)
        m = Crisis(sc, rng=0)
        m.step()
        return m.front.willing[:, 0].tolist()

    assert willing(0.0) == [False, False]
    assert willing(1.0) == [True, False]


def test_a_stock_of_missiles_runs_out(kit):
    actors = {
        "a": kit.actor("A", "reciprocal", "cross_border_strikes", relations={"adversaries": ["b"]}, stocks={"strategic_conventional_strike": 1},
                       capabilities={"rungs": ["cross_border_strikes", "strategic_conventional_strike"]}),
        "b": kit.actor("B", "scripted", "nuclear_signalling", relations={"adversaries": ["a"]}),
    }
    sc = kit.build(actors, turns=10, actions=True)
    model = Crisis(sc, worlds=1, rng=0, trajectories=True).run()
    # it aims at B's nuclear signalling and strikes whenever it can: one missile, one strike, then no more
    assert model.outcomes()["episodes_strategic_conventional_strike"][0] == 1
    unlimited = Crisis(kit.build({**actors, "a": {**actors["a"], "stocks": {}}}, turns=10, actions=True), rng=0).run()
    assert unlimited.outcomes()["episodes_strategic_conventional_strike"][0] > 1
    assert model.actors["a"].stocks[6][0] == 0


def test_a_stock_must_be_of_a_one_off_action(kit):
    actor = kit.actor("A", "scripted", stocks={"cross_border_strikes": 2})
    with pytest.raises(ScenarioError, match="standing posture, not a one-off action"):
        kit.build({"a": actor}, actions=True)


def test_a_war_names_two_actors_of_the_scenario(kit):
    a = kit.actor("A", "scripted")
    with pytest.raises(ScenarioError, match="unknown actor 'c'"):
        kit.build({"a": a, "b": kit.actor("B", "scripted")}, war={"sides": ["a", "c"]})
    with pytest.raises(ScenarioError, match="different actors"):
        kit.build({"a": a}, war={"sides": ["a", "a"]})


def test_history_holds_the_front_still_and_the_same_in_every_world(baseline):
    model = Crisis(baseline, worlds=30, rng=5)
    while model.turn < model.branch:
        model.step()
    assert (model.front.balance == baseline.war.balance).all() and (model.front.cost == 0).all()
    model.step()
    assert np.unique(model.front.balance).size > 1  # from the branch the front is each world's own


def test_a_batch_of_a_war_offers_the_front_and_the_talks_as_metrics(tmp_path):
    import escalation
    from escalation.analysis.outcomes import metric_names, metric_values
    from escalation.analysis.results import load_results

    escalation.run_batch("nov-2024", 40, out=tmp_path / "war", workers=1, progress=False)
    results = load_results(tmp_path / "war")
    model = results.manifest["model"]
    assert model["war"] == {"sides": ["russia", "ukraine"]}
    assert {"balance_end", "talks_days"} <= set(metric_names(model))
    values = metric_values(results.runs, "balance_end", model)
    assert values.shape == (40,) and np.isfinite(values).all() and np.unique(values).size > 1
    assert "balance_end" not in metric_names({**model, "war": None})  # a scenario without a war has no front


def test_a_side_taking_no_part_keeps_its_resolve_under_strikes(kit):
    # B stays out (an event could bring it in later): A's strikes cost it nothing that wears or rallies its resolve
    common = {"resolve": 0.5, "cost_sensitivity": 1.0}
    actors = {
        "a": kit.actor("A", "scripted", "cross_border_strikes", relations={"adversaries": ["b"]}, **common),
        "b": kit.actor("B", "scripted", relations={"adversaries": ["a"]}, active=False, **common),
    }
    scenario = kit.build(actors, turns=10, war={**WAR, "weariness": 0.1})
    for worlds in (1, 80):  # one world, and enough for the compiled path
        model = Crisis(scenario, worlds=worlds, rng=0).run()
        assert (model.actors["b"].traits["resolve"] == 0.5).all() and (model.actors["a"].traits["resolve"] < 0.5).all()
