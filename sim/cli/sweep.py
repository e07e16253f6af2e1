"""escalation sweep SCENARIO --vary KEY=LO:HI[:N]... [--method grid|oat|lhs|sobol|morris|fast|delta|pawn] --runs N --out DIR"""

from __future__ import annotations

from escalation.cli.batch import add_engine_options


def add_arguments(p) -> None:
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--vary", action="append", required=True, metavar="KEY=LO:HI[:N]",
                   help="a scenario value to vary over a range, e.g. actors.russia.risk_tolerance=0.2:0.8:5 (repeatable; N levels for grid and oat)")
    p.add_argument("--method", default="grid",
                   help="grid (default), oat (one at a time, for tornado charts), lhs, sobol, morris, fast, delta (Borgonovo) or pawn")
    p.add_argument("--second-order", action="store_true", help="sobol: sample for second-order indices too (N(2D+2) points)")
    p.add_argument("--group", action="append", default=[], metavar="NAME=KEY,KEY", help="sobol and morris: analyse these swept keys as one group (repeatable)")
    p.add_argument("--levels", type=int, default=4, metavar="N", help="morris: levels of its grid (even; default 4)")
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
    out = run_sweep(args.scenario, args.vary, method=args.method, samples=args.samples, runs=args.runs, out=default_out(args, "sweep"),
                    second_order=args.second_order, groups=parse_groups(args.group), levels=args.levels, **engine_kwargs(args))
    report(out, time.perf_counter() - started)
    return 0


def parse_groups(texts) -> dict | None:
    """``NAME=KEY,KEY`` options as a mapping of group names to keys."""
    from escalation.errors import InputError

    groups: dict[str, list[str]] = {}
    for text in texts:
        name, sep, keys = text.partition("=")
        members = [k.strip() for k in keys.split(",") if k.strip()]
        if not sep or not name.strip() or not members:
            raise InputError(f"--group {text}: expected NAME=KEY,KEY, for example --group fog=settings.noise,settings.suspicion")
        if name.strip() in groups:
            raise InputError(f"--group {name.strip()}: named twice")
        groups[name.strip()] = members
    return groups or None
