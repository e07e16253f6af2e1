"""Start a scenario of one's own (``escalation new``): an overlay of a base, or a full copy.

An overlay holds only what changes (see :mod:`~escalation.scenario.overlay`); a copy
keeps every line and comment of its source under the new name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from escalation.scenario.overlay import as_yaml
from escalation.scenario.paths import SCENARIO_DIR

SCHEMA_FILE = SCENARIO_DIR / "schema.json"
MODELINE = "# yaml-language-server: $schema="
NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


def schema_file(target: Path) -> Path:
    """Where ``escalation new`` writes the schema specialised to a scenario at ``target``: beside it."""
    target = Path(target)
    return target.with_name(f"{target.stem}.schema.json")


def modeline(target: Path) -> str:
    """The editor's schema line for a scenario written at ``target`` (its own schema, beside it)."""
    return f"{MODELINE}{schema_file(target).name}"


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
        f"# `escalation diff {source} {target.name}`. After adding actors, red lines or events, refresh what",
        f"# your editor offers with `escalation schema --for {target.name} --out {schema_file(target).name}`.",
        f"# The header of {source} follows.",
        "#",
    ]
    return "\n".join(intro + header + rest) + "\n"


def _renamed(line: str, name: str) -> str:
    """A top-level ``name:`` line with its value replaced and any comment kept."""
    return re.sub(r"^(name\s*:\s*)(\"[^\"]*\"|'[^']*'|[^\s#]+)", lambda m: m.group(1) + name, line, count=1)


def overlay_text(name: str, extends: str, source: str, target: Path, changes: list[tuple[str, object]], patch: dict) -> str:
    """An overlay of ``extends`` named ``name``, holding ``patch`` (the ``--set`` ``changes``, nested)."""
    if not NAME.fullmatch(name) or len(name) > 60:
        raise ValueError(f"'{name}' is not a valid scenario name; use lower-case letters, digits, '-' and '_', starting with a letter")
    target = Path(target)
    lines = [
        modeline(target),
        f"# {name}: a scenario of your own on top of {source}, started with `escalation new`.",
        f"# Only what is written here changes; the rest is {source}'s, as it stands (see the whole",
        f"# of it with `escalation show {target.name}`). Say beside each change why you make it;",
        f"# check it with `escalation validate {target.name}`, and see what differs from {source} with",
        f"# `escalation diff {source} {target.name}`. After adding actors, red lines or events, refresh what",
        f"# your editor offers with `escalation schema --for {target.name} --out {schema_file(target).name}`.",
        "# Question: what if ...? (say what it explores, then the sources and status of what you change)",
        "# Illustrative scenario exploration, not a prediction.",
        f"extends: {_scalar(extends)}",
        f"name: {name}",
        "# kind: what-if   # once your changes make it a what-if; add a title and a question too",
    ]
    if changes:
        lines.append("# made with " + " ".join(f"--set {key}={value}" for key, value in changes))
        lines.append(as_yaml(patch).rstrip("\n"))
    return "\n".join(lines) + "\n"


def extends_reference(source: Path, target: Path, shipped_name: str | None) -> str:
    """How an overlay at ``target`` names its base: a shipped name, else a path from the overlay's folder."""
    if shipped_name:
        return shipped_name
    try:
        return Path(os.path.relpath(Path(source).resolve(), Path(target).resolve().parent)).as_posix()
    except ValueError:  # another drive: no relative path
        return Path(source).resolve().as_posix()


def _scalar(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_./-]+", text) else yaml.safe_dump(text, default_style='"').strip()
