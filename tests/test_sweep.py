"""Sweeps: designs, --vary checking, Sobol' indices of a function with known answers, a real sweep end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.analysis.results import load_results
from escalation.analysis.sensitivity import point_means, sobol_indices
from escalation.ensemble.batch import execute
from escalation.ensemble.sweep import describe, design, run_sweep
from escalation.errors import InputError
from escalation.scenario.overrides import Factor, apply
from escalation.scenario.problems import ScenarioError

ROOT = Path(__file__).resolve().parents[1]

# Ishigami-Homma (a = 7, b = 0.1): analytic first- and total-order indices
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


class IshigamiRunner:
    """Stands where the crisis model stands in a sweep: SALib's Ishigami function plus run-to-run noise."""

    def __call__(self, values, worlds, seed, replicates, trajectories=False, parameters=None):
        from SALib.test_functions import Ishigami

        assert not values  # every factor arrives per world, packed
        x = np.column_stack([parameters[f"x{i}"] for i in (1, 2, 3)])
        noise = np.random.default_rng([seed, *replicates[:1]]).normal(0.0, 0.5, worlds)
        y = Ishigami.evaluate(x) + noise
        return {"y": pa.array(y)}, None, {}

    def per_world(self, factor):
        return True

    def groups(self, values, count):
        return [list(range(count))]

    def describe(self):
        return {"scenario": {"name": "ishigami", "hash": "sha256:-"}, "model": {}, "parameters": []}


def test_sobol_indices_of_ishigami_through_the_sweep_machinery(tmp_path):
    factors = [Factor(f"x{i}", -np.pi, np.pi) for i in (1, 2, 3)]
    points = design(factors, "sobol", 1024, seed=3)
    assert points.shape == (1024 * (3 + 2), 3)
    sweep = describe(factors, "sobol", 1024, 4, points)
    out = execute(IshigamiRunner(), out=tmp_path / "ishigami", runs=4, seed=3, points=points, factors=factors, sweep=sweep, workers=1, progress=False)
    results = load_results(out)
    assert len(results.runs) == len(points) * 4
    means = point_means(results.runs, results.sweep, results.runs["y"])
    assert (means["runs"] == 4).all()
    assert np.allclose(means[["x1", "x2", "x3"]].to_numpy(), points)  # the rows SALib expects, in its order
    found = sobol_indices(results.sweep, means, seed=3)
    assert np.allclose(found["S1"], ISHIGAMI_S1, atol=0.05), found
    assert np.allclose(found["ST"], ISHIGAMI_ST, atol=0.05), found
    assert (found["S1_conf"] > 0).all() and (found["S1_conf"] < 0.1).all()
    # the bootstrap intervals are seeded too, seed 0 (the default) included
    for seed in (0, 3):
        assert sobol_indices(results.sweep, means, seed=seed).equals(sobol_indices(results.sweep, means, seed=seed)), seed


def ishigami_sweep(tmp_path, method, samples, **options):
    from escalation.ensemble.sweep import describe as describe_sweep

    factors = [Factor(f"x{i}", -np.pi, np.pi) for i in (1, 2, 3)]
    points = design(factors, method, samples, seed=3, **options)
    sweep = describe_sweep(factors, method, samples, 2, points, **options)
    out = execute(IshigamiRunner(), out=tmp_path / method, runs=2, seed=3, points=points, factors=factors, sweep=sweep, workers=1, progress=False)
    results = load_results(out)
    return results.sweep, point_means(results.runs, results.sweep, results.runs["y"])


def test_second_order_and_grouped_sobol_indices_of_ishigami(tmp_path):
    from escalation.analysis.sensitivity import sobol_second_order

    sweep, means = ishigami_sweep(tmp_path, "sobol", 1024, second_order=True)
    assert len(means) == 1024 * (2 * 3 + 2)
    pairs = sobol_second_order(sweep, means, seed=3).set_index(["a", "b"])
    assert abs(pairs.loc[("x1", "x3"), "S2"] - 0.2437) < 0.06  # Ishigami's only interaction: x1 with x3
    assert abs(pairs.loc[("x1", "x2"), "S2"]) < 0.06 and abs(pairs.loc[("x2", "x3"), "S2"]) < 0.06
    sweep, means = ishigami_sweep(tmp_path / "g", "sobol", 512, groups={"x1x3": ["x1", "x3"]})
    grouped = sobol_indices(sweep, means, seed=3).set_index("factor")
    assert list(grouped.index) == ["x1x3", "x2"]
    assert abs(grouped.loc["x1x3", "ST"] - (1 - 0.4424)) < 0.06 and abs(grouped.loc["x2", "S1"] - 0.4424) < 0.06


