"""escalation batch SCENARIO --runs N [--seed N] [--workers N] [--executor ADDRESS] [--set KEY=VALUE]... --out DIR [--resume] [--trajectories]"""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--runs", type=int, required=True, metavar="N", help="number of runs")
    add_engine_options(p)


def add_engine_options(p) -> None:
    """The options batch and sweep share: execution, scenario changes, output folder."""
    add_execution_options(p)
    add_set_option(p)
    p.add_argument("--out", metavar="DIR", help="results folder (default out/<command>-SCENARIO-seedN)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out, running only the missing chunks")
    p.add_argument("--trajectories", action="store_true", help="also keep every run's path in trajectories.parquet (for fan charts)")


def add_execution_options(p) -> None:
    """Seeding and where the runs go: every ensemble command has these."""
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0); the same seed gives the same results on any number of workers")
    p.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    p.add_argument("--executor", metavar="ADDRESS", help="'local' (default) or a Dask scheduler address such as tcp://10.0.0.5:8786")
    p.add_argument("--chunk", type=int, metavar="W", help="worlds per model instance, the unit of work; results do not depend on it (default 10,000)")
    p.add_argument("--no-progress", dest="progress", action="store_false", default=None, help="no progress bar even on a terminal")
    add_branch_option(p)


def add_set_option(p) -> None:
    """``--set KEY=VALUE``: every command that runs a scenario has it."""
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change a scenario value, e.g. --set actors.russia.risk_tolerance=0.6, or make it a distribution drawn per world, e.g. "
        "--set 'actors.russia.resolve={uniform: [0.6, 0.9]}' (repeatable; see `escalation new --set` to keep them)",
    )


def add_branch_option(p) -> None:
    """``--branch DATE``: every command that runs a scenario has it."""
    p.add_argument("--branch", metavar="DATE", help=BRANCH_HELP)


BRANCH_HELP = (
    "move the branch to DATE (YYYY-MM-DD): before it the documented past holds in every world and nobody decides; "
    "the start date lets the model play the documented week itself"
)


def branch_sets(args) -> list[str]:
    """The --set assignments with --branch among them (a branch is a scenario value like any other)."""
    return [*getattr(args, "sets", []), *([f"branch={args.branch}"] if args.branch else [])]


def command_line() -> str:
    import shlex
    import sys

    return shlex.join(["escalation", *sys.argv[1:]])


def engine_kwargs(args) -> dict:
    return dict(
        seed=args.seed,
        workers=args.workers,
        executor=args.executor,
        chunk=args.chunk,
        sets=branch_sets(args),
        trajectories=args.trajectories,
        resume=args.resume,
        progress=args.progress,
        command=command_line(),
    )


def default_out(args, kind: str) -> str:
    from pathlib import Path

    return args.out or f"out/{kind}-{Path(args.scenario).stem}-seed{args.seed}"


def main(args) -> int:
    import time

    from escalation.ensemble.batch import run_batch

    started = time.perf_counter()
    out = run_batch(args.scenario, args.runs, out=default_out(args, "batch"), **engine_kwargs(args))
    report(out, time.perf_counter() - started)
    return 0


def report(out, seconds: float) -> None:
    """Print where the results are and the end-state shares, with the disclaimer."""
    import json

    import pyarrow.parquet as pq

    from escalation.analysis.intervals import share_text
    from escalation.disclaimer import DISCLAIMER

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    runs = manifest["runs"]
    states = pq.read_table(out / "runs.parquet", columns=["end_state"]).column("end_state").to_pandas().value_counts()
    shares = ", ".join(f"{name} {share_text(int(states.get(name, 0)), runs)}" for name in manifest["model"]["end_states"])
    print(f"{manifest['scenario']['name']}: {runs:,} runs, seed {manifest['seed']} ({manifest.get('executor', '')}, {seconds:.1f} s)")
    print(f"end states (runs, share, exact 95% interval): {shares}")
    files = [f for f in ("runs.parquet", "trajectories.parquet", "manifest.json") if (out / f).exists()]
    print(f"results: {out}/ ({', '.join(files)}); plot them with `escalation plot {out}`")
    print(DISCLAIMER)
