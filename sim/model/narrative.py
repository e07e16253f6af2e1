"""Turn a single-world run into words: the dated narrative and an outcome summary."""

from __future__ import annotations

from itertools import groupby

from escalation.disclaimer import DISCLAIMER
from escalation.model.crisis import Crisis
from escalation.model.outcomes import END_STATE_MEANING, END_STATE_NAMES, END_STATES

MARK = {"event": "*", "move": "-", "threshold": "!", "red_line": "~", "history": "=", "war": "#"}


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
    lines = [f"{sc.title} ({sc.name}{seed})", DISCLAIMER, *drawn_lines(model), ""]
    for (turn, date), entries in groupby(model.narrative, key=lambda e: (e.turn, e.date)):
        lines.append(f"{date:%a %d %b %Y} (turn {turn})")
        lines += [f"  {entry_line(e)}" for e in entries]
    return "\n".join(lines)


def drawn_lines(model: Crisis) -> list[str]:
    """What this world drew where the scenario gives a distribution: "This world drew: settings.noise 0.34 (from uniform(0.1, 0.6)); ..."."""
    from escalation.scenario.parameters import key_text

    sc = model.scenario
    drawn = [f"{key_text(sc, path)} {float(model.parameters[key_text(sc, path)][0]):.3g} (from {dist})" for path, dist in sc.distributions.items()]
    return [f"This world drew: {'; '.join(drawn)}."] if drawn else []


def summary_text(model: Crisis) -> str:
    """Outcome of world 0: end state against the branch, the facts after it, the peaks."""
    lad, out, sc = model.ladder, model.outcomes(), model.scenario
    state = END_STATES[int(out["end_state"][0])]
    peak = int(out["peak_rung"][0])
    facts = [(name, int(out[f"first_{tid}"][0])) for name, tid in zip(lad.threshold_names, lad.threshold_ids)]
    lines = [
        f"Outcome: {END_STATE_NAMES[state]} ({END_STATE_MEANING[state]}); escalation intensity {int(out['intensity_branch'][0])} "
        f"at the branch on {sc.date_of(model.branch):%d %b %Y}, {int(out['intensity_end'][0])} at the end.",
        "Thresholds crossed after the branch: " + ("; ".join(f"{name} {sc.date_of(t)}" for name, t in facts if t >= 0) or "none") + ".",
        f"Peaks: the crisis '{lad.names[peak]}' (level {peak}); "
        + "; ".join(f"{a.label} " + (f"'{lad.names[int(a.peak[0])]}'" if a.peak[0] >= 0 else "took no part") for a in model.order) + ".",
        *war_lines(model, out),
        *drawn_lines(model),
        DISCLAIMER,
    ]
    return "\n".join(lines)


def war_lines(model: Crisis, out: dict) -> list[str]:
    """The war in world 0: where the front ended against the branch, and whether talks were ever on offer."""
    front = model.front
    if front is None:
        return []
    first, second = (model.order[i].label for i in (front.a, front.b))
    end, start = float(out["balance_end"][0]), float(front.reference[0])
    share = 100 * (1 + end) / 2
    talks = int(out["talks_days"][0])
    when = f"on {talks} days, first on {model.scenario.date_of(int(out['first_talks'][0]))}" if talks else "never"
    return [
        f"The war: the front ended at {end:+.2f} (from {start:+.2f} at the branch; {first} holds {share:.0f}% of the stake, "
        f"{second} {100 - share:.0f}%); talks were on offer {when}."
    ]
