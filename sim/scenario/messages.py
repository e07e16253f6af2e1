"""Pydantic validation errors in a student's words: where, what is wrong, what is allowed.

:func:`findings` turns a ``ValidationError`` into :class:`~sim.errors.Finding`
objects whose ``loc`` is a path into the document (pydantic's union tags
removed), a message naming the field, and a note on what the field accepts,
read from the models themselves (type, range, choices, description, example).
:func:`removable` and :func:`placeholder` read the same models to tell the
loader how a broken part can be set aside, so that the rest is still checked.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing

import annotated_types as at
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from escalation.errors import did_you_mean, one_of
from escalation.scenario.problems import Finding

NAME_RULES = {
    r"^[a-z][a-z0-9_]*$": "lower-case letters, digits and '_', starting with a letter",
    r"^[a-z][a-z0-9_-]*$": "lower-case letters, digits, '-' and '_', starting with a letter",
}
LIMIT = 100  # validation errors worded per file
# Other names students give the actors of the shipped scenarios, and what to write instead
ALIASES = {
    **dict.fromkeys(["usa", "us", "u.s.", "america", "united states", "washington", "unitedstates", "united-states"], "united_states"),
    **dict.fromkeys(["uk", "britain", "united_kingdom", "france", "germany", "poland", "eu", "nato", "european_union"],
                    ("europe", "'europe' stands for the European NATO members and the EU together")),
    **dict.fromkeys(["prc", "beijing"], "china"),
    **dict.fromkeys(["dprk", "nk", "north korea", "northkorea", "pyongyang"], "north_korea"),
    **dict.fromkeys(["rf", "moscow", "kremlin", "russian_federation"], "russia"),
    **dict.fromkeys(["kyiv", "kiev"], "ukraine"),
    **dict.fromkeys(["tehran", "persia"], "iran"),
    **dict.fromkeys(["budapest", "orban"], "hungary"),
}

_TYPE_ERRORS = ("_type", "_parsing")
_DATE_ERRORS = ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type")


def findings(model: type[BaseModel], data, exc: ValidationError, prefix: tuple = ()) -> list[Finding]:
    """One finding per place and problem, in the order pydantic reports them."""
    errors = exc.errors(include_url=False)
    if len(errors) > LIMIT:  # a file this broken is not worth wording in full
        more = Finding((), f"{len(errors)} problems in this file; the first {LIMIT} follow")
        return [more, *_findings(model, data, errors[:LIMIT], prefix)]
    return _findings(model, data, errors, prefix)


def _findings(model, data, errors: typing.Sequence[typing.Mapping], prefix: tuple) -> list[Finding]:
    paths = [data_path(data, err["loc"]) for err in errors]
    unknown = {(path[:-1], path[-1]) for err, (path, _) in zip(errors, paths) if err["type"] == "extra_forbidden"}
    out, seen = [], set()
    for err, (path, at_key) in zip(errors, paths):
        if (path, at_key) in seen or _superseded(err, path, paths):
            continue  # the members of a union repeat each other; keep the first
        if err["type"] == "missing" and any(where == path[:-1] and did_you_mean(key, [path[-1]]) for where, key in unknown):
            continue  # a misspelt key: "unknown key 'tittle' (did you mean 'title'?)" says it all
        seen.add((path, at_key))
        message, help = _word(model, data, err, path, at_key)
        if err["type"] == "missing":  # point at the key of the mapping that lacks it
            out.append(Finding((*prefix, *path[:-1]), message, True, help))
        else:
            out.append(Finding((*prefix, *_pointer(data, err, path)), message, at_key or err["type"] == "extra_forbidden", help))
    return out


def data_path(data, loc) -> tuple[tuple, bool]:
    """Pydantic's ``loc`` as a path into ``data`` (union tags dropped) and whether it names a key."""
    node, out, at_key = data, [], False
    for part in loc:
        if part == "[key]":
            at_key = True
        elif isinstance(node, dict) and _hashable(part) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif not _is_tag(part):
            out.append(part)  # a missing key: nothing below it in the data
            node = None
    return tuple(out), at_key


def annotation_at(model, path) -> tuple[typing.Any, list]:
    """The annotation reached by following ``path`` from ``model``, and its constraints."""
    tp, meta = model, []  # type: tuple[typing.Any, list]
    for part in path:
        tp, meta = _unannotated(tp, meta)
        tp = _member(tp, part)
        if _is_model(tp) and isinstance(part, str) and part in tp.model_fields:
            info = tp.model_fields[part]
            tp, meta = info.annotation, list(info.metadata)
        elif typing.get_origin(tp) is list and isinstance(part, int):
            tp, meta = typing.get_args(tp)[0], []
        elif typing.get_origin(tp) is dict:
            tp, meta = typing.get_args(tp)[1], []
        else:
            return None, []
    return _unannotated(tp, meta)


