"""Speed of the core: one classroom run, one research chunk, against one world at a time.

    python benchmarks/speed.py [--repeat 3] [--singles 100]

Every figure is in CPU seconds beside wall time and the time spent waiting for a CPU
(Linux schedstat: what a busy neighbour costs), and targets are judged on CPU time, so a
shared machine reads the same as a quiet one. Prints:

- a whole ``escalation run nov-2024`` in a fresh process (imports, simulation,
  narrative, chart): CPU seconds of the process, against 1.5 s;
- the arithmetic floor (``floor``): what the decisions alone must compute, compiled, in
  nanoseconds per world, turn and actor (the unit of work), measured here;
- one chunk of 10,000 worlds of ``nov-2024`` on one core, the best and the median of
  ``--repeat`` runs, with its cost per unit of work and as a multiple of the floor: the
  target is ten times the floor, 27 ns where the floor was 2.7 ns; a slower machine has a
  higher floor, so the multiple is judged beside the nanoseconds; and what a million runs
  on two cores would take (target 20 CPU-s; beside it, what ten times this machine's floor
  would take);
- the same chunk on the pure-numpy reference kernels (the compiled ones give the same bits);
- the keyed random draws alone, per call of 10,000 worlds: numpy's Philox (a Generator per
  purpose, as the engine drew before), the keyed SplitMix64 in numpy, and compiled;
- two baselines measured in this run, one world per model: through ``mesa.batch_run`` at
  W = 1 (the ordinary Mesa way, its DataCollector on), and a plain Python loop over
  ``Crisis(worlds=1, first_run=i)`` (no Mesa batch machinery: the fairer scalar baseline;
  at W = 1 the narrative is written, as in the classroom).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI_TARGET = 1.5  # CPU seconds for `escalation run nov-2024`
UNIT_TARGET_NS = 27.0  # per world, turn and actor
FLOOR_TARGET = 10.0  # the unit's cost over the arithmetic floor (27 ns where the floor was 2.7 ns)
MILLION_TARGET = 20.0  # CPU seconds for 1,000,000 runs
CHUNK = 10_000


@dataclass
class Clock:
    """One timing: CPU seconds, wall seconds, seconds runnable but waiting for a CPU."""

    cpu: float
    wall: float
    waiting: float

    def text(self) -> str:
        return f"{self.cpu:7.3f} CPU-s  {self.wall:7.3f} wall-s  {self.waiting:6.3f} s waiting"


def _schedstat(pid: int | str = "self") -> tuple[float, float]:
    """Seconds on a CPU and seconds waiting for one, of a process (all its threads)."""
    on, wait = 0, 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            a, b = map(int, (task / "schedstat").read_text().split()[:2])
        except (OSError, ValueError):
            continue
        on, wait = on + a, wait + b
    return on / 1e9, wait / 1e9


def timed(fn) -> Clock:
    """Run ``fn`` in this process and clock it."""
    cpu0, wait0, wall0 = time.process_time(), _schedstat()[1], time.perf_counter()
    fn()
    return Clock(time.process_time() - cpu0, time.perf_counter() - wall0, _schedstat()[1] - wait0)


def cli_run(repeat: int) -> list[Clock]:
    """`escalation run nov-2024`, each in a fresh process: its CPU time, from its own rusage; its waiting, sampled at the end."""
    script = Path(sys.executable).parent / "escalation"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "escalation.cli"]
    clocks = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeat):
            wall0 = time.perf_counter()
            proc = subprocess.Popen([*command, "run", "nov-2024", "--seed", "1", "--out", out, "--quiet"], stdout=subprocess.DEVNULL)
            waiting = 0.0
            while True:  # its waiting time can be read only while it lives; its CPU time comes with its exit
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                with contextlib.suppress(OSError):  # it may exit between the two calls
                    waiting = _schedstat(proc.pid)[1]
                time.sleep(0.02)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                raise SystemExit("escalation run nov-2024 failed")
            cpu = usage.ru_utime + usage.ru_stime
            clocks.append(Clock(cpu, time.perf_counter() - wall0, waiting))
    return clocks


def chunks(repeat: int) -> tuple[dict[str, list[Clock]], int]:
    """One chunk of 10,000 worlds (build, play every turn, collect the outcomes) on the compiled kernels and on the
    numpy reference, the two taken in turn so that both see the same machine; and the world-turn-actors a chunk plays."""
    from escalation.model import Crisis
    from escalation.scenario.loading import load_scenario

    scenario = load_scenario("nov-2024")
    clocks: dict[str, list[Clock]] = {"numba": [], "numpy": []}
    for path in clocks:
        Crisis(scenario, worlds=100, rng=0, kernels=path).run()  # warm the imports and the compiled kernels
    gc.collect()
    gc.freeze()  # what the process holds now lives as long as it does, out of the collections: as a batch's worker has it (ensemble.runner)
    for seed in range(1, repeat + 1):
        for path, taken in clocks.items():
            taken.append(timed(lambda: Crisis(scenario, worlds=CHUNK, rng=seed, collect=False, kernels=path).run().outcomes()))
    return clocks, CHUNK * scenario.turns * len(scenario.actors)


def draws(calls: int = 2000) -> dict[str, Clock]:
    """Per call: four uniform draws for each of 10,000 worlds, keyed by a purpose, three ways."""
    import numpy as np

    from escalation.model import kernels
    from escalation.model.streams import _hash

    ids = np.arange(CHUNK, dtype=np.uint64)

    def philox():  # the engine's draws before: a Philox Generator keyed per purpose and call
        for i in range(calls):
            counter = np.array([0, i, 7, 0], dtype=np.uint64)
            np.random.Generator(np.random.Philox(key=np.array([1, 2], dtype=np.uint64), counter=counter)).random(4 * CHUNK)

    def keyed(path):
        def go():
            for i in range(calls):
                kernels.uniforms(_hash("bench", i), ids, 4, path)
        return go

    keyed("numba")()  # compile (or load) first
    out = {"numpy Philox, a Generator per call": timed(philox), "keyed SplitMix64, numpy": timed(keyed("numpy")),
           "keyed SplitMix64, compiled": timed(keyed("numba"))}
    return {k: Clock(c.cpu / calls, c.wall / calls, c.waiting / calls) for k, c in out.items()}


def per_world_loop(runs: int) -> Clock:
    """Per world, one world per model in a plain Python loop: the same rules without Mesa's batch machinery."""
    from escalation.model import Crisis
    from escalation.scenario.loading import load_scenario

    scenario = load_scenario("nov-2024")

    def go():
        for i in range(runs):
            Crisis(scenario, rng=1, first_run=i, collect=False).run().outcomes()

    clock = timed(go)
    return Clock(clock.cpu / runs, clock.wall / runs, clock.waiting / runs)


