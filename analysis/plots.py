"""Outcome charts of a results folder, and :func:`plot`, which draws any kind by name.

Each ``draw_*`` function returns a matplotlib figure stamped with the
disclaimer, the scenario, the number of runs and the seed; :func:`plot` saves
it as PNG, SVG or PDF (or writes the HTML report).
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np

from escalation.analysis import outcomes
from escalation.analysis.intervals import percent
from escalation.analysis.style import pyplot, stamp

METRIC_KINDS = ("tornado", "sobol", "morris", "fast", "delta", "pawn", "response", "heatmap", "convergence")
GROUP_KINDS = ("envelopes",)  # the charts --series and --by choose what of  # the charts --metric chooses the outcome of
BAND = "#9ecae1"
LINE = "#08519c"
SURVIVAL_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)))
SURVIVAL_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def _figure(results, title: str, size=(11, 6.5)):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=size)
    fig.subplots_adjust(left=0.3, right=0.95, top=0.86, bottom=0.16)
    fig.suptitle(title, fontsize=13)
    ax.set_title(results.manifest["scenario"].get("title", results.name), fontsize=9, color="#444")
    stamp(fig, results.stamp())
    return fig, ax


def _share_bars(ax, y, table, label: str, fontsize: float) -> None:
    """Horizontal bars of the shares ``p`` with their 95% intervals, each share in words beside its interval."""
    err = np.clip(np.vstack([table["p"] - table["lo"], table["hi"] - table["p"]]), 0, None)  # rounding at p = 0 or 1
    ax.barh(y, table["p"], xerr=err, color=BAND, edgecolor=LINE, ecolor="#333", capsize=3, label=label)
    # beside the interval rather than on it: right of it, or inside the bar near 100%
    for level, p, lo, hi in zip(y, table["p"], table["lo"], table["hi"]):
        if hi + 0.015 <= 0.9:
            ax.text(hi + 0.015, level, percent(p), va="center", ha="left", fontsize=fontsize)
        else:
            ax.text(lo - 0.015, level, percent(p), va="center", ha="right", fontsize=fontsize)


def draw_reach(results):
    """How far up the ladder runs go: P(system reaches at least each rung), with 95% intervals."""
    table = outcomes.reach_table(results)
    fig, ax = _figure(results, "Probability of reaching at least each rung")
    y = table["level"].to_numpy()
    _share_bars(ax, y, table, "P(reach at least)", fontsize=8)
    ax.set_yticks(y, [f"{lv}  {name}" for lv, name in zip(y, table["rung"])], fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of runs whose peak reaches the rung or higher (bars: 95% exact intervals; clustered by seed in a sweep)")
    ax.grid(axis="x", color="#eee")
    return fig


def draw_actor_reach(results):
    """Each actor's P(own peak at least each rung), one line per actor with its 95% band."""
    table = outcomes.actor_reach_table(results)
    fig, ax = _figure(results, "Probability that each actor reaches at least each rung", size=(12, 6.5))
    fig.subplots_adjust(left=0.08, right=0.8, bottom=0.34)
    colours = pyplot().get_cmap("tab10")
    blocks = list(table.groupby("actor", sort=False))
    for i, (actor, block) in enumerate(blocks):
        ax.fill_between(block["level"], block["lo"], block["hi"], color=colours(i % 10), alpha=0.15, lw=0)
        # actors often share a curve (all at 1 up to the same rung): each earlier one is drawn wider, with its own
        # dashes and markers staggered along it, so that every actor stays visible (as on the survival chart)
        ax.plot(block["level"], block["p"], color=colours(i % 10), lw=1.2 + 2.0 * (len(blocks) - 1 - i) / max(len(blocks) - 1, 1),
                ls=SURVIVAL_STYLES[i % len(SURVIVAL_STYLES)], marker=SURVIVAL_MARKERS[i % len(SURVIVAL_MARKERS)], ms=5,
                markevery=(i % 3, 3), label=actor)
    levels = np.arange(len(results.rung_names))
    ax.set_xticks(levels, [f"{lv} {name}" for lv, name in zip(levels, results.rung_names)], rotation=35, ha="right", fontsize=8)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("share of runs (bands: 95% exact intervals; clustered by seed in a sweep)")
    ax.grid(color="#eee")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, title="Actors")
    return fig


def draw_survival(results):
    """For each threshold, the share of runs not yet past it on each date; never crossing is censored at the horizon."""
    table = outcomes.survival_table(results)
    fig, ax = _figure(results, "Threshold survival: share of runs not yet past each threshold")
    fig.subplots_adjust(left=0.08, right=0.72)
    colours = pyplot().get_cmap("tab10")
    blocks = list(table.groupby("threshold", sort=False))
    for i, (_, block) in enumerate(blocks):
        dates = block["date"].to_numpy()
        ax.fill_between(dates, block["lo"], block["hi"], step="post", color=colours(i % 10), alpha=0.15, lw=0)
        # curves can coincide (thresholds crossed together in every run): each earlier one is drawn wider and
        # with its own dashes and markers (staggered along the line), so every threshold stays visible
        ax.step(dates, block["surviving"], where="post", color=colours(i % 10), lw=1.4 + 1.6 * (len(blocks) - 1 - i) / max(len(blocks) - 1, 1),
                ls=SURVIVAL_STYLES[i % len(SURVIVAL_STYLES)], marker=SURVIVAL_MARKERS[i % len(SURVIVAL_MARKERS)], ms=5,
                markevery=(i % 4, 4), label=block["name"].iloc[0])
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("share of runs that have not yet crossed (bands: 95%)")
    ax.set_xlabel("runs that never cross stay in the share to the horizon (censored)")
    ax.grid(color="#eee")
    title = "Thresholds\n(each its own line and marker;\ncoinciding curves overlap)"
    same = _coinciding(blocks)
    if same:
        title += "".join("\n" + textwrap.fill("same curve: " + ", ".join(names), 38) for names in same)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, title=title, title_fontsize=8)
    fig.autofmt_xdate()
    return fig


