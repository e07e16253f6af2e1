"""escalation show SCENARIO [--set KEY=VALUE]...: the scenario whole, an overlay merged with its base."""

from __future__ import annotations

from escalation.cli.batch import add_set_option


def add_arguments(p) -> None:
    p.add_argument("scenario", metavar="SCENARIO", help="a scenario file (an overlay is shown merged with its base) or a shipped name")
    add_set_option(p)


def main(args) -> int:
    from escalation.disclaimer import DISCLAIMER
    from escalation.scenario.overlay import as_yaml, bases
    from escalation.scenario.overrides import load_with_sets

    scenario, doc, _ = load_with_sets(args.scenario, args.sets)  # only a valid scenario is shown
    below = bases(doc)
    made = f"{args.scenario} merged with {', '.join(below)}" if below else str(args.scenario)
    sets = "".join(f" --set {s}" for s in args.sets)
    print(f"# {scenario.name}: {made}{sets}, as `escalation show` writes it (comments are in the files).\n# {DISCLAIMER}")
    print(as_yaml(doc), end="")
    return 0
