"""escalation sweep SCENARIO --vary KEY=LO:HI[:N]... [--method grid|oat|lhs|sobol|morris] --runs N --out DIR"""

from __future__ import annotations

from escalation.cli.batch import add_engine_options


def add_arguments(p) -> None:
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--vary", action="append", required=True, metavar="KEY=LO:HI[:N]",
                   help="a scenario value to vary over a range, e.g. actors.russia.risk_tolerance=0.2:0.8:5 (repeatable; N levels for grid and oat)")
    p.add_argument("--method", default="grid", help="grid (default), oat (one at a time, for tornado charts), lhs, sobol or morris")
    p.add_argument(
        "--samples", type=int, metavar="N", help="base sample size for lhs (points), sobol (N(D+2) points, a power of two) and morris (trajectories)"
    )
    p.add_argument("--runs", type=int, required=True, metavar="N", help="runs (replicates) per sample point")
    add_engine_options(p)


def main(args) -> int:
    import time

    from escalation.cli.batch import default_out, engine_kwargs, report
    from escalation.ensemble.sweep import run_sweep

    started = time.perf_counter()
    out = run_sweep(args.scenario, args.vary, method=args.method, samples=args.samples, runs=args.runs, out=default_out(args, "sweep"), **engine_kwargs(args))
    report(out, time.perf_counter() - started)
    return 0
