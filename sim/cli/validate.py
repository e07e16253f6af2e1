"""escalation validate FILE..."""

from __future__ import annotations

import sys


def add_arguments(p) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files (or shipped scenario names)")


def main(args) -> int:
    from escalation.scenario.loading import load_scenario
    from escalation.scenario.problems import ScenarioError

    bad = 0
    for f in args.files:
        try:
            sc = load_scenario(f)
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
            bad += 1
        else:
            print(f"{f}: ok ({sc.name}: {len(sc.actors)} actors, {len(sc.events)} events, {sc.turns} turns)")
    return 2 if bad else 0
