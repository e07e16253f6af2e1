"""Calibration by ABC: the samplers recover a known posterior; the command calibrates a scenario's distributions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from escalation.analysis.abc import Prior, Targets, distances, load_targets, rejection, smc
from escalation.scenario.distributions import Distribution
from escalation.scenario.problems import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
M, K = 40, 12  # the toy: K hits in M trials; with a uniform prior the posterior of the chance is Beta(K + 1, M - K + 1)


def toy(seed: int):
    """A binomial simulator: each particle's chance, M trials, distance 0 only on exactly K hits (tolerance below 1/M)."""
    rng = np.random.default_rng(seed)

    def simulate(theta: np.ndarray) -> np.ndarray:
        hits = rng.binomial(M, np.clip(theta[:, 0], 0, 1))
        return (np.abs(hits - K) / 0.5)[:, None]  # within epsilon 1 only when hits == K

    return simulate


PRIOR = Prior(["p"], [Distribution("uniform", (0.0, 1.0))])
EXACT = stats.beta(K + 1, M - K + 1)


def weighted(theta, weights):
    w = weights / weights.sum()
    mean = float(np.sum(w * theta))
    return mean, float(np.sqrt(np.sum(w * (theta - mean) ** 2)))


def test_rejection_recovers_the_known_posterior():
    found = rejection(toy(1), PRIOR, 3000, seed=1)
    mean, sd = weighted(found.last.theta[:, 0], found.last.weights)
    assert abs(mean - EXACT.mean()) < 0.01 and abs(sd - EXACT.std()) < 0.01
    # the whole distribution, not just two moments
    assert stats.kstest(found.last.theta[:, 0], EXACT.cdf).pvalue > 0.001
    assert 0 < found.last.acceptance < 0.1  # about 1 / (M + 1): every count is equally likely under the prior


def test_smc_recovers_the_known_posterior():
    found = smc(toy(2), PRIOR, 2000, seed=2, generations=12, quantile=0.5)
    assert found.last.epsilon == 1.0
    mean, sd = weighted(found.last.theta[:, 0], found.last.weights)
    assert abs(mean - EXACT.mean()) < 0.015 and abs(sd - EXACT.std()) < 0.015
    assert [g.epsilon for g in found.generations] == sorted((g.epsilon for g in found.generations), reverse=True)
    plain = rejection(toy(3), PRIOR, 2000, seed=3)
    assert found.last.acceptance > 2 * plain.last.acceptance  # its proposals come from where the posterior is


def test_the_prior_density_respects_clips_and_choices():
    prior = Prior(["a", "b"], [Distribution("normal", (0.0, 1.0), (-1.0, 1.0)), Distribution("choice", (1.0, 2.0, 2.0))])
    theta = np.array([[0.0, 2.0], [1.5, 1.0], [0.5, 3.0]])
    density = prior.density(theta)
    normal = stats.norm.pdf(0.0) / (stats.norm.cdf(1) - stats.norm.cdf(-1))
    assert density[0] == pytest.approx(normal * 2 / 3) and density[1] == 0 and density[2] == 0


def test_distances_are_in_units_of_tolerance():
    targets = Targets.model_validate({"targets": [
        {"id": "a", "share": "end_nuclear_use", "value": 0.1, "tolerance": 0.05},
        {"id": "b", "band": {"metric": "intensity_mean", "low": 10, "high": 20}},
    ]})
    d = distances(np.array([[0.2, 15.0], [0.1, 25.0]]), targets)
    assert np.allclose(d, [[2.0, 0.0], [0.0, 1.0]])  # 25 lies 5 above the band, half its width


def test_a_targets_file_written_wrongly_is_located(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("targets:\n  - id: a\n    share: end_nuclear_use\n    value: 1.5\n    tolerance: 0.1\n")
    with pytest.raises(ScenarioError) as err:
        load_targets(path)
    assert str(err.value.problems[0]).startswith(f"{path}:4:")


def test_calibrate_a_scenario_end_to_end(tmp_path):
    prior = tmp_path / "prior.yaml"
    prior.write_text(f"extends: {(ROOT / 'scenarios' / 'nov-2024.yaml').as_posix()}\nname: priors\nsettings:\n  deterrence: {{uniform: [0.1, 3]}}\n")
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - id: clash\n    share: cross_direct_nato_russia_war\n    value: 0.03\n    tolerance: 0.02\n"
                       "  - id: strike\n    pattern: {threshold: strategic_strike, between: [2024-11-23, 2025-02-14]}\n    value: 0.1\n    tolerance: 0.1\n")
    out = tmp_path / "cal"
    cmd = [sys.executable, "-m", "escalation.cli", "calibrate", str(prior), "--targets", str(targets), "--particles", "30", "--runs", "60",
           "--generations", "3", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "settings.deterrence" in done.stdout and "posterior mean" in done.stdout
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert len(posterior) == 30 and posterior["settings__deterrence"].between(0.1, 3).all()
    last = json.loads((out / "calibration.json").read_text())["generations"][-1]
    assert (posterior[["distance_clash", "distance_strike"]].max(axis=1) <= last["epsilon"] + 1e-12).all()
    # the overlay is a scenario, whose deterrence is drawn from the posterior
    check = subprocess.run([sys.executable, "-m", "escalation.cli", "validate", str(out / "calibrated.yaml")], capture_output=True, text=True, cwd=ROOT,
                           timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    from escalation.scenario.loading import load_scenario

    calibrated = load_scenario(out / "calibrated.yaml")
    (dist,) = calibrated.distributions.values()
    assert dist.kind == "choice" and set(dist.args) <= {float(f"{v:.6g}") for v in posterior["settings__deterrence"]}  # written to 6 digits
    assert (out / "calibrate.png").read_bytes().startswith(b"\x89PNG")
    # the same seed, the same posterior
    again = subprocess.run([*cmd[:-1], str(tmp_path / "again")], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert again.returncode == 0 and pd.read_parquet(tmp_path / "again" / "posterior.parquet").equals(posterior)
