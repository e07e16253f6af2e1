"""escalation discover RESULTS_DIR --outcome EXPR [--density D] [--out DIR]"""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("results", metavar="RESULTS_DIR", help="a batch of a scenario with distributions, or a sweep")
    p.add_argument("--outcome", required=True, metavar="EXPR",
                   help="end_STATE, cross_THRESHOLD or METRIC>=NUMBER (also <=, >, <, ==), e.g. cross_direct_nato_russia_war or intensity_mean>=40")
    p.add_argument("--density", type=float, default=0.0, metavar="D", help="the least density (share of cases) of the PRIM box reported (default: any)")
    p.add_argument("--out", metavar="DIR", help="where discover.png and discover-box.csv go (default RESULTS_DIR)")


def main(args) -> int:
    from pathlib import Path

    from escalation.analysis.discovery import discover, draw_discovery, summary
    from escalation.analysis.results import load_results
    from escalation.analysis.style import save
    from escalation.disclaimer import DISCLAIMER

    results = load_results(args.results)
    found = discover(results, args.outcome, density=args.density, seed=results.manifest["seed"])
    out = Path(args.out or args.results)
    out.mkdir(parents=True, exist_ok=True)
    found.limits.to_csv(out / "discover-box.csv", index=False)
    found.trajectory.to_csv(out / "discover-trajectory.csv", index_label="box")
    chart = save(draw_discovery(results, found), out / "discover.png")
    print(summary(found))
    print(f"\n{chart}, {out / 'discover-box.csv'}, {out / 'discover-trajectory.csv'}\n{DISCLAIMER}")
    return 0
