"""A results folder in another tool's layout: EMA Workbench's experiments and outcomes.

``escalation export RESULTS --to ema`` writes the ``.tar.gz`` that EMA Workbench's own
``save_results`` writes (and its ``load_results`` reads back): ``experiments`` has a row per
run with the numbers that varied (by dotted key), the scenario, a policy and the model;
``outcomes`` has every per-run outcome (a 0/1 array for each end state and threshold) and,
where the runs kept their trajectories, the system rung and escalation intensity over time.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from escalation.analysis.outcomes import metric_names, metric_values
from escalation.errors import InputError

FORMATS = ("ema",)


def ema_tables(results) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """EMA Workbench's (experiments, outcomes) for these results."""
    from escalation.analysis.discovery import inputs

    runs = results.runs
    try:
        varied = inputs(results)
    except InputError:
        varied = pd.DataFrame(index=range(len(runs)))
    experiments = varied.assign(
        run=runs["run"].to_numpy(),
        scenario=pd.Categorical([results.name] * len(runs)),
        policy=pd.Categorical(["none"] * len(runs)),
        model=pd.Categorical(["escalation"] * len(runs)),
    )
    outcomes = {name: metric_values(runs, name, results.model) for name in metric_names(results.model) if not _missing(runs, name)}
    if results.has_trajectories:
        for series in ("system", "intensity"):
            outcomes[f"{series}_over_time"] = results.paths(series).astype(float)
    return experiments, outcomes


def _missing(runs: pd.DataFrame, name: str) -> bool:
    plain = not name.startswith(("end_", "cross_"))
    return plain and name not in runs


def export(results, to: str, out=None) -> Path:
    """Write the results in the layout ``to`` names; return the file written."""
    if to not in FORMATS:
        raise InputError(f"--to {to}: choose {', '.join(FORMATS)}")
    path = Path(out) if out else results.folder / "ema.tar.gz"
    if not path.name.endswith(".tar.gz"):
        raise InputError(f"--out {path}: EMA Workbench's results are a .tar.gz file")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import ArrayOutcome, ScalarOutcome
        from ema_workbench.util import save_results

    experiments, outcomes = ema_tables(results)
    for name, values in outcomes.items():  # EMA Workbench serialises an outcome by the kind it was declared as
        (ArrayOutcome if values.ndim == 2 else ScalarOutcome)(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_results((experiments, outcomes), str(path))
    return path
