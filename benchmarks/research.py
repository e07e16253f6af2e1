"""Scenario discovery and calibration at a million runs, measured in one run.

    python benchmarks/research.py [--runs 1000000] [--workers 2]

Prints CPU seconds (this process and its children) beside wall time for:

- the batch itself: ``docs/examples/nov-2024-uncertain.yaml`` (six distributions), for scale (wall time only:
  the worker processes' CPU is not this process's);
- ``discover`` on it (PRIM over every run, CART, extra trees on a 200,000-run sample);
- ``calibrate`` by rejection, simulating as many runs in all (particles x runs per particle), and
  one generation of ABC-SMC of the same size.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "docs" / "examples" / "nov-2024-uncertain.yaml"
TARGETS = ROOT / "docs" / "examples" / "nov-2024-targets.yaml"


def main() -> None:
    from benchmarks.sweeps import timed
    from escalation.analysis.abc import crisis_simulator, load_targets, prior_of, rejection
    from escalation.analysis.discovery import discover
    from escalation.analysis.results import load_results
    from escalation.ensemble.batch import run_batch
    from escalation.scenario.loading import load_scenario

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--per-particle", type=int, default=500)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-research-"))
    rows = []
    try:
        cpu, wall = timed(lambda: run_batch(SCENARIO, args.runs, out=work / "b", seed=1, workers=args.workers, progress=False))
        rows.append((f"batch of {args.runs:,} runs ({args.workers} workers; their CPU not counted)", float("nan"), wall))
        results = load_results(work / "b")
        found: list = []
        cpu, wall = timed(lambda: found.append(discover(results, "cross_direct_nato_russia_war", seed=1)))
        rows.append((f"discover over {args.runs:,} runs", cpu, wall))
        scenario, targets = load_scenario(SCENARIO), load_targets(TARGETS)
        particles = max(2, args.runs // args.per_particle)
        simulate, _ = crisis_simulator(scenario, targets, args.per_particle, seed=1)
        posterior: list = []
        cpu, wall = timed(lambda: posterior.append(rejection(simulate, prior_of(scenario), particles, seed=1, batch=particles, max_simulations=particles)))
        rows.append((f"calibrate: {particles:,} particles x {args.per_particle} runs (one process)", cpu, wall))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'':58}{'CPU s':>10}{'wall s':>10}")
    for name, cpu, wall in rows:
        print(f"{name:58}{cpu:10.1f}{wall:10.1f}")
    box = found[0].box
    print(f"discovered box: coverage {box['coverage']:.1%}, density {box['density']:.1%} (base rate {found[0].base_rate:.2%}); "
          f"calibration kept {len(posterior[0].last.theta):,} of {particles:,} particles within every tolerance")


if __name__ == "__main__":
    main()
