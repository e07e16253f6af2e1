"""The library's errors, and the wording helpers every message shares.

Everything here is a :class:`ValueError`: the caller gave a value the library cannot use.
A message is written once, naming parameters as the command line spells them (``--runs``,
``--out``); ``str(error)`` words it for a Python caller (``runs``, ``out``) and
``error.worded("cli")`` for the command line, which prints it and exits with status 2.
Imports nothing from the rest of the package, so every part may raise these.
"""

from __future__ import annotations

import difflib
import re

# options whose Python keyword is not simply the option's name
KEYWORDS = {"--set": "sets"}
FLAGS = ("--resume", "--trajectories")  # options that are switches: `resume=True` to a Python caller
_OPTION = re.compile(r"(?<![\w-])--([a-z][a-z-]*)")


class InputError(ValueError):
    """A value given to the library cannot be used; the message says which and why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(self.worded())

    def worded(self, caller: str = "python") -> str:
        """The message for a ``"python"`` caller or the ``"cli"``."""
        return self.message if caller == "cli" else _OPTION.sub(_keyword, self.message)


class NoEffectWarning(UserWarning):
    """A change the caller asked for that nothing in the model reads: it runs, to no effect."""


class ResultsError(InputError):
    """A results folder cannot be used as asked (not one, another batch's, unfinished, busy)."""


class TabletopError(InputError):
    """A tabletop request that cannot be carried out; the session is left unchanged."""


def _keyword(match: re.Match) -> str:
    option = match.group(0)
    if option in FLAGS:
        return f"{option[2:]}=True"
    return KEYWORDS.get(option, option[2:].replace("-", "_"))


CLOSE = 0.75  # how alike a name must be to be suggested: 'ukriane' finds 'ukraine', 'usa' does not find 'russia'


def did_you_mean(name, choices, aliases=None) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' if none is close.

    Case is ignored, so 'Russia' finds 'russia'. ``aliases`` maps other names people
    use (lower case) to a choice, and perhaps a note: {'usa': 'united_states', 'uk': ('europe', 'Europe stands for ...')}.
    """
    choices = [str(c) for c in choices]
    said = str(name).lower().strip()
    if aliases and said in aliases:
        target, note = aliases[said] if isinstance(aliases[said], tuple) else (aliases[said], "")
        if target in choices:
            return f" (did you mean '{target}'?{' ' + note if note else ''})"
    folded = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(said, list(folded), n=1, cutoff=CLOSE)
    return f" (did you mean '{folded[close[0]]}'?)" if close else ""


def one_of(choices, limit: int = 30) -> str:
    """'a, b or c' (shortened past ``limit`` choices)."""
    choices = [str(c) for c in choices]
    if len(choices) > limit:
        return f"{', '.join(choices[:limit])}, ... ({len(choices) - limit} more)"
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"
