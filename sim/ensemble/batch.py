"""Ensemble batches: many runs of a scenario, in chunks of W worlds, streamed to Parquet.

The runs are cut into *chunks*: one model instance over up to W worlds (the
model's ensemble axis). Every world draws from streams keyed by the batch seed and
its replicate number within its sample point (:mod:`escalation.model.streams`), so a
run's results depend only on the seed and its number: not on the number of workers,
the executor, the chunk size or the order chunks finish in. In a sweep every point
reuses the same replicate numbers (common random numbers). Consecutive chunks are
grouped into *tasks* of at most W runs, the unit sent to a worker and saved to
disk. See :mod:`escalation.ensemble.store` for the folder and
:mod:`escalation.ensemble.executors` for the executors.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from escalation.disclaimer import DISCLAIMER
from escalation.ensemble.executors import check_executor, open_pool
from escalation.ensemble.progress import Progress
from escalation.ensemble.runner import ScenarioRunner
from escalation.ensemble.store import Store
from escalation.errors import InputError
from escalation.scenario.parameters import column

DEFAULT_CHUNK = 10_000  # worlds per model instance: large enough that per-turn Python overhead is small
WORKER_LOST = (
    "a local worker process stopped abruptly; finished chunks are saved in {out} (resume to run the rest). "
    "Called from a Python script? Local workers import the script again, so put the call under "
    "`if __name__ == \"__main__\":`, or pass workers=1. Otherwise the machine may have run out of memory: try a smaller chunk."
)
TASK_CHUNKS = 16  # most model instances per task, so that small sweep points still spread over the workers


@dataclass(frozen=True)
class Chunk:
    """One model instance: replicates ``replicate`` .. ``replicate + each - 1`` of every point in ``points``.

    A sweep's points with few runs each are packed into one instance, their values per world
    (see :mod:`escalation.scenario.parameters`); a point with many runs is cut into blocks."""

    points: tuple[int, ...]
    replicate: int  # the first replicate number of each point: what its streams are keyed by
    each: int  # runs of each point in this chunk
    runs: int  # runs of each point in the whole batch (run id = point * runs + replicate)
    block: int  # the ``block``-th chunk of its points

    @property
    def worlds(self) -> int:
        return len(self.points) * self.each

    @property
    def point(self) -> int:
        return self.points[0]

    @property
    def first(self) -> int:
        return self.points[0] * self.runs + self.replicate

    def replicates(self) -> np.ndarray:
        """Each world's replicate number within its point."""
        return np.tile(np.arange(self.replicate, self.replicate + self.each, dtype=np.int64), len(self.points))

    def point_of_world(self) -> np.ndarray:
        return np.repeat(np.array(self.points, dtype=np.int64), self.each)

    def ids(self) -> np.ndarray:
        return self.point_of_world() * self.runs + self.replicates()


@dataclass(frozen=True)
class Task:
    """Consecutive chunks run together by one worker and saved as one file."""

    index: int
    chunks: tuple[Chunk, ...]

    @property
    def runs(self) -> int:
        return sum(c.worlds for c in self.chunks)


def plan(points, runs: int, chunk: int) -> list[Task]:
    """Chunks of at most ``chunk`` worlds for ``runs`` runs of each point, grouped into tasks of at most
    ``chunk`` runs and :data:`TASK_CHUNKS` chunks.

    ``points`` is a number of points, or groups of point numbers that can share a model (a sweep's
    points that differ only in per-world numbers). Within a group, points with fewer runs than a
    chunk are packed whole, as many to a chunk as fit; a point with more is cut into blocks."""
    groups = [list(range(points))] if isinstance(points, int) else [list(g) for g in points]
    pieces: list[Chunk] = []
    for group in groups:
        if runs >= chunk:
            for point in group:
                pieces += [Chunk((point,), start, min(chunk, runs - start), runs, block) for block, start in enumerate(range(0, runs, chunk))]
        else:
            per = chunk // runs
            pieces += [Chunk(tuple(group[i : i + per]), 0, runs, runs, 0) for i in range(0, len(group), per)]
    tasks: list[Task] = []
    current: list[Chunk] = []
    size = 0
    for piece in pieces:
        if current and (size + piece.worlds > chunk or len(current) == TASK_CHUNKS):
            tasks.append(Task(len(tasks), tuple(current)))
            current, size = [], 0
        current.append(piece)
        size += piece.worlds
    if current:
        tasks.append(Task(len(tasks), tuple(current)))
    return tasks


