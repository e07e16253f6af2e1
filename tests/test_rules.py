"""Each decision rule pinned against scripted opponents (as Axelrod tests its strategies).

Every test builds a tiny scenario: the player on the rule under test, its
counterparts on ``scripted`` and moved by events. Fog, accidents, inertia and
threshold costs are off and the player is deliberate, so the rule's aim alone
decides: the expected moves below follow from the rule's definition. An event at
turn t lands after that turn's decisions, so the player answers at t + 1.
"""

from __future__ import annotations

import numpy as np
import pytest

from escalation.model import Crisis
from escalation.model.rules import RULES

SEEDS = [0, 1, 2]
L = {"talks": 0, "war": 1, "signal": 2, "arms": 3, "strikes": 4, "combat": 5, "strategic": 6, "nuclear_signal": 7}


def duel(kit, rule, params=None, script=(), player_posture="contained_war", opponent_posture="contained_war", **traits):
    """The player on ``rule`` against a scripted opponent moved by ``script``: [(turn, rung), ...]."""
    player = kit.actor("Player", rule, player_posture, params=params or {}, max_step=3, relations={"adversaries": ["opponent"]}, **traits)
    opponent = kit.actor("Opponent", "scripted", opponent_posture, relations={"adversaries": ["player"]})
    return kit.build({"player": player, "opponent": opponent}, [kit.move("opponent", rung, turn) for turn, rung in script])


def played(scenario, seed, actor="player") -> list[int]:
    model = Crisis(scenario, rng=seed).run()
    return model.path[:, model.keys.index(actor), 0].tolist()


def decision_at(scenario, turn, seed=0, actor="player") -> dict:
    """The decision (with its one-sentence why) an actor takes at ``turn``."""
    model = Crisis(scenario, rng=seed)
    for _ in range(turn + 1):
        model.step()
    return next(d for d in model.decisions if d["actor"] == actor)


def test_every_rule_is_documented_with_a_source():
    assert {"reciprocal", "graduated", "brinkmanship", "restraint", "alliance", "scripted", "human"} <= set(RULES)
    for rule in RULES.values():
        assert rule.__doc__ and rule.summary and rule.source


@pytest.mark.parametrize("seed", SEEDS)
def test_reciprocal_answers_rung_for_rung(kit, seed):
    sc = duel(kit, "reciprocal", script=[(2, "cross_border_strikes"), (5, "political_signalling"), (8, "nuclear_signalling")])
    # holds, matches 4, steps back to 2 (two rungs down at most), climbs to 7 three rungs a turn
    assert played(sc, seed) == [1, 1, 1, 4, 4, 4, 2, 2, 2, 5, 7, 7]


@pytest.mark.parametrize("seed", SEEDS)
def test_reciprocal_offset_stays_below_the_adversary(kit, seed):
    sc = duel(kit, "reciprocal", {"offset": -1.0}, script=[(1, "strategic_conventional_strike")])
    assert played(sc, seed) == [0, 0, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5]


@pytest.mark.parametrize("seed", SEEDS)
def test_graduated_steps_down_and_answers_an_escalation_once(kit, seed):
    sc = duel(
        kit, "graduated", player_posture="strategic_conventional_strike", opponent_posture="cross_border_strikes", script=[(2, "strategic_conventional_strike")]
    )
    # conciliatory steps 6 -> 5 -> 4 -> 3; the opponent's jump to 6 is answered in kind at turn 3; then GRIT resumes down to the floor
    assert played(sc, seed) == [5, 4, 3, 6, 5, 4, 3, 2, 1, 0, 0, 0]
    assert "answers an escalation" in decision_at(sc, 3)["why"]
    assert "conciliatory step" in decision_at(sc, 4)["why"]


@pytest.mark.parametrize("seed", SEEDS)
def test_graduated_stops_at_its_floor(kit, seed):
    sc = duel(kit, "graduated", {"floor": "political_signalling"}, player_posture="strategic_conventional_strike")
    assert played(sc, seed) == [5, 4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2]


