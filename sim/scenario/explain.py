"""What each kind of problem means and how to fix it: ``escalation validate --explain CODE``.

Each kind has a code, a pattern that recognises its messages, and an explanation with
an example of the mistake and of the fix. ``docs/messages.md`` is written from the same
table (``escalation validate --explain all``), so the two cannot differ.
"""

from __future__ import annotations

import re
import typing


class Kind(typing.NamedTuple):
    code: str
    title: str
    pattern: str  # matches the messages of this kind (after any 'FILE:LINE:COL: ')
    text: str  # what it means and how to fix it
    wrong: str = ""  # a line with the mistake
    right: str = ""  # the same line fixed


KINDS: list[Kind] = [
    # reading the file
    Kind("encoding", "The file is not UTF-8 text", r"^this file is .* text, not UTF-8",
         "Scenarios are UTF-8 text. A file saved by a word processor or an old editor may be Latin-1, Windows-1252 or UTF-16. "
         "Open it and save it again with the encoding UTF-8 (Save As, Encoding), or convert it with iconv."),
    Kind("not-text", "The file is not text", r"^this is not UTF-8 text|^this is not a text file|^a control character",
         "The file holds bytes no text file has: it may be an image, a document or a spreadsheet saved under a .yaml name. "
         "Write the scenario in a plain-text editor."),
    Kind("too-large", "The file is too large", r"^the file is too large|^the file holds more than|^the document is nested too deeply",
         "A scenario is a few hundred lines; the loader refuses files far beyond that before reading them, so that a wrong file "
         "cannot hang it. Check that this is the file you meant."),
    Kind("empty", "The file is empty", r"^the file (is empty|holds only comments)|^a scenario must be a mapping",
         "A scenario is a mapping of keys to values: name, title, question, kind, start, end, actors, ... "
         "Start from a shipped one with `escalation new NAME --from nov-2024`."),
    Kind("typographic", "Typographic quotes or dashes", r"typographic|non-breaking space",
         "Text pasted from a word processor brings curly quotes (“ ” ‘ ’), long dashes (– —) and non-breaking spaces. "
         "YAML quotes with straight quotes only, and a list item starts with a plain '-'.",
         'title: “Escalation Peaks: A Pivotal Week”', 'title: "Escalation Peaks: A Pivotal Week"'),
    Kind("tab", "A tab character", r"a tab character",
         "YAML indents with spaces only; a tab is refused. Set your editor to insert spaces for the Tab key.",
         "\tresolve: 0.8", "    resolve: 0.8"),
    Kind("missing-colon", "A missing ':'", r"a missing ':'|neither 'key: value' nor '- item'",
         "Each line of a mapping is 'key: value', with a colon and a space. Without the colon YAML cannot tell the key from the value.",
         "    resolve 0.8", "    resolve: 0.8"),
    Kind("indentation", "Indentation", r"indentation does not match",
         "YAML reads structure from indentation: the keys of one mapping start in the same column, and what belongs to a key is "
         "indented further (two spaces here). A key moved to the left leaves the block above it and ends it early.",
         "actors:\nrussia:\n    name: Russia", "actors:\n  russia:\n    name: Russia"),
    Kind("unexpected-colon", "A ':' in text", r"a ':' where none was expected",
         "A ': ' inside a value makes YAML read a new key. Put quotes around text that contains ': '.",
         "title: Oreshnik: a new missile", 'title: "Oreshnik: a new missile"'),
    Kind("unclosed", "An unclosed quote or bracket", r"never closed|an unmatched|a value was expected here",
         "A quotation mark, '[' or '{' opens something that must be closed on the same item: check the line pointed at.",
         "watch: [ukraine", "watch: [ukraine]"),
    Kind("yaml-feature", "A YAML feature scenarios do not use", r"anchors and aliases|YAML tag|merge key|second YAML document|a mapping key must be",
         "Scenarios are plain data: anchors (&a, *a), tags (!!python/...), merge keys (<<) and several documents in one file are "
         "refused, so that no file can run code or expand without end. Write the values out."),
    Kind("duplicate-key", "A key given twice", r"^duplicate key",
         "Each key may appear once in a mapping; YAML would otherwise keep the last one silently.",
         "    resolve: 0.8\n    resolve: 0.9", "    resolve: 0.9"),
    Kind("too-many-digits", "A number too long to read", r"too many digits",
         "The number has more digits than any scenario value needs. Write an ordinary number."),
    # the format
    Kind("unknown-key", "An unknown key", r"^unknown key",
         "This key is not part of the format where it is written: a misspelling (the message suggests the nearest key), or a key "
         "at the wrong indentation. `escalation schema --format markdown` lists every key.",
         "    reslove: 0.8", "    resolve: 0.8"),
    Kind("missing-key", "A required key is missing", r"^missing required key|an overlay needs its own 'name'",
         "Some keys have no default and must be given: a scenario's name, title, question, kind, start, end and actors; an actor's "
         "name, rule and posture; an event's id, title, status and source. An overlay needs its own name."),
    Kind("range", "A number out of range", r"is too (high|low)",
         "The value lies outside what the key allows (most shares run from 0 to 1). The note under the message gives the range.",
         "    resolve: 1.5", "    resolve: 0.9"),
    Kind("quoted-number", "A number in quotes", r"is in quotes, which makes it text",
         "Quotes make a value text. Editors then flag it, and a later reader cannot tell whether it was meant as a number. Write numbers bare.",
         '    resolve: "0.8"', "    resolve: 0.8"),
    Kind("type", "A value of the wrong kind", r": expected |must not be empty|needs at least|is too long",
         "The key takes another kind of value: a number, a name, a list, a mapping, true or false. The note says what it takes.",
         "      adversaries: russia", "      adversaries: [russia]"),
    Kind("choice", "A value that is not one of the choices", r"is not allowed",
         "The key takes one of a few words; the message suggests the nearest, the note lists them.", "kind: whatif", "kind: what-if"),
    Kind("name", "Not a valid name", r"is not a valid name",
         "Ids are lower-case letters, digits and '_' (scenario names may also use '-'), starting with a letter, so that they can be "
         "typed on the command line and used in other parts of the file.", "  Ukraine:", "  ukraine:"),
    Kind("display-name", "A rung written by its display name", r"rung's display name",
         "Rungs have a display name (shown on charts) and an id (written in scenarios). Write the id; `escalation list ladders default` lists them.",
         "    posture: Contained war inside Ukraine", "    posture: contained_war"),
    Kind("date", "A date that is not one", r"is not a (valid )?date|must come after",
         "Dates are written YYYY-MM-DD and must exist (30 November, not 31); the end comes after the start.",
         "start: 17/11/2024", "start: 2024-11-17"),
    Kind("one-of", "Keys that go one at a time", r"exactly one of|cannot also have|an event needs 'at'",
         "Some keys exclude each other: an effect does one thing; a trait changes to a 'value' or 'by' an amount; a time is a 'turn' or a "
         "'date'; an event is scripted ('at'), conditional ('when') or stochastic ('chance', possibly with 'when')."),
    Kind("time", "A time outside the scenario", r"is outside the scenario|is past the last turn",
         "Events, windows and the branch must fall between the scenario's start and end."),
    # names
    Kind("unknown-actor", "An actor the scenario does not define", r"^unknown actor",
         "Actors are named by their id under 'actors:'. The message suggests the nearest id, or the id of a common name (usa: "
         "united_states); it never guesses a dissimilar one.", "      adversaries: [ukriane]", "      adversaries: [ukraine]"),
    Kind("unknown-rung", "A rung the ladder does not have", r"^unknown rung|outside .* capabilities|standing posture, not a one-off",
         "Rungs are named by their id on the scenario's ladder; `escalation list ladders default` lists them. A posture must also be "
         "within the actor's capabilities; stocks count only one-off actions.", "    posture: contained_wr", "    posture: contained_war"),
    Kind("unknown-rule", "A decision rule that does not exist", r"^unknown rule|^unknown parameter",
         "Rules are named as `escalation list rules` lists them; each rule takes only its own parameters "
         "(`escalation list rules NAME`).", "    rule: brinksmanship", "    rule: brinkmanship"),
    Kind("unknown-red-line", "A red line the actor does not hold", r"has no red line|needs 'red_line'",
         "Red lines are named by their id under the actor that holds them (or an event that adds one)."),
    Kind("unknown-threshold", "A threshold the ladder does not have", r"^unknown threshold|must define the threshold",
         "Thresholds are named by their id on the ladder; a custom ladder must define the two the end states are classified by."),
    Kind("unknown-ladder", "A ladder that is not shipped", r"no shipped ladder",
         "`ladder:` names a shipped ladder (`escalation list ladders`) or writes one out."),
    Kind("duplicate-id", "An id used twice", r"is used twice|^duplicate id",
         "Events and injects share one set of ids, and an actor's red lines another: each needs its own, since effects, conditions "
         "and overlays refer to them. The message says where the first one is."),
    Kind("relation", "A relation that cannot be", r"cannot be its own|compares with a number|the metric must be",
         "An actor cannot be its own adversary, ally or patron; a condition compares a posture with a rung and a trait with a number."),
    Kind("unknown-source", "A source file that is not there", r"^no source file",
         "A documented event cites the article it comes from by file name: one of the shipped sources (`escalation list sources`) "
         "or a file of your own kept beside the scenario or in a sources/ folder there.",
         "    source: {seed: 009_nothere.txt, title: ...}", "    source: {seed: 003_8c7dbb1329846943.txt, title: ...}"),
    Kind("documented", "A documented event without its source", r"documented event must cite",
         "An event marked documented must say which source article reports it (source.seed); a what-if is 'hypothetical'."),
    # overlays
    Kind("no-file", "No such scenario", r"^no shipped scenario named|^no such file|this is a folder|not a regular file|^cannot read file",
         "A scenario is named by a path to its file (.yaml) or by a shipped scenario's name (`escalation list scenarios`). The message "
         "suggests the nearest shipped name."),
    Kind("extends", "An overlay's base that cannot be found", r"^extends:",
         "`extends:` names a shipped scenario (`escalation list scenarios`) or a path from the overlay's own folder. A base cannot "
         "extend the overlay back.", "extends: nov-2025", "extends: nov-2024"),
    Kind("remove", "Removing what the base lacks", r"^remove|takes things from a base",
         "`remove:` lists, under the dotted path of a section, the keys or ids to take away from the base; each must be there. "
         "Only an overlay removes.", "remove:\n  events: [tusk_warn]", "remove:\n  events: [tusk_warns]"),
    Kind("remove-conflict", "Removed and written at once", r"is removed \(line|is removed at .* but still named",
         "An overlay may remove a thing or change it, not both; and what it removes must not be named elsewhere (the base's other "
         "actors, events): remove those too, or keep it."),
    Kind("too-many", "Too many problems", r"problems in this file; the first",
         "Past a hundred problems only the first are worded: the file is probably not a scenario, or is broken at the top."),
]


