"""The model's mechanisms as comparative statics over seeded ensembles, with their effect sizes.

Each ``measure_*`` changes one thing and returns an :class:`Effect`: the outcome before and
after, and a one-sided p-value that it moved the way the mechanism says. Variants of one
scenario draw the same random numbers world by world (common random numbers), so the tests are
paired: a signed-rank test on levels, an exact McNemar test on yes/no outcomes.
``tests/test_mechanisms.py`` asserts them; ``python -m tests.mechanisms`` prints the table that
``docs/odd.md`` reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy import stats

from escalation.model import Crisis
from escalation.model.rules import RULES
from escalation.scenario.loading import load_scenario
from tests.conftest import make_actor, make_event, make_scenario, moved, vary

WORLDS = 4_000
SEED = 11


@dataclass(frozen=True)
class Effect:
    what: str
    before: float
    after: float
    p: float  # one-sided: the chance of a move at least this large the mechanism's way if there were none

    @property
    def size(self) -> float:
        return self.after - self.before


def run(scenario, worlds: int = WORLDS, **kw):
    model = Crisis(scenario, worlds=worlds, rng=SEED, **kw).run()
    return model, model.outcomes()


def greater(after: np.ndarray, before: np.ndarray) -> float:
    """Paired one-sided signed-rank test that ``after`` is larger."""
    if np.array_equal(after, before):
        return 1.0
    return float(stats.wilcoxon(after, before, alternative="greater").pvalue)


def more_often(after: np.ndarray, before: np.ndarray) -> float:
    """Paired one-sided exact McNemar test that ``after`` holds more often."""
    gained, lost = int((after & ~before).sum()), int((before & ~after).sum())
    return float(stats.binomtest(gained, gained + lost, 0.5, alternative="greater").pvalue) if gained + lost else 1.0


def pair(**fields) -> dict:
    """Two adversaries, A and B, free to climb from talks to a strategic exchange."""
    common = {"temperature": 0.5, "cost_sensitivity": 1.0, "risk_tolerance": 0.5, "resolve": 0.5, **fields}
    return {
        "a": make_actor("A", "reciprocal", "political_signalling", relations={"adversaries": ["b"]}, **common),
        "b": make_actor("B", "reciprocal", "political_signalling", relations={"adversaries": ["a"]}, **common),
    }


def measure_misperception_spiral() -> Effect:
    """Jervis's spiral: two reciprocators in a thicker fog (read a little worse than they are) stand higher on average."""
    clear = make_scenario(pair(), turns=60, noise=0.0, suspicion=0.5, inertia=1.0)
    foggy = vary(clear, settings={"noise": 0.6})
    before, after = run(clear)[1]["intensity_mean"], run(foggy)[1]["intensity_mean"]
    return Effect("time-averaged intensity, reciprocal pair, fog 0 -> 0.6", before.mean(), after.mean(), greater(after, before))


def measure_severity_deters() -> Effect:
    """At equal credibility a line promising a graver response deters more: days the watched actor spends over it."""

    def line(response: str):
        actors = pair()
        actors["a"]["capabilities"] = {"max_rung": "cross_border_strikes"}
        actors["b"] = make_actor("B", "scripted", "cross_border_strikes", relations={"adversaries": ["a"]},
                                 red_lines=[{"id": "no_strikes", "watch": ["a"], "at": "cross_border_strikes", "response": response,
                                             "credibility": 0.5, "grace": 3}])
        return make_scenario(actors, turns=40, noise=0.3, inertia=1.0, deterrence=0.5)

    days = {r: run(line(r))[1]["days_a_violent_escalation"] for r in ("cross_border_strikes", "theatre_nuclear_war")}
    mild, severe = days["cross_border_strikes"], days["theatre_nuclear_war"]
    return Effect("days A stands over the line: mild -> severe promised response", mild.mean(), severe.mean(), greater(mild, severe))


def measure_patron_restraint() -> Effect:
    """China's restraint lowers Russia's nuclear use in the baseline itself: nuclear use with China's leverage 0.6 -> 0."""
    base = load_scenario("nov-2024")
    nuclear = {lev: run(vary(base, "china", leverage=lev), worlds=20_000)[1]["end_state"] == 5 for lev in (0.6, 0.0)}
    return Effect("nuclear use share, China's leverage 0.6 -> 0", nuclear[0.6].mean(), nuclear[0.0].mean(), more_often(nuclear[0.0], nuclear[0.6]))


def measure_grit_calms_a_reciprocator() -> Effect:
    """GRIT against a reciprocator comes down the ladder: time-averaged intensity, A reciprocal -> A graduated."""
    base = make_scenario(pair(), turns=60, noise=0.3, inertia=1.0)
    grit = vary(base, "a", rule="graduated", params={})
    before, after = run(base)[1]["intensity_mean"], run(grit)[1]["intensity_mean"]
    return Effect("time-averaged intensity vs a reciprocator, A reciprocal -> graduated", before.mean(), after.mean(), greater(before, after))


WAR = {"sides": ["a", "b"], "momentum": 0.01, "volatility": 0.01}


def measure_grit_exploited() -> Effect:
    """With a stake, brinkmanship exploits GRIT: B's share of the stake at the end, A reciprocal -> A graduated."""
    actors = pair()
    for k in actors:
        actors[k]["posture"] = "cross_border_strikes"
    actors["b"].update(rule="brinkmanship", resolve=0.9)  # resolved enough to stand a rung above
    base = make_scenario(actors, turns=60, noise=0.3, inertia=1.0, war=WAR)
    grit = vary(base, "a", rule="graduated", params={})
    before, after = -run(base)[1]["balance_end"], -run(grit)[1]["balance_end"]  # the balance is A's: B's share is its negative
    return Effect("B's (brinkmanship) share of the stake at the end, A reciprocal -> graduated", before.mean(), after.mean(), greater(after, before))


