"""Copy a scenario's text under a new name, keeping its comments (``escalation new``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from escalation.scenario.paths import SCENARIO_DIR

SCHEMA_FILE = SCENARIO_DIR / "schema.json"
MODELINE = "# yaml-language-server: $schema="
# Where a copy's editor finds the schema when no relative path reaches the shipped one (another
# drive): a file of this name beside the copy, written by `escalation new` (see the README).
LOCAL_SCHEMA = "escalation.schema.json"
NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


def schema_reference(target: Path) -> str | None:
    """The shipped schema by a path relative to a scenario written at ``target``.

    Never an absolute path, which would tie the copy to this machine's folders. ``None``
    where no relative path exists (another drive): the copy then uses :data:`LOCAL_SCHEMA`.
    """
    schema, folder = SCHEMA_FILE.resolve(), Path(target).resolve().parent
    try:
        return Path(os.path.relpath(schema, folder)).as_posix()
    except ValueError:
        return None


def modeline(target: Path) -> str:
    """The editor's schema line for a scenario written at ``target``."""
    return f"{MODELINE}{schema_reference(target) or LOCAL_SCHEMA}"


def copy_scenario(text: str, name: str, source: str, target: Path) -> str:
    """``text`` renamed to ``name``, with a header saying where it came from.

    Everything else, comments included, is kept as it was.
    """
    if not NAME.fullmatch(name) or len(name) > 60:
        raise ValueError(f"'{name}' is not a valid scenario name; use lower-case letters, digits, '-' and '_', starting with a letter")
    lines = text.splitlines()
    body = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), len(lines))
    header = [line for line in lines[:body] if not line.startswith(MODELINE)]
    rest = [_renamed(line, name) if re.match(r"name\s*:", line) else line for line in lines[body:]]
    target = Path(target)
    intro = [
        modeline(target),
        f"# {name}: your own scenario, copied from {source} with `escalation new`. Say here what you",
        f"# change and why; check it with `escalation validate {target.name}` and compare it with",
        f"# `escalation diff {source} {target.name}`. The header of {source} follows.",
        "#",
    ]
    return "\n".join(intro + header + rest) + "\n"


def _renamed(line: str, name: str) -> str:
    """A top-level ``name:`` line with its value replaced and any comment kept."""
    return re.sub(r"^(name\s*:\s*)(\"[^\"]*\"|'[^']*'|[^\s#]+)", lambda m: m.group(1) + name, line, count=1)