def kind_of(message: str) -> Kind | None:
    """The kind of a problem's message (its first line, with or without 'FILE:LINE:COL: ')."""
    text = re.sub(r"^[^\n]*?:\d+:\d+: ", "", message.splitlines()[0] if message else "")
    text = re.sub(r"^YAML syntax error: ", "", text)
    return next((k for k in KINDS if re.search(k.pattern, text)), None)


def explanation(code: str) -> str:
    """One kind in full, for the terminal."""
    kind = next(k for k in KINDS if k.code == code)
    out = [f"{kind.code}: {kind.title}", "", kind.text]
    if kind.wrong:
        out += ["", "For example, this:", *(f"    {line}" for line in kind.wrong.splitlines()), "is written:",
                *(f"    {line}" for line in kind.right.splitlines())]
    return "\n".join(out)


def footer(messages: list[str]) -> str:
    """The line after a list of problems naming the explanations of their kinds."""
    codes = list(dict.fromkeys(k.code for m in messages if (k := kind_of(m))))
    return f"  (what these mean: `escalation validate --explain CODE` for {', '.join(codes)})" if codes else ""


def markdown() -> str:
    """``docs/messages.md``: every kind, with an anchor per code."""
    out = ["# What the messages mean", "", "Written by `escalation validate --explain all`; each section is also `escalation validate --explain CODE`.", ""]
    out.append(" · ".join(f"[{k.code}](#{k.code})" for k in KINDS))
    for k in KINDS:
        out += ["", f'<a id="{k.code}"></a>', f"## {k.code}: {k.title}", "", k.text]
        if k.wrong:
            out += ["", "```yaml", f"# wrong\n{k.wrong}", f"# right\n{k.right}", "```"]
    return "\n".join(out) + "\n"
