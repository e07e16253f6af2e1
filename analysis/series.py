"""Time series by group, and a 2-D grid sweep as a heat map.

- Envelopes: for any trajectory (the system rung, the escalation intensity, an actor's
  posture), the median and the 25-75% and 5-95% bands of each group of runs, over time.
  Groups are bins of a number that varied (a sweep's factor or a drawn parameter, cut at
  its terciles or at given edges), the inside and outside of a box found by
  ``escalation discover``, or all the runs.
- A heat map of a grid sweep: the outcome's mean at each pair of levels of two factors
  (averaged over any others), each cell labelled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation.analysis.discovery import inputs
from escalation.analysis.outcomes import mark_constancy, metric_values
from escalation.analysis.style import pyplot, stamp
from escalation.errors import InputError, did_you_mean

ENVELOPE_COLOURS = ("#1f5f99", "#a34a00", "#1e7a1e", "#b31b1b", "#6f4a9e", "#5c5c5c")
SERIES_HELP = "system, intensity or an actor's id"


def groups(results, by: str | None) -> dict[str, np.ndarray]:
    """Masks over the runs (in run order) for each group: ``None`` (all runs), ``box`` (inside the box
    ``escalation discover`` wrote beside the results), or ``KEY`` / ``KEY:N`` (N bins of equal counts of a
    number that varied; 3 by default)."""
    n = len(results.runs)
    if by is None:
        return {"all runs": np.ones(n, dtype=bool)}
    if by == "box":
        path = results.folder / "discover-box.csv"
        if not path.is_file():
            raise InputError(f"--by box: {results.folder} has no discover-box.csv; run `escalation discover {results.folder} --outcome ...` first")
        limits = pd.read_csv(path)
        x = inputs(results)
        inside = np.ones(n, dtype=bool)
        for r in limits.itertuples():
            inside &= (x[r.name].to_numpy() >= r.min) & (x[r.name].to_numpy() <= r.max)
        return {"inside the discovered box": inside, "outside it": ~inside}
    key, _, count = by.partition(":")
    varied = inputs(results)
    if key not in varied:
        raise InputError(f"--by {by}: '{key}' did not vary in these runs{did_you_mean(key, list(varied))}; choose box or one of {', '.join(varied)}")
    if count and not (count.isdigit() and 2 <= int(count) <= 6):
        raise InputError(f"--by {by}: N must be a whole number from 2 to 6")
    values = varied[key].to_numpy()
    edges = np.unique(np.quantile(values, np.linspace(0, 1, int(count or 3) + 1)))
    bins = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    return {f"{key} {edges[b]:.3g} .. {edges[b + 1]:.3g}": bins == b for b in range(len(edges) - 1)}


def draw_envelopes(results, series: str | None = None, by: str | None = None, others: dict | None = None):
    """Median and bands over time of one trajectory, per group of runs, on one time axis. ``others`` (label -> results of
    another scenario on the same dates, as `escalation compare` wrote them) makes each scenario a group instead."""
    series = series or "intensity"
    names = ["system", "intensity", *results.actors]
    if series not in names:
        raise InputError(f"--series '{series}': unknown{did_you_mean(series, names)}; choose {', '.join(names)}")
    paths = _series(results, series)
    found = {} if others else {label: (paths, mask) for label, mask in groups(results, by).items()}
    for label, other in (others or {}).items():
        found[label] = (_series(other, series), np.ones(len(other.runs), dtype=bool))
    dates = results.dates()
    fig, ax = pyplot().subplots(figsize=(12, 6))
    fig.subplots_adjust(left=0.1, right=0.97, top=0.86, bottom=0.2)
    for i, (label, (rows, mask)) in enumerate(found.items()):
        if not mask.any():
            continue
        colour = ENVELOPE_COLOURS[i % len(ENVELOPE_COLOURS)]
        p5, p25, p50, p75, p95 = np.nanpercentile(rows[mask], [5, 25, 50, 75, 95], axis=0)
        ax.fill_between(dates, p5, p95, step="post", color=colour, alpha=0.12, lw=0)
        ax.fill_between(dates, p25, p75, step="post", color=colour, alpha=0.3, lw=0)
        ax.step(dates, p50, where="post", color=colour, lw=2, ls=("-", "--", ":", "-.")[i % 4], label=f"{label} ({int(mask.sum()):,} runs)")
    what = {"system": "system rung (level)", "intensity": "escalation intensity"}.get(series, f"{results.actors.get(series, series)}'s posture (level)")
    ax.set_ylabel(what)
    ax.set_xlabel("median (line), 25-75% and 5-95% of the group's runs (bands)")
    ax.grid(color="#eee")
    ax.legend(loc="upper left", fontsize=8)
    fig.suptitle(f"{what.capitalize()} over time" + (f", by {by}" if by else " by scenario" if others else ""), fontsize=13)
    stamp(fig, "; ".join(f"{label}: {r.stamp()}" for label, r in others.items()) if others else results.stamp())
    fig.autofmt_xdate()
    return fig


def _series(results, series: str) -> np.ndarray:
    paths = results.paths(series).astype(float)
    if series in results.actors:
        paths[paths < 0] = np.nan  # not taking part
    return paths


def draw_compare_envelopes(a, b, series: str | None = None):
    """Both scenarios of a comparison as groups on one time axis."""
    if len(a.dates()) != len(b.dates()) or (a.dates() != b.dates()).any():
        raise InputError("the two scenarios of this comparison run over different dates; their fan charts are drawn side by side instead")
    return draw_envelopes(a, series, None, others={f"A: {a.name}": a, f"B: {b.name}": b})


def draw_heatmap(results, metric: str | None = None):
    """The outcome's mean at each pair of levels of a grid sweep's first two factors."""
    from escalation.analysis.sensitivity import metric_means

    sweep = results.sweep
    if not sweep or sweep["method"] != "grid" or len(sweep["factors"]) < 2:
        raise InputError("the heat map needs a grid sweep of two factors or more (--method grid with two --vary)")
    _, means, metric = metric_means(results, metric)
    a, b = (f["key"] for f in sweep["factors"][:2])
    table = means.groupby([b, a])["mean"].mean().unstack(a)
    fig, ax = pyplot().subplots(figsize=(10, 7))
    fig.subplots_adjust(left=0.16, right=0.95, top=0.86, bottom=0.17)
    image = ax.imshow(table.to_numpy(), origin="lower", cmap="viridis", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [f"{v:.3g}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:.3g}" for v in table.index])
    ax.set_xlabel(a)
    ax.set_ylabel(b)
    low, high = float(np.nanmin(table.to_numpy())), float(np.nanmax(table.to_numpy()))
    for (i, j), value in np.ndenumerate(table.to_numpy()):  # white on viridis' dark half, black on its light half
        dark = (value - low) / ((high - low) or 1.0) < 0.55
        ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=9, color="white" if dark else "black")
    fig.colorbar(image, ax=ax, label=f"{metric} (mean over the point's runs)")
    rest = f"; averaged over {', '.join(f['key'] for f in sweep['factors'][2:])}" if len(sweep["factors"]) > 2 else ""
    fig.suptitle(f"{metric} over {a} and {b}", fontsize=13)
    mark_constancy(fig, metric_values(results.runs, metric, results.model))
    ax.set_title(f"{sweep['runs_per_point']:,} runs per point{rest}", fontsize=9, color="#444")
    stamp(fig, results.stamp())
    return fig


def draw_compare_fans(a, b, series: str = "system"):
    """The fan charts of two batches side by side, on one scale: median and bands of ``series`` over time."""
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(14, 6), sharey=True)
    fig.subplots_adjust(left=0.2, right=0.97, top=0.86, bottom=0.2, wspace=0.06)
    for ax, results, side in zip(axes, (a, b), ("A", "B")):
        paths = results.paths(series).astype(float)
        dates = results.dates()
        p5, p25, p50, p75, p95 = np.percentile(paths, [5, 25, 50, 75, 95], axis=0, method="inverted_cdf")
        ax.fill_between(dates, p5, p95, step="post", color="#c6dbef", lw=0, label="5-95% of runs")
        ax.fill_between(dates, p25, p75, step="post", color="#6baed6", lw=0, label="25-75% of runs")
        ax.step(dates, p50, where="post", color="#08306b", lw=2, label="median")
        ax.set_title(f"{side}: {results.name}", fontsize=11)
        ax.grid(color="#eee")
        for label in ax.get_xticklabels():
            label.set_rotation(30)
            label.set_ha("right")
    if series == "system":
        levels = np.arange(len(a.rung_names))
        axes[0].set_yticks(levels, [f"{lv}  {name}" for lv, name in zip(levels, a.rung_names)], fontsize=8)
    axes[0].set_ylabel({"system": "system rung", "intensity": "escalation intensity"}.get(series, series))
    axes[1].legend(loc="lower right", fontsize=8)
    fig.suptitle(f"{a.name} (A) and {b.name} (B), common random numbers: {series} over time", fontsize=13)
    stamp(fig, f"A {a.name}, B {b.name}, {a.manifest['runs']:,} runs each, seed {a.manifest['seed']}")
    return fig