def run_task(runner, task: Task, seed: int, values: dict, fixed: dict, trajectories: bool, sweep: bool):
    """Run one task (in a worker): its runs table and, if asked, its trajectories table.

    ``values`` holds each point's factor values; those the model can hold per world go in as
    per-world parameters, the others make a variant of the scenario shared by the chunk."""
    runs, paths = [], []
    for c in task.chunks:
        point_of, replicates = c.point_of_world(), c.replicates()
        factors = [f for f, _ in values.get(c.point, ())]
        table = np.array([[v for _, v in values[p]] for p in c.points]) if factors else np.zeros((len(c.points), 0))
        per_point = table[np.repeat(np.arange(len(c.points)), c.each)]
        structural = tuple((f, v) for f, v in values.get(c.point, ()) if not runner.per_world(f))
        given = {f.key: per_point[:, j] for j, f in enumerate(factors) if runner.per_world(f)}
        outcomes, traj, drawn = runner(structural, c.worlds, seed, replicates, trajectories, parameters=given)
        ids = pa.array(c.ids())
        columns = {"run": ids}
        if sweep:
            columns["point"] = pa.array(point_of.astype(np.int32))
        columns["replicate"] = pa.array(replicates)  # the random numbers it drew: the same at every point of a sweep
        columns["seed"] = pa.array(np.full(c.worlds, seed, dtype=np.int64))
        columns["chunk"] = pa.array(np.full(c.worlds, c.block, dtype=np.int32))
        columns["world"] = pa.array(np.arange(c.worlds, dtype=np.int32))
        for j, f in enumerate(factors):
            columns[column(f.key)] = pa.array(per_point[:, j].astype(np.float64))
        swept = {runner.canonical(k) for k in given} if drawn else set()
        for key, value in drawn.items():  # the scenario's distributions, as each world drew them (a swept key is its factor's column)
            if key not in swept:
                columns[column(key)] = pa.array(value.astype(np.float64))
        for key, value in fixed.items():
            if not isinstance(value, dict):  # a distribution given with --set is among the values drawn
                columns[column(key)] = pa.array([value] * c.worlds)
        runs.append(pa.table({**columns, **outcomes}))
        if traj is not None:
            paths.append(pa.table({"run": ids, **traj}))
    return pa.concat_tables(runs), (pa.concat_tables(paths) if paths else None)


def run_batch(scenario="nov-2024", runs: int = 10_000, *, out, seed: int = 0, workers: int | None = None, executor=None,
              chunk: int | None = None, sets=(), trajectories: bool = False, resume: bool = False, progress: bool | None = None,
              command: str | None = None) -> Path:
    """Run ``runs`` runs of a scenario (name, path or Scenario) into the results folder ``out``.

    ``sets`` are ``KEY=VALUE`` strings (or a mapping) applied to the scenario;
    ``executor`` is None or 'local' (``workers`` local processes), a Dask
    scheduler address, or any ``concurrent.futures.Executor``. ``chunk`` is the
    number of worlds per model instance (default :data:`DEFAULT_CHUNK`); results
    depend on it, so it is part of what a seed reproduces. Returns ``out``.
    """
    chunk = DEFAULT_CHUNK if chunk is None else chunk
    check_counts(runs=runs, seed=seed, chunk=chunk, workers=workers)
    check_executor(executor)
    runner = ScenarioRunner(scenario, sets)
    return execute(runner, out=out, runs=runs, seed=seed, chunk=chunk, fixed=runner.sets, trajectories=trajectories,
                   workers=workers, executor=executor, resume=resume, progress=progress, command=command)


def check_counts(**counts) -> None:
    """Runs, chunk and workers are positive whole numbers; the seed is a whole number from 0."""
    for name, value in counts.items():
        if value is None:
            continue
        low = 0 if name == "seed" else 1
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value < 2**63:
            raise InputError(f"--{name} must be a whole number from {low} to 2**63 - 1 (got {value})" if name == "seed"
                             else f"--{name} must be a whole number of at least {low} (got {value})")


