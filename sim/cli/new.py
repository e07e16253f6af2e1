"""escalation new NAME --from SCENARIO [--set KEY=VALUE]... [--copy]: start a scenario of your own."""

from __future__ import annotations

from escalation.cli.batch import add_set_option


def add_arguments(p) -> None:
    p.add_argument("name", metavar="NAME", help="the new scenario's name: lower-case letters, digits, '-' and '_'")
    p.add_argument("--from", dest="source", metavar="SCENARIO", required=True, help="the scenario it starts from (a shipped name or a path)")
    p.add_argument("--out", metavar="FILE", help="where to write it (default NAME.yaml in the current folder)")
    p.add_argument("--copy", action="store_true", help="write a full copy of SCENARIO, comments kept, instead of an overlay that extends it")
    add_set_option(p)


def main(args) -> int:
    import json
    from pathlib import Path

    from escalation.cli import UsageError
    from escalation.scenario.json_schema import schema_for
    from escalation.scenario.loading import load_scenario_text, resolve
    from escalation.scenario.overlay import as_yaml, bases, patch_for
    from escalation.scenario.overrides import check_key, load_with_sets
    from escalation.scenario.paths import shipped_scenarios
    from escalation.scenario.scaffold import copy_scenario, extends_reference, overlay_text, schema_file
    from escalation.scenario.yamlio import read_text

    if args.name in shipped_scenarios():
        raise UsageError(f"'{args.name}' is a shipped scenario's name; choose another, so that `escalation run {args.name}` cannot be taken for your copy")
    if args.copy and args.sets:
        raise UsageError("--set with --copy: a copy keeps its source's text as it is; leave out --copy to keep the changes in an overlay")
    out = Path(args.out or f"{args.name}.yaml")
    for taken in (out, schema_file(out)):
        if taken.exists():
            raise UsageError(f"{taken} already exists; choose another NAME or --out FILE")
    source = resolve(args.source)
    shipped = args.source if shipped_scenarios().get(args.source) == source else None
    origin = shipped or str(source)  # as `diff` will accept it
    _, doc, changes = load_with_sets(source, args.sets)  # only a valid scenario is a base, and only valid changes are kept
    try:
        whole = read_text(source, str(source))
        if args.copy and bases(doc):  # an overlay's copy is the merged scenario, which stands on its own, under the overlay's header
            lines = whole.splitlines()
            header = lines[: next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))]
            whole = "\n".join(header) + "\n" + as_yaml(doc)
        if args.copy:
            text = copy_scenario(whole, args.name, origin, out)
        else:
            paths = [check_key(doc, key, "--set").path for key in changes]
            text = overlay_text(args.name, extends_reference(source, out, shipped), origin, out, list(changes.items()), patch_for(doc, paths))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    load_scenario_text(text, str(out))  # it must load as it is written
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    schema = schema_file(out)  # what the editor offers: this scenario's actors, rungs and red lines (and its base's)
    schema.write_text(json.dumps(schema_for(str(out)), indent=2) + "\n", encoding="utf-8")
    what = "a full copy of" if args.copy else "an overlay of"
    held = "no changes yet" if not changes else "1 change" if len(changes) == 1 else f"{len(changes)} changes"
    print(f"wrote {out}: {what} {origin} named {args.name}" + (", comments kept." if args.copy else f", holding {held}."))
    print(f"Your editor checks it with {schema} (see its first line).")
    print(f"Next: edit it, then `escalation validate {out}`, `escalation diff {origin} {out}` and `escalation run {out}`.")
    return 0
