"""The JSON Schema editors check scenarios with: the format's models, and the names they may use.

Pydantic writes the structure of the models; this module adds what a language
server needs to complete and check what a student types:

- the names a field refers to, as choices: rules, rungs, thresholds, source files
  (and, for one scenario, its actors, red lines and events: :func:`schema_for`);
- each rule's parameters under ``params:`` (``if rule: X then params: ...``);
- the choices that go together: an effect is one kind, a trait changes by a
  ``value`` or ``by`` an amount, a time is a ``turn`` or a ``date``, an event is
  scripted, conditional or stochastic, a documented event cites its source;
- impossible dates (2024-11-31) refused by pattern;
- overlays (``extends:``): what they write is checked key by key, without the
  required keys their base already holds.

A JSON Schema cannot say everything the loader checks (an id used twice, a
posture outside an actor's capabilities); ``escalation validate`` remains the
whole check.
"""

from __future__ import annotations

import copy
import functools
import typing

from escalation.disclaimer import DISCLAIMER
from escalation.scenario.overlay import EXTENDS, REMOVE
from escalation.scenario.rulebook import RULEBOOK
from escalation.scenario.schema import EFFECT_KINDS, Scenario

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# YYYY-MM-DD with a day the month has (29 February allowed in any year)
DATE = r"^[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-9]))$"
ID = r"^[a-z][a-z0-9_]*$"
REQUIRED = ".required"  # the suffix of the definitions that only say which keys a complete scenario must have

# Which kind of name each field refers to ("Model.field"); the loader checks the same (references.py).
REFERS = {
    "Actor.rule": "rule", "Actor.posture": "rung", "Actor.stocks": "action", "Scenario.ladder": "ladder",
    "Capabilities.min_rung": "rung", "Capabilities.max_rung": "rung", "Capabilities.rungs": "rung",
    "Relations.adversaries": "actor", "Relations.allies": "actor", "Relations.patrons": "actor",
    "Relations.restrainers": "actor", "Relations.veto_players": "actor",
    "RedLine.watch": "actor", "RedLine.at": "rung", "RedLine.response": "rung",
    "Condition.actor": "actor_or_system", "Condition.red_line": "red_line",
    "SetPosture.actor": "actor", "SetPosture.rung": "rung", "SetTrait.actor": "actor",
    "SetCapability.actor": "actor", "SetCapability.min_rung": "rung", "SetCapability.max_rung": "rung",
    "AddRedLine.actor": "actor", "RemoveRedLine.actor": "actor", "RemoveRedLine.red_line": "red_line",
    "Effect.add_actor": "actor", "Effect.remove_actor": "actor", "Event.actor": "actor", "Inject.actor": "actor",
    "War.sides": "actor", "War.strength": "actor", "Settings.restraint_threshold": "threshold", "Threshold.at": "rung",
    "Source.seed": "source",
}
PARAM_RUNGS = {"floor", "calm", "signal", "alarm", "aid", "ceiling"}  # rule parameters that name a rung
RUNG_METRICS = ["posture", "peak"]


class Names(typing.NamedTuple):
    """The names a schema offers as choices, by kind; ``None``: any well-formed name."""

    rule: list[str]
    rung: list[str]
    action: list[str]  # the rungs that are one-off actions (what stocks count)
    threshold: list[str]
    source: list[str]
    ladder: list[str]
    actor: list[str] | None = None
    red_line: list[str] | None = None

    def of(self, kind: str) -> list[str] | None:
        if kind == "actor_or_system":
            return None if self.actor is None else [*self.actor, "system"]
        return getattr(self, kind)


def default_names() -> Names:
    """What every scenario may name: the rules, the default ladder's rungs and thresholds, the shipped sources."""
    from escalation.scenario.loading import load_ladder_file
    from escalation.scenario.paths import shipped_ladders
    from escalation.scenario.sources import shipped_sources

    ladder = load_ladder_file(shipped_ladders()["default"])
    return Names(sorted(RULEBOOK), [r.id for r in ladder.rungs], [r.id for r in ladder.rungs if r.kind == "action"], [t.id for t in ladder.thresholds],
                 sorted(shipped_sources()), sorted(shipped_ladders()))


def scenario_json_schema(names: Names | None = None) -> dict:
    """The JSON Schema of the scenario format (``scenarios/schema.json``), overlays included."""
    names = names or default_names()
    frozen = Names(*(None if v is None else tuple(v) for v in names))  # type: ignore[arg-type]  # tuples: hashable, to cache
    return copy.deepcopy(_schema(frozen))


