"""The mechanisms the model claims, each shown by a seeded ensemble (see ``tests/mechanisms.py``).

Every test asserts the direction at a clear margin (p < 1e-6, paired) and a minimum size, so a
mechanism that is switched off, reversed or reduced to a trace fails.
"""

from __future__ import annotations

import pytest

from tests import mechanisms as m

ALPHA = 1e-6


def shown(effect: m.Effect, at_least: float) -> None:
    """The mechanism moved the outcome its way (``at_least`` > 0: up by that much; < 0: down by that much)."""
    assert effect.p < ALPHA, f"{effect.what}: p = {effect.p:.1e}"
    moved = effect.size if at_least > 0 else -effect.size
    assert moved >= abs(at_least), f"{effect.what}: {effect.before:.3f} -> {effect.after:.3f}"


def test_misperception_makes_reciprocators_climb_on_average():
    shown(m.measure_misperception_spiral(), +5.0)


def test_a_graver_promised_response_deters_more_at_equal_credibility():
    shown(m.measure_severity_deters(), -5.0)


def test_a_patrons_restraint_lowers_its_clients_nuclear_use_in_the_baseline():
    shown(m.measure_patron_restraint(), +0.005)


def test_grit_de_escalates_against_a_reciprocator():
    shown(m.measure_grit_calms_a_reciprocator(), -3.0)


def test_brinkmanship_exploits_grit_when_there_is_a_stake():
    shown(m.measure_grit_exploited(), +0.05)


def test_a_veto_player_delays_support_rather_than_only_lowering_it():
    shown(m.measure_veto_delays(), +0.5)


@pytest.mark.parametrize("rule", m.DECIDING)
def test_a_change_of_leader_moves_every_deciding_rule(rule):
    shown(m.measure_leader_change(rule), -0.2)


def test_losing_on_the_battlefield_raises_the_losers_escalation():
    shown(m.measure_losing_escalates(), +0.02)
