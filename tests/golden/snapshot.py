"""Golden outcome snapshots: a summary of every shipped scenario at a fixed seed.

    python -m tests.golden.snapshot          # rewrite the snapshots, deliberately, after a model change

Each snapshot counts, over WORLDS worlds of seed SEED, how many end in each end state, how
many cross each threshold, the one-off actions taken, each actor's summed peak and the summed
escalation intensity at the branch, at the end and at its peak: whole
numbers, so a snapshot matches bit for bit or not at all. ``tests/test_golden.py`` compares.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
WORLDS, SEED = 2000, 7


def summary(name: str) -> dict:
    import escalation

    model = escalation.Crisis(name, worlds=WORLDS, rng=SEED, trajectories=False).run()
    out = model.outcomes()
    return {
        "worlds": WORLDS,
        "seed": SEED,
        "end_states": {state: int((out["end_state"] == i).sum()) for i, state in enumerate(escalation.END_STATES)},
        "crossed": {key[6:]: int((values >= 0).sum()) for key, values in out.items() if key.startswith("first_")},
        "episodes": {key[9:]: int(values.sum()) for key, values in out.items() if key.startswith("episodes_")},
        "peaks": {key[5:]: int(values.sum()) for key, values in out.items() if key.startswith("peak_") and key != "peak_rung"},
        "peak_rung": np.bincount(out["peak_rung"], minlength=model.ladder.n).tolist(),
        "intensity": {key[10:]: int(out[key].sum()) for key in ("intensity_branch", "intensity_end", "intensity_peak")},
    }


def path_of(name: str) -> Path:
    return HERE / f"{name}.json"


def main() -> None:
    from escalation.scenario.paths import shipped_scenarios

    for name in shipped_scenarios():
        path_of(name).write_text(json.dumps(summary(name), indent=1) + "\n", encoding="utf-8")
        print("wrote", path_of(name))


if __name__ == "__main__":
    main()
