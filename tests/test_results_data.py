"""The data a results folder hands on: EMA Workbench's layout, the notebook, trajectories with turns and dates,
each actor's own first days past the thresholds."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.analysis.results import load_results
from escalation.ensemble.batch import run_batch
from escalation.model import Crisis
from escalation.scenario.paths import shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("data")
    path = base / "unc.yaml"
    path.write_text(f"extends: {(ROOT / 'scenarios' / 'nov-2024.yaml').as_posix()}\nname: unc\nsettings:\n  noise: {{uniform: [0, 1]}}\n")
    return load_results(run_batch(path, 600, out=base / "b", seed=1, workers=1, trajectories=True, progress=False))


def test_export_to_ema_loads_back_in_ema_workbench(batch, tmp_path):
    out = tmp_path / "e.tar.gz"
    done = subprocess.run([sys.executable, "-m", "escalation.cli", "export", str(batch.folder), "--to", "ema", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import load_results as ema_load

    experiments, outcomes = ema_load(str(out))
    runs = batch.runs
    assert len(experiments) == len(runs) and np.allclose(experiments["settings.noise"], runs["settings__noise"])
    assert set(experiments["scenario"]) == {"unc"} and {"policy", "model"} <= set(experiments.columns)
    assert np.array_equal(outcomes["peak_rung"], runs["peak_rung"].to_numpy(float))
    assert np.array_equal(outcomes["end_nuclear_use"], (runs["end_state"].astype(str) == "nuclear_use").to_numpy(float))
    assert outcomes["intensity_over_time"].shape == (len(runs), batch.model["turns"])
    bad = subprocess.run([sys.executable, "-m", "escalation.cli", "export", str(batch.folder), "--to", "excel"], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert bad.returncode == 2 and "--to excel" in bad.stderr


def test_trajectories_carry_their_turns_and_dates(batch):
    table = pq.read_table(batch.folder / "trajectories.parquet", columns=["run", "turn", "date"])
    first = table.slice(0, 1).to_pylist()[0]
    assert first["turn"] == list(range(batch.model["turns"]))
    assert np.array_equal(np.array(first["date"], dtype="datetime64[D]"), batch.dates())


def test_the_notebook_reads_a_results_folder_with_pandas_polars_and_duckdb(batch, capsys):
    notebook = json.loads((ROOT / "docs" / "results.ipynb").read_text())
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code[0].startswith("FOLDER = ")
    scope: dict = {}
    exec(f"FOLDER = {str(batch.folder)!r}", scope)  # the notebook's own cells (this repository's code), on this folder
    for cell in code[1:]:
        exec(compile(cell, "docs/results.ipynb", "exec"), scope)
    printed = capsys.readouterr().out
    assert "Illustrative scenario exploration, not a prediction." in printed
    assert "direct_nato_russia_war" in printed and "mean_rung" in printed
    assert list(scope["shares"].index) == batch.model["end_states"]  # the ordered categorical, mildest first


@settings(max_examples=8, deadline=None)
@given(name=st.sampled_from(sorted(shipped_scenarios())), seed=st.integers(0, 10**6))
def test_each_actors_first_day_past_a_threshold_makes_the_systems(name, seed):
    """The system's first day past a threshold is the first day any actor of its own was past it."""
    model = Crisis(name, worlds=400, rng=seed).run()
    out = model.outcomes()
    never = 10**6
    for t in model.ladder.threshold_ids:
        per = np.stack([out[f"day_{a}_past_{t}"] for a in model.keys])
        assert ((per == -1) | (per >= model.branch)).all()
        first = np.where(per < 0, never, per).min(axis=0)
        assert np.array_equal(np.where(first == never, -1, first), out[f"first_{t}"]), t


def test_envelopes_by_group_match_an_independent_count(batch):
    """Each group's median line is the median of its own runs' paths, recomputed here; groups are a varied number's bins."""
    from escalation.analysis.plots import draw
    from escalation.analysis.series import groups

    found = groups(batch, "settings.noise:2")
    assert sum(int(m.sum()) for m in found.values()) == len(batch.runs) and len(found) == 2
    fig = draw(batch, "envelopes", series="intensity", by="settings.noise:2")
    lines = [ln for ln in fig.axes[0].get_lines() if not ln.get_label().startswith("_")]
    paths = batch.paths("intensity").astype(float)
    for line, mask in zip(lines, found.values()):
        assert np.allclose(line.get_ydata(), np.percentile(paths[mask], 50, axis=0))
        assert f"({int(mask.sum()):,} runs)" in line.get_label()
