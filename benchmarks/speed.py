"""Speed of the core: one classroom run, one research chunk, against one world at a time.

    python benchmarks/speed.py [--repeat 3] [--singles 100]

Prints:
- the wall time of a whole ``escalation run nov-2024`` in a fresh process
  (imports, simulation, narrative, chart; target under 3 s);
- the time of one chunk of 10,000 worlds of ``nov-2024`` on one core (target
  under 2 s; the research target is 1.2 s, for a million runs in a minute on two
  cores), the best and the median of ``--repeat`` runs;
- the same worlds played one at a time, the ordinary Mesa way (``mesa.batch_run``
  at W = 1), measured in this run: the baseline the chunk is compared with.
Each figure is given with its ratio to the target (below 1 is within it).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI_TARGET = 3.0
CHUNK_TARGET = 2.0
RESEARCH_TARGET = 1.2
CHUNK = 10_000


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def cli_run(repeat: int) -> list[float]:
    """Wall time of `escalation run nov-2024`, each in a fresh process."""
    script = Path(sys.executable).parent / "escalation"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "escalation.cli"]
    with tempfile.TemporaryDirectory() as out:

        def once():
            subprocess.run([*command, "run", "nov-2024", "--seed", "1", "--out", out], check=True, capture_output=True)

        return timed(once, repeat)


def chunk(repeat: int) -> list[float]:
    """One chunk of 10,000 worlds: build, play every turn, collect the outcomes."""
    from escalation.model import Crisis
    from escalation.scenario.loading import load_scenario

    scenario = load_scenario("nov-2024")
    Crisis(scenario, worlds=100, rng=0).run()  # warm the imports and caches
    seeds = iter(range(1, repeat + 1))
    return timed(lambda: Crisis(scenario, worlds=CHUNK, rng=next(seeds)).run().outcomes(), repeat)


def one_at_a_time(runs: int) -> float:
    """Seconds per world, played one world per model through mesa.batch_run."""
    import mesa

    from escalation.model import Crisis

    start = time.perf_counter()
    mesa.batch_run(
        Crisis, parameters={"scenario": "nov-2024", "rng": range(runs)}, number_processes=1, iterations=1, data_collection_period=-1, display_progress=False
    )
    return (time.perf_counter() - start) / runs


def line(label: str, seconds: float, target: float) -> str:
    return f"  {label:<44} {seconds:7.3f} s   target {target:4.1f} s   ratio {seconds / target:5.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing (default 3)")
    parser.add_argument("--singles", type=int, default=100, help="one-world runs for the baseline (default 100)")
    args = parser.parse_args()

    import numpy as np

    from escalation.disclaimer import DISCLAIMER

    print(f"escalation speed: Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(DISCLAIMER)

    cli = cli_run(args.repeat)
    print("Classroom (W = 1):")
    print(line("escalation run nov-2024, median", statistics.median(cli), CLI_TARGET))

    times = chunk(args.repeat)
    best, median = min(times), statistics.median(times)
    print(f"Research (W = {CHUNK:,}, one core):")
    print(line("one chunk, best", best, CHUNK_TARGET))
    print(line("one chunk, median", median, CHUNK_TARGET))
    print(line("one chunk, best, against the research target", best, RESEARCH_TARGET))
    print(f"  1,000,000 runs on 2 cores at this speed: about {1_000_000 / CHUNK * best / 2:.0f} s (target 60 s)")

    per_world = one_at_a_time(args.singles)
    print(f"Baseline: one world at a time (mesa.batch_run, {args.singles} runs):")
    print(f"  {per_world * 1000:.1f} ms a world; {CHUNK:,} worlds would take {per_world * CHUNK:.0f} s; the chunk is {per_world * CHUNK / best:.0f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
