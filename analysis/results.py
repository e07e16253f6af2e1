"""A results folder read back: the manifest, the runs as a pandas DataFrame, the trajectories.

Everything a chart needs (rung names, thresholds, actors, dates) comes from the
manifest, so results can be read without the scenario that made them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from escalation.errors import ResultsError


@dataclass
class Results:
    """One batch or sweep: ``manifest`` (dict), ``runs`` (one row per run)."""

    folder: Path
    manifest: dict
    runs: pd.DataFrame
    _paths: dict = field(default_factory=dict, repr=False)

    @property
    def model(self) -> dict:
        return self.manifest["model"]

    @property
    def name(self) -> str:
        return self.manifest["scenario"]["name"]

    @property
    def sweep(self) -> dict | None:
        return self.manifest.get("sweep")

    @property
    def rung_names(self) -> list[str]:
        return [r["name"] for r in self.model["rungs"]]

    @property
    def thresholds(self) -> list[dict]:
        return self.model["thresholds"]

    @property
    def actors(self) -> dict:
        return self.model["actors"]

    @property
    def clusters(self) -> np.ndarray | None:
        """For a sweep, each run's replicate number: its points share seeds, so intervals are clustered by it (None for a batch)."""
        if not self.sweep or "replicate" not in self.runs:
            return None
        return self.runs["replicate"].to_numpy()

    @property
    def has_trajectories(self) -> bool:
        return bool(self.manifest.get("trajectories")) and (self.folder / "trajectories.parquet").is_file()

    def dates(self) -> np.ndarray:
        """The calendar date of each turn, as numpy datetime64[D]."""
        start = np.datetime64(dt.date.fromisoformat(self.model["start"]))
        return start + np.arange(self.model["turns"]) * np.timedelta64(self.model["turn_days"], "D")

    def stamp(self) -> str:
        """The provenance line every figure carries: scenario, runs, seed, the package version and the scenario file's hash."""
        m = self.manifest
        kind = f", {m['sweep']['method']} sweep of {m['sweep']['points']} points" if m.get("sweep") else ""
        digest = m["scenario"].get("sha256")
        made = f", escalation {m['package']['version']}" if m.get("package") else ""
        return f"scenario {self.name}{kind}, {m['runs']:,} runs, seed {m['seed']}{made}" + (f", file sha256 {digest[:12]}" if digest else "")

    def system_paths(self) -> np.ndarray:
        """The system rung of every run at every turn, shape (runs, turns), in run order."""
        return self.paths("system")

    def paths(self, name: str) -> np.ndarray:
        """One trajectory column (``system``, ``intensity`` or an actor's id) of every run: (runs, turns), in run order."""
        if name not in self._paths:
            if not self.has_trajectories:
                raise ResultsError(f"{self.folder} has no trajectories; run the batch with --trajectories")
            path = self.folder / "trajectories.parquet"
            if name not in pq.read_schema(path).names:
                raise ResultsError(f"{self.folder}: its trajectories have no '{name}' column (written by an older version?)")
            table = pq.read_table(path, columns=["run", name])  # that column only
            column = table.column(name).combine_chunks()
            rows = column.flatten().to_numpy().reshape(len(column), self.model["turns"])
            ids = table.column("run").to_numpy()
            # a sweep with structural factors runs its points in groups, so its files need not be in run order
            self._paths[name] = rows if (np.diff(ids) > 0).all() else rows[np.argsort(ids, kind="stable")]
        return self._paths[name]


def load_results(folder) -> Results:
    """Read a finished results folder written by ``escalation batch`` or ``escalation sweep``."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ResultsError(f"{folder}: not a results folder (no manifest.json); make one with `escalation batch`")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError:
        raise ResultsError(f"{manifest_path}: unreadable manifest") from None
    if manifest.get("status") != "complete":
        raise ResultsError(f"{folder}: the batch is unfinished; complete it by rerunning its command with --resume")
    runs = pq.read_table(folder / "runs.parquet").to_pandas()
    if not runs["run"].is_monotonic_increasing:  # in run order, as the trajectories are read (see Results.paths)
        runs = runs.sort_values("run", kind="stable").reset_index(drop=True)
    return Results(folder, manifest, runs)
