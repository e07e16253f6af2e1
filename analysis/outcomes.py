"""Outcome estimates from a results folder: probabilities with intervals, survival, bands.

Intervals are Wilson score intervals (95%), which behave at shares near 0 and 1
where the normal approximation does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation.errors import InputError, did_you_mean
from escalation.model import END_STATE_NAMES

Z95 = 1.959963984540054
FAN_PERCENTILES = (5, 25, 50, 75, 95)
INTENSITY = ("intensity_end", "intensity_mean", "intensity_peak")  # the per-run escalation intensity outcomes
DEFAULT_METRIC = "intensity_mean"  # what sensitivity and response charts explain unless told: how escalated, on average, after the branch


def wilson(k, n, z: float = Z95):
    """Wilson score interval for k successes in n trials (arrays welcome)."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _shares(hits: np.ndarray, n: int) -> dict:
    lo, hi = wilson(hits, n)
    return {"k": hits, "n": n, "p": hits / n, "lo": lo, "hi": hi}


def reach_at_least(values, levels: int) -> pd.DataFrame:
    """P(value >= level) for each level 0..levels-1."""
    values = np.asarray(values)
    counts = np.bincount(values[values >= 0], minlength=levels)[:levels]  # -1: the actor never took part
    hits = counts[::-1].cumsum()[::-1]
    return pd.DataFrame({"level": np.arange(levels), **_shares(hits, len(values))})


def reach_table(results) -> pd.DataFrame:
    """The probability that the system reaches at least each rung (its peak)."""
    table = reach_at_least(results.runs["peak_rung"], len(results.rung_names))
    table.insert(1, "rung", results.rung_names)
    return table


def actor_reach_table(results) -> pd.DataFrame:
    """The same for each actor's own peak, one block of rows per actor."""
    blocks = []
    for key, label in results.actors.items():
        block = reach_at_least(results.runs[f"peak_{key}"], len(results.rung_names))
        block.insert(0, "actor", label)
        blocks.append(block)
    return pd.concat(blocks, ignore_index=True)


def survival_table(results) -> pd.DataFrame:
    """For each threshold and turn, the share of runs that have not yet crossed it.

    A run that never crosses is censored at the horizon: it counts as not yet
    crossed on every date shown. All runs share the horizon, so the Kaplan-Meier
    estimate is this plain share.
    """
    turns, dates, n = results.model["turns"], results.dates(), len(results.runs)
    blocks = []
    for t in results.thresholds:
        first = results.runs[f"first_{t['id']}"].to_numpy()
        crossed = np.where(first >= 0, first, turns)  # never crossed: beyond the horizon
        by_turn = np.bincount(crossed, minlength=turns + 1)[:turns].cumsum()
        block = pd.DataFrame({"threshold": t["id"], "name": t["name"], "turn": np.arange(turns), "date": dates, **_shares(n - by_turn, n)})
        blocks.append(block.rename(columns={"p": "surviving"}))
    return pd.concat(blocks, ignore_index=True)


def end_state_name(state: str) -> str:
    """An end state in words ('direct NATO-Russia war'); one this version does not know, with its underscores as spaces."""
    return END_STATE_NAMES.get(state, state.replace("_", " "))


def end_state_table(results) -> pd.DataFrame:
    """The share of runs ending in each end state."""
    names = results.model["end_states"]
    counts = results.runs["end_state"].astype(str).value_counts()
    hits = np.array([counts.get(name, 0) for name in names])
    return pd.DataFrame({"end_state": names, **_shares(hits, len(results.runs))})


def fan_table(results, percentiles=FAN_PERCENTILES, column: str = "system") -> pd.DataFrame:
    """Percentiles of the system rung (or another trajectory ``column``, such as ``intensity``) at each turn."""
    paths = results.paths(column)
    bands = np.percentile(paths, percentiles, axis=0, method="inverted_cdf")
    return pd.DataFrame({"turn": np.arange(paths.shape[1]), "date": results.dates(), **{f"p{q}": b for q, b in zip(percentiles, bands)}})


# --------------------------------------------------------------------------- metrics


WAR_METRICS = ("balance_end", "talks_days")  # outcomes of a scenario with a war: the front at the end, the days of talks


def metric_names(model: dict) -> list[str]:
    """Outcomes a sensitivity analysis can explain, as per-run numbers."""
    war = list(WAR_METRICS) if model.get("war") else []
    return (["peak_rung", "final_rung", *INTENSITY, *war] + [f"peak_{a}" for a in model["actors"]] + [f"end_{s}" for s in model["end_states"]]
            + [f"cross_{t['id']}" for t in model["thresholds"]])


def metric_values(runs: pd.DataFrame, name: str, model: dict) -> np.ndarray:
    """One number per run: a rung (``peak_rung``, ``peak_<actor>``...), or 0/1 for
    ``end_<state>`` (the run ended there) and ``cross_<threshold>`` (it crossed it)."""
    names = metric_names(model)
    if name not in names:
        raise InputError(f"--metric '{name}': unknown{did_you_mean(name, names)}; choose one of {', '.join(names)}")
    if name.startswith("end_"):
        return (runs["end_state"].astype(str) == name[4:]).to_numpy(dtype=float)
    if name.startswith("cross_"):
        return (runs[f"first_{name[6:]}"] >= 0).to_numpy(dtype=float)
    if name not in runs:
        raise InputError(f"--metric '{name}': these results have no such column (written by an older version); choose another with --metric")
    return runs[name].to_numpy(dtype=float)


def _mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    """The mean with its normal-approximation 95% interval."""
    half = Z95 * values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
    return values.mean(), values.mean() - half, values.mean() + half


def summary_table(results) -> pd.DataFrame:
    """The headline numbers: end states, thresholds crossed after the branch (and the median date of crossing),
    the mean escalation intensity at the end and over the days played, the mean peak rung."""
    rows = []
    for r in end_state_table(results).itertuples():
        rows.append(("end state", r.end_state, r.p, r.lo, r.hi, ""))
    dates = results.dates()
    for t in results.thresholds:
        first = results.runs[f"first_{t['id']}"].to_numpy()
        hit = first >= 0
        lo, hi = wilson(hit.sum(), len(first))
        note = f"median first crossing {dates[int(np.median(first[hit]))]}" if hit.any() else "never crossed"
        rows.append(("crossed", t["name"], hit.mean(), lo, hi, note))
    if "intensity_end" in results.runs:
        branch = results.runs["intensity_branch"].to_numpy(dtype=float)
        for name, what in (("intensity_end", "escalation intensity at the end"), ("intensity_mean", "escalation intensity, mean of the days played")):
            rows.append(("mean", what, *_mean_interval(results.runs[name].to_numpy(dtype=float)), f"{np.median(branch):g} at the branch (median)"))
    peak = results.runs["peak_rung"].to_numpy(dtype=float)
    rows.append(("mean", "peak rung (level)", *_mean_interval(peak), results.rung_names[int(np.median(peak))] + " (median)"))
    return pd.DataFrame(rows, columns=["measure", "what", "estimate", "lo", "hi", "note"])
