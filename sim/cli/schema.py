"""escalation schema [--out FILE]: the JSON Schema of the scenario format."""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")


def main(args) -> int:
    import json
    from pathlib import Path

    from escalation.cli import UsageError
    from escalation.scenario.schema import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2) + "\n"
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
