"""Scenario discovery: PRIM recovers a known box; the command works on a batch with distributions."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from escalation.analysis.discovery import discover, inputs, outcome
from escalation.analysis.results import load_results
from escalation.ensemble.batch import run_batch
from escalation.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("disc")
    path = base / "unc.yaml"
    path.write_text(f"extends: {(ROOT / 'scenarios' / 'nov-2024.yaml').as_posix()}\nname: unc\n"
                    "settings:\n  noise: {uniform: [0, 1]}\n  deterrence: {uniform: [0.5, 6]}\n")
    return load_results(run_batch(path, 4000, out=base / "b", seed=2, workers=1, progress=False))


def synthetic(batch, seed=0):
    """The batch's runs with two inputs drawn afresh and an outcome that lives in a known box: a >= 0.7 and b <= 0.3."""
    rng = np.random.default_rng(seed)
    n = len(batch.runs)
    a, b = rng.random(n), rng.random(n)
    inside = (a >= 0.7) & (b <= 0.3)
    hit = rng.random(n) < np.where(inside, 0.9, 0.02)
    runs = batch.runs.assign(settings__noise=a, settings__deterrence=b, first_nuclear_threshold=np.where(hit, 5, -1))
    return replace(batch, runs=runs)


def test_prim_recovers_a_known_box(batch):
    found = discover(synthetic(batch), "cross_nuclear_threshold")
    limits = found.limits.set_index("name")
    assert set(limits.index) == {"settings.noise", "settings.deterrence"}
    assert abs(limits.loc["settings.noise", "min"] - 0.7) < 0.05 and limits.loc["settings.noise", "max"] > 0.95
    assert abs(limits.loc["settings.deterrence", "max"] - 0.3) < 0.05 and limits.loc["settings.deterrence", "min"] < 0.05
    assert found.box["density"] > 0.8 and found.box["coverage"] > 0.7  # at most 0.081 / (0.081 + 0.018) of the cases lie inside
    assert (limits["qp"] < 1e-6).all()
    assert found.scores["input"].tolist()[0] in limits.index and len(found.cart) >= 1
    # the trajectory trades coverage for density as it peels
    t = found.trajectory
    assert t["coverage"].iloc[0] == 1 and t["density"].iloc[-1] > t["density"].iloc[0]


def test_outcome_expressions_are_parsed_not_evaluated(batch):
    y, label = outcome(batch, "intensity_mean>=40")
    assert label == "intensity_mean >= 40" and np.array_equal(y, batch.runs["intensity_mean"].to_numpy() >= 40)
    for bad in ("__import__('os')", "intensity_mean >= x", "end_nuke"):
        with pytest.raises(InputError, match="unknown outcome"):
            outcome(batch, bad)
    assert list(inputs(batch).columns) == ["settings.noise", "settings.deterrence"]


def test_discover_on_the_command_line(batch, tmp_path):
    done = subprocess.run([sys.executable, "-m", "escalation.cli", "discover", str(batch.folder), "--outcome", "cross_nuclear_shadow",
                           "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "PRIM box" in done.stdout and "feature scores" in done.stdout
    assert (tmp_path / "discover.png").read_bytes().startswith(b"\x89PNG")
    box = pd.read_csv(tmp_path / "discover-box.csv")
    assert {"name", "min", "max", "qp"} <= set(box.columns)


def test_nothing_varied_is_a_clear_error(tmp_path):
    plain = load_results(run_batch("nov-2024", 50, out=tmp_path / "p", workers=1, progress=False))
    with pytest.raises(InputError, match="nothing varied"):
        discover(plain, "cross_nuclear_shadow")
