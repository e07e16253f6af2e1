"""Sensitivity of an outcome to the swept parameters: one at a time, Sobol', Morris.

Replicates are averaged per sample point first, so the indices describe how the
*expected* outcome depends on the parameters; run-to-run noise would otherwise
inflate them. Sobol' and Morris indices come from SALib.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation.ensemble.sweep import DEFAULT_LEVELS, MORRIS_LEVELS, problem
from escalation.errors import InputError
from escalation.scenario.overrides import Factor

RESAMPLES = 1000


def factors_of(sweep: dict) -> list[Factor]:
    return [Factor(**f) for f in sweep["factors"]]


def point_means(runs: pd.DataFrame, sweep: dict, values) -> pd.DataFrame:
    """The mean of ``values`` (one per run) at each sample point, in point order, with the factor values."""
    keys = [f["key"] for f in sweep["factors"]]
    frame = runs[["point", *keys]].assign(value=np.asarray(values, dtype=float))
    means = frame.groupby("point", sort=True).agg(**{k: (k, "first") for k in keys}, mean=("value", "mean"), runs=("value", "size"))
    if len(means) != sweep["points"] or not (means.index == np.arange(sweep["points"])).all():
        raise ValueError(f"the runs cover {len(means)} of the sweep's {sweep['points']} points")
    return means


def metric_means(results, metric: str | None = None) -> tuple[np.ndarray, pd.DataFrame, str]:
    """``metric`` (default the mean escalation intensity) run by run, its mean at each sample point, and the metric's name."""
    from escalation.analysis.outcomes import DEFAULT_METRIC, metric_values

    metric = metric or DEFAULT_METRIC
    values = metric_values(results.runs, metric, results.model)
    return values, point_means(results.runs, results.sweep, values), metric


def _need(sweep: dict | None, method: str) -> None:
    if not sweep or sweep["method"] != method:
        have = f"a {sweep['method']} sweep" if sweep else "a batch, not a sweep"
        raise InputError(f"this chart needs a sweep run with --method {method}; these results are {have}")


def sobol_indices(sweep: dict, means: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """First-order (S1) and total-order (ST) Sobol' indices with 95% bootstrap half-widths."""
    from SALib.analyze import sobol

    _need(sweep, "sobol")
    # a Generator, not the int: SALib reads a seed of 0 as "unseeded" and bootstraps from global state
    found = sobol.analyze(problem(factors_of(sweep)), means["mean"].to_numpy(), calc_second_order=False, num_resamples=RESAMPLES,
                          seed=np.random.default_rng(seed))
    return pd.DataFrame(
        {"factor": [f["key"] for f in sweep["factors"]], "S1": found["S1"], "S1_conf": found["S1_conf"], "ST": found["ST"], "ST_conf": found["ST_conf"]}
    )


def morris_indices(sweep: dict, means: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Morris elementary effects: mu* (overall influence), sigma (interaction or non-linearity)."""
    from SALib.analyze import morris

    _need(sweep, "morris")
    keys = [f["key"] for f in sweep["factors"]]
    found = morris.analyze(
        problem(factors_of(sweep)), means[keys].to_numpy(), means["mean"].to_numpy(), num_resamples=RESAMPLES, num_levels=MORRIS_LEVELS, seed=seed
    )
    return pd.DataFrame({"factor": keys, "mu": found["mu"], "mu_star": found["mu_star"], "mu_star_conf": found["mu_star_conf"], "sigma": found["sigma"]})


def tornado_table(sweep: dict, means: pd.DataFrame) -> pd.DataFrame:
    """One-at-a-time effects: the outcome at each factor's low and high end against the baseline point."""
    _need(sweep, "oat")
    baseline = means["mean"].iloc[0]
    rows, start = [], 1
    for f in sweep["factors"]:
        levels = f["levels"] or DEFAULT_LEVELS
        block = means.iloc[start : start + levels]
        start += levels
        rows.append(
            {
                "factor": f["key"],
                "low": f["lo"],
                "high": f["hi"],
                "baseline": f["baseline"],
                "at_low": block["mean"].iloc[0],
                "at_high": block["mean"].iloc[-1],
                "at_baseline": baseline,
                "swing": abs(block["mean"].iloc[-1] - block["mean"].iloc[0]),
            }
        )
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def analyse(results, method: str, metric: str | None = None) -> tuple[pd.DataFrame, str]:
    """The indices of ``method`` ('oat', 'sobol' or 'morris') for ``metric`` (default the mean escalation intensity), and the metric."""
    _need(results.sweep, method)
    _, means, metric = metric_means(results, metric)
    if method == "oat":
        table = tornado_table(results.sweep, means)
    else:
        table = (sobol_indices if method == "sobol" else morris_indices)(results.sweep, means, seed=results.manifest["seed"])
    return table, metric