@pytest.mark.parametrize("method, samples, expected, atol", [("fast", 1000, ISHIGAMI_ST, 0.08), ("delta", 2000, None, None), ("pawn", 2000, None, None)])
def test_other_salib_methods_rank_ishigamis_factors(tmp_path, method, samples, expected, atol):
    from escalation.analysis.sensitivity import other_indices

    sweep, means = ishigami_sweep(tmp_path, method, samples)
    found = other_indices(sweep, means, method, seed=3).set_index("factor")
    if expected is not None:
        assert np.allclose(found["index"], expected, atol=atol), found
    else:  # moment-independent: x3 acts only through its interaction with x1, and x1 and x2 matter more
        assert found["index"].idxmin() == "x3" and (found["index"] > 0).all()


def test_groups_and_options_are_checked():
    a, b = Factor("a", 0, 1), Factor("b", 0, 1)
    with pytest.raises(InputError, match="not swept"):
        design([a, b], "sobol", 8, groups={"g": ["a", "c"]})
    with pytest.raises(InputError, match="group applies"):
        design([a, b], "lhs", 8, groups={"g": ["a"]})
    with pytest.raises(InputError, match="second.order applies"):
        design([a, b], "lhs", 8, second_order=True)
    with pytest.raises(InputError, match="FAST needs more than"):
        design([a, b], "fast", 40)


def test_grid_and_one_at_a_time_designs():
    a, b = Factor("a", 0, 1, 3), Factor("b", 10, 20, 2, integer=True)
    grid = design([a, b], "grid")
    assert grid.tolist() == [[0, 10], [0, 20], [0.5, 10], [0.5, 20], [1, 10], [1, 20]]
    oat = design([Factor("a", 0, 1, 3, baseline=0.2), Factor("b", 10, 20, 2, integer=True, baseline=12)], "oat")
    assert oat.tolist() == [[0.2, 12], [0, 12], [0.5, 12], [1, 12], [0.2, 10], [0.2, 20]]
    lhs = design([a, Factor("b", 10, 20, integer=True)], "lhs", 30, seed=1)
    assert lhs.shape == (30, 2) and (lhs[:, 1] == np.round(lhs[:, 1])).all() and lhs[:, 0].min() >= 0 and lhs[:, 0].max() <= 1
    assert np.array_equal(lhs, design([a, Factor("b", 10, 20, integer=True)], "lhs", 30, seed=1))  # seeded
    with pytest.raises(InputError, match="power of two"):
        design([a], "sobol", 12)
    with pytest.raises(InputError, match="choose one of"):
        design([a], "random")


@settings(max_examples=40, deadline=None)
@given(value=st.floats(0, 1), which=st.sampled_from(["settings.noise", "actors.russia.resolve", "actors.russia.red_lines.0.credibility"]))
def test_apply_copies_only_the_path(value, which):
    from escalation.scenario.loading import load_document, resolve
    from escalation.scenario.overrides import check_key, value_at
    from escalation.scenario.yamlio import read_text

    path = resolve("nov-2024")
    doc = load_document(read_text(path, str(path)), str(path))
    key = check_key(doc, which, "--set")
    before = json.dumps(doc, default=str, sort_keys=True)
    changed = apply(doc, key.path, value)
    assert json.dumps(doc, default=str, sort_keys=True) == before  # the original is untouched
    assert value_at(changed, key.path) == value
    assert changed["actors"]["ukraine"] is doc["actors"]["ukraine"]  # untouched branches are shared


