"""Throughput and memory of ensemble batches, against Mesa's own batch_run, measured in one run.

    python benchmarks/throughput.py [--mesa-runs 200] [--small 100000] [--big 1000000] [--workers 2]

Prints:
- CPU seconds per run of ``mesa.batch_run`` over the same model class at W = 1 (one
  world per model, as a Mesa user would run it), on the same number of processes;
- CPU seconds (beside wall time and time waiting for a CPU) of ``escalation batch nov-2024``
  (the real command, measured from outside, start-up and Parquet included) and the ratio
  of CPU per run (target: at least 50x);
- CPU seconds and peak memory of a 1,000,000-run batch (targets: at most 20 CPU-s, under
  1 GiB), next to a 100,000-run batch to show memory stays flat as runs grow; beside the
  20 CPU-s, what the runs would take at ten times this machine's arithmetic floor
  (``floor``: 20 CPU-s was set where the floor was 2.7 ns per world-turn-actor);
- the model's own CPU per run in one process, which bounds what any executor can do.

Targets are judged on CPU time: on a shared machine wall time measures the neighbours.

Peak memory is the largest sum, over the batch's whole process tree (command,
forkserver, workers), of each process's proportional set size (PSS: shared pages
split between the processes sharing them), sampled every 0.1 s. CPU time and time
spent waiting for a CPU come from /proc/PID/schedstat, to tell a slow batch from a
busy machine.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


def _cpu_with_children() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def mesa_batch_run(runs: int, processes: int) -> tuple[float, float]:
    """CPU seconds (this process and its reaped pool) and wall seconds for ``mesa.batch_run`` to play ``runs`` single-world runs."""
    import mesa

    from escalation.model import Crisis

    cpu, started = _cpu_with_children(), time.perf_counter()
    results = mesa.batch_run(Crisis, parameters={"scenario": "nov-2024", "rng": list(range(runs))}, number_processes=processes,
                             iterations=1, data_collection_period=-1, display_progress=False)
    seconds = time.perf_counter() - started
    assert len(results) == runs
    return _cpu_with_children() - cpu, seconds


def model_alone(worlds: int, repeats: int = 3) -> float:
    """CPU seconds per run of one model instance over ``worlds`` worlds, in this process (best of a few)."""
    import numpy as np

    from escalation.model import Crisis
    from escalation.scenario.loading import load_scenario

    scenario = load_scenario("nov-2024")
    Crisis(scenario, worlds=100, rng=0).run()  # the compiled kernels loaded
    gc.collect()
    gc.freeze()  # what the process holds now lives as long as it does, out of the collections: as a batch's worker has it (ensemble.runner)
    best = float("inf")
    for seed in range(repeats):
        started = time.process_time()
        Crisis(scenario, worlds=worlds, rng=np.random.default_rng(seed), trajectories=False, collect=False).run().outcomes()
        best = min(best, time.process_time() - started)
    return best / worlds


class TreeMeter(threading.Thread):
    """Samples a process tree: summed PSS and RSS, and each process's time on a CPU and
    time spent runnable but waiting for one (Linux schedstat: the cost of a busy machine)."""

    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.every = every
        self.peak_pss = self.peak_rss = 0
        self.sched: dict[int, tuple[int, int]] = {}  # pid -> (ns on CPU, ns waiting for a CPU)
        self.done = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.done.is_set():
            pss = rss = 0
            try:
                for p in [self.root, *self.root.children(recursive=True)]:
                    try:
                        info = p.memory_full_info()
                        pss += info.pss
                        rss += info.rss
                        on_cpu, waiting = map(int, Path(f"/proc/{p.pid}/schedstat").read_text().split()[:2])
                        self.sched[p.pid] = (on_cpu, waiting)
                    except (psutil.NoSuchProcess, psutil.AccessDenied, OSError):
                        pass
            except psutil.NoSuchProcess:
                return
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self.done.wait(self.every)

    def cpu_seconds(self) -> tuple[float, float]:
        """Seconds on a CPU and seconds waiting for one, summed over the tree (as last sampled)."""
        return sum(c for c, _ in self.sched.values()) / 1e9, sum(w for _, w in self.sched.values()) / 1e9


def escalation_batch(runs: int, workers: int, folder: Path) -> tuple[float, TreeMeter]:
    """Wall seconds and the tree's meter for the real command ``escalation batch nov-2024``."""
    shutil.rmtree(folder, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "escalation.cli",
        "batch",
        "nov-2024",
        "--runs",
        str(runs),
        "--workers",
        str(workers),
        "--out",
        str(folder),
        "--no-progress",
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    meter = TreeMeter(proc.pid)
    meter.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    meter.done.set()
    meter.join()
    if proc.returncode != 0:
        raise SystemExit(f"escalation batch failed:\n{err}")
    return seconds, meter


def verdict(ok: bool, missed: str) -> str:
    return "met" if ok else f"MISSED ({missed})"


def main() -> int:
    from escalation.disclaimer import DISCLAIMER
    from escalation.ensemble.batch import DEFAULT_CHUNK

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mesa-runs", type=int, default=200)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    w = args.workers
    print(f"escalation throughput on {os.cpu_count()} cores, {w} workers (a shared machine: expect noise). {DISCLAIMER}\n")

    mesa_cpu, mesa_s = mesa_batch_run(args.mesa_runs, w)
    mesa_per_run = mesa_cpu / args.mesa_runs
    print(f"mesa.batch_run, W = 1, {w} processes: {args.mesa_runs:>9,} runs in {mesa_cpu:7.2f} CPU-s ({mesa_s:.2f} wall-s) "
          f"= {mesa_per_run * 1e3:8.2f} CPU-ms per run")

    alone = model_alone(DEFAULT_CHUNK)
    print(f"one model instance, W = {DEFAULT_CHUNK:,}, 1 process: {alone * 1e6:8.2f} CPU-us per run (the floor for 1,000,000 runs: {alone * 1e6:.0f} CPU-s)")

    work = Path(tempfile.mkdtemp(prefix="escalation-bench-"))
    try:
        small_s, small = escalation_batch(args.small, w, work / "small")
        big_s, big = escalation_batch(args.big, w, work / "big")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for runs, seconds, meter in ((args.small, small_s, small), (args.big, big_s, big)):
        on_cpu, waiting = meter.cpu_seconds()
        print(
            f"escalation batch, {w} workers: {runs:>9,} runs in {on_cpu:7.1f} CPU-s ({seconds:.1f} wall-s, {waiting:.1f} s waiting for a CPU) "
            f"= {on_cpu / runs * 1e6:.1f} CPU-us per run; peak memory {meter.peak_pss / MIB:,.0f} MiB PSS ({meter.peak_rss / MIB:,.0f} MiB RSS)"
        )
    big_cpu, _ = big.cpu_seconds()
    big_pss, small_pss = big.peak_pss, small.peak_pss
    ratio = mesa_per_run / (big_cpu / args.big)
    target = 20.0 * args.big / 1_000_000
    print()
    print(f"CPU per run against mesa.batch_run: {ratio:,.0f}x less   target >= 50x: {verdict(ratio >= 50, f'{50 / ratio:.1f}x short')}")
    print(f"{args.big:,} runs: {big_cpu:.1f} CPU-s   target <= {target:.0f} CPU-s: " + verdict(big_cpu <= target, f"{big_cpu / target:.1f}x over"))
    sys.path.insert(0, str(ROOT))  # run as a script, this folder's modules are found as the package they are
    from benchmarks.floor import unit_ns, units_per_run

    floor = unit_ns("nov-2024")
    at_floor = args.big * units_per_run("nov-2024") * 10 * floor * 1e-9
    print(f"  beside it, ten times this machine's arithmetic floor ({floor:.2f} ns per world-turn-actor): {at_floor:.1f} CPU-s: "
          + verdict(big_cpu <= at_floor, f"{big_cpu / at_floor:.1f}x over"))
    print(
        f"{args.big:,} runs peak memory:     {big_pss / MIB:,.0f} MiB   target < 1024 MiB: "
        f"{verdict(big_pss < 1024 * MIB, f'by {(big_pss - 1024 * MIB) / MIB:,.0f} MiB')}"
    )
    print(
        f"memory as runs grow {args.small:,} -> {args.big:,}: {small_pss / MIB:,.0f} -> {big_pss / MIB:,.0f} MiB "
        f"({big_pss / small_pss:.2f}x for {args.big / args.small:.0f}x the runs)"
    )
    print(f"\nWhat bounds it: the model itself, {alone * args.big:.0f} CPU-s for {args.big:,} runs in one process; the batch spent "
          f"{big_cpu - alone * args.big:.0f} CPU-s more (start-up, workers, Parquet).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
