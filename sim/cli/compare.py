"""escalation compare SCENARIO_A SCENARIO_B --runs N [--seed N] [--workers N] [--executor ADDRESS] [--set KEY=VALUE]... --out DIR

A ``--set`` changes both scenarios alike."""

from __future__ import annotations

from escalation.cli.batch import add_execution_options, add_set_option


def add_arguments(p) -> None:
    p.add_argument("scenario_a", metavar="SCENARIO_A")
    p.add_argument("scenario_b", metavar="SCENARIO_B")
    p.add_argument("--runs", type=int, required=True, metavar="N", help="runs of each scenario (the same seeds for both: common random numbers)")
    add_execution_options(p)
    add_set_option(p)
    p.add_argument("--trajectories", action="store_true", help="keep every run's path too, and draw both fan charts side by side")
    p.add_argument("--out", metavar="DIR", help="folder for both batches, compare.csv and compare.png (default out/compare-A-B-seedN)")


def main(args) -> int:
    from pathlib import Path

    from escalation.analysis.compare import compare_folders, format_table
    from escalation.cli.batch import branch_sets, command_line
    from escalation.disclaimer import DISCLAIMER
    from escalation.ensemble.batch import run_batch

    out = Path(args.out or f"out/compare-{Path(args.scenario_a).stem}-{Path(args.scenario_b).stem}-seed{args.seed}")
    common = dict(seed=args.seed, workers=args.workers, executor=args.executor, chunk=args.chunk, progress=args.progress, command=command_line(),
                  resume=True, sets=branch_sets(args), trajectories=args.trajectories)
    folders = [run_batch(scenario, args.runs, out=out / side, **common) for side, scenario in (("a", args.scenario_a), ("b", args.scenario_b))]
    table, actors, files = compare_folders(folders[0], folders[1], out)
    for side, scenario in (("A", args.scenario_a), ("B", args.scenario_b)):
        print(f"{side}: {scenario}")
    print(format_table(table, actors))
    print(f"\n{', '.join(str(f) for f in files)}\n{DISCLAIMER}")
    return 0