@functools.lru_cache(maxsize=16)
def _schema(names: Names) -> dict:
    raw = Scenario.model_json_schema()
    defs = raw.pop("$defs")
    root = {k: v for k, v in raw.items() if k not in ("title", "description")}
    for name, body in [("Scenario", root), *defs.items()]:
        _refine(name, body, names)
    for spec in RULEBOOK.values():
        params = spec.params.model_json_schema()
        for key, prop in params.get("properties", {}).items():
            if key in PARAM_RUNGS:
                _choices(prop, names.rung)
        defs[f"params.{spec.name}"] = {**params, "title": f"Parameters of the rule {spec.name}"}
    _rule_params(defs["Actor"])
    _distributions(defs)
    required = {f"{name}{REQUIRED}": skel for name, body in defs.items() if (skel := _skeleton(body, name))}
    root_required = _skeleton(root, "Scenario") or {}
    patched = {name: _optional(body) for name, body in defs.items()}
    schema = {
        "$schema": DRAFT,
        "title": "escalation scenario",
        "description": f"{(Scenario.__doc__ or '').strip()} A file with 'extends' is an overlay: it writes only what it changes. {DISCLAIMER}",
        **_optional(root),
        "$defs": {**patched, **required},
    }
    schema["properties"] = {EXTENDS: _extends_property(), REMOVE: _remove_property(), **schema["properties"]}
    schema["if"] = {"required": [EXTENDS]}
    schema["then"] = {"required": [EXTENDS, "name"]}
    schema["else"] = {"allOf": [root_required, {"not": {"required": [REMOVE]}}]}
    return schema


# --------------------------------------------------------------------------- refining the models' schema


def _refine(name: str, body: dict, names: Names) -> None:
    """Names as choices, one-of constraints, dates as patterns, keys of mappings as names."""
    for key, prop in body.get("properties", {}).items():
        kind = REFERS.get(f"{name}.{key}")
        if kind:
            _choices(prop, names.of(kind))
        _walk(prop)
    if name == "War":
        body["properties"]["sides"]["uniqueItems"] = True
    if name == "Scenario":
        body["properties"]["actors"]["propertyNames"] = {"pattern": ID, "maxLength": 60, "description": "An actor's id: lower-case letters, digits and '_'."}
    if name == "Effect":
        body["oneOf"] = [{"required": [k]} for k in EFFECT_KINDS]
    if name == "SetTrait":
        body["oneOf"] = [{"required": ["value"]}, {"required": ["by"]}]
    if name == "When":
        body["oneOf"] = [{"required": ["turn"]}, {"required": ["date"]}]
    if name == "Condition":
        traits = [m for m in body["properties"]["metric"]["enum"] if m not in RUNG_METRICS]
        body["allOf"] = [
            {"if": {"properties": {"metric": {"enum": RUNG_METRICS}}, "required": ["metric"]},
             "then": {"properties": {"value": _choices({"type": "string"}, names.rung)}}},
            {"if": {"properties": {"metric": {"enum": traits}}, "required": ["metric"]}, "then": {"properties": {"value": {"type": "number"}}}},
        ]
    if name in ("Event", "Inject"):
        body.setdefault("allOf", []).append(
            {"if": {"properties": {"status": {"const": "documented"}}, "required": ["status"]},
             "then": {"properties": {"source": {"required": ["seed"]}}}}
        )
    if name == "Event":
        body.setdefault("allOf", []).append({"not": {"anyOf": [{"required": ["at", "when"]}, {"required": ["at", "chance"]}]}})


def _walk(node) -> None:
    """Dates as patterns, and mappings keyed by names written with propertyNames (so a bad key is caught)."""
    if isinstance(node, dict):
        if node.get("format") == "date":
            node["pattern"] = DATE
        if "patternProperties" in node and len(node["patternProperties"]) == 1:
            pattern, value = next(iter(node.pop("patternProperties").items()))
            node["propertyNames"] = {**node.get("propertyNames", {}), "pattern": pattern}
            node["additionalProperties"] = value
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


def _choices(node: dict, choices: list[str] | None) -> dict:
    """Offer ``choices`` wherever ``node`` takes a name: itself, its list's items, its mapping's keys, a union's name."""
    if choices is None:
        return node
    if "anyOf" in node:
        for member in node["anyOf"]:
            _choices(member, choices)
    elif node.get("type") == "string":
        node.pop("pattern", None)
        node["enum"] = list(choices)
    elif node.get("type") == "array" and isinstance(node.get("items"), dict):
        _choices(node["items"], choices)
    elif node.get("type") == "object":
        node.setdefault("propertyNames", {}).pop("pattern", None)
        node["propertyNames"]["enum"] = list(choices)
        if "patternProperties" in node:
            node["additionalProperties"] = next(iter(node.pop("patternProperties").values()))
    return node


