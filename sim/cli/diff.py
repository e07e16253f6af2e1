"""escalation diff A B: what changed between two scenarios, in the scenario's terms."""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("a", metavar="A", help="the scenario to compare from (a path or a shipped name)")
    p.add_argument("b", metavar="B", help="the scenario to compare to")


def main(args) -> int:
    from escalation.scenario.diffing import diff_scenarios, diff_text
    from escalation.scenario.loading import load_scenario
    from escalation.scenario.problems import ScenarioError

    loaded, problems = [], []
    for name in (args.a, args.b):
        try:
            loaded.append(load_scenario(name))
        except ScenarioError as exc:  # report both files' problems at once
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    print(diff_text(diff_scenarios(*loaded), args.a, args.b))
    return 0
