"""Safe YAML loading that keeps the line and column of every key and value.

Mappings load as :class:`MarkedDict` and sequences as :class:`MarkedList`, which
remember where each item came from, so that any later error can be reported as
``FILE:LINE:COL``. Only plain data is built (``yaml.SafeLoader``); duplicate keys
are an error, not a silent overwrite; anchors and aliases are refused, which also
rules out "billion laughs" documents. ``yes``/``no``/``on``/``off`` stay strings:
only ``true`` and ``false`` are booleans.
"""

from __future__ import annotations

import re

import yaml

from .errors import Problem, ScenarioError

MAX_BYTES = 2_000_000


class MarkedDict(dict):
    """A dict that knows the (line, col) of each key and value, 1-based."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mark = (1, 1)
        self.key_marks: dict = {}
        self.value_marks: dict = {}


class MarkedList(list):
    """A list that knows the (line, col) of each item, 1-based."""

    def __init__(self, *args):
        super().__init__(*args)
        self.mark = (1, 1)
        self.marks: list = []


def _pos(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark, "anchors and aliases (&name, *name) are not allowed in scenarios; write the values out")
        return super().compose_node(parent, index)


class _Refused(Exception):
    def __init__(self, mark, message):
        self.mark, self.message = mark, message


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    out = MarkedDict()
    out.mark = _pos(node.start_mark)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise _Refused(key_node.start_mark, "a mapping key must be a plain name, not a list or mapping")
        if key in out:
            first = out.key_marks[key]
            raise _Refused(key_node.start_mark, f"duplicate key '{key}' (first given at line {first[0]})")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_marks[key] = _pos(key_node.start_mark)
        out.value_marks[key] = _pos(value_node.start_mark)
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> MarkedList:
    out = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    out.mark = _pos(node.start_mark)
    out.marks = [_pos(child.start_mark) for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# YAML 1.1 reads yes/no/on/off as booleans; a student writing `no` means the word.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load_yaml_text(text: str, file: str):
    """Parse one YAML document; raise ScenarioError with a location on any problem."""
    if len(text) > MAX_BYTES:
        raise ScenarioError.at(file, 1, 1, f"file is too large ({len(text):,} characters; the limit is {MAX_BYTES:,})")
    if "\x00" in text:
        raise ScenarioError.at(file, 1, 1, "this is not a text file (it contains NUL bytes)")
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except _Refused as exc:
        raise ScenarioError.at(file, *_pos(exc.mark), exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        if "\t" in what or "found character '\\t'" in str(exc):
            what = "a tab character; YAML indents with spaces only"
        raise ScenarioError.at(file, line, col, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked YAML errors are rare
        raise ScenarioError.at(file, 1, 1, f"YAML error: {exc}") from None
    except RecursionError:
        raise ScenarioError.at(file, 1, 1, "the document is nested too deeply") from None
    if len(docs) > 1:
        raise ScenarioError.at(file, 1, 1, "the file holds several YAML documents ('---'); a scenario is one document")
    if not docs or docs[0] is None:
        raise ScenarioError.at(file, 1, 1, "the file is empty; a scenario is a mapping with 'name', 'start', 'actors', ...")
    return docs[0]


def read_text(path, file: str) -> str:
    """Read a file as UTF-8 text, turning I/O and decoding failures into located errors."""
    try:
        raw = open(path, "rb").read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([Problem(file, 1, 1, f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError.at(file, line, col, "this is not UTF-8 text (is it a binary file?)") from None


def locate(doc, loc: tuple, key: bool = False) -> tuple[int, int]:
    """Best (line, col) for a path into a loaded document.

    Walks as far as the path exists; ``key=True`` points at the last key itself
    rather than its value (used for unknown keys).
    """
    node, mark = doc, getattr(doc, "mark", (1, 1))
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, MarkedDict) and part in node:
            mark = node.key_marks[part] if (key and last) else node.value_marks[part]
            node = node[part]
        elif isinstance(node, MarkedList) and isinstance(part, int) and 0 <= part < len(node):
            mark = node.marks[part]
            node = node[part]
        elif isinstance(node, (MarkedDict, MarkedList)):
            mark = node.mark if mark is None else mark
            continue  # a pydantic loc part with no counterpart in the data (a union tag)
    return mark
