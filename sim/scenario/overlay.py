"""Scenarios that extend a base: ``extends: nov-2024`` and only what changes.

An overlay names its base (a shipped scenario's name, or a path relative to the
overlay's own folder) and writes only the keys it changes. Merging is by key for
mappings, and by ``id`` for lists whose items all have one (events, injects, red
lines, a ladder's rungs): an item with a base item's id changes that item, key by
key; an item with a new id is added at the end. Any other list (``watch``,
``adversaries``, an event's ``effects``), an empty list, an event's ``at`` (a time is a
turn or a date: writing one replaces the other) and any single value is replaced whole.

``remove:`` takes things away from the base first, each under the dotted path of
the section that holds them (the keys ``--set`` uses)::

    remove:
      events: [tusk_warns]
      actors: [hungary]
      actors.russia.red_lines: [strike_the_suppliers]

The merged document keeps, for each part, the file and line it was written in,
so a problem is reported where it is written: in the overlay, or in the base.
Bases may themselves be overlays; a circle of ``extends`` is refused.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from pathlib import Path

import yaml

from escalation.errors import did_you_mean, one_of
from escalation.scenario.distributions import written_as
from escalation.scenario.paths import shipped_scenarios
from escalation.scenario.problems import Problem, ScenarioError
from escalation.scenario.yamlio import MarkedDict, MarkedList, locate_in, replaced

EXTENDS, REMOVE = "extends", "remove"
WHOLE = {"at"}  # mappings written whole: an event's time is a turn or a date, and writing one replaces the other
MAX_DEPTH = 8  # bases of bases: far more than anyone layers


class Overlay:
    """What composing an overlay learnt: every file's text (for excerpts) and what it removed where."""

    def __init__(self):
        self.texts: dict[str, str] = {}
        self.removed: dict[tuple, tuple[str, int, int]] = {}  # (section path, name) -> where the removal is written


def bases(doc) -> list[str]:
    """The files a loaded scenario document's bases were read from, nearest first."""
    found = getattr(doc, "composed", None)
    return [f for f in reversed(found.texts) if f != doc.file] if found is not None else []


def compose(doc: MarkedDict, file: str, read: Callable[[Path, str, tuple], tuple[MarkedDict, Overlay]], chain: tuple = ()) -> tuple[MarkedDict, Overlay]:
    """``doc`` with its base merged under it (``doc`` itself if it extends nothing).

    ``read(path, shown)`` loads a base file's document (already composed) and
    records its text; ``chain`` holds the files that extend this one, to refuse a circle.
    """
    found = Overlay()
    if EXTENDS not in doc:
        if REMOVE in doc:
            raise _error(doc, (REMOVE,), "'remove' takes things from a base: add 'extends: SCENARIO' to say which", key=True)
        return doc, found
    base_path, shown = base_of(doc, file)
    here = str(Path(file).resolve()) if not file.startswith("<") else file
    if str(base_path.resolve()) in (*chain, here):
        circle = " -> ".join(Path(f).name for f in (*chain, here, str(base_path.resolve())))
        raise _error(doc, (EXTENDS,), f"extends: circular ({circle}); a scenario cannot be its own base")
    if len(chain) >= MAX_DEPTH:
        raise _error(doc, (EXTENDS,), f"extends: more than {MAX_DEPTH} bases deep; extend a scenario nearer the bottom")
    if "name" not in doc:
        raise _error(doc, (EXTENDS,), "an overlay needs its own 'name', so that results and reports cannot be taken for its base's", key=True)
    base, below = read(base_path, shown, (*chain, here))
    found.texts.update(below.texts)
    found.removed.update(below.removed)
    body = MarkedDict.like(doc)
    for key in (EXTENDS, REMOVE):
        for part in (body, body.key_marks, body.value_marks, body.key_files):
            part.pop(key, None)
    if REMOVE in doc:
        base = _removed(base, doc, found)
    return _merged(base, body, (), found), found


