"""Safe YAML loading that keeps the line and column of every key and value.

Mappings load as :class:`MarkedDict` and sequences as :class:`MarkedList`, which
remember where each item came from, so that any later error can be reported as
``FILE:LINE:COL``. Only plain data is built (``yaml.SafeLoader``). Whatever the
input, the outcome is data or a located :class:`ScenarioError`, quickly:
duplicate keys are an error, not a silent overwrite; anchors and aliases are
refused before they expand (no "billion laughs"); tags (``!!python/...``) and
merge keys are refused; impossible dates, endless numbers, tabs, control
characters, binary data, deep nesting and over-large files are reported where
they are. Plain scalars read as a student means them: only ``true``/``false``
are booleans (``no`` stays a word), and ``010`` is ten.
"""

from __future__ import annotations

import re
import typing

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from escalation.scenario.problems import Problem, ScenarioError

MAX_CHARS = 150_000  # about five times the largest shipped scenario
MAX_VALUES = 15_000  # about ten times as many values as the largest shipped scenario: loading stays well under a second
# A scenario nests about seven levels deep. Checked here, below any limit a parser release
# imposes (PyYAML 6.0.4 started refusing deep nesting in its own words), so the message is ours.
MAX_DEPTH = 64
TOO_DEEP = "the document is nested too deeply"
_STANDARD = "tag:yaml.org,2002:"
ALLOWED_TAGS = {f"{_STANDARD}{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")} | {"!"}


class MarkedDict(dict):
    """A dict that knows the (line, col) of each key and value, 1-based, and the file they are in.

    ``file`` is the file the mapping was written in (``None``: the file being loaded);
    ``key_files`` names another file for a key merged in from a scenario's base.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mark = (1, 1)
        self.key_marks: dict = {}
        self.value_marks: dict = {}
        self.file: str | None = None
        self.key_files: dict = {}
        self.composed: typing.Any = None  # on a scenario's top mapping: the overlay.Overlay merging it with its base learnt

    @classmethod
    def like(cls, node) -> MarkedDict:
        """A copy of ``node`` (a dict) with all its marks."""
        out = cls(node)
        out.mark = getattr(node, "mark", (1, 1))
        out.key_marks, out.value_marks = dict(getattr(node, "key_marks", {})), dict(getattr(node, "value_marks", {}))
        out.file, out.key_files = getattr(node, "file", None), dict(getattr(node, "key_files", {}))
        out.composed = getattr(node, "composed", None)
        return out

    def file_of(self, key) -> str | None:
        return self.key_files.get(key, self.file)


class MarkedList(list):
    """A list that knows the (line, col) of each item, 1-based, and the file it is in.

    ``files`` holds, per item, another file it was merged in from (``None``: this list's ``file``).
    """

    def __init__(self, *args):
        super().__init__(*args)
        self.mark = (1, 1)
        self.marks: list = []
        self.file: str | None = None
        self.files: list = []

    @classmethod
    def like(cls, node) -> MarkedList:
        """A copy of ``node`` (a list) with all its marks."""
        out = cls(node)
        out.mark = getattr(node, "mark", (1, 1))
        out.marks = list(getattr(node, "marks", [(1, 1)] * len(node)))
        out.file = getattr(node, "file", None)
        out.files = list(getattr(node, "files", [])) or [None] * len(node)
        return out

    def file_of(self, index: int) -> str | None:
        return (self.files[index] if index < len(self.files) else None) or self.file


def _pos(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


class _Refused(Exception):
    def __init__(self, mark, message):
        self.mark, self.message = mark, message


class _TooDeep(Exception):
    """More than MAX_DEPTH levels of nesting."""


# brackets, and what can hide one: a quoted scalar on one line, a comment
_FLOW = re.compile(r"""[\[\]{}]|'[^'\n]*'|"(?:[^"\\\n]|\\.)*"|(?<!\S)#[^\n]*""")


def _flow_too_deep(text: str) -> bool:
    """Whether '[' and '{' nest more than MAX_DEPTH deep: looked at before parsing, since a
    parser scans a whole run of brackets before it hands over its first node."""
    depth = 0
    for token in _FLOW.findall(text):
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif token in "]}":
            depth = max(depth - 1, 0)
    return False


try:  # libyaml parses several times faster; composing stays in Python, bounded by its recursion limit
    from yaml._yaml import CParser

    _PARSING: tuple = (CParser,)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _PARSING = (yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser)