def field_at(model, path) -> FieldInfo | None:
    """The pydantic field the last part of ``path`` names, if it names one."""
    if not path or not isinstance(path[-1], str):
        return None
    parent, _ = annotation_at(model, path[:-1])
    parent = _member(parent, path[-1])
    return parent.model_fields.get(path[-1]) if _is_model(parent) else None


def fields_of(model, path) -> list[str]:
    """Keys allowed in the mapping at ``path``."""
    tp, _ = annotation_at(model, path)
    tp = _member(tp, "")
    return list(tp.model_fields) if _is_model(tp) else []


def removable(model, path) -> int | None:
    """Length of the deepest prefix of ``path`` that can be dropped and leave valid structure.

    A key with a default can go (the default applies); so can a list item. Names
    in a mapping of named entries (actors) cannot: others may refer to them.
    """
    best, tp = None, model
    for i, part in enumerate(path):
        tp, _ = _unannotated(tp, [])
        tp = _member(tp, part)
        if _is_model(tp) and isinstance(part, str) and part in tp.model_fields:
            info = tp.model_fields[part]
            if not info.is_required() and not (tp.__name__ == "Scenario" and part == "ladder"):
                best = i + 1  # dropping a custom ladder would check names against another ladder
            tp = info.annotation
        elif typing.get_origin(tp) is list and isinstance(part, int):
            best, tp = i + 1, typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            break
    return best


def placeholder(model, path):
    """A valid stand-in for a broken or missing required field, or ``None`` if there is none.

    Only fields whose value nothing else depends on for checking: choices, text,
    names (the stand-in is itself reported nowhere: see the loader), numbers.
    """
    if not path or not isinstance(path[-1], str):
        return None
    info = field_at(model, path)
    if info is None:
        return None
    tp, meta = _unannotated(info.annotation, list(info.metadata))
    if typing.get_origin(tp) is typing.Literal:
        return typing.get_args(tp)[0]
    if tp is str:
        return "placeholder"  # a valid name under both name patterns, and non-empty text
    if tp in (int, float) and _constraint(meta, "gt") is None and _constraint(meta, "lt") is None:
        lo, hi = _constraint(meta, "ge"), _constraint(meta, "le")
        return tp(lo if lo is not None else hi if hi is not None else 0)
    return None


def describe(tp, meta=(), short: bool = False) -> str:
    """What a value of this annotation looks like, in words."""
    tp, meta = _unannotated(tp, list(meta))
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        return (" or " if short else "; or ").join(describe(m, meta if len(members) == 1 else (), short) for m in members)
    if origin is typing.Literal:
        return f"one of: {', '.join(map(str, args))}"
    if tp is bool:
        return "true or false"
    if tp in (int, float):
        return ("a whole number" if tp is int else "a number") + ("" if short else _range(meta))
    if tp is str:
        pattern = _constraint(meta, "pattern")
        if pattern in NAME_RULES:
            return "a name" if short else f"a name of {NAME_RULES[pattern]}"
        return "text"
    if tp is dt.date:
        return "a date (YYYY-MM-DD)" if short else "a date written YYYY-MM-DD, e.g. 2024-11-17"
    if origin is list:
        return "a list" if short else f"a list; each item {describe(args[0])}"
    if origin is dict or _is_model(tp):
        if short or not _is_model(tp):
            return "a mapping (key: value lines)"
        return f"a mapping with the keys {', '.join(tp.model_fields)}"
    return "any value"


# --------------------------------------------------------------------------- wording


