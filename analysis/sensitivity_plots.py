"""Sensitivity charts: tornado (one at a time), Sobol' indices (and second-order pairs), Morris mu*/sigma, FAST, delta, PAWN."""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation.analysis.outcomes import mark_constancy, metric_values
from escalation.analysis.sensitivity import analyse
from escalation.analysis.style import pyplot, stamp


def _figure(results, title: str, metric: str, size=(11, 6)):
    fig, ax = pyplot().subplots(figsize=size)
    fig.subplots_adjust(left=0.32, right=0.95, top=0.86, bottom=0.17)
    fig.suptitle(title, fontsize=13)
    ax.set_title(f"outcome: {metric} (mean over {results.sweep['runs_per_point']:,} runs per point)", fontsize=9, color="#444")
    stamp(fig, results.stamp())
    mark_constancy(fig, metric_values(results.runs, metric, results.model))
    return fig, ax


def draw_tornado(results, metric: str | None = None):
    """Bars from the outcome at each factor's low end to its high end, widest swing on top."""
    table, metric = analyse(results, "oat", metric)
    fig, ax = _figure(results, "One-at-a-time sensitivity (tornado)", metric)
    y = np.arange(len(table))[::-1]
    base = table["at_baseline"].iloc[0]
    ax.barh(y, table["at_low"] - base, left=base, color="#9ecae1", edgecolor="#08519c", label="factor at its low end")
    ax.barh(y, table["at_high"] - base, left=base, color="#fdae6b", edgecolor="#a63603", label="factor at its high end")
    ax.axvline(base, color="#333", lw=1)
    ax.set_yticks(y, [f"{r.factor}\n{r.low:g} .. {r.high:g}" + (f" (baseline {r.baseline:g})" if pd.notna(r.baseline) else "")
                      for r in table.itertuples()], fontsize=8)
    ax.set_xlabel(f"{metric}; the vertical line is the baseline point")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", color="#eee")
    return fig


def draw_sobol(results, metric: str | None = None):
    """First-order and total-order Sobol' indices with 95% bootstrap intervals; with second order, a panel of the pairs."""
    table, metric = analyse(results, "sobol", metric)
    fig, ax = _figure(results, "Sobol' sensitivity indices", metric)
    if results.sweep.get("second_order"):
        from escalation.analysis.sensitivity import metric_means, sobol_second_order

        pairs = sobol_second_order(results.sweep, metric_means(results, metric)[1], seed=results.manifest["seed"])
        fig.subplots_adjust(right=0.62)
        side = fig.add_axes((0.72, 0.17, 0.24, 0.69))
        order = pairs.reindex(pairs["S2"].abs().sort_values(ascending=False).index).head(12)[::-1]
        yy = np.arange(len(order))
        side.barh(yy, order["S2"], xerr=order["S2_conf"], color="#c7e9c0", edgecolor="#238b45", capsize=2)
        side.set_yticks(yy, [f"{r.a} ×\n{r.b}" for r in order.itertuples()], fontsize=7)
        side.axvline(0, color="#333", lw=0.8)
        side.set_title("second order S2 (largest pairs)", fontsize=9)
    y = np.arange(len(table))[::-1]
    ax.barh(y + 0.18, table["S1"], height=0.36, xerr=table["S1_conf"], color="#9ecae1", edgecolor="#08519c", capsize=3, label="first order S1")
    ax.barh(y - 0.18, table["ST"], height=0.36, xerr=table["ST_conf"], color="#fdae6b", edgecolor="#a63603", capsize=3, label="total order ST")
    ax.set_yticks(y, table["factor"], fontsize=8)
    ax.axvline(0, color="#333", lw=0.8)
    ax.set_xlabel("share of the outcome's variance (S1: the factor alone; ST: with its interactions)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", color="#eee")
    return fig


def draw_morris(results, metric: str | None = None):
    """Morris screening: mu* (influence) against sigma (non-linearity or interaction), per factor."""
    table, metric = analyse(results, "morris", metric)
    fig, ax = _figure(results, "Morris screening", metric, size=(10, 6.5))
    fig.subplots_adjust(left=0.1)
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", color="#08519c", ecolor="#777", capsize=3, label="factors")
    for r in table.itertuples():
        ax.annotate(r.factor, (r.mu_star, r.sigma), textcoords="offset points", xytext=(5, 4), fontsize=8)
    top = max(float((table["mu_star"] + table["mu_star_conf"]).max()), float(table["sigma"].max()), 1e-9) * 1.15
    ax.plot([0, top], [0, top], ls=":", color="#999", lw=1)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("mu*: mean absolute elementary effect (bars: 95% interval)")
    ax.set_ylabel("sigma: spread of the effects")
    ax.grid(color="#eee")
    return fig


INDEX_NAMES = {
    "fast": ("FAST total-order index ST", "Fourier amplitude sensitivity test"),
    "delta": ("Borgonovo's delta (moment-independent)", "Delta moment-independent sensitivity"),
    "pawn": ("PAWN index: median Kolmogorov-Smirnov distance (bars: its minimum to maximum)", "PAWN sensitivity"),
}


def draw_indices(results, metric: str | None = None, method: str = "fast"):
    """One bar per factor for FAST, delta or PAWN, with its 95% interval (PAWN: its range over the conditioning slices)."""
    table, metric = analyse(results, method, metric)
    label, title = INDEX_NAMES[method]
    fig, ax = _figure(results, title, metric)
    y = np.arange(len(table))[::-1]
    if method == "pawn":
        err = np.vstack([table["index"] - table["minimum"], table["maximum"] - table["index"]])
    else:
        err = table["conf"].to_numpy()
    ax.barh(y, table["index"], xerr=err, color="#9ecae1", edgecolor="#08519c", capsize=3)
    ax.set_yticks(y, table["factor"], fontsize=8)
    ax.axvline(0, color="#333", lw=0.8)
    ax.set_xlabel(label)
    ax.grid(axis="x", color="#eee")
    return fig