def execute(runner, *, out, runs: int, seed: int = 0, chunk: int = DEFAULT_CHUNK, points=None, factors=(), sweep: dict | None = None,
            fixed: dict | None = None, trajectories: bool = False, workers=None, executor=None, resume: bool = False,
            progress: bool | None = None, command: str | None = None) -> Path:
    """Run ``runs`` runs of each row of ``points`` (one point if None) with ``runner``; see :func:`run_batch`."""
    count = 1 if points is None else len(points)
    values = {} if points is None else {p: tuple(zip(factors, map(float, row))) for p, row in enumerate(points)}
    tasks = plan(runner.groups(values, count), runs, chunk)
    described = runner.describe()
    manifest = {
        "disclaimer": DISCLAIMER,
        "kind": "sweep" if sweep else "batch",
        "scenario": described["scenario"],
        "package": {"name": "escalation", "version": _version()},
        "environment": environment(),
        "seed": int(seed),
        "runs": count * runs,
        "chunk": chunk,
        "tasks": len(tasks),
        "trajectories": bool(trajectories),
        "set": dict(fixed or {}),
        "sweep": sweep,
        "command": command or "(Python API)",
        "model": described["model"],
        "parameters": described["parameters"],
        "started": _now(),
    }
    store = Store(out, manifest)
    done = store.open(resume)
    remaining = [t for t in tasks if t.index not in done]
    started = time.perf_counter()
    label = "nothing left to run"
    if remaining:
        with open_pool(executor, workers, len(remaining)) as pool:
            store.lock()
            store.start()
            label = pool.label
            meter = Progress(count * runs, sum(t.runs for t in tasks if t.index in done), described["scenario"]["name"], enabled=progress)
            try:
                _drive(pool, remaining, store, meter, runner, seed, values, dict(fixed or {}), trajectories, bool(sweep))
            except KeyboardInterrupt:
                pool.abandon()
                print(f"\n{store.out}: finished chunks are saved; rerun with --resume to run the rest", file=sys.stderr)
                raise
            finally:
                meter.close()
    else:
        store.lock()
    store.finish({"finished": _now(), "elapsed_s": round(time.perf_counter() - started, 3), "executor": label})
    return store.out


def _drive(pool, remaining, store, meter, runner, seed, values, fixed, trajectories, sweep) -> None:
    """Keep a few tasks in flight; save each as it finishes, whatever the order."""
    queue = iter(remaining)
    flying: dict = {}

    def fill():
        room = pool.capacity()
        while len(flying) < room:
            task = next(queue, None)
            if task is None:
                return
            needed = {p: values[p] for c in task.chunks for p in c.points if p in values}
            flying[pool.executor.submit(run_task, runner, task, seed, needed, fixed, trajectories, sweep)] = task

    fill()
    while flying:
        finished, _ = wait(list(flying), return_when=FIRST_COMPLETED)
        for future in finished:
            task = flying.pop(future)
            try:
                runs, paths = future.result()
            except BrokenProcessPool as exc:
                pool.abandon()
                raise BrokenProcessPool(WORKER_LOST.format(out=store.out)) from exc
            except Exception:
                pool.abandon()
                raise
            store.write_chunk(task.index, runs, paths)
            meter.advance(task.runs)
        fill()


RESULT_PACKAGES = ("numpy", "mesa", "pydantic", "PyYAML", "pyarrow", "pandas", "scipy", "SALib", "ema-workbench", "scikit-learn")


def environment() -> dict:
    """What the results depend on besides the scenario and seed: Python, the packages that compute them, the git commit."""
    import platform
    import subprocess
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for name in RESULT_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    commit = None
    root = Path(__file__).resolve().parents[2]
    if (root / ".git").exists():
        try:  # a fixed command, no user text: the checkout this package runs from
            done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
            commit = done.stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            commit = None
    return {"python": platform.python_version(), "packages": versions, "git_commit": commit}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _version() -> str:
    from escalation import __version__

    return __version__
