"""escalation new NAME --from SCENARIO: start a scenario of your own from a shipped one."""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("name", metavar="NAME", help="the new scenario's name: lower-case letters, digits, '-' and '_'")
    p.add_argument("--from", dest="source", metavar="SCENARIO", required=True, help="the scenario to copy (a shipped name or a path)")
    p.add_argument("--out", metavar="FILE", help="where to write it (default NAME.yaml in the current folder)")


def main(args) -> int:
    from pathlib import Path

    from escalation.cli import UsageError
    from escalation.scenario.loading import load_scenario, load_scenario_text, resolve
    from escalation.scenario.paths import shipped_scenarios
    from escalation.scenario.scaffold import LOCAL_SCHEMA, SCHEMA_FILE, copy_scenario, schema_reference
    from escalation.scenario.yamlio import read_text

    if args.name in shipped_scenarios():
        raise UsageError(f"'{args.name}' is a shipped scenario's name; choose another, so that `escalation run {args.name}` cannot be taken for your copy")
    out = Path(args.out or f"{args.name}.yaml")
    if out.exists():
        raise UsageError(f"{out} already exists; choose another NAME or --out FILE")
    source = resolve(args.source)
    load_scenario(source)  # only a valid scenario is copied
    origin = args.source if shipped_scenarios().get(args.source) == source else str(source)  # as `diff` will accept it
    try:
        text = copy_scenario(read_text(source, str(source)), args.name, origin, out)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    load_scenario_text(text, str(out))  # the copy must load as it is written
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    if schema_reference(out) is None:  # no relative path to the shipped schema: a copy of it beside the scenario
        (out.parent / LOCAL_SCHEMA).write_bytes(SCHEMA_FILE.read_bytes())
    print(f"wrote {out}: a copy of {origin} named {args.name}, comments kept.")
    print(f"Next: edit it, then `escalation validate {out}`, `escalation diff {origin} {out}` and `escalation run {out}`.")
    return 0
