"""Sweeps at batch speed: a Sobol' design against a plain batch of as many runs, measured in one run.

    python benchmarks/sweeps.py [--base 1024] [--runs 50] [--factors 8]

An 8-factor Sobol' design with second-order indices has N(2D + 2) points: with 1,024
base samples and 50 runs a point, 921,600 runs. Prints, in CPU seconds (this process
and its children) beside wall time:

- a plain batch of the same number of runs (the baseline);
- the sweep, its points packed into shared model instances (target: within 1.3x the batch);
- a slice of the sweep run one point per model instance (``chunk`` = runs per point),
  as every sweep ran before its points were packed, scaled to the whole design.

Runs in one worker process, so that CPU seconds are not shared with a second worker.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

FACTORS = [
    "settings.noise=0:1", "settings.deterrence=0.5:6", "settings.restraint=0.5:6", "settings.inertia=0.2:3",
    "settings.accident_rate=0:0.02", "actors.russia.resolve=0.4:1", "actors.united_states.risk_tolerance=0.1:0.7",
    "actors.russia.red_lines.0.credibility=0.2:1",
]


def cpu() -> float:
    """CPU seconds of this process and its finished children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn) -> tuple[float, float]:
    c, w = cpu(), time.perf_counter()
    fn()
    return cpu() - c, time.perf_counter() - w


def main() -> None:
    from escalation.ensemble.batch import run_batch
    from escalation.ensemble.runner import ScenarioRunner
    from escalation.ensemble.sweep import design, run_sweep

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=int, default=1024, help="Sobol' base samples (a power of two)")
    ap.add_argument("--runs", type=int, default=50, help="runs per point")
    ap.add_argument("--factors", type=int, default=8, choices=range(1, len(FACTORS) + 1))
    ap.add_argument("--slice", type=int, default=64, help="points run one per model instance, for the unpacked figure")
    args = ap.parse_args()
    vary = FACTORS[: args.factors]
    runner = ScenarioRunner("nov-2024")
    points = len(design([runner.factor(v, levels_allowed=False) for v in vary], "sobol", args.base, second_order=True))
    total = points * args.runs
    work = Path(tempfile.mkdtemp(prefix="bench-sweeps-"))
    try:
        common = dict(seed=1, workers=1, progress=False)
        batch_cpu, batch_wall = timed(lambda: run_batch("nov-2024", total, out=work / "batch", **common))
        sweep_cpu, sweep_wall = timed(lambda: run_sweep("nov-2024", vary, method="sobol", samples=args.base, second_order=True, runs=args.runs,
                                                        out=work / "sweep", **common))
        # the same design's first points, one model instance each: how a sweep paid per point before packing
        few = max(1, min(args.slice, points))
        slice_cpu, slice_wall = timed(lambda: _unpacked(vary, few, args.runs, work, common))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    scale = points / few
    print(f"Sobol' design: {args.factors} factors, {args.base} base samples, second order: {points:,} points x {args.runs} runs = {total:,} runs")
    print(f"{'':34}{'CPU s':>10}{'wall s':>10}{'CPU / batch':>14}")
    print(f"{'plain batch (baseline)':34}{batch_cpu:10.1f}{batch_wall:10.1f}{1.0:14.2f}")
    print(f"{'sweep, points packed':34}{sweep_cpu:10.1f}{sweep_wall:10.1f}{sweep_cpu / batch_cpu:14.2f}   (target: at most 1.30)")
    print(f"{'sweep, one model per point (est.)':34}{slice_cpu * scale:10.1f}{slice_wall * scale:10.1f}{slice_cpu * scale / batch_cpu:14.2f}"
          f"   ({few} points measured, scaled by {scale:.0f})")


def _unpacked(vary, points: int, runs: int, work: Path, common: dict) -> None:
    """``points`` points of the design, each in a model instance of its own (chunk = runs per point)."""
    from escalation.ensemble.batch import execute
    from escalation.ensemble.runner import ScenarioRunner
    from escalation.ensemble.sweep import describe, design

    runner = ScenarioRunner("nov-2024")
    factors = [runner.factor(v, levels_allowed=False) for v in vary]
    rows = design(factors, "sobol", 1024, second_order=True)[:points]
    execute(runner, out=work / "unpacked", runs=runs, chunk=runs, points=rows, factors=factors, sweep=describe(factors, "sobol", 1024, runs, rows),
            seed=common["seed"], workers=1, progress=False)


if __name__ == "__main__":
    main()
