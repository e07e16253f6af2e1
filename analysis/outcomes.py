"""Outcome estimates from a results folder: probabilities with intervals, survival, bands.

Intervals are exact Clopper-Pearson intervals (95%), which never collapse at shares
of 0 or 1; over a sweep's points they are clustered by seed (see ``intervals``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation.analysis.intervals import Z95, clopper_pearson, clustered
from escalation.errors import InputError, did_you_mean
from escalation.model import END_STATE_NAMES

FAN_PERCENTILES = (5, 25, 50, 75, 95)
INTENSITY = ("intensity_end", "intensity_mean", "intensity_peak")  # the per-run escalation intensity outcomes
DEFAULT_METRIC = "intensity_mean"  # what sensitivity and response charts explain unless told: how escalated, on average, after the branch


def _shares(hits: np.ndarray, n: int) -> dict:
    lo, hi = clopper_pearson(hits, n)
    return {"k": hits, "n": n, "p": hits / n, "lo": lo, "hi": hi}


def _shares_of(hit: np.ndarray, clusters: np.ndarray | None) -> dict:
    """Shares of runs where ``hit`` (runs, K) holds: exact intervals, or clustered by seed where the runs share seeds."""
    hits, n = hit.sum(axis=0), hit.shape[0]
    if clusters is None:
        return _shares(hits, n)
    found = np.array([clustered(hit[:, j], clusters) for j in range(hit.shape[1])]).reshape(-1, 3)
    return {"k": hits, "n": n, "p": hits / n, "lo": found[:, 1], "hi": found[:, 2]}


def reach_at_least(values, levels: int, clusters: np.ndarray | None = None) -> pd.DataFrame:
    """P(value >= level) for each level 0..levels-1 (-1: the actor never took part)."""
    values = np.asarray(values)
    if clusters is not None:
        return pd.DataFrame({"level": np.arange(levels), **_shares_of(values[:, None] >= np.arange(levels), clusters)})
    counts = np.bincount(values[values >= 0], minlength=levels)[:levels]
    hits = counts[::-1].cumsum()[::-1]
    return pd.DataFrame({"level": np.arange(levels), **_shares(hits, len(values))})


def reach_table(results) -> pd.DataFrame:
    """The probability that the system reaches at least each rung (its peak)."""
    table = reach_at_least(results.runs["peak_rung"], len(results.rung_names), results.clusters)
    table.insert(1, "rung", results.rung_names)
    return table


def actor_reach_table(results) -> pd.DataFrame:
    """The same for each actor's own peak, one block of rows per actor."""
    blocks = []
    for key, label in results.actors.items():
        block = reach_at_least(results.runs[f"peak_{key}"], len(results.rung_names), results.clusters)
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
    states = results.runs["end_state"].astype(str).to_numpy()
    return pd.DataFrame({"end_state": names, **_shares_of(states[:, None] == np.array(names)[None, :], results.clusters)})


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


def constancy(values) -> str | None:
    """A warning for a chart of an outcome that is the same in every run, or nearly so (at most 10 runs, or 1 in 1,000,
    differ from its most common value), or None."""
    values = np.asarray(values)
    if len(values) == 0:
        return None
    common, counts = np.unique(values, return_counts=True)
    differ = len(values) - int(counts.max())
    mode = common[int(np.argmax(counts))]
    if differ == 0:
        return f"The outcome is {mode:g} in every one of the {len(values):,} runs: there is nothing to explain."
    if differ <= max(10, len(values) // 1000):
        return (f"Nearly constant: only {differ:,} of {len(values):,} runs differ from {mode:g}; "
                "indices and bins rest on those few runs.")
    return None


def mark_constancy(fig, values) -> str | None:
    """Say on the figure that its outcome is constant or nearly so (see :func:`constancy`); returns the words."""
    words = constancy(values)
    if words:
        fig.text(0.5, 0.5, words, ha="center", va="center", fontsize=11, color="#8a1c1c", wrap=True,
                 bbox={"boxstyle": "round", "facecolor": "#fff5f5", "edgecolor": "#8a1c1c"})
    return words


def _mean_interval(values: np.ndarray, clusters: np.ndarray | None = None) -> tuple[float, float, float]:
    """The mean with its normal-approximation 95% interval (clustered by seed where the runs share seeds)."""
    if clusters is not None:
        return clustered(values, clusters)
    half = Z95 * values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
    return values.mean(), values.mean() - half, values.mean() + half


def summary_table(results) -> pd.DataFrame:
    """The headline numbers: end states, thresholds crossed after the branch (and the median date of crossing),
    the mean escalation intensity at the end and over the days played, the mean peak rung."""
    rows: list[tuple] = []
    n, clusters = len(results.runs), results.clusters
    for r in end_state_table(results).itertuples():
        rows.append(("end state", r.end_state, r.p, r.lo, r.hi, int(r.k), n, ""))
    dates = results.dates()
    for t in results.thresholds:
        first = results.runs[f"first_{t['id']}"].to_numpy()
        hit = first >= 0
        share = _shares_of(hit[:, None], clusters)
        note = f"median first crossing {dates[int(np.median(first[hit]))]}" if hit.any() else "never crossed"
        rows.append(("crossed", t["name"], hit.mean(), float(share["lo"][0]), float(share["hi"][0]), int(hit.sum()), n, note))
    if "intensity_end" in results.runs:
        branch = results.runs["intensity_branch"].to_numpy(dtype=float)
        for name, what in (("intensity_end", "escalation intensity at the end"), ("intensity_mean", "escalation intensity, mean of the days played")):
            rows.append(("mean", what, *_mean_interval(results.runs[name].to_numpy(dtype=float), clusters), None, n,
                         f"{np.median(branch):g} at the branch (median)"))
    peak = results.runs["peak_rung"].to_numpy(dtype=float)
    rows.append(("mean", "peak rung (level)", *_mean_interval(peak, clusters), None, n, results.rung_names[int(np.median(peak))] + " (median)"))
    return pd.DataFrame(rows, columns=["measure", "what", "estimate", "lo", "hi", "k", "n", "note"])
