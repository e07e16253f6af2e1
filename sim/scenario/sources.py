"""The source articles documented events cite: shipped with the package, or a scenario's own.

The five articles of November 2024 and their ``INDEX.md`` ship in ``scenarios/sources/``.
A scenario may cite articles of its own, kept beside it (in its folder, or a ``sources/``
folder there). A documented event whose ``source.seed`` names no such file is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from escalation.errors import did_you_mean
from escalation.scenario.paths import SCENARIO_DIR
from escalation.scenario.problems import Finding
from escalation.scenario.yamlio import locate_in

SOURCES_DIR = SCENARIO_DIR / "sources"
INDEX = SOURCES_DIR / "INDEX.md"


@dataclass(frozen=True)
class Article:
    """A shipped source article: its file name, its title (from the index) and its path."""

    file: str
    title: str
    path: Path


def shipped_sources() -> dict[str, Article]:
    """The shipped articles by file name, titled as the index lists them."""
    titles = dict(re.findall(r"^\| (\d{3}_[0-9a-f]{16}\.txt) \| (.+?) \|$", INDEX.read_text(encoding="utf-8"), re.M))
    return {p.name: Article(p.name, titles.get(p.name, p.stem).strip('"'), p) for p in sorted(SOURCES_DIR.glob("*.txt"))}


def local_sources(scenario_file: str | None) -> set[str]:
    """Source files kept beside a scenario file: in its folder, or in a ``sources/`` folder there."""
    if not scenario_file or scenario_file.startswith("<"):
        return set()
    folder = Path(scenario_file).parent
    return {p.name for where in (folder, folder / "sources") if where.is_dir() for p in where.glob("*") if p.suffix in (".txt", ".md", ".pdf", ".html")}


def check_sources(scenario, doc, file: str) -> list[Finding]:
    """A finding for each documented event or inject whose seed names no shipped or local source."""
    shipped = set(shipped_sources())
    found = []
    for section in ("events", "injects"):
        for i, event in enumerate(getattr(scenario, section)):
            seed = event.source.seed
            if event.status != "documented" or not seed or seed in shipped:
                continue
            where = locate_in(doc, (section, i, "source", "seed"))[0] or file  # the file it is written in (an overlay's base)
            if seed not in local_sources(where):
                found.append(Finding(
                    (section, i, "source", "seed"),
                    f"no source file '{seed}'{did_you_mean(seed, shipped)}",
                    help=f"allowed: a shipped source ({', '.join(sorted(shipped))}; `escalation list sources`), "
                    "or a file of your own beside the scenario or in a sources/ folder there",
                ))
    return found
