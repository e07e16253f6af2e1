"""compare: common random numbers, paired differences with bootstrap intervals, the side-by-side chart."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from pytest import approx
from scipy.stats import binomtest

from escalation.analysis.intervals import paired as paired_bootstrap
from escalation.disclaimer import DISCLAIMER
from escalation.model import END_STATE_NAMES
from escalation.scenario.paths import shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]


def variant(tmp_path, name: str, russia_risk: str | None = None) -> Path:
    """A copy of the baseline under another name, optionally with Russia's risk tolerance changed."""
    text = shipped_scenarios()["nov-2024"].read_text(encoding="utf-8")
    text = text.replace("name: nov-2024\n", f"name: {name}\n", 1)
    if russia_risk:
        lines = text.splitlines(keepends=True)
        start = lines.index("  russia:\n")
        at = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("risk_tolerance:"))
        lines[at] = f"    risk_tolerance: {russia_risk}\n"
        text = "".join(lines)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def compare(tmp_path, a, b, out):
    done = subprocess.run([sys.executable, "-m", "escalation.cli", "compare", str(a), str(b), "--runs", "900", "--chunk", "300", "--seed", "4",
                           "--workers", "1", "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def test_compare_measures_paired_differences(tmp_path):
    bold = variant(tmp_path, "nov-2024-bold", russia_risk="0.9")
    out = tmp_path / "cmp"
    done = compare(tmp_path, "nov-2024", bold, out)
    assert DISCLAIMER in done.stdout and "B - A" in done.stdout
    assert done.stdout.startswith(f"A: nov-2024\nB: {bold}\n")  # which scenario is which column
    table = pd.read_csv(out / "compare.csv")
    a = pq.read_table(out / "a" / "runs.parquet").to_pandas()
    b = pq.read_table(out / "b" / "runs.parquet").to_pandas()
    assert (a["chunk"] == b["chunk"]).all() and (a["seed"] == b["seed"]).all()  # the same seeds, run for run
    for state in ("contained", "direct_nato_russia_war"):
        row = table[(table["measure"] == "end state") & (table["what"] == END_STATE_NAMES[state])].iloc[0]
        pa_, pb_ = (a["end_state"] == state).mean(), (b["end_state"] == state).mean()
        assert row["a"] == approx(round(pa_, 4)) and row["b"] == approx(round(pb_, 4))  # rounded to 0.01 percentage points
        assert row["difference"] == approx(round(pb_ - pa_, 4)) and row["lo"] <= row["difference"] <= row["hi"]
    mean = table[table["what"] == "escalation intensity, mean of the days played"].iloc[0]
    assert mean["difference"] == approx(round(b["intensity_mean"].mean() - a["intensity_mean"].mean(), 4), abs=1e-4)
    war = table[table["what"] == "Direct NATO-Russia war"].iloc[0]
    expected = (b["first_direct_nato_russia_war"] >= 0).mean() - (a["first_direct_nato_russia_war"] >= 0).mean()
    assert war["difference"] == approx(round(expected, 4)) and war["lo"] > 0  # a bolder Russia risks a clash more often, clearly
    with open(out / "compare.csv", newline="") as f:
        numbers = [cell for row in list(csv.reader(f))[1:] for cell in row[2:]]
    assert all(len(cell.split(".")[-1]) <= 4 for cell in numbers) and any(len(cell.split(".")[-1]) == 4 for cell in numbers)
    assert (out / "compare.png").read_bytes().startswith(b"\x89PNG")


def test_identical_scenarios_differ_by_exactly_nothing(tmp_path):
    """Common random numbers: the same model under another name replays every run exactly."""
    twin = variant(tmp_path, "twin")
    out = tmp_path / "twins"
    compare(tmp_path, "nov-2024", twin, out)
    table = pd.read_csv(out / "compare.csv")
    # no pair differs: not [0, 0] but the exact bound on how often pairs could differ unseen (Clopper-Pearson, 0 of n)
    n = pd.read_parquet(out / "a" / "runs.parquet").shape[0]
    bound = binomtest(0, n).proportion_ci(confidence_level=0.95, method="exact").high
    shares = table[table["measure"] != "mean"]
    assert (table["difference"] == 0).all() and np.allclose(shares["hi"], bound, atol=1e-4) and np.allclose(shares["lo"], -bound, atol=1e-4)
    assert (table["lo"] < 0).all() and (table["hi"] > 0).all()
    assert 0 < table.loc[table["what"] == "Nuclear shadow", "a"].iloc[0] < 1  # not trivially equal


def test_paired_bootstrap_matches_resampling_pairs():
    rng = np.random.default_rng(1)
    differences = rng.choice([-1, 0, 0, 0, 1, 1], size=400).astype(float)
    lo, hi = paired_bootstrap(differences, np.random.default_rng(2), resamples=20_000)
    plain = np.random.default_rng(3)
    means = np.array([differences[plain.integers(0, 400, 400)].mean() for _ in range(20_000)])
    assert abs(lo - np.percentile(means, 2.5)) < 0.006 and abs(hi - np.percentile(means, 97.5)) < 0.006
    assert lo < differences.mean() < hi


def test_compare_shows_each_actors_peak_and_days_on_each_rung(tmp_path):
    """An overlay that changes one actor: the change shows in that actor's rows, matching the runs themselves."""
    from escalation.cli import main as cli

    mine = tmp_path / "firm-europe.yaml"
    mine.write_text("extends: nov-2024\nname: firm-europe\nactors:\n  europe:\n    risk_tolerance: 0.9  # bolder allies\n", encoding="utf-8")
    out = tmp_path / "cmp"
    done = compare(tmp_path, "nov-2024", mine, out)
    actors = pd.read_csv(out / "compare-actors.csv")
    a = pq.read_table(out / "a" / "runs.parquet").to_pandas().sort_values("run")
    b = pq.read_table(out / "b" / "runs.parquet").to_pandas().sort_values("run")
    peak = actors[(actors["actor"] == "europe") & (actors["what"] == "Europe (NATO allies): peak rung (level)")].iloc[0]
    assert peak["a"] == approx(round(a["peak_europe"].mean(), 4)) and peak["b"] == approx(round(b["peak_europe"].mean(), 4))
    assert peak["lo"] <= peak["difference"] <= peak["hi"] and peak["difference"] != 0
    days = actors[actors["measure"] == "actor days"]
    assert len(days) > 10 and set(days["actor"]) >= {"russia", "europe"}
    rung_days = [c for c in a.columns if c.startswith("days_europe_on_")]
    kind_days = [c for c in a.columns if c.startswith("days_europe_") and "_on_" not in c]
    assert len(rung_days) == 12 and (a[rung_days].sum(axis=1) == a[kind_days].sum(axis=1)).all()
    assert "Europe (NATO allies): peak rung (level)" in done.stdout and "each actor" in done.stdout
    assert (out / "compare-actors.png").read_bytes().startswith(b"\x89PNG")
    (out / "compare-actors.png").unlink()
    assert cli(["plot", str(out)]) == 0  # a compare folder is drawn again whole
    assert (out / "compare-actors.png").is_file()
    assert cli(["plot", str(out), "--kind", "fan"]) == 2