def _distributions(defs: dict) -> None:
    """Where a number may differ from world to world, a distribution may stand for it (see scenario.distributions)."""
    from escalation.scenario.parameters import WORLD_SETTINGS
    from escalation.scenario.schema import TRAITS

    def pair(what: str, example: list) -> dict:
        return {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2, "description": what, "examples": [example]}

    defs["Distribution"] = {
        "title": "Distribution",
        "description": "A number drawn per world: uniform [LO, HI], normal {mean, sd} (with clip where the number is bounded), "
                       "triangular [LO, MODE, HI], choice [values...] or beta [A, B], with an optional clip [LO, HI] and draw NAME.",
        "type": "object",
        "properties": {
            "uniform": pair("Every value from LO to HI equally likely.", [0.6, 0.9]),
            "normal": {"type": "object", "properties": {"mean": {"type": "number"}, "sd": {"type": "number", "exclusiveMinimum": 0}},
                       "required": ["mean", "sd"], "additionalProperties": False,
                       "description": "A normal distribution; give it a clip where the number is bounded.",
                       "examples": [{"mean": 0.3, "sd": 0.1}]},
            "triangular": {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3,
                           "description": "From LO to HI, most likely at MODE.", "examples": [[1, 2, 4]]},
            "choice": {"type": "array", "items": {"type": "number"}, "minItems": 2, "description": "One of these values, each equally likely.",
                       "examples": [[0.5, 1, 2]]},
            "beta": {"type": "array", "items": {"type": "number", "exclusiveMinimum": 0}, "minItems": 2, "maxItems": 2,
                     "description": "A share: Beta(A, B) on 0 to 1.", "examples": [[7, 3]]},
            "clip": pair("Values below LO or above HI are set to LO or HI.", [0, 1]),
            "draw": {"type": "string", "pattern": ID, "description": "Distributions naming the same draw take the same quantile in a world.",
                     "examples": ["posterior"]},
        },
        "additionalProperties": False,
        "oneOf": [{"required": [k]} for k in ("uniform", "normal", "triangular", "choice", "beta")],
    }
    slots = [("Actor", TRAITS), ("Settings", WORLD_SETTINGS), ("RedLine", ("credibility",))]
    slots += [(name, tuple(k for k, f in RULEBOOK[name[len("params."):]].params.model_fields.items() if f.annotation is float))
              for name in defs if name.startswith("params.")]
    for name, keys in slots:
        for key in keys:
            prop = defs[name]["properties"][key]
            # a number keeps its range (which a mapping ignores); a mapping must be a distribution
            prop["type"] = ["number", "object"]
            prop["if"] = {"type": "object"}
            prop["then"] = {"$ref": "#/$defs/Distribution"}


def _rule_params(actor: dict) -> None:
    """``params:`` checked against the parameters of the actor's rule."""
    actor["allOf"] = [
        {"if": {"properties": {"rule": {"const": name}}, "required": ["rule"]}, "then": {"properties": {"params": {"$ref": f"#/$defs/params.{name}"}}}}
        for name in sorted(RULEBOOK)
    ]


# --------------------------------------------------------------------------- complete scenarios and overlays


def _optional(body: dict) -> dict:
    """``body`` with no key required (what an overlay may write): only the one-of choices keep theirs."""
    out = copy.deepcopy(body)

    def strip(node):
        if isinstance(node, dict):
            if "properties" in node and node.get("type") == "object":  # a model's body, not an if's condition
                node.pop("required", None)
            for value in node.values():
                strip(value)
        elif isinstance(node, list):
            for value in node:
                strip(value)

    strip(out)
    return out


def _skeleton(node, name: str = ""):
    """Only what a complete scenario must have at ``node``: its required keys, recursively; ``None`` if nothing."""
    if not isinstance(node, dict):
        return None
    if "$ref" in node:
        target = node["$ref"].rsplit("/", 1)[1]
        return {"$ref": f"#/$defs/{target}{REQUIRED}"} if _needs(target) else None
    if "anyOf" in node:
        members = [_skeleton(m) or _type_only(m) for m in node["anyOf"]]
        return {"anyOf": members} if any(_skeleton(m) for m in node["anyOf"]) else None
    out: dict = {}
    if node.get("required"):
        out["required"] = list(node["required"])
    props = {k: s for k, v in node.get("properties", {}).items() if (s := _skeleton(v))}
    if props:
        out["properties"] = props
    for key in ("items", "additionalProperties"):
        inner = _skeleton(node.get(key))
        if inner:
            out[key] = inner
    if name == "Event":
        out["anyOf"] = [{"required": ["at"]}, {"required": ["when"]}, {"required": ["chance"]}]
    return out or None