def _coinciding(blocks) -> list[list[str]]:
    """Names of thresholds whose survival curves are identical, in groups of two or more."""
    groups: dict[bytes, list[str]] = {}
    for _, block in blocks:
        groups.setdefault(block["surviving"].to_numpy().tobytes(), []).append(block["name"].iloc[0])
    return [names for names in groups.values() if len(names) > 1]


def draw_fan(results):
    """The system rung over time: median, 25-75% and 5-95% bands across runs (from trajectories)."""
    table = outcomes.fan_table(results)
    fig, ax = _figure(results, "Fan chart of the system rung over time")
    dates = table["date"].to_numpy()
    half = 0.4  # rungs are whole numbers: a band spans the rungs' cells, so a one-rung band still shows
    ax.fill_between(dates, table["p5"] - half, table["p95"] + half, step="post", color=BAND, alpha=0.45, lw=0, label="5-95% of runs")
    ax.fill_between(dates, table["p25"] - half, table["p75"] + half, step="post", color=BAND, alpha=1.0, lw=0, label="25-75% of runs")
    ax.step(dates, table["p50"], where="post", color=LINE, lw=2, label="median")
    levels = np.arange(len(results.rung_names))
    ax.set_yticks(levels, [f"{lv}  {name}" for lv, name in zip(levels, results.rung_names)], fontsize=9)
    ax.set_ylim(-0.5, len(levels) - 0.5)
    ax.grid(axis="y", color="#eee")
    ax.legend(loc="lower right", fontsize=8)
    fig.autofmt_xdate()
    return fig


def draw_intensity(results):
    """The escalation intensity over time: median, 25-75% and 5-95% bands across runs (from trajectories)."""
    table = outcomes.fan_table(results, column="intensity")
    fig, ax = _figure(results, "Escalation intensity over time (Rivera et al. 2024 scores, summed over the actors)")
    dates = table["date"].to_numpy()
    ax.fill_between(dates, table["p5"], table["p95"], step="post", color=BAND, alpha=0.45, lw=0, label="5-95% of runs")
    ax.fill_between(dates, table["p25"], table["p75"], step="post", color=BAND, alpha=1.0, lw=0, label="25-75% of runs")
    ax.step(dates, table["p50"], where="post", color=LINE, lw=2, label="median")
    branch = results.model.get("branch")
    if branch:
        ax.axvline(np.datetime64(branch), color="#8a1c1c", lw=1, ls="--", label="branch: history before, decisions after")
    ax.set_ylabel("escalation intensity")
    ax.grid(axis="y", color="#eee")
    ax.legend(loc="lower right", fontsize=8)
    fig.autofmt_xdate()
    return fig


def draw_end_states(results):
    """Shares of runs ending in each end state, with 95% intervals."""
    table = outcomes.end_state_table(results)
    fig, ax = _figure(results, "How runs end", size=(10, 5))
    fig.subplots_adjust(left=0.25)
    y = np.arange(len(table))
    _share_bars(ax, y, table, "share", fontsize=9)
    ax.set_yticks(y, [outcomes.end_state_name(s) for s in table["end_state"]])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of runs (bars: 95% exact intervals; clustered by seed in a sweep)")
    ax.grid(axis="x", color="#eee")
    return fig


def draw(results, kind: str, metric: str | None = None, series: str | None = None, by: str | None = None):
    """The figure of one chart kind (not 'report')."""
    from escalation.analysis import sensitivity_plots
    from escalation.analysis import series as by_group
    from escalation.analysis.convergence import draw_convergence
    from escalation.analysis.response import draw_response

    if kind in GROUP_KINDS:
        return by_group.draw_envelopes(results, series, by)

    figures: dict[str, Callable[..., Any]] = {
        "reach": draw_reach, "actors": draw_actor_reach, "survival": draw_survival, "fan": draw_fan, "intensity": draw_intensity, "end-states": draw_end_states,
        "tornado": sensitivity_plots.draw_tornado, "sobol": sensitivity_plots.draw_sobol, "morris": sensitivity_plots.draw_morris,
        "response": draw_response, "heatmap": by_group.draw_heatmap, "convergence": draw_convergence,
        **{m: functools.partial(sensitivity_plots.draw_indices, method=m) for m in sensitivity_plots.INDEX_NAMES},
    }
    if kind in METRIC_KINDS:
        return figures[kind](results, metric)
    return figures[kind](results)