@pytest.mark.parametrize("seed", SEEDS)
def test_brinkmanship_stays_above_then_gives_ground_a_rung_a_turn(kit, seed):
    sc = duel(kit, "brinkmanship", {"margin": 1.0}, resolve=1.0, script=[(1, "cross_border_strikes"), (3, "contained_war")])
    # one rung above the opponent; once it backs down, down one rung a turn to one above it
    assert played(sc, seed) == [2, 2, 5, 5, 4, 3, 2, 2, 2, 2, 2, 2]
    assert "aims above Opponent" in decision_at(sc, 2)["why"]


@pytest.mark.parametrize("seed", SEEDS)
def test_brinkmanship_margin_scales_with_resolve(kit, seed):
    sc = duel(kit, "brinkmanship", {"margin": 1.0}, resolve=0.3, script=[(1, "cross_border_strikes")])
    assert played(sc, seed) == [1, 1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]


def restrained(kit, script, **params):
    guard = kit.actor("Guard", "restraint", "ceasefire_talks", params=params, leverage=0.5, max_step=2)
    client = kit.actor("Client", "scripted", "cross_border_strikes", relations={"restrainers": ["guard"]})
    return kit.build({"guard": guard, "client": client}, [kit.move("client", rung, turn) for turn, rung in script])


@pytest.mark.parametrize("seed", SEEDS)
def test_restraint_signals_while_its_client_is_past_the_alarm(kit, seed):
    sc = restrained(
        kit,
        [(3, "strategic_conventional_strike"), (6, "cross_border_strikes")],
        calm="ceasefire_talks",
        signal="political_signalling",
        alarm="strategic_conventional_strike",
    )
    assert played(sc, seed, "guard") == [0, 0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0]
    assert "presses" in decision_at(sc, 4, actor="guard")["why"]
    assert "calls for calm" in decision_at(sc, 1, actor="guard")["why"]


def alliance(kit, script, **params):
    player = kit.actor("Player", "alliance", "contained_war", params=params, max_step=3, relations={"allies": ["ally"]})
    ally = kit.actor("Ally", "scripted", "contained_war", relations={"adversaries": ["enemy"]})
    enemy = kit.actor("Enemy", "scripted", "ceasefire_talks", relations={"adversaries": ["ally"]})
    return kit.build({"player": player, "ally": ally, "enemy": enemy}, [kit.move("enemy", rung, turn) for turn, rung in script])


@pytest.mark.parametrize("seed", SEEDS)
def test_alliance_mirrors_the_threat_to_its_ally_up_to_its_ceiling(kit, seed):
    sc = alliance(kit, [(2, "political_signalling"), (5, "nuclear_signalling"), (8, "ceasefire_talks")], offset=1.0, ceiling="third_party_combat")
    # need + 1: 1, then 3, then capped at 5, then back down two rungs a turn to 1
    assert played(sc, seed) == [1, 1, 1, 3, 3, 3, 5, 5, 5, 3, 1, 1]
    assert decision_at(sc, 3)["why"].startswith("alliance: backs Ally against Enemy at 'Political signalling and warnings'")  # the ally, the threat


@pytest.mark.parametrize("seed", SEEDS)
def test_alliance_floor_is_a_standing_commitment(kit, seed):
    sc = alliance(kit, [], offset=1.0, floor="political_signalling")
    assert played(sc, seed) == [2] * 12


def test_alliance_is_held_up_by_a_veto_player(kit):
    def climbs(leverage):
        player = kit.actor(
            "Player", "alliance", "contained_war", params={"offset": 0.0}, temperature=0.5, relations={"allies": ["ally"], "veto_players": ["veto"]}
        )
        ally = kit.actor("Ally", "scripted", relations={"adversaries": ["enemy"]})
        enemy = kit.actor("Enemy", "scripted", "political_signalling", relations={"adversaries": ["ally"]})
        veto = kit.actor("Veto", "scripted", "ceasefire_talks", leverage=leverage)
        sc = kit.build({"player": player, "ally": ally, "enemy": enemy, "veto": veto}, turns=3, veto=0.8)
        model = Crisis(sc, worlds=4000, rng=5).run()
        return (model.actors["player"].peak >= 2).mean()

    free, vetoed = climbs(0.0), climbs(1.0)
    assert free > 0.95 and vetoed < free - 0.2


