"""escalation schema [--out FILE]: the JSON Schema of the scenario format."""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")


def main(args) -> int:
    import json

    from ..schema import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {args.out}")
    else:
        print(text, end="")
    return 0