def _word(model, data, err, path, at_key) -> tuple[str, str]:
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx", {})
    where = _dotted(path)
    tp, meta = annotation_at(model, path)
    allowed = f"allowed: {describe(tp, meta)}" if tp is not None else ""
    about = _about(model, path)
    if kind == "extra_forbidden":
        keys = fields_of(model, path[:-1]) + (["extends", "remove"] if not path[:-1] and model.__name__ == "Scenario" else [])  # an overlay's keys
        inside = f" in {_dotted(path[:-1])}" if path[:-1] else ""
        return f"unknown key '{path[-1]}'{inside}{did_you_mean(path[-1], keys)}", f"allowed keys here: {one_of(keys)}" if keys else ""
    if kind == "missing":
        inside = f" in {_dotted(path[:-1])}" if path[:-1] else ""
        return f"missing required key '{path[-1]}'{inside}", _join(allowed, about)
    if at_key:
        pattern = _constraint(_unannotated(_key_type(model, path), [])[1], "pattern") or r"^[a-z][a-z0-9_]*$"
        return f"{where}: '{path[-1]}' is not a valid name{_try(path[-1], pattern)}", f"allowed: a name of {NAME_RULES.get(pattern, pattern)}"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        return f"{where}: {_shown(value)} is not allowed{did_you_mean(value, choices)}", _join(f"allowed: {one_of(choices)}", about)
    if kind == "string_pattern_mismatch" and (rung := rung_named(value, data)):
        return f"{where}: {_shown(value)} is a rung's display name; write its id: {rung}", ""
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        actors = list(data.get("actors", {})) if isinstance(data, dict) and isinstance(data.get("actors"), dict) else []
        known = did_you_mean(value, actors, ALIASES) if actors else ""  # 'US' for united_states
        return f"{where}: {_shown(value)} is not a valid name{known or _try(value, pattern)}", f"allowed: a name of {NAME_RULES.get(pattern, pattern)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = _num(next(iter(ctx.values())))
        said = {
            "greater_than_equal": f"is too low; the least allowed is {bound}",
            "greater_than": f"is too low; it must be above {bound}",
            "less_than_equal": f"is too high; the most allowed is {bound}",
            "less_than": f"is too high; it must be below {bound}",
        }[kind]
        return f"{where}: {_shown(value)} {said}", _join(allowed, about)
    if _takes_a_date(tp) and (why := _impossible_date(value)):
        return f"{where}: {_shown(value)} is not a valid date ({why})", _join(allowed, about)
    if kind in _DATE_ERRORS and tp is dt.date:
        return f"{where}: {_shown(value)} is not a date; write it as YYYY-MM-DD, e.g. 2024-11-17", about
    if kind == "finite_number":  # YAML's .nan and .inf
        spelled = ".nan" if value != value else ".inf" if value > 0 else "-.inf"
        return f"{where}: expected an ordinary number, not {spelled}", _join(allowed, about)
    if kind == "int_from_float":
        return f"{where}: expected a whole number, got {_shown(value)}", _join(allowed, about)
    if kind.endswith(_TYPE_ERRORS) or kind in _DATE_ERRORS:
        expected = describe(tp, meta, short=True) if tp is not None else "something else"
        return f"{where}: expected {expected}, got {_shown(value)}{_written_as(tp, value)}", _join(allowed, about)
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"{where}: needs at least {least} item{'s' if least != 1 else ''}", _join(allowed, about)
    if kind == "string_too_short":
        return f"{where}: must not be empty", about
    if kind in ("too_long", "string_too_long"):
        return f"{where}: is too long (at most {ctx.get('max_length')})", about
    message = re.sub(r"^(Value|Assertion) error, ", "", err["msg"])
    message = re.sub(r"^Input should be", "should be", message)
    return (f"{where}: {message}" if where else message), ""


def rung_named(value, data) -> str | None:
    """The id of the rung whose display name is ``value`` (any case), in the shipped ladders or one written in ``data``."""
    if not isinstance(value, str):
        return None
    from escalation.scenario.paths import shipped_ladders
    from escalation.scenario.yamlio import load_yaml_text, read_text

    ladders = [load_yaml_text(read_text(p, str(p)), str(p)) for p in shipped_ladders().values()]
    if isinstance(data, dict) and isinstance(data.get("ladder"), dict):
        ladders.insert(0, data["ladder"])
    said = " ".join(value.split()).lower()
    for ladder in ladders:
        for rung in ladder.get("rungs") or [] if isinstance(ladder, dict) else []:
            if isinstance(rung, dict) and isinstance(rung.get("name"), str) and rung["name"].lower() == said and isinstance(rung.get("id"), str):
                return rung["id"]
    return None


def _about(model, path) -> str:
    """'name: description (e.g. example)' for the field at ``path``."""
    info = field_at(model, path)
    if info is None or not info.description:
        return ""
    example = f" Example: {path[-1]}: {_yaml(info.examples[0])}" if info.examples else ""
    return f"{path[-1]}: {info.description}{example}"


def _pointer(data, err, path) -> tuple:
    """Where to point for a rule about the whole object: at the first key it names."""
    if err["type"] not in ("value_error", "assertion_error"):
        return path
    node = data
    for part in path:
        node = node[part] if isinstance(node, (dict, list)) else None
    if isinstance(node, dict):
        for name in re.findall(r"'([a-z_]+)'", err["msg"]):
            if name in node:
                return (*path, name)
    return path


def _superseded(err, path, paths) -> bool:
    """A union member's type error when another member got further into the data."""
    if not err["type"].endswith(_TYPE_ERRORS) and err["type"] not in ("literal_error", "string_pattern_mismatch"):
        return False
    return any(len(other) > len(path) and other[: len(path)] == path for other, _ in paths)


