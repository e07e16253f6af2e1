"""The baseline meets every calibration target, and every shipped what-if moves a headline share.

The targets and their sources are in ``escalation.analysis.calibration`` and ``docs/calibration.md``.
The ensemble is drawn at a seed the tuning never saw, so the targets are met by the model, not by
the numbers one seed happened to give.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from escalation.analysis.calibration import GIVEN_CLASH_RATIO, TARGETS, check, headline
from escalation.model import Crisis
from escalation.scenario.loading import load_scenario
from escalation.scenario.paths import shipped_scenarios

WORLDS = 20_000
SEED = 77  # the tuning used seeds 1 and 2


@functools.cache
def ensemble(name: str):
    scenario = load_scenario(name)
    return scenario, Crisis(scenario, worlds=WORLDS, rng=SEED).run().outcomes()


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.share)
def test_the_baseline_meets_its_target(target):
    scenario, out = ensemble("nov-2024")
    found = next(c for c in check(scenario, out) if c.target == target)
    assert found.met, f"{target.share} = {found.share:.2%} (95% {found.low:.2%}-{found.high:.2%}); target {target.low:.1%}-{target.high:.1%}"


def test_nuclear_use_is_much_likelier_given_a_clash_than_without_one():
    scenario, out = ensemble("nov-2024")
    shares = headline(scenario, out)
    (given, clashes), (without, calm) = shares["nuclear_given_clash"], shares["nuclear_without_clash"]
    assert clashes >= 50, "too few clashes to compare"
    assert given / clashes >= GIVEN_CLASH_RATIO * max(without / calm, 1 / calm)


WHAT_IFS = sorted(n for n in shipped_scenarios() if load_scenario(n).kind == "what-if")


@pytest.mark.parametrize("name", WHAT_IFS)
def test_every_what_if_moves_the_headline_share_its_header_names(name):
    """Each what-if's header says which share it moves, which way and by about how much ("Moves: ..."):
    the ensemble must move it by two points or more that way, and by about what the header says."""
    text = shipped_scenarios()[name].read_text(encoding="utf-8")
    claims = re.findall(r"^# Moves: (\w+) (up|down) by about (\d+(?:\.\d+)?) points", text, flags=re.M)
    assert claims, f"{name}: its header must say what it moves ('# Moves: SHARE up|down by about N points ...')"
    base_sc, base = ensemble("nov-2024")
    sc, out = ensemble(name)
    before, after = headline(base_sc, base), headline(sc, out)
    for share, way, size in claims:
        (h0, n0), (h1, n1) = before[share], after[share]
        moved = 100 * (h1 / n1 - h0 / n0)
        signed = moved if way == "up" else -moved
        assert signed >= 2.0, f"{name}: {share} moved {moved:+.1f} points; the header says {way} by about {size}"
        assert abs(signed - float(size)) <= max(2.0, 0.25 * float(size)), f"{name}: {share} moved {moved:+.1f} points, the header says about {size}"


def test_the_shares_are_counted_from_the_outcomes():
    scenario, out = ensemble("nov-2024")
    shares = headline(scenario, out)
    assert sum(shares[f"end_{s}"][0] for s in ("settled", "de_escalated", "contained", "escalated", "direct_nato_russia_war", "nuclear_use")) == WORLDS
    assert shares["nuclear_use"][0] == int((out["end_state"] == 5).sum())
    assert shares["nato_russia_clash"][0] == int((out["first_direct_nato_russia_war"] >= 0).sum())
    assert np.all(np.array([shares[k][0] <= shares[k][1] for k in shares]))
