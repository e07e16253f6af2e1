"""escalation validate FILE...: every problem of each file, and a warning for each change that does nothing."""

from __future__ import annotations

import sys


def add_arguments(p) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files (or shipped scenario names)")


def main(args) -> int:
    from escalation.scenario.problems import ScenarioError

    bad = 0
    for f in args.files:
        try:
            sc, warnings = check(f)
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
            bad += 1
        else:
            print(f"{f}: ok ({sc.name}: {len(sc.actors)} actors, {len(sc.events)} events, {sc.turns} turns)")
            for warning in warnings:
                print(warning, file=sys.stderr)
    return 2 if bad else 0


def check(name):
    """The scenario, and its located warnings (``FILE:LINE:COL: warning: ...``)."""
    from escalation.scenario.loading import load_with_document, located, resolve
    from escalation.scenario.unread import unread_trait_changes
    from escalation.scenario.yamlio import read_text

    file = str(resolve(name))
    scenario, doc = load_with_document(read_text(file, file), file)
    return scenario, located(file, doc, unread_trait_changes(scenario))
