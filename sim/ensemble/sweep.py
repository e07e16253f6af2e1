"""Parameter sweeps: which points of parameter space to run, and running them.

Methods: ``grid`` (every combination of N levels per factor), ``oat`` (one at a
time around the scenario's own values, for tornado charts), ``lhs`` (a Latin
hypercube), ``sobol`` (Saltelli's sampling for Sobol' indices, second order on
request), ``morris`` (elementary-effect trajectories, ``levels`` levels), ``fast``
(the Fourier amplitude sensitivity test), ``delta`` (Borgonovo's moment-independent
delta, on a Latin sample) and ``pawn`` (PAWN's CDF-based indices, on a Latin sample).
Samples come from SALib; Sobol' and Morris designs may group factors (``groups``),
which SALib then analyses as one. Each point is run ``runs`` times with the same
replicate numbers (common random numbers); :mod:`analysis.sensitivity` averages
the replicates per point before computing indices, so noise does not inflate them.
Points that differ only in numbers the model holds per world share model instances
(see :mod:`escalation.scenario.parameters`), so a sweep costs what a batch of as
many runs costs.
"""

from __future__ import annotations

import itertools

import numpy as np

from escalation.errors import InputError
from escalation.scenario.overrides import Factor

METHODS = ("grid", "oat", "lhs", "sobol", "morris", "fast", "delta", "pawn")
DEFAULT_LEVELS = 5
DEFAULT_SAMPLES = {"lhs": 50, "sobol": 64, "morris": 10, "fast": 65, "delta": 200, "pawn": 200}
MORRIS_LEVELS = 4
FAST_M = 4  # FAST's interference factor: samples must exceed 4 M**2
GROUPED = ("sobol", "morris")  # the methods SALib analyses by groups of factors


def problem(factors, groups: dict | None = None) -> dict:
    """The SALib problem for these factors; ``groups`` (name -> keys) puts every factor in one group (its own by default)."""
    spec = {"num_vars": len(factors), "names": [f.key for f in factors], "bounds": [[f.lo, f.hi] for f in factors]}
    if groups:
        member = {key: name for name, keys in groups.items() for key in keys}
        spec["groups"] = [member.get(f.key, f.key) for f in factors]
    return spec


def check_groups(factors, groups: dict | None, method: str) -> dict | None:
    """Groups name swept keys, each at most once, for a method SALib groups."""
    if not groups:
        return None
    if method not in GROUPED:
        raise InputError(f"--group applies to --method {' and '.join(GROUPED)}, not {method}")
    keys, seen = {f.key for f in factors}, set()
    for name, members in groups.items():
        for key in members:
            if key not in keys:
                raise InputError(f"--group {name}: {key} is not swept; --vary it too{_hint(key, keys)}")
            if key in seen:
                raise InputError(f"--group {name}: {key} is already in another group")
            seen.add(key)
    return {name: list(members) for name, members in groups.items()}


def _hint(key, keys) -> str:
    from escalation.errors import did_you_mean

    return did_you_mean(key, sorted(keys))


def design(factors, method: str, samples: int | None = None, seed: int = 0, *, second_order: bool = False, groups: dict | None = None,
           levels: int = MORRIS_LEVELS) -> np.ndarray:
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
        if method == "fast" and samples <= 4 * FAST_M**2:
            raise InputError(f"--samples {samples}: FAST needs more than {4 * FAST_M**2} samples per factor")
        if second_order and method != "sobol":
            raise InputError("--second-order applies to --method sobol only")
        points = _salib(factors, method, samples, seed, second_order, check_groups(factors, groups, method), levels)
    for i, f in enumerate(factors):
        if f.integer:
            points[:, i] = np.round(points[:, i])
    return points


def check_method(method: str) -> None:
    if method not in METHODS:
        raise InputError(f"--method '{method}': choose one of {', '.join(METHODS)}")


def describe(factors, method: str, samples: int | None, runs: int, points: np.ndarray, *, second_order: bool = False, groups: dict | None = None,
             levels: int = MORRIS_LEVELS) -> dict:
    """The sweep's design as recorded in the manifest."""
    return {
        "method": method,
        "factors": [f.as_dict() for f in factors],
        "samples": samples if method not in ("grid", "oat") else None,
        "points": int(len(points)),
        "runs_per_point": runs,
        "second_order": bool(second_order),
        "groups": groups or None,
        "levels": levels if method == "morris" else None,
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


def _salib(factors, method: str, samples: int, seed: int, second_order: bool, groups: dict | None, levels: int) -> np.ndarray:
    spec = problem(factors, groups)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(spec, samples, calc_second_order=second_order, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(spec, samples, num_levels=levels, seed=seed)
    if method == "fast":
        from SALib.sample import fast_sampler

        return fast_sampler.sample(spec, samples, M=FAST_M, seed=seed)
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
    second_order: bool = False,
    groups: dict | None = None,
    levels: int = MORRIS_LEVELS,
):
    """Run ``runs`` replicates of each point of a sweep over ``vary`` (``KEY=LO:HI[:N]`` strings) into ``out``.

    ``second_order`` asks a Sobol' design for second-order indices; ``groups`` (name -> swept keys) groups factors
    for Sobol' and Morris; ``levels`` is the Morris grid's number of levels."""
    from escalation.ensemble.batch import DEFAULT_CHUNK, check_counts, execute
    from escalation.ensemble.executors import check_executor
    from escalation.ensemble.runner import ScenarioRunner

    chunk = DEFAULT_CHUNK if chunk is None else chunk
    check_method(method)
    check_counts(runs=runs, seed=seed, chunk=chunk, workers=workers, samples=samples)
    check_executor(executor)
    runner = ScenarioRunner(scenario, sets)
    factors = [runner.factor(v, levels_allowed=method in ("grid", "oat")) for v in vary]
    if method == "morris" and not (isinstance(levels, int) and 2 <= levels <= 100 and levels % 2 == 0):
        raise InputError(f"--levels {levels}: Morris levels must be an even whole number from 2 to 100")
    points = design(factors, method, samples, seed, second_order=second_order, groups=groups, levels=levels)
    sweep = describe(factors, method, samples if samples is not None else DEFAULT_SAMPLES.get(method), runs, points, second_order=second_order,
                     groups=check_groups(factors, groups, method), levels=levels)
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
