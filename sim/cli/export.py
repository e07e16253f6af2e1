"""escalation export RESULTS_DIR --to ema [--out FILE]"""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("results", metavar="RESULTS_DIR", help="a folder written by `escalation batch` or `escalation sweep`")
    p.add_argument("--to", required=True, metavar="FORMAT", help="ema: EMA Workbench's experiments and outcomes (.tar.gz, read by its load_results)")
    p.add_argument("--out", metavar="FILE", help="the file to write (default RESULTS_DIR/ema.tar.gz)")


def main(args) -> int:
    from escalation.analysis.export import export
    from escalation.analysis.results import load_results
    from escalation.disclaimer import DISCLAIMER

    path = export(load_results(args.results), args.to, args.out)
    print(f"{args.to}: {path}\n{DISCLAIMER}")
    return 0
