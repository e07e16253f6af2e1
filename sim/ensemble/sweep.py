"""Parameter sweeps: which points of parameter space to run, and running them.

Methods: ``grid`` (every combination of N levels per factor), ``oat`` (one at a
time around the scenario's own values, for tornado charts), ``lhs`` (a Latin
hypercube), ``sobol`` (Saltelli's sampling for Sobol' indices) and ``morris``
(elementary-effect trajectories). Sobol, Morris and Latin samples come from
SALib. Each point is run ``runs`` times with the same seed blocks (common random
numbers); :mod:`analysis.sensitivity` averages the replicates per point before
computing indices, so noise does not inflate them.
"""

from __future__ import annotations

import itertools

import numpy as np

from escalation.errors import InputError
from escalation.scenario.overrides import Factor

METHODS = ("grid", "oat", "lhs", "sobol", "morris")
DEFAULT_LEVELS = 5
DEFAULT_SAMPLES = {"lhs": 50, "sobol": 64, "morris": 10}
MORRIS_LEVELS = 4


def problem(factors) -> dict:
    """The SALib problem for these factors."""
    return {"num_vars": len(factors), "names": [f.key for f in factors], "bounds": [[f.lo, f.hi] for f in factors]}


def design(factors, method: str, samples: int | None = None, seed: int = 0) -> np.ndarray:
    """The sample points, one row per point, one column per factor (in the order SALib analyses them)."""
    check_method(method)
    if not factors:
        raise InputError("a sweep needs at least one --vary KEY=LO:HI[:N]")
    keys = [f.key for f in factors]
    if len(set(keys)) != len(keys):
        raise InputError(f"--vary names {', '.join(sorted({k for k in keys if keys.count(k) > 1}))} more than once")
    if method in ("grid", "oat"):
        if samples is not None:
            raise InputError(f"--samples does not apply to --method {method}; give levels as --vary KEY=LO:HI:N")
        points = _grid(factors) if method == "grid" else _one_at_a_time(factors)
    else:
        samples = DEFAULT_SAMPLES[method] if samples is None else samples
        if samples < 2:
            raise InputError(f"--samples must be at least 2 (got {samples})")
        if method == "sobol" and samples & (samples - 1):
            raise InputError(
                f"--samples {samples}: Sobol' sampling needs a power of two, such as {1 << (samples.bit_length() - 1)} or {1 << samples.bit_length()}"
            )
        points = _salib(factors, method, samples, seed)
    for i, f in enumerate(factors):
        if f.integer:
            points[:, i] = np.round(points[:, i])
    return points


def check_method(method: str) -> None:
    if method not in METHODS:
        raise InputError(f"--method '{method}': choose one of {', '.join(METHODS)}")


def describe(factors, method: str, samples: int | None, runs: int, points: np.ndarray) -> dict:
    """The sweep's design as recorded in the manifest."""
    return {
        "method": method,
        "factors": [f.as_dict() for f in factors],
        "samples": samples if method not in ("grid", "oat") else None,
        "points": int(len(points)),
        "runs_per_point": runs,
    }


def _levels(f: Factor) -> np.ndarray:
    return np.linspace(f.lo, f.hi, f.levels or DEFAULT_LEVELS)


def _grid(factors) -> np.ndarray:
    return np.array(list(itertools.product(*(_levels(f) for f in factors))), dtype=float)


def _one_at_a_time(factors) -> np.ndarray:
    """The baseline first, then each factor through its levels with the others at baseline."""
    centre = np.array([f.baseline if f.baseline is not None else (f.lo + f.hi) / 2 for f in factors])
    rows = [centre]
    for i, f in enumerate(factors):
        for level in _levels(f):
            row = centre.copy()
            row[i] = level
            rows.append(row)
    return np.array(rows)


def _salib(factors, method: str, samples: int, seed: int) -> np.ndarray:
    spec = problem(factors)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(spec, samples, calc_second_order=False, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(spec, samples, num_levels=MORRIS_LEVELS, seed=seed)
    from SALib.sample import latin

    return latin.sample(spec, samples, seed=seed)


def run_sweep(
    scenario="nov-2024",
    vary=(),
    *,
    method: str = "grid",
    samples: int | None = None,
    runs: int = 100,
    out,
    seed: int = 0,
    workers: int | None = None,
    executor=None,
    chunk: int | None = None,
    sets=(),
    trajectories: bool = False,
    resume: bool = False,
    progress: bool | None = None,
    command: str | None = None,
):
    """Run ``runs`` replicates of each point of a sweep over ``vary`` (``KEY=LO:HI[:N]`` strings) into ``out``."""
    from escalation.ensemble.batch import DEFAULT_CHUNK, check_counts, execute
    from escalation.ensemble.executors import check_executor
    from escalation.ensemble.runner import ScenarioRunner

    chunk = DEFAULT_CHUNK if chunk is None else chunk
    check_method(method)
    check_counts(runs=runs, seed=seed, chunk=chunk, workers=workers, samples=samples)
    check_executor(executor)
    runner = ScenarioRunner(scenario, sets)
    factors = [runner.factor(v, levels_allowed=method in ("grid", "oat")) for v in vary]
    points = design(factors, method, samples, seed)
    sweep = describe(factors, method, samples if samples is not None else DEFAULT_SAMPLES.get(method), runs, points)
    return execute(
        runner,
        out=out,
        runs=runs,
        seed=seed,
        chunk=chunk,
        points=points,
        factors=factors,
        sweep=sweep,
        fixed=runner.sets,
        trajectories=trajectories,
        workers=workers,
        executor=executor,
        resume=resume,
        progress=progress,
        command=command,
    )
