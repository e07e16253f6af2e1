"""``--set KEY=VALUE`` and ``--vary KEY=LO:HI[:N]``: changes to a scenario document.

KEY is a dotted path into the scenario, such as ``actors.russia.risk_tolerance``,
``settings.noise`` or ``actors.russia.red_lines.nato_direct_involvement.credibility``
(list items are named by their ``id`` or by position). Keys are checked against
the format's models, with a did-you-mean for a misspelt name; values are put into
the parsed document *before* validation, so an out-of-range value is reported
like any other mistake in the scenario: ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

import datetime as dt
import math
import types
import typing
from dataclasses import dataclass

from pydantic import BaseModel

from escalation.errors import InputError, did_you_mean
from escalation.scenario.parameters import column
from escalation.scenario.problems import Problem, ScenarioError
from escalation.scenario.schema import Scenario
from escalation.scenario.yamlio import MarkedDict, MarkedList


@dataclass(frozen=True)
class Key:
    """A checked dotted key: its path into the document and the kind of value it takes."""

    text: str
    path: tuple
    kind: str  # number | integer | bool | text | any

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "integer", "any")


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a key, its range and (for grid and one-at-a-time) its number of levels."""

    key: str
    lo: float
    hi: float
    levels: int | None = None
    integer: bool = False
    baseline: float | None = None  # the scenario's own value, the centre of a one-at-a-time sweep
    path: tuple = ()

    def as_dict(self) -> dict:
        return {"key": self.key, "column": column(self.key), "lo": self.lo, "hi": self.hi, "levels": self.levels, "integer": self.integer,
                "baseline": self.baseline}


# --------------------------------------------------------------------------- parsing


def parse_value(text: str):
    """A command-line value as data: true/false, an integer, a finite number, a distribution written as in a
    scenario (``{uniform: [0.6, 0.9]}``, read as YAML safely), or text."""
    if text.lstrip().startswith("{"):
        from escalation.scenario.distributions import FORMS, written_as
        from escalation.scenario.yamlio import load_yaml_text

        try:
            value = load_yaml_text(text, "--set")
        except ScenarioError as exc:
            raise InputError(f"'{text}': not a distribution ({exc.problems[0].message}); write {FORMS}") from None
        if not written_as(value):
            raise InputError(f"'{text}': not a distribution; write {FORMS}")
        return value
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        raise InputError(f"'{text}' is not a finite number")
    return number


