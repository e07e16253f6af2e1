"""Turn a single-world run into words: the dated narrative and an outcome summary."""

from __future__ import annotations

from itertools import groupby

from escalation.disclaimer import DISCLAIMER
from escalation.model.crisis import Crisis
from escalation.model.outcomes import END_STATE_NAMES, END_STATES

MARK = {"event": "*", "move": "-", "threshold": "!", "red_line": "~", "history": "="}


def entry_line(e) -> str:
    """One narrative entry as a line of text."""
    if e.kind in ("event", "history"):
        return f"{MARK[e.kind]} [{e.status}] {e.text}  (source: {e.source})"
    if e.kind == "move":
        return f"{MARK[e.kind]} {e.text}, because {e.why}."
    return f"{MARK[e.kind]} {e.text}"


def narrative_text(model: Crisis) -> str:
    """The turn-by-turn story of world 0, grouped by date."""
    sc = model.scenario
    seed = f", seed {model.seed}" if model.seed is not None else ""
    lines = [f"{sc.title} ({sc.name}{seed})", DISCLAIMER, ""]
    for (turn, date), entries in groupby(model.narrative, key=lambda e: (e.turn, e.date)):
        lines.append(f"{date:%a %d %b %Y} (turn {turn})")
        lines += [f"  {entry_line(e)}" for e in entries]
    return "\n".join(lines)


def summary_text(model: Crisis) -> str:
    """Outcome of world 0: peak rung, end state, thresholds, each actor's peak."""
    lad, out = model.ladder, model.outcomes()
    peak = int(out["peak_rung"][0])
    lines = [
        f"Outcome: peak rung '{lad.names[peak]}' (level {peak}); end state: {END_STATE_NAMES[END_STATES[int(out['end_state'][0])]]}.",
        "Thresholds: "
        + "; ".join(
            f"{name} {model.scenario.date_of(int(t)) if t >= 0 else 'never'}"
            for name, t in zip(lad.threshold_names, (out[f"first_{tid}"][0] for tid in lad.threshold_ids))
        )
        + ".",
        "Peaks: " + "; ".join(f"{a.label} " + (f"'{lad.names[int(a.peak[0])]}'" if a.peak[0] >= 0 else "took no part") for a in model.order) + ".",
        DISCLAIMER,
    ]
    return "\n".join(lines)
