"""Ladder and scenario invariants, the shipped files' conventions, and the documented timeline."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation.model import END_STATES, Crisis
from escalation.model.actor import candidate_table
from escalation.model.ladder import CompiledLadder
from escalation.scenario.loading import load_ladder_file, load_scenario
from escalation.scenario.paths import shipped_ladders, shipped_scenarios

SHIPPED = sorted(shipped_scenarios())
CORE = ["nov-2024", "no-atacms", "oreshnik-nuclear-signalling", "us-withdraws", "weak-china-restraint"]
SEEDS = {"000_af5c2d06aa3a851d.txt", "001_2144309efa135f52.txt", "002_d35e882098e13744.txt", "003_8c7dbb1329846943.txt", "004_36505e565447df1c.txt"}
PARAMETERS = (
    "noise|accident_rate|credibility_erosion|credibility_gain|deterrence|restraint|restraint_threshold|veto|obligation|inertia|max_down"
    "|rule|posture|resolve|risk_tolerance|temperature|cost_sensitivity|leverage|max_step|active|credibility|grace|chance"
    "|margin|offset|ceiling|floor|calm|signal|alarm|step|tolerance|min_rung|max_rung"
)


# ------------------------------------------------------------------ the ladder


@pytest.mark.parametrize("name", sorted(shipped_ladders()))
def test_shipped_ladder_is_ordered_and_costs_grow_with_the_rungs(name):
    lad = CompiledLadder.build(load_ladder_file(shipped_ladders()[name]))
    assert list(lad.level.values()) == list(range(lad.n))
    assert (np.diff(lad.danger) >= 0).all() and lad.danger[0] >= 0
    assert ((lad.threshold_levels > 0) & (lad.threshold_levels < lad.n)).all()
    for rung in lad.spec.rungs:
        assert 1 <= rung.mid <= 5 and -10 <= rung.goldstein <= 10 and rung.description


@settings(max_examples=200, deadline=None)
@given(reach=st.sets(st.integers(0, 11), min_size=1), down=st.integers(1, 4), up=st.integers(1, 5))
def test_candidates_step_along_the_actor_reach(reach, down, up):
    reach = np.array(sorted(reach))
    offsets = np.arange(-down, up + 1)
    table = candidate_table(reach, offsets, 12)
    stay = down
    for level in range(12):
        column = table[:, level]
        assert column[stay] == level
        below, above = column[:stay], column[stay + 1 :]
        assert set(below[below >= 0]) | set(above[above >= 0]) <= set(reach.tolist())
        # the nearest rungs of the reach below and above, in order, as many as the steps allow
        assert [v for v in below[::-1] if v >= 0] == sorted(reach[reach < level].tolist(), reverse=True)[:down]
        assert [v for v in above if v >= 0] == reach[reach > level].tolist()[:up]


# ------------------------------------------------------------------ scenario invariants


def set_by_events(scenario, key: str) -> set[int]:
    """Rungs the scenario's events may put an actor on, whatever its reach."""
    ids = {r.id: r.level for r in scenario.ladder.rungs}
    return {ids[fx.set_posture.rung] for ev in [*scenario.events, *scenario.injects] for fx in ev.effects if fx.set_posture and fx.set_posture.actor == key}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(SHIPPED), seed=st.integers(0, 2**32 - 1), worlds=st.integers(1, 40))
