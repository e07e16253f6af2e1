"""Load a scenario by name or path: safe YAML, pydantic validation, cross-references.

Every problem is reported as ``FILE:LINE:COL: message`` through
:class:`~sim.errors.ScenarioError`; nothing here evaluates user text as code.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, ValidationError

from escalation.scenario import messages
from escalation.scenario.problems import Problem, ScenarioError
from escalation.errors import did_you_mean, one_of
from escalation.scenario.paths import shipped_ladders, shipped_scenarios
from escalation.scenario.schema import Ladder, Scenario
from escalation.scenario.yamlio import MarkedDict, MarkedList, load_yaml_text, locate, read_text


def resolve(name_or_path) -> Path:
    """A shipped scenario's file by name, or the given path."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix in (".yaml", ".yml") or path.exists() or "/" in text:
        if path.exists() and not path.is_file():  # a folder or a device: say so rather than "no such file"
            what = "a folder" if path.is_dir() else "not a regular file"
            raise ScenarioError.at(text, 1, 1, f"this is {what}; give a scenario file (.yaml) or a shipped scenario's name")
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
        raise ScenarioError.at(file, 1, 1, f"a scenario must be a mapping of keys to values (name: ..., actors: ...), not {_kind(doc)}")
    return doc


def load_scenario_text(text: str, file: str = "<scenario>") -> Scenario:
    """Load a scenario from text; every problem comes back with its line of ``text``."""
    try:
        return scenario_from_document(load_document(text, file), file)
    except ScenarioError as exc:
        raise exc.with_source(file, text) from None


def scenario_from_document(doc, file: str) -> Scenario:
    """Validate already-parsed data (a MarkedDict keeps the locations).

    Reports every problem at once: when the format is broken in places, the
    broken parts are set aside and the rest is still checked for references to
    undefined actors, rungs, rules, red lines and thresholds.
    """
    try:
        scenario, checked, masked, problems = Scenario.model_validate(doc), doc, set(), []
    except ValidationError as exc:
        problems = _located(file, doc, messages.findings(Scenario, doc, exc))
        scenario, checked, masked = _salvage(doc, exc)
    if scenario is None:
        raise ScenarioError(problems)
    try:
        ladder = _resolve_ladder(scenario, checked, file)
    except ScenarioError as exc:
        raise ScenarioError(problems + exc.problems) from None
    scenario = scenario.model_copy(update={"ladder": ladder})
    from escalation.scenario.references import check_references

    found = [f for f in check_references(scenario) if not any(f.loc[: len(m)] == m for m in masked)]
    problems += _located(file, checked, found)
    if problems:
        raise ScenarioError(problems)
    return scenario


def load_ladder_file(path) -> Ladder:
    path = str(path)
    text = read_text(path, path)
    try:
        return validate_model(Ladder, load_yaml_text(text, path), path)
    except ScenarioError as exc:
        raise exc.with_source(path, text) from None


def validate_model(model: type[BaseModel], doc, file: str):
    """``model.model_validate(doc)`` with every error located and worded for people."""
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise ScenarioError(_located(file, doc, messages.findings(model, doc, exc))) from None


def _located(file: str, doc, findings) -> list[Problem]:
    return [Problem(file, *locate(doc, f.loc, key=f.at_key), f.message, f.help) for f in findings]


def _resolve_ladder(scenario: Scenario, doc, file: str) -> Ladder:
    if isinstance(scenario.ladder, Ladder):
        return scenario.ladder
    ladders = shipped_ladders()
    if scenario.ladder not in ladders:
        line, col = locate(doc, ("ladder",))
        raise ScenarioError.at(
            file, line, col, f"ladder: no shipped ladder named '{scenario.ladder}'{did_you_mean(scenario.ladder, ladders)}",
            f"allowed: {one_of(ladders)}, or a ladder written out (id, name, rungs, thresholds)",
        )
    return load_ladder_file(ladders[scenario.ladder])


# --------------------------------------------------------------------------- salvage


def _salvage(doc, exc: ValidationError, rounds: int = 3):
    """A valid scenario from what remains once the broken parts are set aside.

    Returns ``(scenario, document, masked)``: a broken key with a default is
    dropped, a broken required field that nothing depends on gets a stand-in
    (``masked``: problems found there later are not reported), a broken list item
    is dropped. If a broken part can be none of these (an actor's name in
    ``actors``, the dates), there is nothing sound to check references against:
    ``(None, doc, masked)``.
    """
    masked: set = set()
    if len(exc.errors()) > messages.LIMIT:
        return None, doc, masked  # too broken for its references to matter yet
    for _ in range(rounds):
        cuts, stand_ins = set(), {}
        for err in exc.errors(include_url=False):
            path = messages.data_path(doc, err["loc"])[0]
            if err["type"] != "missing":
                path = _existing(doc, path)  # a validator may have looked inside a value (a name made a list)
            keep = len(path) if err["type"] == "extra_forbidden" else messages.removable(Scenario, path)
            value = messages.placeholder(Scenario, path)
            if keep == len(path) or (keep is not None and value is None):
                cuts.add(path[:keep])
            elif value is not None:
                stand_ins[path] = value
            else:
                return None, doc, masked
        for path, value in stand_ins.items():
            doc = _replaced(doc, path, value)
        masked |= set(stand_ins)
        for cut in sorted(cuts, key=_order, reverse=True):  # later list items first: indices stay valid
            if not any(other != cut and cut[: len(other)] == other for other in cuts):
                doc = _replaced(doc, cut)
                masked = {_after_cut(m, cut) for m in masked}
        try:
            return Scenario.model_validate(doc), doc, masked
        except ValidationError as again:
            exc = again
    return None, doc, masked


def _existing(doc, path) -> tuple:
    """The longest prefix of ``path`` that is there in ``doc``."""
    node = doc
    for i, part in enumerate(path):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return tuple(path[:i])
    return tuple(path)


def _after_cut(path, cut):
    """Where ``path`` points once the list item at ``cut`` is gone."""
    n = len(cut) - 1
    if isinstance(cut[-1], int) and len(path) > n and path[:n] == cut[:n] and isinstance(path[n], int) and path[n] > cut[-1]:
        return (*path[:n], path[n] - 1, *path[n + 1 :])
    return path


def _order(path) -> tuple:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in path)


_GONE = object()


def _replaced(node, path, value=_GONE):
    """A copy of ``node`` with the item at ``path`` set to ``value`` (or removed), keeping all marks."""
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        copy = MarkedDict(node)
        copy.mark, copy.key_marks, copy.value_marks = getattr(node, "mark", (1, 1)), dict(getattr(node, "key_marks", {})), dict(getattr(node, "value_marks", {}))
        if rest:
            copy[head] = _replaced(node[head], rest, value)
        elif value is _GONE:
            for part in (copy, copy.key_marks, copy.value_marks):
                part.pop(head, None)
        else:
            copy[head] = value
        return copy
    copy = MarkedList(node)
    copy.mark, copy.marks = getattr(node, "mark", (1, 1)), list(getattr(node, "marks", [(1, 1)] * len(node)))
    if rest:
        copy[head] = _replaced(node[head], rest, value)
    elif value is _GONE:
        del copy[head], copy.marks[head]
    else:
        copy[head] = value
    return copy


def _kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    return {str: "a piece of text", int: "a number", float: "a number", bool: "true/false"}.get(type(value), f"a {type(value).__name__}")
