"""The contract every decision rule inherits (as every Axelrod strategy passes the same base test).

For random situations: the aim is finite and on the ladder; the rule over W worlds at once
gives, world by world, what it gives each world alone; every branch of its explanation
is reached; and every rule that decides reads its resolve and the state it has a stake in
(its side's losses in the war; for a restrainer, the postures of those it restrains).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.model.ladder import CompiledLadder
from escalation.model.rules import RULES, Situation
from escalation.scenario.loading import load_ladder_file
from escalation.scenario.paths import shipped_ladders

LADDER = CompiledLadder.build(load_ladder_file(shipped_ladders()["default"]))
TOP = LADDER.n - 1
W = 6
NAMES = ["Alpha", "Beta", "Gamma"]
# phrases that mark each branch of a rule's explanation
BRANCHES = {
    "reciprocal": ["proportional reply to", "losing ground"],
    "brinkmanship": ["aims above", "losing ground"],
    "graduated": ["answers an escalation", "offers a conciliatory step", "holds rather than concede while losing ground"],
    "restraint": ["presses the actors it restrains", "calls for calm"],
    "alliance": ["no ally under threat", "alliance: backs", "with support wavering", "losing ground"],
    "scripted": ["follows the scenario's timeline"],
    "human": ["chosen by the players"],
}
PARAMS = {"alliance": {"ceiling": "nuclear_signalling", "floor": "political_signalling", "aid": "expanded_arms_support"},
          "graduated": {"floor": "ceasefire_talks"},
          "restraint": {"signal": "political_signalling", "alarm": "strategic_conventional_strike"}}

levels = st.one_of(st.just(-1.0), st.floats(0, TOP))
column = st.lists(levels, min_size=W, max_size=W)


@st.composite
def situations(draw):
    arrays = {k: np.array(draw(column)) for k in ("threat", "need", "watched")}
    posture = np.array(draw(st.lists(st.integers(0, TOP), min_size=W, max_size=W)), dtype=float)
    # last turn's threat: none yet, anywhere, or a little below today's (a small rise: the tolerances live there)
    kind = draw(st.lists(st.sampled_from(["none", "anywhere", "rise"]), min_size=W, max_size=W))
    anywhere = np.array(draw(st.lists(st.floats(-1, TOP), min_size=W, max_size=W)))
    rise = np.array(draw(st.lists(st.floats(0, 1.5), min_size=W, max_size=W)))
    last = np.select([np.array(kind) == "none", np.array(kind) == "anywhere"], [np.nan, anywhere], arrays["threat"] - rise)
    resolve = np.array(draw(st.lists(st.floats(0, 1), min_size=W, max_size=W)))
    by = np.where(arrays["threat"] >= 0, draw(st.integers(0, len(NAMES) - 1)), -1)
    loss = np.array(draw(st.lists(st.one_of(st.just(0.0), st.floats(0, 0.5)), min_size=W, max_size=W)))
    fought = np.array(draw(st.lists(st.booleans(), min_size=W, max_size=W)))
    return Situation(name="Player", posture=posture, threat=arrays["threat"], threat_by=by, last_threat=last, need=arrays["need"],
                     watched=arrays["watched"], resolve=resolve, ladder=LADDER, actor_names=NAMES, turn=draw(st.integers(0, 90)),
                     loss=loss, fought=fought)


def world(s: Situation, i: int) -> Situation:
    """World ``i`` of a situation alone, as a situation of one world."""
    fields = {k: (v[i : i + 1] if isinstance(v, np.ndarray) else v) for k, v in vars(s).items()}
    return Situation(**fields)


def rule(name):
    return RULES[name](PARAMS.get(name, {}), LADDER)


@pytest.mark.parametrize("name", sorted(RULES))
@settings(max_examples=150, deadline=None)
@given(s=situations())
def test_the_aim_is_finite_on_the_ladder_and_the_same_world_by_world(name, s):
    r = rule(name)
    aim = np.asarray(r.aim(s), dtype=float)
    assert aim.shape == (W,) and np.isfinite(aim).all()
    assert (aim >= 0).all() and (aim <= TOP).all()
    for i in range(W):
        assert r.aim(world(s, i))[0] == aim[i]
        assert isinstance(r.explain(world(s, i)), str)


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_branch_of_the_explanation_is_reached(name):
    r, seen = rule(name), set()

    @settings(max_examples=300, deadline=None, database=None)
    @given(s=situations())
    def explain(s):
        for i in range(W):
            text = r.explain(world(s, i))
            seen.update(phrase for phrase in BRANCHES[name] if phrase in text)

    explain()
    assert seen == set(BRANCHES[name])


def test_every_rule_has_its_branches_listed():
    assert set(BRANCHES) == set(RULES)


STAKE = {"restraint": "watched"}  # what each deciding rule has a stake in, beyond its resolve (default: its side's losses)


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r.decides))
@pytest.mark.parametrize("reading", ["resolve", "stake"])
def test_every_deciding_rule_reads_its_resolve_and_its_stake(name, reading):
    """Somewhere in the space of situations, changing the input alone changes the aim."""
    r, field = rule(name), "resolve" if reading == "resolve" else STAKE.get(name, "loss")
    found = []

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)  # the same examples every run: an existence test must not be flaky
    @given(s=situations())
    def probe(s):
        if found:
            return  # one example is all it takes
        other = dict(vars(s))
        other[field] = np.clip(s.__dict__[field] + (0.6 if field != "watched" else 3.0), 0, 1 if field == "resolve" else TOP)
        if not np.array_equal(r.aim(s), r.aim(Situation(**other))):
            found.append(True)

    probe()
    assert found, f"the rule '{name}' never reads its {field}"


TWINNED = ("alliance", "brinkmanship", "graduated", "reciprocal", "restraint")  # the shipped rules with a compiled twin (see kernels)


@pytest.mark.parametrize("name", sorted(RULES))
@settings(max_examples=100, deadline=None)
@given(s=situations(), data=st.data())
def test_a_compiled_twin_gives_the_aim_bit_for_bit(name, s, data):
    """A rule's compiled twin, where it has one, equals its aim, also with each number parameter differing world by world (a sweep)."""
    r = rule(name)
    twin = r.compiled_aim(s)
    assert (twin is not None) == (name in TWINNED)
    if twin is None:
        return  # its aim serves on both paths
    assert np.array_equal(twin, r.aim(s))
    numbers = [f for f, info in r.Params.model_fields.items() if info.annotation is float]
    r.params = r.params.model_copy(update={f: np.array(data.draw(st.lists(st.floats(0, 3), min_size=W, max_size=W))) for f in numbers})
    assert np.array_equal(r.compiled_aim(s), r.aim(s))