def _needs(name: str) -> bool:
    """Whether the model ``name`` has required keys anywhere inside it."""
    return name in _NEEDING


def _type_only(member: dict) -> dict:
    if "$ref" in member:
        return {"type": "object"}
    return {"type": member["type"]} if "type" in member else {}


def _refs(node) -> set[str]:
    """The names of the definitions ``node`` refers to."""
    if isinstance(node, dict):
        own = {node["$ref"].rsplit("/", 1)[1]} if isinstance(node.get("$ref"), str) else set()
        return own.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _needing() -> set[str]:
    defs = Scenario.model_json_schema()["$defs"]
    need = {n for n, b in defs.items() if b.get("required")} | {"Event"}
    grew = True
    while grew:  # a model needs what any model it holds needs
        before = len(need)
        need |= {n for n, b in defs.items() if _refs(b) & need}
        grew = len(need) > before
    return need


_NEEDING = _needing()


# --------------------------------------------------------------------------- overlay keys


def _extends_property() -> dict:
    from escalation.scenario.paths import shipped_scenarios

    return {
        "description": "The base this scenario is an overlay of: a shipped scenario's name, or a path from this file's folder. "
        "Only what is written here changes; lists of items with ids (events, injects, red lines) merge by id.",
        "examples": ["nov-2024"],
        "anyOf": [{"type": "string", "enum": sorted(shipped_scenarios())}, {"type": "string", "pattern": r"\.ya?ml$"}],
    }


def _remove_property(sections: dict[str, list[str]] | None = None) -> dict:
    prop = {
        "description": "What to take away from the base: under the dotted path of each section, the names (keys, or ids of list items) to remove.",
        "examples": [{"events": ["tusk_warns"], "actors": ["hungary"]}],
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"},
        "additionalProperties": {"type": "array", "minItems": 1, "items": {"type": "string"}},
    }
    if sections:
        prop["properties"] = {k: {"type": "array", "minItems": 1, "items": {"enum": v}} for k, v in sections.items()}
    return prop


# --------------------------------------------------------------------------- one scenario's schema


def schema_for(file: str) -> dict:
    """The schema specialised to the scenario in ``file``: its actors, rungs, red lines and sources as
    choices and, for an overlay, its base's actors (with their rules' parameters) and events.

    Read from the document, not the validated scenario, so that a file with mistakes still gets it.
    """
    from escalation.scenario.loading import load_document
    from escalation.scenario.problems import ScenarioError
    from escalation.scenario.sources import local_sources
    from escalation.scenario.yamlio import load_yaml_text, read_text

    text = read_text(file, file)
    own = load_yaml_text(text, file)  # a syntax error is reported as such: there is no document to describe
    doc: dict
    try:
        doc = load_document(text, file)
    except ScenarioError:  # an overlay whose merge fails (a removal of what the base lacks): its base still names what it may use
        if not (isinstance(own, dict) and EXTENDS in own):
            raise
        doc = dict(_base_document(own, file))
        written = own.get("actors")
        doc["actors"] = {**(doc.get("actors") or {}), **(written if isinstance(written, dict) else {})}
    names = _document_names(doc, default_names(), sorted(local_sources(file)))
    schema = scenario_json_schema(names)
    merged = doc.get("actors")
    merged = merged if isinstance(merged, dict) else {}
    own_actors = {k: _own_actor(k, a, names) for k, a in merged.items() if isinstance(a, dict)}
    if not (isinstance(own, dict) and EXTENDS in own):
        schema["properties"]["actors"]["properties"] = {k: {"allOf": [{"$ref": "#/$defs/Actor"}, extra]} for k, extra in own_actors.items()}
        return schema
    below = _base_document(own, file)
    props = schema["properties"]
    actors = {}
    for actor_id, actor in (below.get("actors") or {}).items():
        rule = actor.get("rule") if isinstance(actor, dict) else None
        item: dict = {"allOf": [{"$ref": "#/$defs/Actor"}, *([own_actors[actor_id]] if actor_id in own_actors else [])]}
        if rule in RULEBOOK:
            item.update({"if": {"not": {"required": ["rule"]}}, "then": {"properties": {"params": {"$ref": f"#/$defs/params.{rule}"}}}})
        actors[actor_id] = item
    props["actors"]["properties"] = actors
    props["actors"]["additionalProperties"] = {"allOf": [{"$ref": "#/$defs/Actor"}, {"$ref": f"#/$defs/Actor{REQUIRED}"}]}
    sections: dict[str, list[str]] = {"actors": sorted(actors)}
    for section, model in (("events", "Event"), ("injects", "Inject")):
        ids = [e["id"] for e in below.get(section) or [] if isinstance(e, dict) and isinstance(e.get("id"), str)]
        sections[section] = ids
        if ids and f"{model}{REQUIRED}" in schema["$defs"]:
            props[section]["items"] = {"$ref": f"#/$defs/{model}", "if": {"properties": {"id": {"enum": ids}}, "required": ["id"]},
                                       "else": {"$ref": f"#/$defs/{model}{REQUIRED}"}}
    for actor_id, actor in (below.get("actors") or {}).items():
        lines = [r["id"] for r in (actor.get("red_lines") or []) if isinstance(r, dict) and "id" in r] if isinstance(actor, dict) else []
        if lines:
            sections[f"actors.{actor_id}.red_lines"] = lines
    props[REMOVE] = _remove_property({k: v for k, v in sections.items() if v})
    return schema


