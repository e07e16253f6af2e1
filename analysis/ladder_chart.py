"""The ladder chart of one world: each actor's posture over time, thresholds, events."""

from __future__ import annotations

import numpy as np

from .style import pyplot, save, stamp


def ladder_chart(model, path, world: int = 0) -> str:
    """Draw world ``world`` of a finished (or part-played) run and save it to ``path``."""
    plt = pyplot()
    sc, lad = model.scenario, model.ladder
    played = max(model.turn, 1)
    dates = np.array([np.datetime64(sc.date_of(t)) for t in range(played)])
    fig, ax = plt.subplots(figsize=(13, 7.5))
    fig.subplots_adjust(left=0.27, right=0.83, top=0.88, bottom=0.12)
    colours = plt.get_cmap("tab10")
    n = len(model.order)
    for i, a in enumerate(model.order):
        y = model.path[:played, i, world].astype(float)
        if not (y >= 0).any():
            continue
        jitter = (i - (n - 1) / 2) * 0.06  # keep actors on the same rung apart
        ax.step(dates, y + jitter, where="post", lw=2.2, color=colours(i % 10), label=a.label)
    for level, name in zip(lad.threshold_levels, lad.threshold_names):
        ax.axhline(level - 0.5, color="#555", lw=0.8, ls="--")
        ax.text(1.005, level - 0.5, name, transform=ax.get_yaxis_transform(), fontsize=8, va="center", color="#333")
    fired = [e for e in model.narrative if e.kind == "event"]
    for e in fired:
        documented = e.status == "documented"
        ax.axvline(np.datetime64(e.date), color="#1f4e79" if documented else "#b35c00", lw=0.6, alpha=0.5, ls="-" if documented else ":")
    labelled = {}
    for e in fired:  # one label per date, stacked at the top
        labelled.setdefault(e.date, []).append(e.text.split(":")[0])
    for k, (d, titles) in enumerate(sorted(labelled.items())[:14]):
        ax.annotate("; ".join(titles)[:60], (np.datetime64(d), lad.n - 0.6 - (k % 5) * 0.45), fontsize=6.5, color="#1f4e79", rotation=0)
    ax.set_yticks(range(lad.n), [f"{lv}  {name}" for lv, name in enumerate(lad.names)], fontsize=9)
    ax.set_ylim(-0.6, lad.n - 0.3)
    ax.set_xlim(dates[0], dates[-1] + np.timedelta64(1, "D"))
    ax.grid(axis="y", color="#eee")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 0.35), fontsize=8, frameon=False, title="Actors")
    seed = f", seed {model.seed}" if model.seed is not None else ""
    fig.suptitle(f"{sc.title}", fontsize=13, x=0.55)
    ax.set_title(f"{sc.name}{seed}: each actor's posture on the ladder; dashed lines are thresholds, vertical lines events (solid documented, dotted hypothetical)", fontsize=8.5)
    fig.autofmt_xdate()
    stamp(fig, f"scenario {sc.name}{seed}")
    return save(fig, path)