def test_invariants_hold_in_every_world_of_every_shipped_scenario(name, seed, worlds):
    sc = load_scenario(name)
    model = Crisis(sc, worlds=worlds, rng=seed, trajectories=True)
    lad = model.ladder
    by_events = {a.key: set_by_events(sc, a.key) for a in model.order}
    peaks = {a.key: a.peak.copy() for a in model.order}
    system_peak = model.system_peak.copy()
    while model.running:
        model.step()
        for a in model.order:
            placed = np.isin(a.posture, list(by_events[a.key]))
            inside = np.isin(a.posture, a.reach) & (a.posture >= a.min_level) & (a.posture <= a.max_level)
            assert (inside | placed | ~a.active).all(), f"{a.key} left its reach and bounds"
            assert (a.peak >= peaks[a.key]).all() and (a.peak >= np.where(a.active, a.posture, -1)).all()
            peaks[a.key] = a.peak.copy()
        assert (model.system_peak >= system_peak).all()
        system_peak = model.system_peak.copy()

    out = model.outcomes()
    path = model.system_path.astype(np.int64)
    assert all(v.shape == (worlds,) for v in out.values())
    assert np.array_equal(out["peak_rung"], path.max(axis=0)) and np.array_equal(out["final_rung"], path[-1])
    assert ((path >= 0) & (path < lad.n)).all()
    # each threshold's fact, recomputed from the trajectories: from the branch on, an actor climbing into the
    # threshold's band from its standing posture of the day before, or taking a one-off action there
    bands = np.append(lad.band, -1)
    actions = np.append(lad.action, False)
    standing = np.array([lad.level[a.spec.posture] if a.spec.active else -1 for a in model.order])[:, None].repeat(worlds, axis=1)
    facts = np.zeros((len(lad.threshold_ids), model.turns, worlds), dtype=bool)
    at_branch = standing
    for t in range(model.turns):
        if t == model.branch:
            at_branch = standing.copy()
        now = model.path[t].astype(np.int64)
        fresh = (bands[now] > bands[standing]) | (actions[now] & (now != standing))
        if t >= model.branch:
            for i, level in enumerate(lad.threshold_levels):
                facts[i, t] = (fresh & (bands[now] == lad.band[level])).any(axis=0)
        standing = np.where(actions[now], standing, now)
    for i, tid in enumerate(lad.threshold_ids):
        assert np.array_equal(out[f"first_{tid}"], np.where(facts[i].any(axis=0), facts[i].argmax(axis=0), -1)), tid
    for i, a in enumerate(model.order):
        live = model.path[:, i, :].astype(np.int64)
        assert np.array_equal(out[f"peak_{a.key}"], np.maximum(live.max(axis=0), np.where(a.spec.active, lad.level[a.spec.posture], -1)))
        assert np.array_equal(path, np.maximum(path, live))  # no actor stands above the system rung

    # the end state, recomputed: facts first, then the pairs at war at the branch, then the intensity against the branch's
    score = np.append(lad.intensity, 0)
    b, e = score[at_branch].sum(axis=0), score[standing].sum(axis=0)
    fighting = np.append([r.category in ("status quo", "violent escalation", "nuclear") for r in lad.spec.rungs], False)
    talks = np.append([r.category == "de-escalation" for r in lad.spec.rungs], True)
    keys = list(sc.actors)
    pairs = sorted({tuple(sorted((keys.index(k), keys.index(o)))) for k, a in sc.actors.items() for o in a.relations.adversaries})
    settled = np.zeros(worlds, dtype=bool)
    if pairs:
        i, j = np.array(pairs).T
        both = (at_branch[i] >= 0) & (at_branch[j] >= 0)
        war = both & (fighting[at_branch[i]] | fighting[at_branch[j]])
        matter = np.where(war.any(axis=0), war, both)
        quiet = (talks[standing[i]] | talks[standing[j]]) & ~fighting[standing[i]] & ~fighting[standing[j]]
        settled = matter.any(axis=0) & (quiet | ~matter).all(axis=0)
    band = sc.settings.contained_band
    code = END_STATES.index
    def from_(threshold):  # a fact of this threshold or of any graver one
        floor = lad.threshold_level(threshold)
        return np.any([out[f"first_{t}"] >= 0 for t, lv in zip(lad.threshold_ids, lad.threshold_levels) if lv >= floor], axis=0)

    expect = np.select(
        [from_("nuclear_threshold"), from_("direct_nato_russia_war"), settled, e > b + band, e < b - band],
        [code("nuclear_use"), code("direct_nato_russia_war"), code("settled"), code("escalated"), code("de_escalated")],
        code("contained"),
    )
    end = out["end_state"]
    assert np.array_equal(end, expect)


# ------------------------------------------------------------------ the documented timeline