def measure_veto_delays() -> Effect:
    """A veto player delays support rather than only lowering it: the day the supporter first gives its aid."""
    actors = {
        "client": make_actor("Client", "scripted", "political_signalling", relations={"adversaries": ["foe"], "patrons": ["patron"]}),
        "foe": make_actor("Foe", "scripted", "political_signalling", relations={"adversaries": ["client"]}),  # not yet fighting
        "patron": make_actor("Patron", "alliance", "political_signalling", temperature=0.5, params={"aid": "expanded_arms_support"},
                             relations={"adversaries": ["foe"], "veto_players": ["vetoer"]},
                             capabilities={"rungs": ["ceasefire_talks", "political_signalling", "expanded_arms_support"]}),
        "vetoer": make_actor("Vetoer", "scripted", "political_signalling", leverage=0.0),
    }
    events = [moved("foe", "cross_border_strikes", 3)]
    free = make_scenario(actors, events, turns=40, veto=0.5, inertia=1.0)
    vetoed = vary(free, "vetoer", leverage=0.9)
    aid = free.resolved_ladder.rungs[3].level  # expanded arms support

    def first_aid(scenario):
        model = Crisis(scenario, worlds=WORLDS, rng=SEED, trajectories=True).run()
        assert model.path is not None
        at = model.path[:, model.keys.index("patron"), :] >= aid
        return np.where(at.any(axis=0), at.argmax(axis=0), len(at)), at[-1]

    (t0, end0), (t1, end1) = first_aid(free), first_aid(vetoed)
    assert end0.mean() > 0.9 and end1.mean() > 0.9, "both give their aid in the end: the veto delays it, it does not stop it"
    return Effect("first day of aid after the attack on day 3, veto leverage 0 -> 0.9", t0.mean(), t1.mean(), greater(t1, t0))


def leader_change(rule: str) -> tuple:
    """An actor on ``rule`` facing a climbing adversary, and the same with a new, irresolute leader on day 10."""
    foe_climbs = [moved("foe", rung, t) for t, rung in ((4, "political_signalling"), (8, "expanded_arms_support"), (12, "cross_border_strikes"),
                                                         (16, "third_party_combat"), (20, "nuclear_signalling"))]
    x = make_actor("X", rule, "political_signalling", temperature=0.5, cost_sensitivity=0.5, resolve=0.9,
                   relations={"adversaries": ["foe"]}, params={"aid": "expanded_arms_support"} if rule == "alliance" else {})
    actors = {
        "x": x,
        "foe": make_actor("Foe", "scripted", "contained_war", relations={"adversaries": ["x", "client"], "restrainers": ["x"]}),
        "client": make_actor("Client", "scripted", "contained_war", relations={"adversaries": ["foe"], "patrons": ["x"]}),
    }
    new_leader = make_event("new_leader", 10, {"set_trait": {"actor": "x", "trait": "resolve", "value": 0.1}})
    return tuple(make_scenario(actors, events, turns=40, noise=0.3, inertia=1.0) for events in (foe_climbs, [*foe_climbs, new_leader]))


DECIDING = sorted(name for name, cls in RULES.items() if cls.decides)


def measure_leader_change(rule: str) -> Effect:
    """A change of leader that drains resolve moves every deciding rule: its mean posture after the change."""
    base, changed = leader_change(rule)
    (m0, _), (m1, _) = run(base, trajectories=True), run(changed, trajectories=True)
    assert m0.path is not None and m1.path is not None
    after0, after1 = m0.path[10:, 0, :].mean(axis=0), m1.path[10:, 0, :].mean(axis=0)
    assert np.array_equal(m0.path[:10], m1.path[:10]), "the same worlds until the change"
    return Effect(f"{rule}: mean level after a new leader (resolve 0.9 -> 0.1)", after0.mean(), after1.mean(), greater(after0, after1))


def measure_losing_escalates() -> Effect:
    """Losing on the battlefield raises the loser's risk of escalation: the share of worlds where A climbs to a direct
    clash or beyond, when its adversary's strength rises from A's own (1) to twice it, so that A loses ground (a loser
    also settles more readily: the risk is in the tail)."""
    actors = pair(risk_tolerance=0.3)
    for k in actors:
        actors[k]["posture"] = "cross_border_strikes"
    actors["a"].update(rule="brinkmanship", resolve=0.6)
    even = make_scenario(actors, turns=60, noise=0.3, inertia=1.0, war={**WAR, "optimism": 2.0})  # sanguine sides, slow to settle
    assert even.war is not None
    stronger = even.model_copy(update={"war": even.war.model_copy(update={"strength": {"b": 2.0}})})
    clash = even.resolved_ladder.rungs[8].level  # the direct clash
    reached = [run(sc)[1]["peak_a"] >= clash for sc in (even, stronger)]
    return Effect("share of worlds where A climbs to a direct clash or beyond, adversary's strength 1 -> 2", reached[0].mean(), reached[1].mean(),
                  more_often(reached[1], reached[0]))


def all_effects() -> list[Effect]:
    return [
        measure_misperception_spiral(),
        measure_severity_deters(),
        measure_patron_restraint(),
        measure_grit_calms_a_reciprocator(),
        measure_grit_exploited(),
        measure_veto_delays(),
        *(measure_leader_change(rule) for rule in DECIDING),
        measure_losing_escalates(),
    ]


if __name__ == "__main__":
    print(f"| mechanism | before | after | effect | p (one-sided) |\n|---|---|---|---|---|  (seed {SEED}, {dt.date.today()})")
    for e in all_effects():
        print(f"| {e.what} | {e.before:.3f} | {e.after:.3f} | {e.size:+.3f} | {e.p:.1e} |")
