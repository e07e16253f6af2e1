"""Problems in a scenario file, located so that a student can act on them.

Each problem prints as one line ``FILE:LINE:COL: message`` (tools rely on that
first line), followed, when known, by the offending line of the file with a
caret under the column and a note on what is allowed there::

    my.yaml:31:14: actors.russia.resolve: 1.5 is too high; the most allowed is 1
       31 |     resolve: 1.5
          |              ^
          = allowed: a number from 0 to 1
"""

from __future__ import annotations

import typing
import unicodedata
from dataclasses import dataclass, field, replace

from escalation.errors import InputError

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
    first: tuple | None = None  # for a name given twice: where it was first given (the message says where)


class ScenarioError(InputError):
    """One or more located problems in a scenario or ladder file; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.col, p.message))
        ValueError.__init__(self, self.brief())

    def worded(self, caller: str = "python") -> str:
        return str(self)  # a located problem reads the same to every caller

    def __str__(self) -> str:
        shown = [p.render() for p in self.problems[:SHOWN]]
        if len(self.problems) > SHOWN:
            shown.append(f"({len(self.problems) - SHOWN} more problems not shown)")
        return "\n".join(shown)

    def brief(self) -> str:
        """Only the ``FILE:LINE:COL: message`` lines."""
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def at(cls, file: str, line: int, col: int, message: str, help: str = "") -> ScenarioError:
        return cls([Problem(file, line, col, message, help)])

    def with_source(self, file: str, text: str) -> ScenarioError:
        """The same problems, those in ``file`` that are shown carrying their line of ``text``."""
        lines = text.splitlines()
        shown = [replace(p, excerpt=lines[p.line - 1]) if p.file == file and 0 < p.line <= len(lines) else p for p in self.problems[:SHOWN]]
        return ScenarioError(shown + self.problems[SHOWN:])


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
