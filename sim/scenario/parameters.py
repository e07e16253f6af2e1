"""Which numbers of a scenario can differ from world to world inside one model.

Traits, numeric settings, numeric rule parameters and red lines' credibility are
arrays over the ensemble axis, so a batch can hold a different value in every
world: a distribution written in the scenario, or the points of a sweep packed into
shared chunks. Anything else (a rung's name, a rule, an event's day, a whole number
that shapes the model such as ``settings.max_down``) is *structural*: worlds that
differ in it need models of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from escalation.scenario.rulebook import RULEBOOK
from escalation.scenario.schema import TRAITS, Scenario, Settings

# the settings whose value is a real number (not a whole number or a name): these can vary per world
WORLD_SETTINGS = tuple(name for name, f in Settings.model_fields.items() if f.annotation is float)


@dataclass(frozen=True)
class Slot:
    """Where a per-world number lives: ``kind`` is trait, setting, param or credibility."""

    kind: str
    name: str  # the trait, setting or parameter, or the red line's id
    actor: str | None = None


def slot(scenario: Scenario, path) -> Slot | None:
    """The per-world slot at ``path`` (a dotted key or its parts; a red line by id or position), or None if structural."""
    parts = tuple(path.split(".")) if isinstance(path, str) else tuple(path)
    if len(parts) == 2 and parts[0] == "settings" and parts[1] in WORLD_SETTINGS:
        return Slot("setting", parts[1])
    if len(parts) < 3 or parts[0] != "actors" or parts[1] not in scenario.actors:
        return None
    actor = scenario.actors[str(parts[1])]
    if len(parts) == 3 and parts[2] in TRAITS:
        return Slot("trait", str(parts[2]), str(parts[1]))
    if len(parts) == 4 and parts[2] == "params":
        spec = RULEBOOK.get(actor.rule)
        field = spec.params.model_fields.get(str(parts[3])) if spec else None
        return Slot("param", str(parts[3]), str(parts[1])) if field is not None and field.annotation is float else None
    if len(parts) == 5 and parts[2] == "red_lines" and parts[4] == "credibility":
        line = _item(actor.red_lines, parts[3])
        return Slot("credibility", line.id, str(parts[1])) if line is not None else None
    return None


def key_text(scenario: Scenario, path) -> str:
    """The dotted key of ``path``, with a red line named by its id rather than its position."""
    parts = list(path.split(".") if isinstance(path, str) else path)
    if len(parts) == 5 and parts[0] == "actors" and parts[2] == "red_lines" and parts[1] in scenario.actors:
        line = _item(scenario.actors[str(parts[1])].red_lines, parts[3])
        if line is not None:
            parts[3] = line.id
    return ".".join(map(str, parts))


def column(key: str) -> str:
    """A results column for a dotted key, safe unquoted in SQL, R and ``DataFrame.query``: dots become '__'."""
    return re.sub(r"[^A-Za-z0-9_]", "_", key.replace(".", "__"))


def _item(lines, part):
    if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
        i = int(part)
        return lines[i] if 0 <= i < len(lines) else None
    return next((line for line in lines if line.id == part), None)
