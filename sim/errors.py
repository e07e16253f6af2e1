"""Bad input, reported as located problems a student can act on.

Each problem prints as one line ``FILE:LINE:COL: message`` (tools rely on that
first line), followed, when known, by the offending line of the file with a
caret under the column and a note on what is allowed there::

    my.yaml:31:14: actors.russia.resolve: 1.5 is too high; the most allowed is 1
       31 |     resolve: 1.5
          |              ^
          = allowed: a number from 0 to 1
"""

from __future__ import annotations

import difflib
import typing
import unicodedata
from dataclasses import dataclass, field, replace

SHOWN = 50  # problems printed in full; a file with more is broken beyond a list
EXCERPT = 100  # characters of the offending line shown around the column


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file (line and column are 1-based)."""

    file: str
    line: int
    col: int
    message: str
    help: str = ""  # what is allowed here (range, choices, type), one note per line
    excerpt: str | None = field(default=None, compare=False)  # the offending line of the file

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"

    def render(self) -> str:
        """The first line, then the offending line with a caret, then what is allowed."""
        lines = [str(self)]
        gutter = " " * (len(str(self.line)) + 4)
        if self.excerpt is not None:
            shown, pad = _excerpt(self.excerpt, self.col)
            lines += [f"   {self.line} | {shown}", f"{gutter}| {pad}^"]
        lines += [f"{gutter}= {note}" for note in self.help.splitlines() if note]
        return "\n".join(lines)


class Finding(typing.NamedTuple):
    """A problem not yet located: ``loc`` is a path into the document."""

    loc: tuple
    message: str
    at_key: bool = False  # point at the key itself rather than its value
    help: str = ""


class ScenarioError(Exception):
    """One or more problems with a user's input; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.col, p.message))
        super().__init__(self.brief())

    def __str__(self) -> str:
        shown = [p.render() for p in self.problems[:SHOWN]]
        if len(self.problems) > SHOWN:
            shown.append(f"({len(self.problems) - SHOWN} more problems not shown)")
        return "\n".join(shown)

    def brief(self) -> str:
        """Only the ``FILE:LINE:COL: message`` lines."""
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def at(cls, file: str, line: int, col: int, message: str, help: str = "") -> "ScenarioError":
        return cls([Problem(file, line, col, message, help)])

    def with_source(self, file: str, text: str) -> "ScenarioError":
        """The same problems, those in ``file`` that are shown carrying their line of ``text``."""
        lines = text.splitlines()
        shown = [replace(p, excerpt=lines[p.line - 1]) if p.file == file and 0 < p.line <= len(lines) else p for p in self.problems[:SHOWN]]
        return ScenarioError(shown + self.problems[SHOWN:])


def did_you_mean(name, choices) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' if none is close.

    Case is ignored, so 'Russia' finds 'russia'.
    """
    choices = [str(c) for c in choices]
    folded = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(str(name).lower(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean '{folded[close[0]]}'?)" if close else ""


def one_of(choices, limit: int = 30) -> str:
    """'a, b or c' (shortened past ``limit`` choices)."""
    choices = [str(c) for c in choices]
    if len(choices) > limit:
        return f"{', '.join(choices[:limit])}, ... ({len(choices) - limit} more)"
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"


def _excerpt(text: str, col: int) -> tuple[str, str]:
    """The line as printable text (cut to a window around ``col``) and the caret's padding."""
    start = max(0, col - 1 - EXCERPT // 2) if len(text) > EXCERPT else 0
    window = text[start : start + EXCERPT]
    shown = "".join(_printable(c) for c in window)
    pad = "".join(" " * _width(c) for c in shown[: col - 1 - start])
    if start:
        shown, pad = "..." + shown, "   " + pad
    if start + EXCERPT < len(text):
        shown += "..."
    return shown, pad


def _printable(c: str) -> str:
    if c == "\t":
        return "→"  # a tab is a common mistake: make it visible
    return c if c.isprintable() else "?"


def _width(c: str) -> int:
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
