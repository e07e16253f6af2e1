"""The scenario format as a reference to read (``escalation schema --format markdown``).

Written from the same models the loader validates with, so it cannot drift from them:
every section of a scenario with each key, what it takes, its default and what it means;
the decision rules with their parameters; the default ladder's rungs; the overlay keys.
"""

from __future__ import annotations

import types
import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from escalation.disclaimer import DISCLAIMER
from escalation.scenario import schema as s
from escalation.scenario.messages import describe
from escalation.scenario.rulebook import RULEBOOK

# (anchor, heading, model, where it is written), in the order a scenario is read
SECTIONS: list[tuple[str, str, type[BaseModel], str]] = [
    ("scenario", "The scenario", s.Scenario, "the top of the file"),
    ("war", "war", s.War, "`war:`"),
    ("settings", "settings", s.Settings, "`settings:`"),
    ("actor", "An actor", s.Actor, "each entry of `actors:`, under its id"),
    ("capabilities", "capabilities", s.Capabilities, "`capabilities:` of an actor"),
    ("relations", "relations", s.Relations, "`relations:` of an actor"),
    ("red-line", "A red line", s.RedLine, "each item of an actor's `red_lines:`"),
    ("event", "An event", s.Event, "each item of `events:`"),
    ("inject", "An inject card", s.Inject, "each item of `injects:`"),
    ("source", "source", s.Source, "`source:` of an event or inject"),
    ("when", "at (a time)", s.When, "`at:` of an event"),
    ("window", "window", s.Window, "`window:` of an event or inject"),
    ("condition", "A condition", s.Condition, "each item of an event's `when:`"),
    ("effect", "An effect", s.Effect, "each item of `effects:` (exactly one key)"),
    ("set-posture", "set_posture", s.SetPosture, "an effect"),
    ("set-trait", "set_trait", s.SetTrait, "an effect (give `value` or `by`)"),
    ("set-capability", "set_capability", s.SetCapability, "an effect"),
    ("add-red-line", "add_red_line", s.AddRedLine, "an effect"),
    ("remove-red-line", "remove_red_line", s.RemoveRedLine, "an effect"),
    ("ladder", "A ladder written out", s.Ladder, "`ladder:` (instead of a shipped ladder's name)"),
    ("rung", "A rung", s.Rung, "each item of a ladder's `rungs:`"),
    ("threshold", "A threshold", s.Threshold, "each item of a ladder's `thresholds:`"),
]


def markdown_reference() -> str:
    """The whole reference as Markdown, with an anchor per section."""
    out = [
        "# Scenario format reference",
        "",
        f"_{DISCLAIMER}_ Written by `escalation schema --format markdown` from the models the loader checks with;",
        "`docs/scenario-guide.md` walks through writing a scenario, `escalation validate FILE` checks one.",
        "",
        "Contents: " + ", ".join(f"[{heading}](#{anchor})" for anchor, heading, _, _ in SECTIONS)
        + ", [overlays](#overlays), [decision rules](#rules), [the default ladder](#default-ladder).",
        "",
    ]
    for anchor, heading, model, where in SECTIONS:
        out += _section(anchor, heading, model, where)
    out += _overlays() + _rules() + _ladder()
    return "\n".join(out).rstrip() + "\n"


def _section(anchor: str, heading: str, model: type[BaseModel], where: str) -> list[str]:
    doc = " ".join((model.__doc__ or "").split())
    out = [f'<a id="{anchor}"></a>', f"## {heading}", "", f"{doc} Written as {where}.", "", "| key | takes | default | what it means |", "|---|---|---|---|"]
    for key, info in model.model_fields.items():
        default = "**required**" if info.is_required() else _default(info)
        out.append(f"| `{key}` | {_cell(_takes(model, key, info))} | {default} | {_cell(info.description or '')} |")
    return [*out, ""]


NAMED = {"rung": "rung id", "action": "one-off action's rung id", "actor": "actor id", "actor_or_system": "actor id or `system`", "rule": "rule's name",
         "threshold": "threshold id", "red_line": "red line's id", "source": "source file", "ladder": "shipped ladder's name"}
SEE = {"rung": " ([the ladder](#default-ladder))", "action": " ([the ladder](#default-ladder))", "threshold": " ([the ladder](#default-ladder))",
       "rule": " ([rules](#rules))", "source": " (`escalation list sources`)", "ladder": " (`escalation list ladders`), or a [ladder written out](#ladder)"}
