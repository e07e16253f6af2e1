"""The ladder chart of one world: each actor's posture over time, thresholds, events.

Fired events are numbered in a strip above the plot, at their dates, and listed
in a key beside it; documented and hypothetical events differ in colour.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

import numpy as np

from escalation.analysis.style import actor_colour, pyplot, save, stamp

DOCUMENTED, HYPOTHETICAL = "#1f4e79", "#c0620a"
WIDTH, HEIGHT = 16.0, 9.0  # inches
MAIN = (2.85, 1.35, 7.3, 5.55)  # left, bottom, width, height of the plot, in inches
STRIP = 0.95  # height of the event strip above the plot, inches
KEY_LEFT = 11.75  # the event key's left edge, inches
ROWS = 4  # numbered markers stacked per column in the strip
KEY_WRAP = 50  # characters per line of an event's title in the key


@dataclass
class Fired:
    """One fired event as the chart shows it."""

    number: int
    date: dt.date
    title: str
    documented: bool


def ladder_chart(model, path, world: int = 0) -> str:
    """Draw world ``world`` of a finished (or part-played) run and save it to ``path``."""
    return save(ladder_figure(model, world), path)


def ladder_figure(model, world: int = 0):
    """The ladder chart as a matplotlib figure: axes 'ladder', 'events' (strip) and 'key'."""
    if model.path is None and model.turn:
        raise ValueError("a ladder chart needs the run's trajectories: build the model with trajectories=True")
    plt = pyplot()
    sc, lad = model.scenario, model.ladder
    played = max(model.turn, 1)
    days = np.array([np.datetime64(sc.date_of(t)) for t in range(played + 1)])  # one past the last turn played
    span = (days[0], days[-1])

    fig = plt.figure(figsize=(WIDTH, HEIGHT))
    ax = fig.add_axes(_rect(*MAIN), label="ladder")
    strip = fig.add_axes(_rect(MAIN[0], MAIN[1] + MAIN[3], MAIN[2], STRIP), sharex=ax, label="events")
    key = fig.add_axes(_rect(KEY_LEFT, MAIN[1], WIDTH - KEY_LEFT - 0.2, MAIN[3] + STRIP), label="key")

    _postures(ax, model, world, days)
    _ladder(ax, lad)
    events = _fired(model) if world == 0 else []
    for e in events:
        ax.axvline(np.datetime64(e.date, "D"), color=_colour(e), lw=0.6, alpha=0.35, ls="-" if e.documented else ":", zorder=1)
    if model.branch > 0:  # the shared history: nobody decided before the branch
        branch = np.datetime64(sc.date_of(model.branch))
        ax.axvspan(days[0], min(branch, days[-1]), color="#eef1f5", zorder=0, lw=0)
        ax.text(days[0], -0.35, "  history", fontsize=8, color="#555", va="center")
        ax.axvline(branch, color="#555", lw=1, ls="--", zorder=1)
    ax.set_xlim(*span)
    _date_axis(ax)
    _strip(strip, events, span, MAIN[2] * 72)
    _key(key, events, (MAIN[3] + STRIP) * 72)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=4, fontsize=9, frameon=False, handlelength=2.5)

    seed = f", seed {model.seed}" if model.seed is not None else ""
    fig.text(MAIN[0] / WIDTH, 1 - 0.3 / HEIGHT, sc.title, fontsize=14, weight="bold", va="top")
    fig.text(
        MAIN[0] / WIDTH, 1 - 0.62 / HEIGHT,
        f"{sc.name}{seed}: each actor's posture on the ladder, day by day. Dashed lines are thresholds; numbered markers are events; "
        f"before the branch ({sc.date_of(model.branch):%d %b}) is history, shared by every world.",
        fontsize=9.5, va="top", color="#333",
    )
    stamp(fig, f"scenario {sc.name}{seed}")
    return fig


def _rect(left, bottom, width, height):
    """An axes rectangle given in inches, as figure fractions."""
    return (left / WIDTH, bottom / HEIGHT, width / WIDTH, height / HEIGHT)


def _colour(e: Fired) -> str:
    return DOCUMENTED if e.documented else HYPOTHETICAL


def _postures(ax, model, world: int, days) -> None:
    """One step line per actor; actors on the same rung are drawn slightly apart."""
    n = len(model.order)
    if model.turn:  # postures after each turn played, -1 where the actor took no part
        path = model.path[: model.turn, :, world]
    else:  # before the first turn, the starting postures
        path = np.array([[a.posture[world] if a.active[world] else -1 for a in model.order]])
    for i, a in enumerate(model.order):
        y = np.where(path[:, i] >= 0, path[:, i], np.nan)
        if np.isnan(y).all():
            continue
        y = np.append(y, y[-1]) + (i - (n - 1) / 2) * 0.065
        ax.step(days, y, where="post", lw=2.2, color=actor_colour(i), label=a.label, zorder=3, solid_capstyle="butt")


def _ladder(ax, lad) -> None:
    """Rungs on the y axis, nuclear rungs shaded, thresholds dashed and named at the right."""
    ax.set_yticks(range(lad.n), [f"{lv}  {name}" for lv, name in enumerate(lad.names)], fontsize=9)
    ax.set_ylim(-0.6, lad.n - 0.4)
    ax.grid(axis="y", color="#eee", zorder=0)
    for level in range(lad.n):
        if lad.category_of(level) == "nuclear":
            ax.axhspan(level - 0.5, level + 0.5, color="#fbeaea", zorder=0, lw=0)
    for level, name in zip(lad.threshold_levels, lad.threshold_names):
        ax.axhline(level - 0.5, color="#666", lw=0.8, ls="--", zorder=2)
        ax.text(1.01, level - 0.5, name, transform=ax.get_yaxis_transform(), fontsize=8.5, va="center", color="#333")


def _date_axis(ax) -> None:
    """Dates as '17 Nov', with the year under the first tick and wherever it changes."""
    import matplotlib.dates as mdates

    lo, hi = ax.get_xlim()
    found = mdates.AutoDateLocator(minticks=6, maxticks=12).tick_values(mdates.num2date(lo), mdates.num2date(hi))
    ticks = [t for t in found if lo <= t <= hi and t == int(t)]  # whole days only
    labels, year = [], None
    for t in ticks:
        d = mdates.num2date(t)
        labels.append(f"{d.day} {d:%b}" + (f"\n{d.year}" if d.year != year else ""))
        year = d.year
    ax.set_xticks(ticks, labels, fontsize=9)


def _fired(model) -> list[Fired]:
    """The events fired in world 0, in the order they happened, numbered from 1."""
    titles = {h.id: h.title for h in [*model.scenario.events, *model.scenario.injects]}
    fired = [e for e in model.narrative if e.kind == "event"]
    return [
        Fired(k, e.date, titles.get(e.extra.get("id"), e.text) + (" (inject)" if e.extra.get("inject") else ""), e.status == "documented")
        for k, e in enumerate(fired, start=1)
    ]


def _strip(ax, events: list[Fired], span, width_pt: float) -> None:
    """Numbered markers in columns above their dates, spread apart where dates crowd."""
    ax.axis("off")
    ax.set_ylim(0, 1)
    if not events:
        return
    columns: list[tuple] = []  # (date, events), at most ROWS events each, in date order
    for e in events:
        if columns and columns[-1][0] == e.date and len(columns[-1][1]) < ROWS:
            columns[-1][1].append(e)
        else:
            columns.append((e.date, [e]))
    import matplotlib.dates as mdates

    lo, hi = mdates.date2num(span[0]), mdates.date2num(span[1])
    gap = 15.0 * (hi - lo) / width_pt  # one marker's width, in days
    anchor = np.array([mdates.date2num(np.datetime64(d)) for d, _ in columns])
    place = _spread(anchor, gap, lo + 0.5 * gap, hi - 0.5 * gap)
    for x0, x, (_, col) in zip(anchor, place, columns):
        ax.plot([x0, x0, x], [0.0, 0.1, 0.22], color="#999", lw=0.6, clip_on=False)
        ax.plot([x0], [0.0], marker="v", ms=4, color=_colour(col[0]), clip_on=False)
        for r, e in enumerate(col):
            ax.text(
                x, 0.32 + r * 0.19, str(e.number), fontsize=6.5, color="white", ha="center", va="center",
                weight="bold", bbox=dict(boxstyle="circle,pad=0.25", fc=_colour(e), ec="none"), clip_on=False,
            )


def _spread(anchor: np.ndarray, gap: float, lo: float, hi: float) -> np.ndarray:
    """Positions as near their anchors as possible, at least ``gap`` apart, within [lo, hi]."""
    place = np.clip(anchor.astype(float), lo, hi)
    for i in range(1, len(place)):
        place[i] = max(place[i], place[i - 1] + gap)
    place[-1] = min(place[-1], hi)
    for i in range(len(place) - 2, -1, -1):
        place[i] = min(place[i], place[i + 1] - gap)
    return place


def _key(ax, events: list[Fired], height_pt: float) -> None:
    """The list of numbered events beside the plot; what does not fit is counted."""
    ax.axis("off")
    line = 10.5 / height_pt  # one line of text, in axes fraction
    ax.text(0, 1, "Events", fontsize=10, weight="bold", va="top")
    for x, label, colour in ((0.2, "documented", DOCUMENTED), (0.47, "hypothetical", HYPOTHETICAL)):
        ax.plot([x], [1 - 0.5 * line], marker="o", ms=7, color=colour)
        ax.text(x + 0.03, 1, label, fontsize=8.5, va="top", color=colour)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    if not events:
        ax.text(0, 1 - 2 * line, "No event fired in this run.", fontsize=8.5, va="top", color="#555")
        return
    y = 1 - 1.9 * line
    for shown, e in enumerate(events):
        lines = textwrap.wrap(e.title + ("" if e.documented else " (hypothetical)"), KEY_WRAP) or [""]
        if y - (len(lines) + 1.5) * line < 0 and shown < len(events) - 1:
            ax.text(0, y, f"... and {len(events) - shown} more in the narrative", fontsize=8, va="top", color="#555", style="italic")
            return
        ax.text(0.025, y - 0.45 * line, str(e.number), fontsize=6.5, color="white", ha="center", va="center", weight="bold",
                bbox=dict(boxstyle="circle,pad=0.25", fc=_colour(e), ec="none"))
        ax.text(0.07, y, f"{e.date:%d %b}", fontsize=8, va="top", color="#333")
        for k, text in enumerate(lines):
            ax.text(0.2, y - k * line, text, fontsize=8, va="top", color="#111" if e.documented else HYPOTHETICAL)
        y -= (len(lines) + 0.35) * line