def test_all_scripted_baseline_replays_the_documented_timeline(baseline):
    """With every actor scripted, each posture is exactly what the documented events set: a standing
    posture from its date on, a one-off action (the Oreshnik strike) on its date only."""
    sc = baseline.with_rules("scripted")
    model = Crisis(sc, rng=0).run()
    ids = {r.id: r.level for r in sc.ladder.rungs}
    action = {r.id for r in sc.ladder.rungs if r.kind == "action"}
    expected = {k: np.full(sc.turns, ids[a.posture]) for k, a in sc.actors.items()}
    moves = []
    for ev in sorted(sc.events, key=lambda e: sc.turn_of(e.at.date) if e.at and e.at.date else 0):
        for fx in ev.effects:
            if fx.set_posture:
                assert ev.status == "documented" and ev.at is not None
                turn, rung = sc.turn_of(ev.at.date), fx.set_posture.rung
                if rung in action:
                    expected[fx.set_posture.actor][turn] = ids[rung]
                else:
                    expected[fx.set_posture.actor][turn:] = ids[rung]
                moves.append((turn, fx.set_posture.actor, ids[rung], ev.id))
    assert len(moves) >= 8
    for i, key in enumerate(model.keys):
        assert model.path[:, i, 0].tolist() == expected[key].tolist(), key
    for turn, actor, level, eid in moves:
        assert model.path[turn, model.keys.index(actor), 0] == level, eid
        assert any(e.kind == "event" and e.extra["id"] == eid and e.date == sc.date_of(turn) for e in model.narrative), eid
    # the documented week in brief: strikes inside Russia on the 19th, Oreshnik on the 21st
    assert model.path[sc.turn_of(dt.date(2024, 11, 19)), model.keys.index("ukraine"), 0] == ids["cross_border_strikes"]
    assert model.path[sc.turn_of(dt.date(2024, 11, 21)), model.keys.index("russia"), 0] == ids["strategic_conventional_strike"]


def test_documented_events_of_the_baseline_are_dated_from_the_seeds(baseline):
    documented = [e for e in baseline.events if e.status == "documented"]
    assert len(documented) >= 15
    ids = {e.id for e in documented}
    assert {"atacms_authorised", "first_atacms_volley", "nuclear_doctrine_revised", "oreshnik_dnipro", "us_transition"} <= ids
    assert baseline.start.isoformat() == "2024-11-17" and baseline.turn_days == 1 and baseline.end.isoformat() > "2025-01-20"


# ------------------------------------------------------------------ the files' conventions


@pytest.mark.parametrize("name", SHIPPED)
def test_scenario_opens_with_its_question_and_says_it_is_illustrative(name):
    text = shipped_scenarios()[name].read_text(encoding="utf-8")
    opening = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        opening.append(line)
    opening = " ".join(opening)
    assert "Question:" in opening and "Illustrative scenario exploration, not a prediction" in opening
    sc = load_scenario(name)
    assert sc.kind == ("baseline" if name == "nov-2024" else "what-if")


@pytest.mark.parametrize("name", SHIPPED)
def test_documented_events_cite_a_seed_article(name):
    sc = load_scenario(name)
    for ev in [*sc.events, *sc.injects]:
        if ev.status == "documented":
            assert ev.source.seed in SEEDS and ev.source.title, ev.id


@pytest.mark.parametrize("name", CORE)
def test_every_parameter_has_a_rationale(name):
    text = shipped_scenarios()[name].read_text(encoding="utf-8")
    body = text.split("\ninjects:")[0]
    bare = [line for line in body.splitlines() if re.match(rf"\s+({PARAMETERS}):", line) and "#" not in line]
    assert not bare, f"{name}: parameters without a rationale comment: {bare}"


@pytest.mark.parametrize("name", CORE[1:])
def test_what_if_changes_are_marked_hypothetical(name):
    sc, base = load_scenario(name), load_scenario("nov-2024")
    base_events = {e.id: e for e in base.events}
    new = [e for e in sc.events if e.id not in base_events]
    assert all(e.status == "hypothetical" for e in new)
    assert new or sc.actors != base.actors  # a what-if changes something