def base_of(doc: MarkedDict, file: str) -> tuple[Path, str]:
    """The base's file, and how to name it in messages."""
    name = doc[EXTENDS]
    if not isinstance(name, str) or not name.strip():
        raise _error(doc, (EXTENDS,), "extends: give a shipped scenario's name (such as nov-2024) or a path to a scenario file")
    shipped = shipped_scenarios()
    if name in shipped:
        return shipped[name], str(shipped[name])
    if not name.endswith((".yaml", ".yml")) and "/" not in name:
        raise _error(doc, (EXTENDS,), f"extends: no shipped scenario named '{name}'{did_you_mean(name, shipped)}; `escalation list scenarios` shows them")
    folder = Path(file).parent if not file.startswith("<") else Path()
    path = folder / name
    if not path.is_file():
        raise _error(doc, (EXTENDS,), f"extends: no such file '{name}' (looked for {path})")
    return path, str(path)


# --------------------------------------------------------------------------- removing


def _removed(base: MarkedDict, doc: MarkedDict, found: Overlay) -> MarkedDict:
    spec = doc[REMOVE]
    if not isinstance(spec, MarkedDict) or not spec:
        raise _error(doc, (REMOVE,), "remove: a mapping of sections to lists of names, e.g. remove: {events: [tusk_warns], actors: [hungary]}")
    for section, names in spec.items():
        where = (REMOVE, section)
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise _error(doc, where, f"remove.{section}: a list of the names to remove, e.g. [{_example(base, section)}]")
        path, node = _section(base, str(section), doc, where)
        for i, name in enumerate(names):
            have = _names(node)
            if name not in have:
                hint = did_you_mean(name, have) or (f"; it has: {one_of(have)}" if have else " (it is empty)")
                raise _error(doc, (*where, i), f"remove: the base has no '{name}' in {section}{hint}")
            found.removed[(path, name)] = _where(doc, (*where, i))
            node = replaced(node, (name if isinstance(node, dict) else have.index(name),))
        base = replaced(base, path, node)
    return base


def _section(base, dotted: str, doc, where) -> tuple[tuple, object]:
    """The path into ``base`` of a section named by dots (list items by id), and the section."""
    node: typing.Any = base
    path: list = []
    for part in dotted.split("."):
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and part in _names(node):
            index = _names(node).index(part)
            path.append(index)
            node = node[index]
        else:
            have = _names(node) if isinstance(node, (dict, list)) else []
            raise _error(doc, where, f"remove: the base has no section '{dotted}' (no '{part}'{did_you_mean(part, have)})", key=True)
    if not isinstance(node, dict) and not _by_id(node):
        raise _error(doc, where, f"remove: '{dotted}' is a single value or a plain list; write the new value instead", key=True)
    return tuple(path), node


def _names(node) -> list:
    if isinstance(node, dict):
        return list(node)
    return [item.get("id") for item in node if isinstance(item, dict)] if isinstance(node, list) else []


def _example(base, section: str) -> str:
    try:
        names = _names(_section(base, section, None, ())[1])
    except ScenarioError:
        names = []
    return names[0] if names else "a_name"


# --------------------------------------------------------------------------- merging


def _by_id(node) -> bool:
    return isinstance(node, list) and all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in node)


