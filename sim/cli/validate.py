"""escalation validate FILE...: every problem of each file, and a warning for each change that does nothing.

``--explain CODE`` says what a kind of problem means and how to fix it (``--explain all``: every kind).
"""

from __future__ import annotations

import sys


def add_arguments(p) -> None:
    p.add_argument("files", nargs="*", metavar="FILE", help="scenario files (or shipped scenario names)")
    p.add_argument("--explain", metavar="CODE",
                   help="what a kind of problem means and how to fix it (the codes follow each list of problems; 'all' for every kind)")


def main(args) -> int:
    from escalation.cli import UsageError
    from escalation.scenario.problems import ScenarioError

    if args.explain:
        return explain(args.explain)
    if not args.files:
        raise UsageError("give the scenario FILE(s) to check, or --explain CODE")
    bad, said = 0, []
    for f in args.files:
        try:
            sc, warnings = check(f)
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
            said += [p.message for p in exc.problems]
            bad += 1
        else:
            print(f"{f}: ok ({sc.name}: {len(sc.actors)} actors, {len(sc.events)} events, {sc.turns} turns)")
            for warning in warnings:
                print(warning, file=sys.stderr)
    from escalation.scenario.explain import footer

    if said:
        print(footer(said), file=sys.stderr)
    return 2 if bad else 0


def explain(code: str) -> int:
    from escalation.cli import UsageError
    from escalation.errors import did_you_mean
    from escalation.scenario.explain import KINDS, explanation, markdown

    if code == "all":
        print(markdown(), end="")
        return 0
    codes = [k.code for k in KINDS]
    if code not in codes:
        raise UsageError(f"--explain {code}: no such kind of problem{did_you_mean(code, codes)}; the kinds are: {', '.join(codes)}")
    print(explanation(code))
    return 0


def check(name):
    """The scenario, and its located warnings (``FILE:LINE:COL: warning: ...``)."""
    from escalation.scenario.loading import load_with_document, located, resolve
    from escalation.scenario.unread import unread_trait_changes
    from escalation.scenario.yamlio import read_text

    file = str(resolve(name))
    scenario, doc = load_with_document(read_text(file, file), file)
    return scenario, located(file, doc, unread_trait_changes(scenario))
