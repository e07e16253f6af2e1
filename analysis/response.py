"""Response charts: how an outcome moves with each swept parameter, one panel per parameter.

Each panel shows the mean outcome of every sample point (its replicates
averaged) and a binned mean with a 95% interval. The bins are the parameter's
own values where the design has few of them (grid, one-at-a-time, Morris
levels), otherwise equal-width bins. Every point of a sweep reuses the same
seeds (common random numbers), so the interval is taken over those seeds: the
bin's mean for each replicate seed, then the normal interval of their mean. It
measures run-to-run noise at the sampled points, not the spread of the points.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from escalation.analysis.outcomes import Z95, mark_constancy, metric_values
from escalation.analysis.sensitivity import metric_means
from escalation.analysis.style import pyplot, stamp
from escalation.errors import InputError

MAX_BINS = 10
POINT = "#6baed6"
LINE = "#a63603"


def _need_sweep(results) -> None:
    if not results.sweep:
        raise InputError("the response chart needs a sweep (any --method); these results are a batch, not a sweep")


def _replicate(runs: pd.DataFrame) -> pd.Series:
    """Which seed a run used: the same replicate number at every point of a sweep."""
    return runs["replicate"]


def _bins(values: np.ndarray, factor: dict, method: str, points: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Each value's bin, each bin's position on the axis, and how the bins were made."""
    distinct = np.unique(values)
    if method in ("grid", "oat") or len(distinct) <= min(MAX_BINS, points // 3):
        return np.searchsorted(distinct, values), distinct, "the swept values"
    count = int(np.clip(round(math.sqrt(points)), 2, MAX_BINS))
    edges = np.linspace(factor["lo"], factor["hi"], count + 1)
    return np.digitize(values, edges[1:-1]), (edges[:-1] + edges[1:]) / 2, f"{count} equal-width bins"


def _moving(means: pd.DataFrame, factor: dict, sweep: dict) -> np.ndarray:
    """The points that speak for this factor: all of them, except in a one-at-a-time sweep, where only
    the points with every other factor at its baseline do."""
    if sweep["method"] != "oat":
        return np.ones(len(means), dtype=bool)
    keep = np.ones(len(means), dtype=bool)
    for other in sweep["factors"]:
        if other["key"] != factor["key"]:
            keep &= np.isclose(means[other["key"]].to_numpy(), means[other["key"]].iloc[0])  # point 0 is the baseline
    return keep


def response_table(results, metric: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Per-point means (factor values and ``mean``), the binned means (``factor``, ``x``, ``mean``,
    ``lo``, ``hi``, ``points``, ``how``) and the metric used (default intensity_mean)."""
    _need_sweep(results)
    values, means, metric = metric_means(results, metric)
    sweep, runs = results.sweep, results.runs
    per_run = pd.DataFrame({"point": runs["point"].to_numpy(), "seed": _replicate(runs).to_numpy(), "value": values})
    rows = []
    for factor in sweep["factors"]:
        keep = _moving(means, factor, sweep)
        bin_of, where, how = _bins(means[factor["key"]].to_numpy()[keep], factor, sweep["method"], int(keep.sum()))
        point_bin = pd.Series(bin_of, index=means.index[keep])
        chosen = per_run[per_run["point"].isin(point_bin.index)]
        by_seed = chosen.assign(bin=point_bin.loc[chosen["point"]].to_numpy()).groupby(["bin", "seed"])["value"].mean()
        for b, seeds in by_seed.groupby(level="bin"):
            centre = seeds.mean()
            half = Z95 * seeds.std(ddof=1) / math.sqrt(len(seeds)) if len(seeds) > 1 else math.nan
            rows.append({"factor": factor["key"], "x": where[b], "mean": centre, "lo": centre - half, "hi": centre + half,
                         "points": int((point_bin == b).sum()), "how": how})
    return means, pd.DataFrame(rows), metric


def draw_response(results, metric: str | None = None):
    """One panel per swept parameter: per-point means as dots, the binned mean and its 95% interval as a line and band."""
    means, binned, metric = response_table(results, metric)
    sweep = results.sweep
    factors = sweep["factors"]
    cols = min(3, len(factors))
    rows = math.ceil(len(factors) / cols)
    fig, axes = pyplot().subplots(rows, cols, figsize=(4.4 * cols + 1.2, 3.6 * rows + 1.9), sharey=True, squeeze=False)
    fig.subplots_adjust(left=0.09, right=0.97, top=1 - 1.15 / (3.6 * rows + 1.9), bottom=1.05 / (3.6 * rows + 1.9), hspace=0.45, wspace=0.12)
    fig.suptitle(f"Response of {metric} to each swept parameter", fontsize=13)
    mark_constancy(fig, metric_values(results.runs, metric, results.model))
    fig.text(0.5, 1 - 0.75 / (3.6 * rows + 1.9), f"{results.manifest['scenario'].get('title', results.name)}: mean over "
             f"{sweep['runs_per_point']:,} runs per point (dots); binned mean with 95% interval over the shared seeds (line, band)",
             ha="center", fontsize=8.5, color="#444")
    stamp(fig, results.stamp())
    for ax, factor in zip(axes.flat, factors):
        keep = _moving(means, factor, sweep)
        ax.scatter(means[factor["key"]][keep], means["mean"][keep], s=14, color=POINT, alpha=0.7, lw=0, label="point means")
        block = binned[binned["factor"] == factor["key"]]
        ax.fill_between(block["x"], block["lo"], block["hi"], color=LINE, alpha=0.18, lw=0, label="95% interval")
        ax.plot(block["x"], block["mean"], marker="o", ms=4, color=LINE, lw=1.6, label=f"binned mean ({block['how'].iloc[0]})")
        ax.set_xlabel(factor["key"], fontsize=8.5)
        ax.tick_params(labelsize=8)
        ax.grid(color="#eee")
        ax.legend(loc="best", fontsize=7, frameon=False)
    for ax in axes.flat[len(factors):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(metric)
    return fig
