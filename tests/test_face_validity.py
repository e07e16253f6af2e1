"""Face validity: the direction of comparative statics over seeded ensembles.

Each test changes one thing and asks only which way an outcome moves, with a
statistical test at a fixed seed. Variants of one scenario draw the same random
numbers world by world (common random numbers), so most comparisons are paired:
an exact McNemar test on the worlds where the outcome differs, or a signed-rank
test. Scenarios with different events are compared unpaired.

Nuclear use is rare in the baseline (under one world in a hundred, nearly all after a
NATO-Russia clash; see ``tests/test_mechanisms.py`` for restraint measured there); the
two questions asked here of it use ``oreshnik-nuclear-signalling``, where Russia has
lowered its nuclear threshold and it is common enough for a small ensemble.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
from scipy import stats

from escalation.model import Crisis
from escalation.scenario.loading import load_scenario

WORLDS = 6_000
SEED = 2024
ALPHA = 1e-6  # a clear margin, not a borderline one


def outcomes(scenario):
    model = Crisis(scenario, worlds=WORLDS, rng=SEED).run()
    return model, model.outcomes()


@functools.cache
def shipped(name):
    return outcomes(load_scenario(name))


def more_often(before: np.ndarray, after: np.ndarray) -> float:
    """One-sided exact McNemar test, paired worlds: p-value that ``after`` holds no more often than ``before``."""
    gained, lost = int((after & ~before).sum()), int((before & ~after).sum())
    return stats.binomtest(gained, gained + lost, 0.5, alternative="greater").pvalue


def test_stronger_chinese_restraint_lowers_the_chance_of_nuclear_use(kit):
    base = shipped("oreshnik-nuclear-signalling")[1]["first_nuclear_threshold"] >= 0
    stronger = outcomes(kit.vary(load_scenario("oreshnik-nuclear-signalling"), "china", leverage=0.9))[1]["first_nuclear_threshold"] >= 0
    assert base.mean() > 0.01, "nuclear use must be common enough here to measure"
    assert stronger.mean() < base.mean() and more_often(stronger, base) < ALPHA


def test_higher_russian_risk_tolerance_raises_the_chance_of_nuclear_use(kit):
    base = shipped("oreshnik-nuclear-signalling")[1]["first_nuclear_threshold"] >= 0
    bolder = outcomes(kit.vary(load_scenario("oreshnik-nuclear-signalling"), "russia", risk_tolerance=0.6))[1]["first_nuclear_threshold"] >= 0
    assert bolder.mean() > base.mean() and more_often(base, bolder) < ALPHA


def test_higher_russian_risk_tolerance_raises_the_chance_of_a_nato_russia_war(kit):
    base = shipped("nov-2024")[1]["first_direct_nato_russia_war"] >= 0
    bolder = outcomes(kit.vary(load_scenario("nov-2024"), "russia", risk_tolerance=0.6))[1]["first_direct_nato_russia_war"] >= 0
    assert bolder.mean() > base.mean() and more_often(base, bolder) < ALPHA


def test_without_the_atacms_authorisation_a_strategic_class_strike_is_rarer():
    struck = shipped("nov-2024")[1]["first_strategic_strike"] >= 0
    unauthorised = shipped("no-atacms")[1]["first_strategic_strike"] >= 0
    table = [[struck.sum(), (~struck).sum()], [unauthorised.sum(), (~unauthorised).sum()]]
    assert unauthorised.mean() < struck.mean() and stats.fisher_exact(table, alternative="greater").pvalue < ALPHA


def test_more_misperception_raises_the_peak_rung(kit):
    base = shipped("nov-2024")[1]["peak_rung"]
    foggier = outcomes(kit.vary(load_scenario("nov-2024"), settings={"noise": 0.9}))[1]["peak_rung"]
    assert foggier.mean() > base.mean() and stats.wilcoxon(foggier, base, alternative="greater").pvalue < ALPHA


def test_more_accidents_raise_the_chance_of_a_nato_russia_war(kit):
    base = shipped("nov-2024")[1]["first_direct_nato_russia_war"] >= 0
    clumsier = outcomes(kit.vary(load_scenario("nov-2024"), settings={"accident_rate": 0.1}))[1]["first_direct_nato_russia_war"] >= 0
    assert clumsier.mean() > base.mean() and more_often(base, clumsier) < ALPHA


def test_us_withdrawal_brings_ukraine_down_the_ladder_and_hands_russia_ground():
    (base_model, base), (gone_model, gone) = shipped("nov-2024"), shipped("us-withdraws")
    transition = load_scenario("us-withdraws").turn_of(dt.date(2025, 1, 21))
    # the same worlds until the withdrawal: the comparison is paired
    assert np.array_equal(base_model.system_path[:transition], gone_model.system_path[:transition])
    for actor in ("ukraine", "united_states"):
        before, after = base_model.actors[actor].posture, gone_model.actors[actor].posture
        assert after.mean() < before.mean() and stats.wilcoxon(before, after, alternative="greater").pvalue < ALPHA, actor
    # without US arms the front moves Russia's way, and a Russia gaining ground settles less often
    front_gone, front_kept = gone["balance_end"], base["balance_end"]
    assert front_gone.mean() > front_kept.mean() and stats.wilcoxon(front_gone, front_kept, alternative="greater").pvalue < ALPHA
    settled_base, settled_gone = base["end_state"] == 0, gone["end_state"] == 0
    assert settled_gone.mean() < settled_base.mean() and more_often(settled_gone, settled_base) < ALPHA


def test_a_change_of_leader_that_drains_resolve_lowers_us_support():
    base = load_scenario("nov-2024")
    events = []
    for ev in base.events:  # the same transition, but the new leader as resolute as the old
        if ev.id == "us_transition":
            effects = [fx for fx in ev.effects if not (fx.set_trait and fx.set_trait.trait == "resolve")]
            ev = ev.model_copy(update={"effects": effects})
        events.append(ev)
    steady = base.model_copy(update={"events": events})
    drained_model, steady_model = shipped("nov-2024")[0], outcomes(steady)[0]
    transition = base.turn_of(dt.date(2025, 1, 20))
    assert np.array_equal(drained_model.system_path[:transition], steady_model.system_path[:transition])
    drained, kept = drained_model.actors["united_states"].posture, steady_model.actors["united_states"].posture
    assert drained.mean() < kept.mean() and stats.wilcoxon(kept, drained, alternative="greater").pvalue < ALPHA
