"""escalation schema [--for FILE] [--format json|markdown] [--out FILE]: the scenario format, for editors and for reading."""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("--for", dest="scenario", metavar="FILE",
                   help="a schema specialised to this scenario: its actors, rungs, red lines and, for an overlay, its base")
    p.add_argument("--format", choices=["json", "markdown"], default="json", help="json (for editors, the default) or markdown (a reference to read)")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")


def main(args) -> int:
    import json
    from pathlib import Path

    from escalation.cli import UsageError

    if args.format == "markdown":
        if args.scenario:
            raise UsageError("--format markdown documents the format itself; --for FILE writes a JSON Schema for one scenario")
        from escalation.scenario.reference import markdown_reference

        text = markdown_reference()
    else:
        from escalation.scenario.json_schema import scenario_json_schema, schema_for
        from escalation.scenario.loading import resolve

        schema = schema_for(str(resolve(args.scenario))) if args.scenario else scenario_json_schema()
        text = json.dumps(schema, indent=2) + "\n"
    if args.out:
        out = Path(args.out)
        if out.is_dir():
            raise UsageError(f"--out {out} is a folder; give a file name such as {out / 'schema.json'}")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
        print(f"wrote {out}")
    else:
        print(text, end="")
    return 0
