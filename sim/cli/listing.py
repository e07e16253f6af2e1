"""escalation list: shipped scenarios, decision rules, ladders."""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("what", nargs="?", choices=["scenarios", "rules", "ladders"], help="list only this")


def main(args) -> int:
    from escalation.model.rules import RULES
    from escalation.scenario.loading import load_ladder_file, load_scenario
    from escalation.scenario.paths import shipped_ladders, shipped_scenarios
    from escalation.scenario.problems import ScenarioError

    show = {args.what} if args.what else {"scenarios", "rules", "ladders"}
    if "scenarios" in show:
        print("Scenarios:")
        for name, path in shipped_scenarios().items():
            try:
                sc = load_scenario(path)
                print(f"  {name:<28} {sc.kind:<9} {sc.question}")
            except ScenarioError as exc:  # a broken shipped file should still be listed
                print(f"  {name:<28} INVALID: {exc.problems[0].message}")
    if "rules" in show:
        print("Decision rules:")
        for name, rule in sorted(RULES.items()):
            print(f"  {name:<14} {rule.summary}  [{rule.source}]")
    if "ladders" in show:
        print("Ladders:")
        for name, path in shipped_ladders().items():
            lad = load_ladder_file(path)
            print(f"  {name:<14} {lad.name}: {len(lad.rungs)} rungs, thresholds: {', '.join(t.id for t in lad.thresholds)}")
    return 0