def test_a_veto_holds_up_only_a_step_up_and_the_reason_says_so(kit):
    """A vetoed step keeps the posture and its reason names the veto; holding still is never put down to a veto."""
    player = kit.actor("Player", "alliance", "contained_war", params={"offset": 0.0}, relations={"allies": ["ally"], "veto_players": ["veto"]})
    ally = kit.actor("Ally", "scripted", relations={"adversaries": ["enemy"]})
    enemy = kit.actor("Enemy", "scripted", "political_signalling", relations={"adversaries": ["ally"]})
    veto = kit.actor("Veto", "scripted", "ceasefire_talks", leverage=1.0)
    events = [kit.move("enemy", "contained_war", 4)]  # from turn 5 the player's aim is its own posture: it holds
    model = Crisis(kit.build({"player": player, "ally": ally, "enemy": enemy, "veto": veto}, events, turns=8, veto=1.0), rng=0)
    reasons = []
    while model.running:
        model.step()
        d = next(d for d in model.decisions if d["actor"] == "player")
        reasons.append((d["from"], d["to"], "veto held up" in d["why"]))
    climbs = reasons[:4]
    assert all(frm == to == 1 and vetoed for frm, to, vetoed in climbs)  # it tries to climb to 2 each day and is held up
    assert not any(vetoed for _, _, vetoed in reasons[5:])  # then it holds of its own accord: no veto in its reason


@pytest.mark.parametrize("seed", SEEDS)
def test_scripted_holds_until_an_event_moves_it(kit, seed):
    sc = duel(kit, "reciprocal", script=[(4, "cross_border_strikes")])
    assert played(sc, seed, "opponent") == [1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4]
    assert decision_at(sc, 1, actor="opponent")["why"] == "follows the scenario's timeline"


def test_human_chooses_among_the_legal_moves(kit):
    sc = duel(kit, "human", script=[(1, "strategic_conventional_strike")])
    asked = []

    def highest(model, actor_id, legal):
        asked.append((model.turn, actor_id, legal))
        return legal[-1]

    model = Crisis(sc, rng=0, human=highest).run()
    assert model.path[:3, 0, 0].tolist() == [4, 7, 10]  # three rungs up a turn, as far as max_step allows
    turn, who, legal = asked[0]
    assert (turn, who) == (0, "player")
    assert legal == ["ceasefire_talks", "contained_war", "political_signalling", "expanded_arms_support", "cross_border_strikes"]


def test_human_cannot_take_an_illegal_move(kit):
    sc = duel(kit, "human")
    with pytest.raises(ValueError, match="cannot move to 'strategic_nuclear_exchange'"):
        Crisis(sc, rng=0, human=lambda model, actor_id, legal: "strategic_nuclear_exchange").step()


def test_human_seat_without_players_holds(kit):
    sc = duel(kit, "human", script=[(1, "strategic_conventional_strike")])
    assert played(sc, 0) == [1] * 12


def test_rules_are_vectorised_over_worlds(kit):
    """Every world of a chunk plays the same rule: with no noise all worlds agree with W = 1."""
    sc = duel(kit, "reciprocal", script=[(2, "cross_border_strikes"), (5, "political_signalling")])
    model = Crisis(sc, worlds=64, rng=3).run()
    single = played(sc, 3)
    assert (model.system_path == model.system_path[:, :1]).all()
    assert np.array_equal(Crisis(sc, worlds=64, rng=3, trajectories=True).run().path[:, 0, :], np.repeat(np.array(single)[:, None], 64, axis=1))
