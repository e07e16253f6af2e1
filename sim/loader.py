"""Load a scenario by name or path: safe YAML, pydantic validation, cross-references.

Every problem is reported as ``FILE:LINE:COL: message`` through
:class:`~sim.errors.ScenarioError`; nothing here evaluates user text as code.
"""

from __future__ import annotations

import functools
import re
import typing
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import Problem, ScenarioError, did_you_mean
from .paths import shipped_ladders, shipped_scenarios
from .schema import Ladder, Scenario
from .yamlio import MarkedDict, load_yaml_text, locate, read_text


def resolve(name_or_path) -> Path:
    """A shipped scenario's file by name, or the given path."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix in (".yaml", ".yml") or path.exists() or "/" in text:
        if not path.is_file():
            raise ScenarioError.at(text, 1, 1, "no such file" + ("" if path.suffix else did_you_mean(text, shipped_scenarios())))
        return path
    shipped = shipped_scenarios()
    if text not in shipped:
        raise ScenarioError.at(text, 1, 1, f"no shipped scenario named '{text}'{did_you_mean(text, shipped)}; `escalation list` shows them")
    return shipped[text]


def load_scenario(name_or_path) -> Scenario:
    """Load and fully check a scenario; its ladder comes back resolved to a Ladder."""
    path = resolve(name_or_path)
    stat = path.stat()
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, _mtime: int, _size: int) -> Scenario:
    return load_scenario_text(read_text(path, path), path)


def load_document(text: str, file: str):
    """Parse YAML text into marked plain data, checking it is a mapping."""
    doc = load_yaml_text(text, file)
    if not isinstance(doc, MarkedDict):
        raise ScenarioError.at(file, 1, 1, f"a scenario must be a mapping of keys to values, not a {_kind(doc)}")
    return doc


def load_scenario_text(text: str, file: str = "<scenario>") -> Scenario:
    doc = load_document(text, file)
    return scenario_from_document(doc, file)


def scenario_from_document(doc, file: str) -> Scenario:
    """Validate already-parsed data (a MarkedDict keeps the locations)."""
    scenario = validate_model(Scenario, doc, file)
    ladder = _resolve_ladder(scenario, doc, file)
    scenario = scenario.model_copy(update={"ladder": ladder})
    from .references import check_references

    problems = [Problem(file, *locate(doc, loc, key=key), msg) for loc, msg, key in check_references(scenario)]
    if problems:
        raise ScenarioError(problems)
    return scenario


def load_ladder_file(path) -> Ladder:
    path = str(path)
    doc = load_yaml_text(read_text(path, path), path)
    return validate_model(Ladder, doc, path)


def _resolve_ladder(scenario: Scenario, doc, file: str) -> Ladder:
    if isinstance(scenario.ladder, Ladder):
        return scenario.ladder
    ladders = shipped_ladders()
    if scenario.ladder not in ladders:
        line, col = locate(doc, ("ladder",))
        raise ScenarioError.at(file, line, col, f"ladder: no shipped ladder named '{scenario.ladder}'{did_you_mean(scenario.ladder, ladders)}")
    return load_ladder_file(ladders[scenario.ladder])


# --------------------------------------------------------------------------- pydantic errors


def validate_model(model: type[BaseModel], doc, file: str):
    """``model.model_validate(doc)`` with every error located and worded for people."""
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        problems, seen = [], set()
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            key = err["type"] == "extra_forbidden"
            line, col = locate(doc, loc, key=key)
            if (line, col) in seen:
                continue  # one message per place: union members repeat each other
            seen.add((line, col))
            problems.append(Problem(file, line, col, _message(model, doc, err)))
        raise ScenarioError(problems) from None


def _message(model, doc, err) -> str:
    loc = [p for p in err["loc"] if isinstance(p, int) or not _is_tag(p)]
    path = _dotted(loc)
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        hint = did_you_mean(loc[-1], allowed) if allowed else ""
        where = f" in {_dotted(loc[:-1])}" if loc[:-1] else ""
        return f"unknown key '{loc[-1]}'{where}{hint}" + ("" if hint or not allowed else f"; allowed: {', '.join(sorted(allowed))}")
    if kind == "missing":
        return f"missing required key '{loc[-1]}'" + (f" in {_dotted(loc[:-1])}" if loc[:-1] else "")
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        return f"{path}: '{err['input']}' is not allowed{did_you_mean(err['input'], choices)}; choose one of: {', '.join(choices)}"
    if kind == "string_pattern_mismatch":
        return f"{path}: '{err['input']}' is not a valid name; use lower-case letters, digits and '_', starting with a letter"
    msg = re.sub(r"^Value error, ", "", msg)
    msg = re.sub(r"^Input should be", "should be", msg)
    shown = err.get("input")
    got = f" (got {_short(shown)})" if kind not in ("value_error", "assertion_error") and not isinstance(shown, (dict, list)) else ""
    return f"{path}: {msg}{got}" if path else f"{msg}{got}"


def _is_tag(part) -> bool:
    # pydantic adds union-member tags such as 'str', 'Ladder', 'function-after[...]'
    return isinstance(part, str) and (part[:1].isupper() or "[" in part or part in ("str", "int", "float", "date", "bool", "none"))


def _dotted(loc) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind(value) -> str:
    return {list: "list", str: "piece of text", int: "number", float: "number", bool: "true/false"}.get(type(value), type(value).__name__)


def _fields_at(model, loc) -> list[str]:
    """Field names of the model reached by following ``loc`` through annotations."""
    current = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    return list(current.model_fields) if _is_model(current) else []


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _step(tp, part):
    if _is_model(tp):
        field = tp.model_fields.get(part) if isinstance(part, str) else None
        return _unwrap(field.annotation) if field else None
    origin = typing.get_origin(tp)
    if origin in (list, dict):
        return _unwrap(typing.get_args(tp)[-1])
    return None


def _unwrap(tp):
    """The first model (or container) inside Optional/Union/Annotated."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for arg in args:
            inner = _unwrap(arg)
            if _is_model(inner) or typing.get_origin(inner) in (list, dict):
                return inner
        return None
    return tp