class _Loader(Composer, *_PARSING, SafeConstructor, Resolver):  # type: ignore[misc]  # the parser is chosen at import
    """A safe loader that refuses aliases, tags and merge keys, and locates bad scalars."""

    def __init__(self, stream, file: str | None = None):
        self.file = file
        _PARSING[0].__init__(self, stream)  # the first part reads the stream
        for part in _PARSING[1:]:
            part.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.values = 0
        self.depth = 0

    def compose_node(self, parent, index):
        # Checked before composing: an alias bomb is refused before it can expand.
        event = self.peek_event()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep

        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, "anchors and aliases (&name, *name) are not allowed in scenarios; write the values out")
        self.values += 1
        if self.values > MAX_VALUES:
            raise _Refused(event.start_mark, f"the file holds more than {MAX_VALUES:,} values; a scenario has a few thousand")
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in ALLOWED_TAGS:
            shown = tag.replace(_STANDARD, "!!")
            raise _Refused(event.start_mark, f"the YAML tag '{shown}' is not allowed in scenarios; write a plain value")
        node = super().compose_node(parent, index)
        self.depth -= 1
        return node

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError):  # e.g. 2024-02-30, or a number with 5,000 digits
            if node.tag == f"{_STANDARD}timestamp":  # left as text for the schema to judge, so other problems still show
                return node.value
            raise _Refused(node.start_mark, f"'{_clip(node.value)}' has too many digits to be read as a number") from None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MarkedDict:
    out = MarkedDict()
    out.mark, out.file = _pos(node.start_mark), loader.file
    for key_node, value_node in node.value:
        if key_node.tag == f"{_STANDARD}merge":
            raise _Refused(key_node.start_mark, "the merge key '<<' is not allowed in scenarios; write the keys out")
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise _Refused(key_node.start_mark, "a mapping key must be a plain name, not a list or mapping")
        if key in out:
            first = out.key_marks[key]
            raise _Refused(key_node.start_mark, f"duplicate key '{key}' (first given at line {first[0]}); each key may appear once")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_marks[key] = _pos(key_node.start_mark)
        out.value_marks[key] = _pos(value_node.start_mark)
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> MarkedList:
    out = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    out.mark, out.file = _pos(node.start_mark), loader.file
    out.marks = [_pos(child.start_mark) for child in node.value]
    out.files = [None] * len(out)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor(f"{_STANDARD}int", lambda loader, node: int(loader.construct_scalar(node)))  # type: ignore[arg-type]  # only scalars are tagged int
# Plain scalars as a student means them (close to YAML 1.2): only true/false are
# booleans (`no` stays a word), `010` is ten, `1e-3` is a number, and `1:30` is text
# rather than a base-60 number.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag.rsplit(":", 1)[-1] not in ("bool", "int", "float")]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(f"{_STANDARD}bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(f"{_STANDARD}int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    f"{_STANDARD}float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)

# PyYAML's wording of common syntax errors, what they usually mean in a scenario, and
# whether to point at where the construct began (an unclosed quote) rather than where
# PyYAML noticed.
_SYNTAX = [
    ("mapping values are not allowed", "a ':' where none was expected (quote text that contains ': ', or check the indentation)", False),
    ("could not find expected ':'", "a line that is neither 'key: value' nor '- item' (a missing ':' or an unclosed quote?)", False),
    ("expected <block end>", "this line's indentation does not match the lines above it", False),
    ("did not find expected key", "this line's indentation does not match the lines above it", False),
    ("did not find expected '-' indicator", "this line's indentation does not match the lines above it", False),
    ("while scanning a quoted scalar", "a quotation mark that is never closed", True),
    ("expected ',' or ']'", "a '[' list that is never closed with ']'", True),
    ("expected ',' or '}'", "a '{' mapping that is never closed with '}'", True),
]


_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")