def _key_type(model, path):
    tp, _ = annotation_at(model, path[:-1])
    tp = _member(tp, path[-1])
    return typing.get_args(tp)[0] if typing.get_origin(tp) is dict else str


def _written_as(tp, value) -> str:
    """'; write ...': how a student's near miss is written, for the usual ones (a name for a list, 80%, a bare date)."""
    tp = _unannotated(tp, [])[0]
    members = [m for m in typing.get_args(tp) if m is not type(None)] if typing.get_origin(tp) in (typing.Union, types.UnionType) else [tp]
    if isinstance(value, str) and any(typing.get_origin(m) is list for m in members):
        return f"; write [{value}]"
    percent = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", value) if isinstance(value, str) else None
    if percent and float in members:
        return f"; write a share as a fraction: {float(percent[1]) / 100:g}"
    for m in filter(_is_model, members):
        if isinstance(value, dt.date) and "date" in m.model_fields:
            return f"; write {{date: {value}}}"
        if isinstance(value, int) and not isinstance(value, bool) and "turn" in m.model_fields:
            return f"; write {{turn: {value}}}"
    return ""


def _try(value, pattern: str) -> str:
    """' (try 'x')': the value made into a valid name, if that is easy."""
    if not isinstance(value, str):
        return ""
    keep = "-_" if "-" in pattern else "_"
    guess = re.sub(rf"[^a-z0-9{keep}]+", keep[0], value.strip().lower()).strip("-_")
    return f" (try '{guess}')" if guess and guess != value and re.fullmatch(pattern, guess) else ""


def _range(meta) -> str:
    ge, gt, le, lt = (_constraint(meta, k) for k in ("ge", "gt", "le", "lt"))
    if ge is not None and le is not None:
        return f" from {_num(ge)} to {_num(le)}"
    low = f"at least {_num(ge)}" if ge is not None else f"above {_num(gt)}" if gt is not None else ""
    high = f"at most {_num(le)}" if le is not None else f"below {_num(lt)}" if lt is not None else ""
    return " " + ", ".join(p for p in (low, high) if p) if low or high else ""


def _constraint(meta, name):
    kinds = {"ge": at.Ge, "gt": at.Gt, "le": at.Le, "lt": at.Lt}
    for item in meta:
        if name in kinds and isinstance(item, kinds[name]):
            return getattr(item, name)
        if name == "pattern" and getattr(item, "pattern", None):
            return item.pattern
    return None


def _unannotated(tp, meta):
    """Strip ``Annotated``, gathering its constraints."""
    while typing.get_origin(tp) is typing.Annotated:
        base, *extra = typing.get_args(tp)
        for item in extra:
            meta = [*meta, *(item.metadata if isinstance(item, FieldInfo) else [item])]
        tp = base
    return tp, meta


def _member(tp, part):
    """The member of a union that ``part`` can index (a model or container), else ``tp``."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return tp
    for arg in typing.get_args(tp):
        arg, _ = _unannotated(arg, [])
        if isinstance(part, int) and typing.get_origin(arg) is list:
            return arg
        if isinstance(part, str) and (_is_model(arg) or typing.get_origin(arg) is dict):
            return arg
    return tp


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _is_tag(part) -> bool:
    # pydantic names union members in ``loc``: 'str', 'int', 'Ladder', 'function-after[...]', ...
    tags = ("str", "int", "float", "bool", "date", "none", "list", "dict")
    return isinstance(part, str) and (part[:1].isupper() or "[" in part or "-" in part or part in tags)


def _hashable(part) -> bool:
    return isinstance(part, (str, int, float, bool)) or part is None


def _dotted(path) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")


def _takes_a_date(tp) -> bool:
    tp = _unannotated(tp, [])[0]
    return tp is dt.date or dt.date in typing.get_args(tp)


def _impossible_date(value) -> str | None:
    """Why a date written YYYY-MM-DD cannot be (2024-02-30: the day is out of range), if it cannot."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        try:
            dt.date.fromisoformat(value)
        except ValueError as exc:
            return str(exc)
    return None


def _shown(value) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"
    if isinstance(value, (int, float)):
        return _num(value)
    if isinstance(value, dt.date):
        return str(value)
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else type(value).__name__


def _num(x) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() and abs(x) < 1e15 else str(x)


def _yaml(example) -> str:
    if isinstance(example, list):
        return f"[{', '.join(map(str, example))}]"
    if isinstance(example, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in example.items()) + "}"
    if isinstance(example, bool):
        return "true" if example else "false"
    return str(example)


def _join(*notes) -> str:
    return "\n".join(n for n in notes if n)