def _merged(base, over, path: tuple, found: Overlay):
    """``over`` written over ``base``: mappings by key, lists of items with ids by id, anything else replaced (a
    distribution too: it stands for one number, so it replaces the base's number or distribution whole)."""
    if isinstance(base, dict) and isinstance(over, MarkedDict) and not (written_as(base) or written_as(over)):
        mapping = MarkedDict.like(base)
        mapping.mark, mapping.file = over.mark, over.file
        mapping.key_files = {k: base.file_of(k) if isinstance(base, MarkedDict) else None for k in base}
        for key, value in over.items():
            _refuse_removed(found, path, key, over, (key,))
            mapping[key] = _merged(base[key], value, (*path, key), found) if key in base and key not in WHOLE else value
            mapping.key_marks[key], mapping.value_marks[key] = over.key_marks[key], over.value_marks[key]
            mapping.key_files[key] = over.file_of(key)
        return mapping
    if _by_id(base) and isinstance(over, MarkedList) and _by_id(over) and over:
        out = MarkedList.like(base)
        out.files = [base.file_of(i) if isinstance(base, MarkedList) else None for i in range(len(base))]
        ids = _names(base)
        seen: dict = {}
        for i, item in enumerate(over):
            name = item["id"]
            if name in seen:
                first = over.marks[seen[name]][0]
                raise _error(over, (i,), f"duplicate id '{name}' (first given at line {first}); each item of a list needs its own id")
            seen[name] = i
            _refuse_removed(found, path, name, over, (i,))
            if name in ids:
                j = ids.index(name)
                out[j] = _merged(base[j], item, (*path, j), found)
                out.marks[j], out.files[j] = over.marks[i], over.file_of(i)
            else:
                out.append(item)
                out.marks.append(over.marks[i])
                out.files.append(over.file_of(i))
        return out
    return over


def _refuse_removed(found: Overlay, path: tuple, name, over, loc: tuple) -> None:
    where = found.removed.get((path, name))
    if where is not None:
        raise _error(over, loc, f"'{name}' is removed (line {where[1]}) and written here too; keep one of the two", key=isinstance(over, dict))


# --------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    """Block mappings, and lists of plain values on one line, as the shipped scenarios are written."""


def _list(dumper, items):
    flow = all(not isinstance(i, (dict, list)) for i in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(list, _list)


def as_yaml(node) -> str:
    """A document (or part of one) written as YAML that loads back to the same data."""
    return yaml.dump(plain(node), Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def plain(node):
    """A document as plain dicts and lists (for writing it out)."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def patch_for(doc, paths) -> dict:
    """What an overlay writes to hold the values ``doc`` has at ``paths``: the mappings along
    each path, list items by id, and a list without ids whole."""
    out: dict = {}
    for path in paths:
        out = _merged_plain(out, _fragment(doc, tuple(path)))
    return out


def _fragment(node, path: tuple):
    if not path:
        return plain(node)
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        return [{"id": node[head]["id"], **_fragment(node[head], rest)}] if _by_id(node) else plain(node)
    return {head: _fragment(node[head], rest)}


def _merged_plain(base, over):
    if isinstance(base, dict) and isinstance(over, dict) and not (written_as(base) or written_as(over)):
        return {**base, **{k: _merged_plain(base[k], v) if k in base else v for k, v in over.items()}}
    if _by_id(base) and _by_id(over):
        ids = _names(base)
        out = list(base)
        for item in over:
            if item["id"] in ids:
                out[ids.index(item["id"])] = _merged_plain(out[ids.index(item["id"])], item)
            else:
                out.append(item)
        return out
    return over


# --------------------------------------------------------------------------- wording


def names_removed(problems: list[Problem], found: Overlay) -> list[Problem]:
    """Problems about a name the overlay removed but its base still uses, said so."""
    removed = {name: where for (_, name), where in found.removed.items()}
    out = []
    for p in problems:
        name = p.message.split("'")[1] if p.message.startswith("unknown ") and p.message.count("'") >= 2 else None
        if name in removed:
            file, line, col = removed[name]
            p = Problem(p.file, p.line, p.col, f"'{name}' is removed at {file}:{line}:{col} but still named here; remove this too, or keep it", p.help)
        out.append(p)
    return out


def _where(doc, loc) -> tuple[str, int, int]:
    file, line, col = locate_in(doc, loc)
    return (file or "<scenario>", line, col)


def _error(doc, loc: tuple, message: str, key: bool = False) -> ScenarioError:
    file, line, col = locate_in(doc, loc, key=key) if doc is not None else (None, 1, 1)
    return ScenarioError.at(file or "<scenario>", line, col, message)