def _clip(text, n: int = 40) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 3] + "..."


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# characters a word processor puts where YAML needs plain ones
TYPOGRAPHIC = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-", "\u00a0": " "}
_NAMES = {'"': "typographic double quotes (\u201c \u201d)", "'": "typographic single quotes (\u2018 \u2019)", "-": "a typographic dash (\u2013 or \u2014)",
          " ": "a non-breaking space"}


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[tuple[int, int], str]:
    """Where a YAML syntax error is, and what it means, in a student's words: on the line where the mistake is."""
    mark = exc.problem_mark or exc.context_mark
    where = _pos(mark) if mark else (1, 1)
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        return (where[0], lines[mark.line].index("\t") + 1), "a tab character; YAML indents with spaces only"
    typographic = _typographic(lines, [m.line for m in (exc.context_mark, exc.problem_mark) if m is not None])
    if typographic:
        return typographic
    said = f"{exc.context or ''} {exc.problem or ''}"
    if "expected node content" in said or "expected the node content" in said:
        found = lines[mark.line][mark.column : mark.column + 1] if mark is not None and mark.line < len(lines) else ""
        return where, f"an unmatched '{found}'" if found in ("]", "}") else "a value was expected here"
    if "could not find expected ':'" in said and exc.context_mark is not None:  # the key began a line or more above
        start = _pos(exc.context_mark)
        written = lines[start[0] - 1][start[1] - 1 :].split("#")[0].strip() if start[0] <= len(lines) else ""
        key, _, rest = written.partition(" ")
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) and rest and ":" not in written:
            return start, f"a missing ':' after '{key}' (write {key}: {rest.strip()})"
        return start, "a line that is neither 'key: value' nor '- item' (a missing ':' or an unclosed quote?)"
    for pattern, meaning, at_start in _SYNTAX:
        if pattern in said:
            if meaning.startswith("this line's indentation") and mark is not None:
                culprit = _out_of_line(lines, mark.line)
                if culprit:
                    return culprit
            return (_pos(exc.context_mark) if at_start and exc.context_mark else where), meaning
    return where, exc.problem or exc.context or "invalid YAML"


def _typographic(lines: list[str], near: list[int]) -> tuple[tuple[int, int], str] | None:
    """A typographic quote, dash or space on a line the parser stumbled on: named, with the plain character to use."""
    for index in sorted(set(near)):
        if 0 <= index < len(lines):
            for col, char in enumerate(lines[index]):
                if char in TYPOGRAPHIC:
                    plain = TYPOGRAPHIC[char]
                    return (index + 1, col + 1), (f"{_NAMES[plain]}, pasted from a word processor; YAML needs plain ones: write "
                                                  f"{plain!r} instead (or leave the text unquoted)" if plain != " " else
                                                  f"{_NAMES[plain]}, pasted from a word processor; write an ordinary space")
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _out_of_line(lines: list[str], at: int) -> tuple[tuple[int, int], str] | None:
    """Where an indentation mistake is, rather than where the parser noticed it (line ``at``, 0-based).

    A key moved to the left breaks the block it belonged to, and the parser only notices
    at the next line indented as the block was. That key is the line above ``at`` indented
    less than ``at`` with children indented more, and either an earlier line is indented
    like ``at`` (its siblings) or the key just above it opens a block it leaves empty.
    """
    if at >= len(lines):
        return None
    indent = _indent(lines[at])
    content = [i for i in range(at) if _content(lines[i])]
    broke = next((i for i in reversed(content) if _indent(lines[i]) < indent), None)
    if broke is None or not lines[broke].split("#")[0].rstrip().endswith(":"):
        return None
    children = next((i for i in content if i > broke), None)
    if children is None or _indent(lines[children]) <= indent:
        return None
    before = [i for i in content if i < broke]
    siblings = any(_indent(lines[i]) == indent for i in before)
    opener = before[-1] if before else None
    emptied = opener is not None and lines[opener].split("#")[0].rstrip().endswith(":") and _indent(lines[opener]) >= _indent(lines[broke])
    if not (siblings or emptied):
        return None
    key = lines[broke].strip().split(":")[0]
    if emptied and not siblings and opener is not None:
        why = f"so '{lines[opener].strip().split(':')[0]}' above it is left empty"
    else:
        why = f"where the lines before and after are indented {indent}"
    return (broke + 1, _indent(lines[broke]) + 1), (
        f"this line's indentation does not match the lines around it: '{key}' is indented {_indent(lines[broke])} spaces, {why}"
    )


