"""Calibration targets for the baseline, and the ensemble's headline shares to check them against.

The targets are outside anchors, cited as references for the size of tail risks and for
what actually happened after the documented week, not as predictions. Each target is a
band for one share of worlds; :func:`check` says which the ensemble meets, with a 95%
interval for each share (exact, Clopper-Pearson). ``docs/calibration.md`` gives the sources and how
each parameter was set; ``tests/test_calibration.py`` checks every target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from escalation.analysis.intervals import clopper_pearson
from escalation.model.outcomes import END_STATES

US_TRANSITION = dt.date(2025, 1, 20)
HISTORY_END = dt.date(2025, 2, 14)  # what happened is compared up to here


@dataclass(frozen=True)
class Target:
    """A band [low, high] for one headline share (a fraction of worlds), with where it comes from."""

    share: str
    low: float
    high: float
    why: str


def history_like(scenario, out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """What actually happened after the documented week, to 14 February 2025, as masks over worlds.

    - the war goes on with cross-border strikes: the war's second side (Ukraine) stands on a
      violent rung on at least half the days after the branch, and no settlement holds at the end;
    - no second strategic-class episode (no strategic-class strike after the branch);
    - no direct NATO-Russia clash; no nuclear use;
    - talk of negotiations after the US transition: on some day from 20 January 2025 on, at least
      one side would rather settle than fight on.
    """
    days = scenario.turns - scenario.branch_turn
    transition = scenario.turn_of(US_TRANSITION)
    second = scenario.war.sides[1]
    es = out["end_state"]
    parts = {
        "war_goes_on": (out[f"days_{second}_violent_escalation"] >= days / 2) & (es != END_STATES.index("settled")),
        "no_second_strategic_strike": out.get("episodes_strategic_conventional_strike", np.zeros_like(es)) == 0,
        "no_nato_russia_clash": out["first_direct_nato_russia_war"] < 0,
        "no_nuclear_use": es != END_STATES.index("nuclear_use"),
        "talk_of_negotiations": np.max([out[f"last_willing_{s}"] for s in scenario.war.sides], axis=0) >= transition,
    }
    parts["history_like"] = np.logical_and.reduce(list(parts.values()))
    return parts


def headline(scenario, out: dict[str, np.ndarray]) -> dict[str, tuple[int, int]]:
    """The headline shares as (hits, worlds): each end state, a NATO-Russia clash, nuclear use (given a clash
    and without one), a strategic-class strike after the branch, and the history-like parts."""
    es = out["end_state"]
    n = len(es)
    clash = out["first_direct_nato_russia_war"] >= 0
    nuclear = es == END_STATES.index("nuclear_use")
    shares = {f"end_{s}": (int((es == i).sum()), n) for i, s in enumerate(END_STATES)}
    shares["nato_russia_clash"] = (int(clash.sum()), n)
    shares["nuclear_use"] = (int(nuclear.sum()), n)
    shares["nuclear_given_clash"] = (int((nuclear & clash).sum()), int(clash.sum()))
    shares["nuclear_without_clash"] = (int((nuclear & ~clash).sum()), int((~clash).sum()))
    shares["strategic_strike"] = (int((out["first_strategic_strike"] >= 0).sum()), n)
    if scenario.war is not None and scenario.end >= HISTORY_END:
        for name, mask in history_like(scenario, out).items():
            shares[name] = (int(mask.sum()), n)
    return shares


# The baseline's targets over its horizon (17 Nov 2024 to 14 Feb 2025, branching on 23 Nov).
TARGETS = (
    *(Target(f"end_{s}", 0.0, 0.80, "no end state holds 80% of worlds: the ensemble must not be fixed before turn 1") for s in END_STATES),
    Target("nuclear_use", 0.001, 0.05, "first nuclear use within about 90 days: Samotsvety (Oct 2022) about 4% per 90 days; "
           "Swift Centre (Oct 2022) 9% within six months; late-2024 estimates lower than the 2022 peak"),
    Target("nato_russia_clash", 0.005, 0.10, "a direct NATO-Russia clash in a band comparable with nuclear use (forecasters put "
           "both in the low single digits per year in 2022-2024)"),
    Target("nuclear_given_clash", 0.10, 1.0, "forecasters judged that a direct NATO-Russia clash would make nuclear use likely "
           "(Metaculus Pro Forecasters, Mar 2022)"),
    Target("nuclear_without_clash", 0.0, 0.01, "without a clash, nuclear use stays rare: the conventional firebreak holds"),
    *(Target(name, 0.5, 1.0, f"what happened after the documented week ({name.replace('_', ' ')}) holds in most worlds")
      for name in ("war_goes_on", "no_second_strategic_strike", "no_nato_russia_clash", "no_nuclear_use", "talk_of_negotiations")),
    Target("history_like", 0.15, 1.0, "all of what happened at once lies in the bulk of the ensemble, not in a tail"),
)
# nuclear use must also be much likelier given a clash than without one
GIVEN_CLASH_RATIO = 10.0


@dataclass(frozen=True)
class Check:
    target: Target
    share: float
    low: float  # its 95% interval
    high: float

    @property
    def met(self) -> bool:
        return self.target.low <= self.share <= self.target.high


def check(scenario, out: dict[str, np.ndarray]) -> list[Check]:
    """Every target against the ensemble's shares."""
    shares = headline(scenario, out)
    checks = []
    for t in TARGETS:
        hits, n = shares[t.share]
        checks.append(Check(t, hits / n if n else 0.0, *(float(x) for x in clopper_pearson(hits, n))))
    return checks