LINKS = {model: anchor for anchor, _, model, _ in SECTIONS}


def _takes(model, key: str, info) -> str:
    """What a field takes, in words: a name of a kind it refers to, a section (linked), or a value."""
    from escalation.scenario.json_schema import REFERS

    kind = REFERS.get(f"{model.__name__}.{key}")
    optional = typing.get_origin(info.annotation) in (typing.Union, types.UnionType)
    inner = [a for a in typing.get_args(info.annotation) if a is not type(None)] if optional else [info.annotation]
    if kind:
        shape = typing.get_origin(inner[0])
        name, see = NAMED[kind], SEE.get(kind, "")
        one = f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
        if shape is list:
            return f"a list of {name}s{see}"
        return f"a mapping keyed by {one}{see}" if shape is dict else f"{one}{see}"
    for tp in [info.annotation, *inner, *(typing.get_args(a)[-1] for a in inner if typing.get_args(a))]:
        if tp in LINKS:
            shape = "a list of" if typing.get_origin(info.annotation) is list else "a mapping:"
            return f"{shape} [{tp.__name__}](#{LINKS[tp]})" + (" (or a shipped ladder's name)" if key == "ladder" else "")
    return describe(info.annotation, info.metadata)


def _default(info) -> str:
    if info.default_factory is not None:
        value = info.default_factory()
        return "none" if value in ({}, [], None) else "its own defaults" if isinstance(value, BaseModel) else f"`{value}`"
    if info.default is None or info.default is PydanticUndefined:
        return "none"
    if isinstance(info.default, bool):
        return f"`{str(info.default).lower()}`"
    return f"`{info.default}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _overlays() -> list[str]:
    return [
        '<a id="overlays"></a>',
        "## Overlays: `extends` and `remove`",
        "",
        "A scenario with `extends: BASE` (a shipped scenario's name, or a path from its own folder) is an overlay:",
        "it writes only what it changes, and needs its own `name`. Mappings merge key by key; lists whose items have",
        "an `id` (events, injects, red lines, rungs) merge by id (an item with a new id is added at the end); any",
        "other list, an empty list, an event's `at`, and any single value are replaced whole. `remove:` takes things away from the",
        "base first: under the dotted path of each section, the names (keys, or ids) to remove, for example",
        "`remove: {events: [tusk_warns], actors: [hungary], actors.russia.red_lines: [strike_the_suppliers]}`.",
        "`escalation show FILE` prints the merged scenario.",
        "",
    ]


def _rules() -> list[str]:
    out = ['<a id="rules"></a>', "## Decision rules (`rule:` and `params:`)", ""]
    for name, spec in sorted(RULEBOOK.items()):
        out += [f'<a id="rule-{name}"></a>', f"### {name}", "", f"{spec.summary} Source: {spec.source}.", ""]
        fields = spec.params.model_fields
        if not fields:
            out += ["No parameters.", ""]
            continue
        out += ["| parameter | takes | default | what it means |", "|---|---|---|---|"]
        for key, info in fields.items():
            takes = "a rung id" if typing.get_origin(info.annotation) is not None and key in _rung_params() else describe(info.annotation, info.metadata)
            out.append(f"| `{key}` | {_cell(takes)} | {_default(info)} | {_cell(info.description or '')} |")
        out.append("")
    return out


def _rung_params() -> set[str]:
    from escalation.scenario.json_schema import PARAM_RUNGS

    return PARAM_RUNGS


def _ladder() -> list[str]:
    from escalation.scenario.loading import load_ladder_file
    from escalation.scenario.paths import shipped_ladders

    ladder = load_ladder_file(shipped_ladders()["default"])
    out = ['<a id="default-ladder"></a>', f"## The default ladder: {ladder.name}", "", ladder.description, "",
           "| level | id (write this) | name | kind | category | Kahn rung | MID | Goldstein |", "|---|---|---|---|---|---|---|---|"]
    for r in ladder.rungs:
        out.append(f"| {r.level} | `{r.id}` | {r.name} | {r.kind} | {r.category} | {r.kahn.rung}: {r.kahn.name} | {r.mid} | {r.goldstein:g} |")
    out += ["", "Thresholds (each crossed when the system reaches its rung):", ""]
    out += [f"- `{t.id}` ({t.name}): at `{t.at}`, weight {t.weight:g}" for t in ladder.thresholds]
    return [*out, ""]