def load_yaml_text(text: str, file: str):
    """Parse one YAML document; raise ScenarioError with a location on any problem."""
    if len(text) > MAX_CHARS:
        raise ScenarioError.at(file, 1, 1, f"the file is too large ({len(text):,} characters; a scenario may have at most {MAX_CHARS:,})")
    text = _BREAKS.sub("\n", text)  # YAML's other line breaks, so that line numbers mean one thing
    if "\x00" in text:
        raise ScenarioError.at(file, *_line_col(text, text.index("\x00")), "this is not a text file (it contains NUL bytes)")
    try:
        if _flow_too_deep(text):
            raise _TooDeep
        loader = _Loader(text, file)
        try:
            doc = loader.get_single_data()
        finally:
            loader.dispose()
    except _Refused as exc:
        raise ScenarioError.at(file, *_pos(exc.mark), exc.message) from None
    except yaml.reader.ReaderError as exc:
        raise ScenarioError.at(
            file, *_line_col(text, exc.position), f"a control character (#x{exc.character:04x}) that YAML does not allow; is this a text file?"
        ) from None
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # a parser's own limit, should it ever come first
            raise ScenarioError.at(file, 1, 1, TOO_DEEP) from None
        if exc.context == "expected a single document in the stream":
            raise ScenarioError.at(file, *_pos(exc.problem_mark), "a second YAML document starts here ('---'); a scenario is one document") from None
        where, meaning = _syntax_error(exc, text)
        raise ScenarioError.at(file, *where, f"YAML syntax error: {meaning}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly all of its errors
        raise ScenarioError.at(file, 1, 1, f"YAML error: {exc}") from None
    except (_TooDeep, RecursionError):
        raise ScenarioError.at(file, 1, 1, TOO_DEEP) from None
    if doc is None:
        what = "holds only comments" if text.strip() else "is empty"
        raise ScenarioError.at(file, 1, 1, f"the file {what}; a scenario is a mapping with 'name', 'start', 'actors', ...")
    return doc


def read_text(path, file: str) -> str:
    """Read a file as UTF-8 text, turning I/O and decoding failures into located errors."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(4 * MAX_CHARS + 1)  # enough to tell a too-large file, never the whole of a huge one
    except OSError as exc:
        raise ScenarioError([Problem(file, 1, 1, f"cannot read file: {exc.strerror or exc}")]) from None
    if len(raw) > 4 * MAX_CHARS:
        raise ScenarioError.at(file, 1, 1, f"the file is too large (over {4 * MAX_CHARS:,} bytes; a scenario may have at most {MAX_CHARS:,} characters)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        encoding = _encoding(raw)
        if encoding is None:
            raise ScenarioError.at(file, line, col, "this is not UTF-8 text (is it a binary file?)") from None
        if encoding.startswith("UTF-16"):
            line, col = 1, 1
        resave = f"how: in your editor, Save As (or Reopen with Encoding) and choose UTF-8; or `iconv -f {ICONV[encoding]} -t UTF-8 old.yaml > new.yaml`"
        raise ScenarioError.at(file, line, col, f"this file is {encoding} text, not UTF-8; save it again as UTF-8", help=resave) from None


ICONV = {"UTF-16": "UTF-16", "Windows-1252 (cp1252)": "CP1252", "Latin-1 (ISO-8859-1)": "LATIN1"}


def _encoding(raw: bytes) -> str | None:
    """The likely encoding of text that is not UTF-8: UTF-16, Windows-1252 or Latin-1; ``None`` for binary data."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(raw) > 3 and raw[1:40:2].count(0) > 15) or (len(raw) > 3 and raw[0:40:2].count(0) > 15):
        return "UTF-16"
    if b"\x00" in raw or re.search(rb"[\x01-\x08\x0e-\x1f]", raw):
        return None
    if re.search(rb"[\x80-\x9f]", raw) and _decodes(raw, "cp1252"):
        return "Windows-1252 (cp1252)"
    return "Latin-1 (ISO-8859-1)"


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def locate(doc, loc: tuple, key: bool = False) -> tuple[int, int]:
    """Best (line, col) for a path into a loaded document (see :func:`locate_in`)."""
    return locate_in(doc, loc, key)[1:]


def locate_in(doc, loc: tuple, key: bool = False) -> tuple[str | None, int, int]:
    """The file (``None``: the one being loaded) and best (line, col) for a path into a loaded document.

    Walks as far as the path exists; ``key=True`` points at the last key itself
    rather than its value (used for unknown keys). In a scenario merged from an
    overlay and its base, each part is found in the file it was written in.
    """
    node, mark, file = doc, getattr(doc, "mark", (1, 1)), getattr(doc, "file", None)
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, MarkedDict) and part in node:
            mark = node.key_marks[part] if (key and last) else node.value_marks[part]
            file = node.file_of(part)
            node = node[part]
        elif isinstance(node, MarkedList) and isinstance(part, int) and 0 <= part < len(node):
            mark, file = node.marks[part], node.file_of(part)
            node = node[part]
    return (file, *mark)


GONE = object()


def replaced(node, path, value=GONE):
    """A copy of ``node`` with the item at ``path`` set to ``value`` (or removed), keeping all marks."""
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        copy = MarkedDict.like(node)
        if rest:
            copy[head] = replaced(node[head], rest, value)
        elif value is GONE:
            for part in (copy, copy.key_marks, copy.value_marks, copy.key_files):
                part.pop(head, None)
        else:
            copy[head] = value
        return copy
    items = MarkedList.like(node)
    if rest:
        items[head] = replaced(node[head], rest, value)
    elif value is GONE:
        del items[head], items.marks[head], items.files[head]
    else:
        items[head] = value
    return items
