"""Two scenarios run with common random numbers, compared outcome by outcome.

Run ``i`` of A and run ``i`` of B start from the same seeds, so their
difference is measured on matched pairs: the paired bootstrap resamples the
pairs, which gives far tighter intervals than two independent samples would
(and an exact bound where no pair differs; see ``intervals.paired``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from escalation.analysis.intervals import paired, percent
from escalation.analysis.outcomes import end_state_name
from escalation.analysis.results import Results, load_results
from escalation.analysis.style import pyplot, save, stamp
from escalation.errors import ResultsError

RESAMPLES = 4000
CSV_DECIMALS = 4  # shares to 0.01 percentage points: finer than any interval a batch can give


def _measures(a: Results, b: Results) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
    """(kind, label, per-run values in A, in B) for every outcome both share."""
    ra, rb = a.runs.sort_values("run"), b.runs.sort_values("run")
    out = []
    for state in a.model["end_states"]:
        out.append(
            ("end state", end_state_name(state), (ra["end_state"].astype(str) == state).to_numpy(float), (rb["end_state"].astype(str) == state).to_numpy(float))
        )
    b_thresholds = {t["id"] for t in b.thresholds}
    for t in a.thresholds:
        if t["id"] in b_thresholds:
            column = f"first_{t['id']}"
            out.append(("crossed", t["name"], (ra[column] >= 0).to_numpy(float), (rb[column] >= 0).to_numpy(float)))
    for column, label in (("intensity_end", "escalation intensity at the end"), ("intensity_mean", "escalation intensity, mean of the days played")):
        if column in ra and column in rb:
            out.append(("mean", label, ra[column].to_numpy(float), rb[column].to_numpy(float)))
    if [r["id"] for r in a.model["rungs"]] == [r["id"] for r in b.model["rungs"]]:
        for level, name in enumerate(a.rung_names[1:], start=1):
            out.append(("reach at least", name, (ra["peak_rung"] >= level).to_numpy(float), (rb["peak_rung"] >= level).to_numpy(float)))
        out.append(("mean", "peak rung (level)", ra["peak_rung"].to_numpy(float), rb["peak_rung"].to_numpy(float)))
    return out


def _actor_measures(a: Results, b: Results) -> list[tuple[str, str, str, np.ndarray, np.ndarray]]:
    """(actor id, measure, label, per-run values in A, in B) for each actor both share: its peak and final rung, and its
    days on each rung it stands on in either (the same ladder only)."""
    ra, rb = a.runs.sort_values("run"), b.runs.sort_values("run")
    same_ladder = [r["id"] for r in a.model["rungs"]] == [r["id"] for r in b.model["rungs"]]
    out = []
    for key, name in a.actors.items():
        if key not in b.actors:
            continue
        for column, label in ((f"peak_{key}", "peak rung (level)"), (f"final_{key}", "final rung (level)")):
            if same_ladder and column in ra and column in rb:
                out.append((key, "actor mean", f"{name}: {label}", ra[column].to_numpy(float), rb[column].to_numpy(float)))
        for rung in a.model["rungs"] if same_ladder else []:
            column = f"days_{key}_on_{rung['id']}"
            if column in ra and column in rb and (ra[column].any() or rb[column].any()):
                out.append((key, "actor days", f"{name}: days on {rung['name']}", ra[column].to_numpy(float), rb[column].to_numpy(float)))
    return out


def compare_actors(a: Results, b: Results, seed: int = 0) -> pd.DataFrame:
    """Each actor's peak, final rung and days on each rung in A and B, B minus A, and its 95% paired interval."""
    _paired(a, b)
    rng = np.random.default_rng([seed, 1])
    rows = []
    for key, kind, label, ya, yb in _actor_measures(a, b):
        lo, hi = paired(yb - ya, rng, RESAMPLES, _span(ya, yb))
        rows.append({"actor": key, "measure": kind, "what": label, "a": ya.mean(), "b": yb.mean(), "difference": yb.mean() - ya.mean(), "lo": lo, "hi": hi})
    return pd.DataFrame(rows, columns=["actor", "measure", "what", "a", "b", "difference", "lo", "hi"])


def _span(ya: np.ndarray, yb: np.ndarray) -> float:
    """The widest difference the values allow, as seen in either batch (1 for shares, or where all are equal)."""
    both = np.concatenate([ya, yb])
    return float(both.max() - both.min()) or 1.0


