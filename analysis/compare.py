"""Two scenarios run with common random numbers, compared outcome by outcome.

Run ``i`` of A and run ``i`` of B start from the same seeds, so their
difference is measured on matched pairs: the paired bootstrap resamples the
pairs, which gives far tighter intervals than two independent samples would.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from escalation.analysis.outcomes import end_state_name
from escalation.analysis.results import Results, load_results
from escalation.analysis.style import pyplot, save, stamp
from escalation.errors import ResultsError

RESAMPLES = 4000
CSV_DECIMALS = 4  # shares to 0.01 percentage points: finer than any interval a batch can give


def paired_bootstrap(differences: np.ndarray, rng: np.random.Generator, resamples: int = RESAMPLES) -> tuple[float, float]:
    """95% percentile interval of the mean of paired differences.

    The differences take few distinct values (-1, 0, 1 for shares; whole rungs
    for peaks), so resampling n pairs is drawing multinomial counts of those
    values: the same distribution as resampling the pairs, at a tiny cost.
    """
    values, counts = np.unique(differences, return_counts=True)
    n = len(differences)
    means = rng.multinomial(n, counts / n, size=resamples) @ values / n
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


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


def compare_results(a: Results, b: Results, seed: int = 0) -> pd.DataFrame:
    """Each outcome in A and B, B minus A, and the 95% paired-bootstrap interval of the difference."""
    if len(a.runs) != len(b.runs) or a.manifest["seed"] != b.manifest["seed"] or a.manifest["chunk"] != b.manifest["chunk"]:
        raise ResultsError("the two batches must have the same runs, seed and chunk to be paired run by run")
    rng = np.random.default_rng(seed)
    rows = []
    for kind, label, ya, yb in _measures(a, b):
        lo, hi = paired_bootstrap(yb - ya, rng)
        rows.append({"measure": kind, "what": label, "a": ya.mean(), "b": yb.mean(), "difference": yb.mean() - ya.mean(), "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame) -> str:
    """The comparison as aligned text: shares in percent, the mean peak in rungs."""
    lines = [f"{'measure':<16}{'outcome':<40}{'A':>9}{'B':>9}{'B - A':>10}  95% interval"]
    for r in table.itertuples():
        f = (lambda v: f"{v:.2f}") if r.measure == "mean" else (lambda v: f"{v:.1%}")
        lines.append(f"{r.measure:<16}{r.what[:39]:<40}{f(r.a):>9}{f(r.b):>9}{f(r.difference):>10}  [{f(r.lo)}, {f(r.hi)}]")
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


def compare_folders(a_folder, b_folder, out) -> tuple[pd.DataFrame, list[str]]:
    """Compare two finished batches; write compare.csv and compare.png into ``out``."""
    a, b = load_results(a_folder), load_results(b_folder)
    table = compare_results(a, b, seed=a.manifest["seed"])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "compare.csv"
    table.round(CSV_DECIMALS).to_csv(csv, index=False)
    chart = save(draw_compare(a, b, table), out / "compare.png")
    return table, [str(csv), chart]
