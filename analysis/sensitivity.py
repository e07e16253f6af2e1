"""Sensitivity of an outcome to the swept parameters: one at a time, Sobol' (first, total and second order, by
factor or by group), Morris, FAST, Borgonovo's delta and PAWN.

Replicates are averaged per sample point first, so the indices describe how the
*expected* outcome depends on the parameters; run-to-run noise would otherwise
inflate them. Sobol' and Morris indices come from SALib.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd

from escalation.ensemble.sweep import DEFAULT_LEVELS, FAST_M, MORRIS_LEVELS, problem
from escalation.errors import InputError
from escalation.scenario.overrides import Factor

RESAMPLES = 1000


def factors_of(sweep: dict) -> list[Factor]:
    return [Factor(**{k: v for k, v in f.items() if k != "column"}) for f in sweep["factors"]]


def point_means(runs: pd.DataFrame, sweep: dict, values) -> pd.DataFrame:
    """The mean of ``values`` (one per run) at each sample point, in point order, with the factor values (by dotted key)."""
    keys = [f["key"] for f in sweep["factors"]]
    named = {f.get("column", f["key"]): f["key"] for f in sweep["factors"]}
    frame = runs[["point", *named]].rename(columns=named).assign(value=np.asarray(values, dtype=float))
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


def _problem(sweep: dict) -> dict:
    return problem(factors_of(sweep), sweep.get("groups"))


def _names(sweep: dict) -> list[str]:
    """What the indices are of: the factors, or their groups where the sweep grouped them (in SALib's order)."""
    spec = _problem(sweep)
    return list(dict.fromkeys(spec["groups"])) if "groups" in spec else spec["names"]


def sobol_indices(sweep: dict, means: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """First-order (S1) and total-order (ST) Sobol' indices with 95% bootstrap half-widths, per factor or group."""
    return _sobol(sweep, means, seed)[0]


def sobol_second_order(sweep: dict, means: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Second-order Sobol' indices S2 of each pair (a sweep run with --second-order), with 95% half-widths."""
    if not sweep.get("second_order"):
        raise InputError("second-order indices need a Sobol' sweep run with --second-order")
    return _sobol(sweep, means, seed)[1]


def _sobol(sweep: dict, means: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    from SALib.analyze import sobol

    _need(sweep, "sobol")
    second = bool(sweep.get("second_order"))
    # a Generator, not the int: SALib reads a seed of 0 as "unseeded" and bootstraps from global state
    found = sobol.analyze(_problem(sweep), means["mean"].to_numpy(), calc_second_order=second, num_resamples=RESAMPLES,
                          seed=np.random.default_rng(seed))
    names = _names(sweep)
    first = pd.DataFrame({"factor": names, "S1": found["S1"], "S1_conf": found["S1_conf"], "ST": found["ST"], "ST_conf": found["ST_conf"]})
    if not second:
        return first, None
    pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    s2 = pd.DataFrame({"a": [names[i] for i, _ in pairs], "b": [names[j] for _, j in pairs], "S2": [found["S2"][i, j] for i, j in pairs],
                       "S2_conf": [found["S2_conf"][i, j] for i, j in pairs]})
    return first, s2


def morris_indices(sweep: dict, means: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Morris elementary effects: mu* (overall influence), sigma (interaction or non-linearity), per factor or group."""
    from SALib.analyze import morris

    _need(sweep, "morris")
    keys = [f["key"] for f in sweep["factors"]]
    found = morris.analyze(_problem(sweep), means[keys].to_numpy(), means["mean"].to_numpy(), num_resamples=RESAMPLES,
                           num_levels=sweep.get("levels") or MORRIS_LEVELS, seed=seed)
    return pd.DataFrame({"factor": _names(sweep), "mu": found["mu"], "mu_star": found["mu_star"], "mu_star_conf": found["mu_star_conf"],
                         "sigma": found["sigma"]})


def other_indices(sweep: dict, means: pd.DataFrame, method: str, seed: int = 0) -> pd.DataFrame:
    """FAST (S1, ST), Borgonovo's delta (delta, S1) or PAWN (median KS statistic, with its spread): one row per factor,
    ``index`` and ``conf`` the headline index and its 95% half-width (NaN where the method gives none)."""
    from SALib.analyze import delta, fast, pawn

    _need(sweep, method)
    spec, keys, y = _problem(sweep), [f["key"] for f in sweep["factors"]], means["mean"].to_numpy()
    if method == "fast":
        found = fast.analyze(spec, y, M=FAST_M, seed=seed)
        return pd.DataFrame({"factor": keys, "index": found["ST"], "conf": found["ST_conf"], "S1": found["S1"], "S1_conf": found["S1_conf"]})
    x = means[keys].to_numpy()
    if method == "delta":
        with contextlib.redirect_stdout(io.StringIO()):  # SALib prints a notice per factor as it merges bins
            found = delta.analyze(spec, x, y, num_resamples=100, seed=seed)
        return pd.DataFrame({"factor": keys, "index": found["delta_raw"], "conf": found["delta_raw_conf"], "S1": found["S1"], "S1_conf": found["S1_conf"]})
    found = pawn.analyze(spec, x, y, S=10, seed=seed)
    return pd.DataFrame({"factor": keys, "index": found["median"], "conf": np.nan, "minimum": found["minimum"], "maximum": found["maximum"]})


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
    """The indices of ``method`` (any sweep method but grid and lhs) for ``metric`` (default the mean escalation intensity), and the metric."""
    _need(results.sweep, method)
    _, means, metric = metric_means(results, metric)
    seed = results.manifest["seed"]
    if method == "oat":
        table = tornado_table(results.sweep, means)
    elif method in ("sobol", "morris"):
        table = (sobol_indices if method == "sobol" else morris_indices)(results.sweep, means, seed=seed)
    else:
        table = other_indices(results.sweep, means, method, seed=seed)
    return table, metric