@pytest.mark.parametrize(
    "vary, method, error, expected",
    [
        ("actors.russia.risk_tolerence=0:1", "grid", InputError, "did you mean 'risk_tolerance'"),
        ("actors.russia.red_lines.nato.credibility=0:1", "grid", InputError, "its ids are: western_missiles_inside_russia"),
        ("actors.russia.risk_tolerance=0.9:0.1", "grid", InputError, "LO (0.9) must be below HI (0.1)"),
        ("actors.russia.risk_tolerance=0:1:1", "grid", InputError, "N ('1') must be a whole number from 2"),
        ("actors.russia.risk_tolerance=0:1:4", "sobol", InputError, "':N' sets the levels of grid and oat sweeps"),
        ("actors.russia.rule=0:1", "grid", InputError, "takes text, not a number"),
        ("settings.max_down=1.5:3", "grid", InputError, "takes whole numbers"),
        ("actors.russia.risk_tolerance=0:1.5", "grid", ScenarioError, "(from --vary actors.russia.risk_tolerance=0:1.5)"),
        ("actors.russia=0:1", "grid", InputError, "names a whole section"),
    ],
)
def test_bad_vary_is_refused_before_anything_runs(tmp_path, vary, method, error, expected):
    with pytest.raises(error) as caught:
        run_sweep("nov-2024", [vary], method=method, runs=2, out=tmp_path / "s", workers=1, progress=False)
    assert expected in str(caught.value) and len(str(caught.value).splitlines()) == 1
    assert not (tmp_path / "s").exists()


def test_real_sweep_end_to_end(tmp_path):
    """The command line: a Sobol' sweep of the model, its design as SALib draws it, then the chart."""
    from SALib.sample import sobol

    out = tmp_path / "sweep"
    cmd = [sys.executable, "-m", "escalation.cli", "sweep", "nov-2024", "--vary", "actors.russia.risk_tolerance=0.1:0.9", "--vary", "settings.noise=0:1",
           "--method", "sobol", "--samples", "4", "--runs", "8", "--seed", "2", "--workers", "2", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    expected = sobol.sample({"num_vars": 2, "names": ["a", "b"], "bounds": [[0.1, 0.9], [0, 1]]}, 4, calc_second_order=False, seed=2)
    per_point = runs.groupby("point")[["actors__russia__risk_tolerance", "settings__noise"]].first().to_numpy()
    assert np.allclose(per_point, expected) and (runs.groupby("point").size() == 8).all()
    # common random numbers: every point runs the same seed block
    assert (runs.groupby("point")["chunk"].nunique() == 1).all() and runs["chunk"].nunique() == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sweep"]["method"] == "sobol" and manifest["sweep"]["points"] == 16 and manifest["runs"] == 128
    chart = subprocess.run([sys.executable, "-m", "escalation.cli", "plot", str(out), "--kind", "sobol", "--metric", "cross_nuclear_shadow"],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert chart.returncode == 0, chart.stderr
    assert (out / "sobol.png").read_bytes().startswith(b"\x89PNG")


def test_common_random_numbers_make_a_null_factor_change_nothing(tmp_path):
    """Two points that differ only by a factor too small to matter give the very same runs."""
    out = run_sweep("nov-2024", ["settings.accident_rate=0:0.0000001:2"], method="grid", runs=60, out=tmp_path / "s", seed=5, workers=1, progress=False)
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    first, second = (runs[runs["point"] == p].drop(columns=["run", "point", "world", "settings__accident_rate"]).reset_index(drop=True) for p in (0, 1))
    assert first.equals(second)
    assert runs["end_state"].nunique() > 1 or runs["peak_rung"].nunique() > 1  # the runs themselves do vary


def test_bad_vary_on_the_command_line_leaves_a_finished_sweep_intact(tmp_path, capsys):
    import hashlib

    from escalation.cli import main

    out = run_sweep("nov-2024", ["settings.noise=0:1:2"], method="grid", runs=5, out=tmp_path / "s", workers=1, progress=False)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}
    for vary, expected in (("settings.nosie=0:1:2", "did you mean 'noise'"), ("settings.noise=0:9:2", "(from --vary settings.noise=0:9:2)")):
        status = main(["sweep", "nov-2024", "--vary", vary, "--runs", "5", "--resume", "--out", str(out)])
        err = capsys.readouterr().err
        assert status == 2 and expected in err and len(err.strip().splitlines()) == 1
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()} == before
