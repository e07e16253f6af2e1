"""escalation calibrate SCENARIO --targets FILE [--method smc|rejection] [--particles N] [--runs N] [--out DIR]"""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("scenario", metavar="SCENARIO", help="a scenario whose distributions are the prior")
    p.add_argument("--targets", required=True, metavar="FILE", help="a YAML file of targets: shares, timeline patterns, expert bands")
    p.add_argument("--method", default="smc", help="smc (sequential Monte Carlo, default) or rejection")
    p.add_argument("--particles", type=int, default=200, metavar="N", help="particles in the posterior (default 200)")
    p.add_argument("--runs", type=int, default=100, metavar="N", help="worlds each particle is simulated over (default 100)")
    p.add_argument("--generations", type=int, default=6, metavar="N", help="smc: at most this many generations (default 6)")
    p.add_argument("--seed", type=int, default=0, metavar="N")
    p.add_argument("--out", metavar="DIR", help="where posterior.parquet, calibrated.yaml, calibrate.png go (default out/calibrate-SCENARIO)")


def main(args) -> int:
    from pathlib import Path

    from escalation.analysis.abc import calibrate, summary
    from escalation.disclaimer import DISCLAIMER

    out = Path(args.out or f"out/calibrate-{Path(args.scenario).stem}")
    found, prior, targets, _ = calibrate(args.scenario, args.targets, method=args.method, particles=args.particles, runs=args.runs,
                                         generations=args.generations, seed=args.seed, out=out)
    print(summary(found, prior, targets))
    print(f"\n{out / 'calibrated.yaml'} (the posterior as an overlay), {out / 'posterior.parquet'}, {out / 'calibrate.png'}\n{DISCLAIMER}")
    return 0
