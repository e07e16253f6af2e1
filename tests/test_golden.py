"""Every shipped scenario's outcomes at a fixed seed equal its golden snapshot (tests/golden/), bit for bit.

A model change that moves any world shows here; if the change is meant, rewrite the
snapshots with ``python -m tests.golden.snapshot`` and say in the commit what moved.
"""

from __future__ import annotations

import json

import pytest
from golden.snapshot import path_of, summary  # tests/golden, beside this file (pytest puts tests/ on the path)

from escalation.scenario.paths import shipped_scenarios


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_outcomes_match_the_golden_snapshot(name):
    assert summary(name) == json.loads(path_of(name).read_text(encoding="utf-8"))


def test_every_shipped_scenario_has_a_snapshot():
    assert all(path_of(name).is_file() for name in shipped_scenarios())
