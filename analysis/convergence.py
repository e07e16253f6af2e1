"""How many runs are enough: headline shares and Sobol' indices as the runs grow.

- The running share of each end state over the first n runs (in run order), with its 95%
  interval, at n on a doubling grid: where the line has settled inside a narrow band, more
  runs only narrow the band. Beside it, the runs a share needs for an interval of about
  plus or minus one percentage point, and of plus or minus a tenth of itself.
- For a Sobol' sweep, S1 and ST from the first N base samples (Saltelli's design is blocked
  by base sample, so each prefix is a design of its own), N doubling up to the whole.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation.analysis.intervals import clopper_pearson, runs_needed
from escalation.analysis.outcomes import end_state_name
from escalation.analysis.style import pyplot, stamp

FIRST = 50  # the smallest number of runs shown


def grid(n: int) -> np.ndarray:
    """Run counts from :data:`FIRST` doubling up to ``n`` (and ``n`` itself)."""
    steps = [FIRST * 2**k for k in range(40) if FIRST * 2**k < n]
    return np.array([*steps, n]) if n > FIRST else np.array([n])


def share_convergence(results) -> pd.DataFrame:
    """For each end state: n, the share over the first n runs, and its exact 95% interval."""
    states = results.runs.sort_values("run")["end_state"].astype(str).to_numpy()
    counts = grid(len(states))
    rows = []
    for state in results.model["end_states"]:
        cumulative = np.cumsum(states == state)
        k = cumulative[counts - 1]
        lo, hi = clopper_pearson(k, counts)
        rows += [{"end_state": state, "n": int(n), "k": int(kk), "p": kk / n, "lo": float(a), "hi": float(b)} for n, kk, a, b in zip(counts, k, lo, hi)]
    return pd.DataFrame(rows)


def runs_table(results) -> pd.DataFrame:
    """Each end state's share now, and the runs it needs for +-1 percentage point and for +-10% of itself."""
    n = len(results.runs)
    counts = results.runs["end_state"].astype(str).value_counts()
    rows = []
    for state in results.model["end_states"]:
        p = counts.get(state, 0) / n
        rows.append({"end state": end_state_name(state), "share": p, "runs": n, "runs for +-1 point": runs_needed(p, 0.01),
                     "runs for +-10% of itself": runs_needed(p, max(p, 1.0 / n) * 0.1)})
    return pd.DataFrame(rows)


def sobol_convergence(results, metric: str | None = None) -> pd.DataFrame:
    """S1 and ST of every factor (or group) from the first N base samples of a Sobol' sweep, N doubling."""
    from escalation.analysis.sensitivity import _names, metric_means, sobol_indices

    sweep = results.sweep
    _, means, metric = metric_means(results, metric)
    width = len(_names(sweep))
    per_sample = 2 * width + 2 if sweep.get("second_order") else width + 2
    total = len(means) // per_sample
    rows = []
    for n in [2**k for k in range(2, 40) if 2**k < total] + [total]:
        found = sobol_indices(sweep, means.iloc[: n * per_sample], seed=results.manifest["seed"])
        rows += [{"N": n, **r} for r in found.to_dict("records")]
    return pd.DataFrame(rows)


def draw_convergence(results, metric: str | None = None):
    """Left: the running share of each end state with its band. Right (a Sobol' sweep): ST and S1 against N."""
    shares = share_convergence(results)
    sobol = bool(results.sweep and results.sweep["method"] == "sobol")
    fig, axes = pyplot().subplots(1, 2 if sobol else 1, figsize=(14 if sobol else 10, 6), squeeze=False)
    fig.subplots_adjust(left=0.08, right=0.97 if sobol else 0.75, top=0.86, bottom=0.2, wspace=0.3)
    ax = axes[0, 0]
    colours = pyplot().get_cmap("tab10")
    for i, (state, block) in enumerate(shares.groupby("end_state", sort=False)):
        ax.fill_between(block["n"], block["lo"], block["hi"], color=colours(i), alpha=0.15, lw=0)
        ax.plot(block["n"], block["p"], marker="o", ms=3, color=colours(i), label=end_state_name(state))
    ax.set_xscale("log")
    ax.set_xlabel("runs (the first n, in run order)")
    ax.set_ylabel("share of runs (bands: 95% exact intervals)")
    ax.set_title("running shares of the end states", fontsize=10)
    ax.grid(color="#eee")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0) if not sobol else None)
    if sobol:
        from escalation.analysis.sensitivity import metric_means

        metric = metric_means(results, metric)[2]
        right = axes[0, 1]
        indices = sobol_convergence(results, metric)
        for i, (factor, block) in enumerate(indices.groupby("factor", sort=False)):
            right.errorbar(block["N"], block["ST"], yerr=block["ST_conf"], marker="o", ms=3, color=colours(i), capsize=2, label=f"{factor} ST")
            right.plot(block["N"], block["S1"], ls=":", color=colours(i))
        right.set_xscale("log", base=2)
        right.set_xlabel("Sobol' base samples N (dotted: S1)")
        right.set_ylabel(f"index of {metric}")
        right.set_title("Sobol' indices against N", fontsize=10)
        right.grid(color="#eee")
        right.legend(fontsize=7)
    fig.suptitle("Convergence: are there enough runs?", fontsize=13)
    stamp(fig, results.stamp())
    return fig
