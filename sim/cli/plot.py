"""escalation plot RESULTS_DIR [--kind KIND] [--out FILE] [--metric NAME]"""

from __future__ import annotations


def add_arguments(p) -> None:
    from escalation.analysis.kinds import KINDS

    p.add_argument("results", metavar="RESULTS_DIR", help="a folder written by `escalation batch`, `escalation sweep` or `escalation compare`")
    p.add_argument("--kind", default="report", metavar="KIND", help="; ".join(f"{k}: {v}" for k, v in KINDS.items()).replace("%", "%%") + " (default report)")
    p.add_argument("--out", metavar="FILE", help="a .png, .svg or .pdf file (.html for the report); default RESULTS_DIR/KIND.png")
    p.add_argument(
        "--metric",
        metavar="NAME",
        help="the outcome the sensitivity and response charts explain: intensity_mean (default: the mean escalation intensity "
        "after the branch), intensity_end, intensity_peak, peak_rung, final_rung, peak_ACTOR, end_STATE (share ending there) "
        "or cross_THRESHOLD (share crossing it after the branch)",
    )
    p.add_argument("--size", metavar="SIZE", help="column (3.5 in), page (7.2 in), slide (13.3 in) or a width in inches: the figure drawn at that "
                   "width, its text in point sizes legible there")
    p.add_argument("--style", default="screen", choices=("screen", "paper"), help="paper: for print (no top and right spines, thinner lines)")
    p.add_argument("--series", metavar="NAME", help="envelopes: the trajectory shown: system, intensity (default) or an actor's id")
    p.add_argument("--by", metavar="KEY[:N]|box", help="envelopes: group the runs by N bins (default 3) of a number that varied, or by the box "
                   "`escalation discover` found (inside and outside)")


def main(args) -> int:
    from escalation.analysis.compare import compare_folders, format_table, is_compare_folder
    from escalation.analysis.render import plot
    from escalation.analysis.results import load_results
    from escalation.disclaimer import DISCLAIMER

    if is_compare_folder(args.results):  # `escalation compare` wrote it: its table and charts, drawn again
        from pathlib import Path

        from escalation.cli import UsageError

        if args.kind != "report" or args.metric or args.out or args.series or args.by or args.size or args.style != "screen":
            raise UsageError("a compare folder is drawn as a whole (compare.png, compare-actors.png); --kind, --metric and --out are for one batch: "
                             f"give {Path(args.results) / 'a'} or {Path(args.results) / 'b'} for those")
        folder = Path(args.results)
        table, actors, files = compare_folders(folder / "a", folder / "b", folder)
        print(format_table(table, actors))
        print(f"\n{', '.join(files)}\n{DISCLAIMER}")
        return 0
    results = load_results(args.results)
    path = plot(results, args.kind, args.out, metric=args.metric, series=args.series, by=args.by, size=args.size, style=args.style)
    print(f"{args.kind}: {path}\n{DISCLAIMER}")
    return 0