def _paired(a: Results, b: Results) -> None:
    if len(a.runs) != len(b.runs) or a.manifest["seed"] != b.manifest["seed"] or a.manifest["chunk"] != b.manifest["chunk"]:
        raise ResultsError("the two batches must have the same runs, seed and chunk to be paired run by run")


def compare_results(a: Results, b: Results, seed: int = 0) -> pd.DataFrame:
    """Each outcome in A and B, B minus A, and the 95% paired-bootstrap interval of the difference."""
    _paired(a, b)
    rng = np.random.default_rng(seed)
    rows = []
    for kind, label, ya, yb in _measures(a, b):
        lo, hi = paired(yb - ya, rng, RESAMPLES, _span(ya, yb))
        rows.append({"measure": kind, "what": label, "a": ya.mean(), "b": yb.mean(), "difference": yb.mean() - ya.mean(), "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame, actors: pd.DataFrame | None = None) -> str:
    """The comparison as aligned text: shares in percent, means in rungs or days; then each actor's,
    an asterisk marking a difference whose interval excludes zero."""
    lines = [f"{'measure':<16}{'outcome':<40}{'A':>9}{'B':>9}{'B - A':>10}  95% interval"]
    for r in table.itertuples():
        f = (lambda v: f"{v:.2f}") if r.measure == "mean" else (lambda v: percent(v) if v >= 0 else "-" + percent(-v))
        lines.append(f"{r.measure:<16}{r.what[:39]:<40}{f(r.a):>9}{f(r.b):>9}{f(r.difference):>10}  [{f(r.lo)}, {f(r.hi)}]")
    if actors is not None and len(actors):
        lines += ["", f"{'each actor':<16}{'outcome (* the interval excludes 0)':<60}{'A':>9}{'B':>9}{'B - A':>10}  95% interval"]
        for r in actors.itertuples():
            mark = "*" if r.lo > 0 or r.hi < 0 else " "
            lines.append(f"{r.measure:<16}{r.what[:59]:<60}{r.a:>9.2f}{r.b:>9.2f}{r.difference:>+10.2f}{mark} [{r.lo:.2f}, {r.hi:.2f}]")
    return "\n".join(lines)


def draw_compare(a: Results, b: Results, table: pd.DataFrame):
    """Side by side: each share in A and B, and the difference B - A with its interval."""
    plt = pyplot()
    shares = table[table["measure"] != "mean"].reset_index(drop=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, max(5.0, 0.32 * len(shares) + 2.5)), sharey=True)
    fig.subplots_adjust(left=0.27, right=0.97, top=0.88, bottom=0.12, wspace=0.08)
    y = np.arange(len(shares))[::-1]
    labels = [f"{m}: {w}" for m, w in zip(shares["measure"], shares["what"])]
    left.barh(y + 0.2, shares["a"], height=0.4, color="#9ecae1", edgecolor="#08519c", label=f"A: {a.name}")
    left.barh(y - 0.2, shares["b"], height=0.4, color="#fdae6b", edgecolor="#a63603", label=f"B: {b.name}")
    left.set_yticks(y, labels, fontsize=8)
    left.set_xlim(0, 1)
    left.set_xlabel("share of runs")
    left.legend(loc="lower right", fontsize=8)
    err = np.clip(np.vstack([shares["difference"] - shares["lo"], shares["hi"] - shares["difference"]]), 0, None)
    right.errorbar(shares["difference"], y, xerr=err, fmt="o", color="#333", ecolor="#777", capsize=3, label="B - A")
    right.axvline(0, color="#8a1c1c", lw=0.8)
    right.set_xlabel("difference B - A (bars: 95% paired bootstrap)")
    for ax in (left, right):
        ax.grid(axis="x", color="#eee")
    fig.suptitle(f"{a.name} (A) and {b.name} (B), common random numbers", fontsize=13)
    stamp(fig, f"A {a.name}, B {b.name}, {a.manifest['runs']:,} runs each, seed {a.manifest['seed']}")
    return fig


def draw_actors(a: Results, b: Results, actors: pd.DataFrame):
    """Each actor: its mean peak rung in A and B with the paired interval of the difference, and the
    difference in days on each rung (B - A), a dot where the interval excludes zero."""
    plt = pyplot()
    keys = [k for k in a.actors if k in set(actors["actor"])]
    names = [a.actors[k] for k in keys]
    rungs = list(a.model["rungs"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(15, max(4.5, 0.45 * len(keys) + 2.5)), gridspec_kw={"width_ratios": [1, 2.2]})
    fig.subplots_adjust(left=0.11, right=0.93, top=0.84, bottom=0.28, wspace=0.32)
    y = np.arange(len(keys))[::-1]
    peaks = actors[actors["what"].str.endswith(": peak rung (level)")].set_index("actor").reindex(keys)
    left.barh(y + 0.2, peaks["a"], height=0.4, color="#9ecae1", edgecolor="#08519c", label=f"A: {a.name}")
    left.barh(y - 0.2, peaks["b"], height=0.4, color="#fdae6b", edgecolor="#a63603", label=f"B: {b.name}")
    err = np.clip(np.vstack([peaks["difference"] - peaks["lo"], peaks["hi"] - peaks["difference"]]), 0, None)
    left.errorbar(peaks["b"], y - 0.2, xerr=err, fmt="none", ecolor="#333", capsize=2)
    left.set_yticks(y, names, fontsize=9)
    left.set_xlim(0, len(rungs) - 1)
    left.set_xlabel("mean peak rung (level; bars on B: 95% paired interval of B - A)")
    left.legend(loc="lower right", fontsize=8)
    days = actors[actors["measure"] == "actor days"]
    grid = np.zeros((len(keys), len(rungs)))
    sure = np.zeros_like(grid, dtype=bool)
    for r in days.itertuples():
        i, j = keys.index(r.actor), next(n for n, rung in enumerate(rungs) if r.what.endswith(f"days on {rung['name']}"))
        grid[i, j], sure[i, j] = r.difference, r.lo > 0 or r.hi < 0
    span = max(float(np.abs(grid).max()), 0.5)
    image = right.imshow(grid, cmap="RdBu_r", vmin=-span, vmax=span, aspect="auto")
    for i, j in zip(*np.nonzero(np.abs(grid) >= 0.05)):
        right.text(j, i, f"{grid[i, j]:+.1f}{'' if sure[i, j] else '?'}", ha="center", va="center", fontsize=7, color="#111")
    right.set_yticks(range(len(keys)), names, fontsize=9)
    right.set_xticks(range(len(rungs)), [r["name"] for r in rungs], rotation=40, ha="right", fontsize=8)
    right.set_title("days on each rung, B - A (mean per run; ? : the 95% paired interval includes 0)", fontsize=10)
    fig.colorbar(image, ax=right, fraction=0.03, pad=0.02, label="days, B - A")
    fig.suptitle(f"Each actor in {a.name} (A) and {b.name} (B), common random numbers", fontsize=13)
    stamp(fig, f"A {a.name}, B {b.name}, {a.manifest['runs']:,} runs each, seed {a.manifest['seed']}")
    return fig


def compare_folders(a_folder, b_folder, out) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Compare two finished batches; write compare.csv, compare-actors.csv, compare.png and compare-actors.png into ``out``."""
    a, b = load_results(a_folder), load_results(b_folder)
    table = compare_results(a, b, seed=a.manifest["seed"])
    actors = compare_actors(a, b, seed=a.manifest["seed"])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    csv, actors_csv = out / "compare.csv", out / "compare-actors.csv"
    table.round(CSV_DECIMALS).to_csv(csv, index=False)
    actors.round(CSV_DECIMALS).to_csv(actors_csv, index=False)
    chart = save(draw_compare(a, b, table), out / "compare.png")
    files = [str(csv), str(actors_csv), chart]
    if len(actors):
        files.append(save(draw_actors(a, b, actors), out / "compare-actors.png"))
    if a.has_trajectories and b.has_trajectories:  # the paths over time, side by side, and both on one axis
        from escalation.analysis.series import draw_compare_envelopes, draw_compare_fans

        files += [save(draw_compare_fans(a, b, series), out / f"compare-{series}.png") for series in ("system", "intensity")]
        if len(a.dates()) == len(b.dates()) and (a.dates() == b.dates()).all():
            files.append(save(draw_compare_envelopes(a, b, "intensity"), out / "compare-envelopes.png"))
    return table, actors, files


def is_compare_folder(folder) -> bool:
    """Whether ``folder`` was written by `escalation compare`: a batch under a/ and one under b/."""
    folder = Path(folder)
    return (folder / "a" / "manifest.json").is_file() and (folder / "b" / "manifest.json").is_file()
