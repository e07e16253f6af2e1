"""Throughput and memory of ensemble batches, against Mesa's own batch_run, measured in one run.

    python benchmarks/throughput.py [--mesa-runs 200] [--small 100000] [--big 1000000] [--workers 2]

Prints:
- runs per second of ``mesa.batch_run`` over the same model class at W = 1 (one
  world per model, as a Mesa user would run it), on the same number of processes;
- runs per second of ``escalation batch nov-2024`` (the real command, timed from
  outside, start-up included) and the ratio (target: at least 50x);
- wall time and peak memory of a 1,000,000-run batch (targets: under 60 s, under
  1 GiB), next to a 100,000-run batch to show memory stays flat as runs grow;
- the model's own speed in one process, which bounds what any executor can do.

Peak memory is the largest sum, over the batch's whole process tree (command,
forkserver, workers), of each process's proportional set size (PSS: shared pages
split between the processes sharing them), sampled every 0.1 s. CPU time and time
spent waiting for a CPU come from /proc/PID/schedstat, to tell a slow batch from a
busy machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


def mesa_batch_run(runs: int, processes: int) -> float:
    """Seconds for ``mesa.batch_run`` to play ``runs`` single-world runs of the baseline."""
    import mesa

    from escalation.model import Crisis

    started = time.perf_counter()
    results = mesa.batch_run(Crisis, parameters={"scenario": "nov-2024", "rng": list(range(runs))}, number_processes=processes,
                             iterations=1, data_collection_period=-1, display_progress=False)
    seconds = time.perf_counter() - started
    assert len(results) == runs
    return seconds


def model_alone(worlds: int, repeats: int = 3) -> float:
    """Runs per second of one model instance over ``worlds`` worlds, in this process (best of a few)."""
    import numpy as np

    from escalation.model import Crisis
    from escalation.scenario.loading import load_scenario

    scenario = load_scenario("nov-2024")
    best = float("inf")
    for seed in range(repeats):
        started = time.perf_counter()
        Crisis(scenario, worlds=worlds, rng=np.random.default_rng(seed), trajectories=False).run()
        best = min(best, time.perf_counter() - started)
    return worlds / best


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

    mesa_s = mesa_batch_run(args.mesa_runs, w)
    mesa_rate = args.mesa_runs / mesa_s
    print(f"mesa.batch_run, W = 1, {w} processes:   {args.mesa_runs:>9,} runs in {mesa_s:7.2f} s = {mesa_rate:>10,.0f} runs/s")

    alone = model_alone(DEFAULT_CHUNK)
    print(f"one model instance, W = {DEFAULT_CHUNK:,}, 1 process: {alone:>10,.0f} runs/s  (the ceiling on {w} cores: {w * alone:,.0f} runs/s)")

    work = Path(tempfile.mkdtemp(prefix="escalation-bench-"))
    try:
        small_s, small = escalation_batch(args.small, w, work / "small")
        big_s, big = escalation_batch(args.big, w, work / "big")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for runs, seconds, meter in ((args.small, small_s, small), (args.big, big_s, big)):
        on_cpu, waiting = meter.cpu_seconds()
        print(
            f"escalation batch, {w} workers:          {runs:>9,} runs in {seconds:7.2f} s = {runs / seconds:>10,.0f} runs/s, "
            f"peak memory {meter.peak_pss / MIB:,.0f} MiB PSS ({meter.peak_rss / MIB:,.0f} MiB RSS); "
            f"{on_cpu:.0f} CPU-s used, {waiting:.0f} s ready but waiting for a CPU"
        )
    big_rate, big_pss, small_pss = args.big / big_s, big.peak_pss, small.peak_pss
    ratio = big_rate / mesa_rate
    scale = args.big / 1_000_000
    print()
    print(f"speed-up over mesa.batch_run:  {ratio:,.0f}x   target >= 50x: {verdict(ratio >= 50, f'{50 / ratio:.1f}x short')}")
    print(
        f"{args.big:,} runs wall time:       {big_s:.1f} s   target < {60 * scale:.0f} s: "
        + verdict(big_s < 60 * scale, f"by {big_s - 60 * scale:.1f} s, {big_s / (60 * scale) - 1:.0%} over")
    )
    print(
        f"{args.big:,} runs peak memory:     {big_pss / MIB:,.0f} MiB   target < 1024 MiB: "
        f"{verdict(big_pss < 1024 * MIB, f'by {(big_pss - 1024 * MIB) / MIB:,.0f} MiB')}"
    )
    print(
        f"memory as runs grow {args.small:,} -> {args.big:,}: {small_pss / MIB:,.0f} -> {big_pss / MIB:,.0f} MiB "
        f"({big_pss / small_pss:.2f}x for {args.big / args.small:.0f}x the runs)"
    )
    if big_s >= 60 * scale:
        on_cpu, waiting = big.cpu_seconds()
        floor = args.big / (w * alone)
        print(
            f"\nWhat limits it: the model itself. One instance plays {alone:,.0f} runs/s on one core, so {w} cores need at least "
            f"{floor:.0f} s for {args.big:,} runs before any overhead. The batch used {on_cpu:.0f} CPU-seconds "
            f"({on_cpu / (w * big_s):.0%} of {w} cores over {big_s:.0f} s); its processes spent {waiting:.0f} s ready to run "
            f"but waiting for a CPU, which on this shared machine other people's processes held."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