def split_assignment(text: str, option: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        example = "actors.russia.risk_tolerance=0.6" if option == "--set" else "actors.russia.risk_tolerance=0.2:0.8:5"
        raise InputError(f"{option} {text}: expected KEY={'VALUE' if option == '--set' else 'LO:HI[:N]'}, for example {option} {example}")
    return key.strip(), value.strip()


def parse_range(text: str, value: str) -> tuple[float, float, int | None]:
    """LO:HI[:N] as numbers, checked: LO below HI, N a whole number of at least 2."""
    parts = value.split(":")
    if len(parts) not in (2, 3):
        raise InputError(f"--vary {text}: expected a range LO:HI or LO:HI:N, for example 0.2:0.8:5")
    try:
        lo, hi = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(f"--vary {text}: '{parts[0]}' and '{parts[1]}' must both be numbers") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise InputError(f"--vary {text}: the range must be finite")
    if not lo < hi:
        raise InputError(f"--vary {text}: LO ({parts[0]}) must be below HI ({parts[1]})")
    levels = None
    if len(parts) == 3:
        if not parts[2].isdigit() or not 2 <= int(parts[2]) <= 1000:
            raise InputError(f"--vary {text}: N ('{parts[2]}') must be a whole number from 2 to 1000")
        levels = int(parts[2])
    return lo, hi, levels


# --------------------------------------------------------------------------- keys


def check_key(doc, key: str, option: str) -> Key:
    """Follow a dotted key through the scenario's models and the document's own names."""
    parts = key.split(".")
    if any(not p for p in parts):
        raise InputError(f"{option} {key}: a key is names joined by dots, such as actors.russia.risk_tolerance")
    tp: typing.Any = Scenario
    node, path = doc, []
    step: str | int
    for i, part in enumerate(parts):
        where = ".".join(parts[:i]) or "the scenario"
        tp = _choose(tp, node)
        if _is_model(tp):
            fields = tp.model_fields
            if part not in fields:
                raise InputError(f"{option} {key}: unknown key '{part}' in {where}{did_you_mean(part, fields)}")
            tp, step = fields[part].annotation, part
        elif typing.get_origin(tp) is dict:
            value_tp = typing.get_args(tp)[1]
            names = list(node) if isinstance(node, dict) else []
            if value_tp is not typing.Any and part not in names:
                hint = did_you_mean(part, names) or f"; it has: {', '.join(map(str, names)) or 'nothing'}"
                raise InputError(f"{option} {key}: no '{part}' in {where}{hint}")
            tp, step = value_tp, part
        elif typing.get_origin(tp) is list:
            items = node if isinstance(node, list) else []
            ids = [item.get("id") for item in items if isinstance(item, dict)]
            if part.isdigit() and int(part) < len(items):
                step = int(part)
            elif part in ids:
                step = ids.index(part)
            else:
                raise InputError(
                    f"{option} {key}: no item '{part}' in {where}{did_you_mean(part, ids)}"
                    + (f"; its ids are: {', '.join(map(str, ids))}" if ids else " (it is empty)")
                )
            tp = typing.get_args(tp)[0]
        else:
            raise InputError(f"{option} {key}: {where} is a single value; it has no key '{part}'")
        path.append(step)
        node = node.get(step) if isinstance(node, dict) else (node[step] if isinstance(node, list) and isinstance(step, int) else None)
    tp = _choose(tp, node)
    if _is_model(tp) or typing.get_origin(tp) in (dict, list):
        raise InputError(f"{option} {key}: names a whole section, not one value; add the key inside it (for example {key}.{_example_inside(tp)})")
    return Key(key, tuple(path), _kind(tp))


def _example_inside(tp) -> str:
    if _is_model(tp):
        return next(iter(tp.model_fields))
    return "0"


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _choose(tp, node):
    """The member of Optional/Union/Annotated that fits what the document holds there."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = [_choose(m, node) for m in typing.get_args(tp) if m is not type(None)]
        structured = [m for m in members if _is_model(m) or typing.get_origin(m) in (dict, list)]
        if structured and (isinstance(node, (dict, list)) or node is None and len(members) == len(structured)):
            return structured[0]
        scalars = [m for m in members if m not in structured]
        return scalars[0] if len(scalars) == 1 else typing.Any
    return tp


def _kind(tp) -> str:
    if tp is bool:
        return "bool"
    if tp is int:
        return "integer"
    if tp is float:
        return "number"
    if tp is str or typing.get_origin(tp) is typing.Literal:
        return "text"
    return "any"


# --------------------------------------------------------------------------- applying


def apply(doc, path: tuple, value):
    """A copy of ``doc`` with ``value`` at ``path``; only the mappings along the path are copied.

    A key that was absent takes its parent's location, so that an error about it
    still points somewhere sensible in the file.
    """
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, list):
        items = MarkedList.like(doc)
        items[head] = apply(doc[head], rest, value)
        return items
    out = MarkedDict.like(doc if isinstance(doc, dict) else {})
    if head not in out.key_marks:
        out.key_marks[head] = out.value_marks[head] = out.mark
    child = out.get(head)
    if rest and not isinstance(child, (dict, list)):
        child = MarkedDict()
        child.mark, child.file = out.value_marks[head], out.file_of(head)
    out[head] = apply(child, rest, value)
    return out


def validated(doc, file: str, changes: list[tuple[tuple, object]], origin: str):
    """Apply ``changes`` (path, value) and validate; problems name the option that caused them."""
    from escalation.scenario.loading import scenario_from_document

    for path, value in changes:
        doc = apply(doc, path, value)
    try:
        return doc, scenario_from_document(doc, file)
    except ScenarioError as exc:
        raise ScenarioError([Problem(p.file, p.line, p.col, f"{p.message} (from {origin})") for p in exc.problems]) from None


def load_with_sets(name_or_path, sets=()) -> tuple[Scenario, MarkedDict, dict[str, object]]:
    """A scenario (a name, a path or a loaded one) with ``--set`` assignments applied in order.

    ``sets`` are ``KEY=VALUE`` strings or a mapping of keys to values. Returns the scenario,
    its document with the changes in it, and the changes as ``{key: value}``.
    """
    from escalation.scenario.loading import load_document, resolve, scenario_from_document
    from escalation.scenario.yamlio import read_text

    if isinstance(name_or_path, Scenario):
        doc, file = MarkedDict(name_or_path.model_dump(mode="json")), f"<{name_or_path.name}>"
        scenario = name_or_path
    else:
        file = str(resolve(name_or_path))
        doc = load_document(read_text(file, file), file)
        scenario = scenario_from_document(doc, file)
    applied: dict[str, object] = {}
    pairs = sets.items() if isinstance(sets, typing.Mapping) else (split_assignment(s, "--set") for s in sets)
    for key_text, raw in pairs:
        key = check_key(doc, key_text, "--set")
        value = parse_value(raw) if isinstance(raw, str) else raw
        doc, scenario = validated(doc, file, [(key.path, value)], f"--set {key_text}={raw}")
        applied[key_text] = value
    return scenario, doc, applied


def value_at(scenario, path: tuple):
    """The value a validated scenario holds at ``path`` (defaults included)."""
    node = scenario
    for part in path:
        node = node[part] if isinstance(node, (dict, list)) else getattr(node, part)
    return node


def with_branch(scenario: Scenario, text: str | None) -> Scenario:
    """``scenario`` with its branch at the date ``text`` (``--branch``); unchanged for None."""
    if text is None:
        return scenario
    try:
        date = dt.date.fromisoformat(str(text))
    except ValueError:
        raise InputError(f"--branch {text}: expected a date YYYY-MM-DD, such as {scenario.start}") from None
    if not scenario.start <= date <= scenario.end:
        raise InputError(f"--branch {text}: outside the scenario ({scenario.start} to {scenario.end})")
    return scenario.model_copy(update={"branch": date})