def one_at_a_time(runs: int) -> Clock:
    """Per world, played one world per model through mesa.batch_run (its own DataCollector on, as a Mesa user has it)."""
    import mesa

    from escalation.model import Crisis

    clock = timed(lambda: mesa.batch_run(Crisis, parameters={"scenario": "nov-2024", "rng": range(runs)}, number_processes=1, iterations=1,
                                         data_collection_period=-1, display_progress=False))
    return Clock(clock.cpu / runs, clock.wall / runs, clock.waiting / runs)


def verdict(value: float, target: float) -> str:
    return f"target {target:g}, ratio {value / target:5.2f} ({'within' if value <= target else 'over'})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing (default 3)")
    parser.add_argument("--singles", type=int, default=100, help="one-world runs for the baseline (default 100)")
    args = parser.parse_args()

    import numpy as np

    from escalation.disclaimer import DISCLAIMER

    print(f"escalation speed: Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(DISCLAIMER)

    cli = min(cli_run(args.repeat), key=lambda c: c.cpu)
    print("Classroom (W = 1): escalation run nov-2024, the least CPU of the runs")
    print(f"  {cli.text()}   {verdict(cli.cpu, CLI_TARGET)} CPU-s")

    sys.path.insert(0, str(ROOT))  # run as a script, this folder's modules are found as the package they are
    from benchmarks.floor import unit_ns

    floor = unit_ns("nov-2024", CHUNK, args.repeat)
    print(f"The arithmetic floor (the decisions' scores, exp and pick alone, compiled, W = {CHUNK:,}): {floor:.2f} ns per world-turn-actor")

    both, units = chunks(args.repeat)
    clocks = both["numba"]
    best = min(clocks, key=lambda c: c.cpu)
    median = statistics.median(c.cpu for c in clocks)
    ns = best.cpu / units * 1e9
    print(f"Research (W = {CHUNK:,}, one core): one chunk ({units:,} world-turn-actors), compiled kernels")
    print(f"  best    {best.text()}")
    print(f"  median  {median:7.3f} CPU-s")
    print(f"  {ns:.1f} ns per world-turn-actor   {verdict(ns, UNIT_TARGET_NS)} ns")
    print(f"  {ns / floor:.1f}x the floor measured here   {verdict(ns / floor, FLOOR_TARGET)} x")
    million = 1_000_000 / CHUNK * best.cpu
    at_target = 1_000_000 / CHUNK * units * FLOOR_TARGET * floor * 1e-9
    print(f"  1,000,000 runs at this speed: {million:.0f} CPU-s, about {million / 2:.0f} s on 2 cores   {verdict(million, MILLION_TARGET)} CPU-s; "
          f"at ten times this machine's floor they would take {at_target:.0f} CPU-s")

    ref = min(both["numpy"], key=lambda c: c.cpu)
    print("The same chunks on the pure-numpy reference kernels, taken in turn with them (the same results, bit for bit):")
    print(f"  best    {ref.text()}   {ref.cpu / units * 1e9:.1f} ns per world-turn-actor; the compiled path is {ref.cpu / best.cpu:.2f}x less CPU")

    print("Keyed random draws, per call (4 draws for each of 10,000 worlds):")
    for name, clock in draws().items():
        print(f"  {name:36s} {clock.cpu * 1e6:8.1f} CPU-us  {clock.wall * 1e6:8.1f} wall-us")

    for name, single in ((f"mesa.batch_run at W = 1 ({args.singles} runs)", one_at_a_time(args.singles)),
                         (f"a plain Python loop, one world per model ({args.singles} runs)", per_world_loop(args.singles))):
        print(f"Baseline: one world at a time, {name}, per world:")
        print(f"  {single.cpu * 1000:.1f} CPU-ms ({single.wall * 1000:.1f} wall-ms, {single.waiting * 1000:.1f} ms waiting); {CHUNK:,} worlds would take "
              f"{single.cpu * CHUNK:.0f} CPU-s; the chunk is {single.cpu * CHUNK / best.cpu:.0f}x less CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