def _base_document(own, file: str):
    """The merged document of an overlay's base."""
    from escalation.scenario.loading import load_document
    from escalation.scenario.overlay import base_of
    from escalation.scenario.yamlio import read_text

    path, shown = base_of(own, file)
    return load_document(read_text(path, shown), shown)


def _document_names(doc, default: Names, local: list[str]) -> Names:
    """The names a scenario document defines, as far as they can be read from it."""
    from escalation.scenario.loading import load_ladder_file
    from escalation.scenario.paths import shipped_ladders

    actors = doc.get("actors")
    actor_ids = [a for a in actors if isinstance(a, str)] if isinstance(actors, dict) else []
    red_lines: set[str] = set()
    for actor in actors.values() if isinstance(actors, dict) else []:
        for line in (actor.get("red_lines") or []) if isinstance(actor, dict) else []:
            if isinstance(line, dict) and isinstance(line.get("id"), str):
                red_lines.add(line["id"])
    for event in [*(doc.get("events") or []), *(doc.get("injects") or [])]:
        for effect in (event.get("effects") or []) if isinstance(event, dict) else []:
            added = effect.get("add_red_line") if isinstance(effect, dict) else None
            if isinstance(added, dict) and isinstance(added.get("red_line"), dict) and isinstance(added["red_line"].get("id"), str):
                red_lines.add(added["red_line"]["id"])
    rungs, actions, thresholds = default.rung, default.action, default.threshold
    ladder = doc.get("ladder", "default")
    if isinstance(ladder, dict):
        written = [r for r in ladder.get("rungs") or [] if isinstance(r, dict) and isinstance(r.get("id"), str)]
        rungs = [r["id"] for r in written] or rungs
        actions = [r["id"] for r in written if r.get("kind") == "action"] if written else actions
        thresholds = [t["id"] for t in ladder.get("thresholds") or [] if isinstance(t, dict) and isinstance(t.get("id"), str)] or thresholds
    elif isinstance(ladder, str) and ladder in shipped_ladders() and ladder != "default":
        shipped = load_ladder_file(shipped_ladders()[ladder])
        rungs, actions, thresholds = [r.id for r in shipped.rungs], [r.id for r in shipped.rungs if r.kind == "action"], [t.id for t in shipped.thresholds]
    return Names(default.rule, rungs, actions, thresholds, sorted({*default.source, *local}), default.ladder, actor_ids or None, sorted(red_lines) or None)


def _reach(actor: dict, rungs: list[str]) -> list[str]:
    """The rungs an actor's capabilities let it stand on, as written in its document (all of them if unclear)."""
    found = actor.get("capabilities")
    caps: dict = found if isinstance(found, dict) else {}
    listed = caps.get("rungs")
    if isinstance(listed, list) and all(r in rungs for r in listed):
        return list(listed)
    low, high = caps.get("min_rung"), caps.get("max_rung")
    lo = rungs.index(low) if low in rungs else 0
    hi = rungs.index(high) if high in rungs else len(rungs) - 1
    return rungs[lo : hi + 1]


def _own_actor(actor_id: str, actor: dict, names: Names) -> dict:
    """What --for adds for one actor: its posture within its capabilities, and never itself among its relations."""
    not_self = {"items": {"not": {"const": actor_id}}}
    return {
        "properties": {
            "posture": {"enum": _reach(actor, names.rung)},
            "relations": {"properties": dict.fromkeys(("adversaries", "allies", "patrons", "restrainers", "veto_players"), not_self)},
        }
    }
