"""Load a scenario by name or path, as one pipeline read top to bottom.

    text -> positioned YAML -> document checks -> an overlay's base merged under it
         -> pydantic validation -> ladder resolution -> reference and source checks
         -> a Scenario, or a ScenarioError

Each stage is a function of the previous stage's output. The checks collect
:class:`~escalation.scenario.problems.Finding` objects, paths into the document;
the last stage, :func:`explain`, locates and words them all at once (each in the
file it is written in, for an overlay and its base), so a file with several
mistakes gets every one of them. Nothing here evaluates user text as code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from escalation.errors import did_you_mean, one_of
from escalation.scenario import distributions, messages, overlay
from escalation.scenario.paths import shipped_ladders, shipped_scenarios
from escalation.scenario.problems import Finding, Problem, ScenarioError
from escalation.scenario.references import check_references
from escalation.scenario.schema import Ladder, Scenario
from escalation.scenario.sources import check_sources
from escalation.scenario.yamlio import MarkedDict, load_yaml_text, locate_in, read_text, replaced


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
    """Load and fully check a scenario; its ladder comes back resolved to a Ladder.

    Each call returns a scenario of its own: changing one (``s.actors.pop(...)``)
    cannot change what the next call loads.
    """
    path = resolve(name_or_path)
    hit = _LOADED.get(str(path))
    if hit is None or any(_stamp(f) != stamp for f, stamp in hit[0]):
        file = str(path)
        stamps = _stamp(file)  # before reading: a file changed while it is read is read again next time
        scenario, doc = load_with_document(read_text(path, file), file)
        bases = overlay.bases(doc)
        if len(_LOADED) >= 64:
            _LOADED.clear()
        hit = _LOADED[file] = (((file, stamps), *((f, _stamp(f)) for f in bases)), scenario)
    return hit[1].model_copy(deep=True)


# loaded scenarios by file, with the (mtime, size) of it and of every base it extends
_LOADED: dict[str, tuple[tuple, Scenario]] = {}


def _stamp(file: str) -> tuple[int, int] | None:
    try:
        stat = Path(file).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def load_scenario_text(text: str, file: str = "<scenario>") -> Scenario:
    """The whole pipeline on a scenario's text; every problem comes back with its line of ``text``."""
    return load_with_document(text, file)[0]


def load_with_document(text: str, file: str = "<scenario>") -> tuple[Scenario, MarkedDict]:
    """:func:`load_scenario_text`, and the positioned document too (to locate warnings in it)."""
    try:
        doc = load_document(text, file)
        return scenario_from_document(doc, file), doc
    except ScenarioError as exc:
        raise exc.with_source(file, text) from None


def load_document(text: str, file: str, chain: tuple = ()) -> MarkedDict:
    """Stages 1-2: positioned YAML, the document checks (it is one mapping), and an
    overlay's base merged under it (see :mod:`~escalation.scenario.overlay`)."""
    doc = load_yaml_text(text, file)
    if not isinstance(doc, MarkedDict):
        raise ScenarioError.at(file, 1, 1, f"a scenario must be a mapping of keys to values (name: ..., actors: ...), not {_kind(doc)}")
    doc, found = overlay.compose(doc, file, _base_document, chain)
    found.texts[file] = text
    doc.composed = found
    return doc


def _base_document(path: Path, file: str, chain: tuple) -> tuple[MarkedDict, overlay.Overlay]:
    text = read_text(path, file)
    try:
        doc = load_document(text, file, chain)
    except ScenarioError as exc:
        raise exc.with_source(file, text) from None
    return doc, doc.composed or overlay.Overlay()


def scenario_from_document(doc: MarkedDict, file: str) -> Scenario:
    """Stages 3-6 on already-parsed data (a MarkedDict keeps the locations)."""
    try:
        plain, spread, findings = distributions.extract(doc)
        if findings:
            raise ScenarioError(located(file, doc, findings))
        scenario = explain(check(resolve_ladder(validate(plain)), file), file)
        if spread:
            check_distributions(plain, file, scenario, spread)
            scenario._distributions = spread
        return scenario
    except ScenarioError as exc:
        found = getattr(doc, "composed", None)
        if found is None:
            raise
        exc = ScenarioError(overlay.names_removed(exc.problems, found))
        for shown, text in found.texts.items():
            exc = exc.with_source(shown, text)
        raise exc from None


def check_distributions(doc: MarkedDict, file: str, scenario: Scenario, spread: dict) -> None:
    """Each distribution stands for a number that can vary per world, and every value it can take is valid there."""
    from escalation.scenario.parameters import slot

    def validated(doc, file, changes, origin):
        for path, value in changes:
            doc = replaced(doc, path, value)
        try:
            scenario_from_document(doc, file)
        except ScenarioError as exc:
            raise ScenarioError([Problem(p.file, p.line, p.col, f"{p.message} ({origin})" if origin else p.message, p.help)
                                 for p in exc.problems]) from None

    misplaced = [
        Finding(path, f"{'.'.join(map(str, path))}: a distribution can stand only for a trait, a numeric setting, a numeric rule parameter "
                "or a red line's credibility, numbers that may differ from world to world; this takes one value",
                help=f"write one number here, or sweep it with escalation sweep --vary {'.'.join(map(str, path))}=LO:HI")
        for path in spread if slot(scenario, path) is None
    ]
    if misplaced:
        raise ScenarioError(located(file, doc, misplaced))
    for path, d in spread.items():  # an unbounded normal where the number has limits: say what to add
        lo, hi = d.ends()
        if math.isfinite(lo) and math.isfinite(hi):
            continue
        try:
            validated(doc, file, [(path, -1e12)], "")
            validated(doc, file, [(path, 1e12)], "")
        except ScenarioError as exc:
            p = exc.problems[0]
            raise ScenarioError([Problem(p.file, p.line, p.col, f"{'.'.join(map(str, path))}: {d} is unbounded, but this number has limits; "
                                         "give the normal a clip: [LO, HI] inside them", p.help)]) from None
    for end, pick in (("lowest", 0), ("highest", 1)):
        changes = [(path, d.ends()[pick]) for path, d in spread.items() if math.isfinite(d.ends()[pick])]
        validated(doc, file, changes, f"from the {end} value a distribution can take")


@dataclass(frozen=True)
class Checked:
    """A document on its way through the checks, with what they have found so far.

    ``format`` holds findings about ``original`` (validation); ``references`` holds
    findings about ``doc``, the document with its broken parts set aside (``masked``:
    stand-ins whose own references are not judged); ``elsewhere`` holds problems
    already located in another file (a ladder file).
    """

    original: MarkedDict
    doc: MarkedDict
    scenario: Scenario | None
    masked: frozenset = frozenset()
    format: tuple[Finding, ...] = ()
    references: tuple[Finding, ...] = ()
    elsewhere: tuple[Problem, ...] = field(default=())


def validate(doc: MarkedDict) -> Checked:
    """Stage 3: pydantic validation. Where the format is broken in places, the broken
    parts are set aside, so that the rest can still be checked for its references."""
    try:
        return Checked(doc, doc, Scenario.model_validate(doc))
    except ValidationError as exc:
        scenario, kept, masked = _salvage(doc, exc)
        return Checked(doc, kept, scenario, frozenset(masked), tuple(messages.findings(Scenario, doc, exc)))


def resolve_ladder(c: Checked) -> Checked:
    """Stage 4: a shipped ladder named by the scenario, read and put in its place."""
    if c.scenario is None or isinstance(c.scenario.ladder, Ladder):
        return c
    name, ladders = c.scenario.ladder, shipped_ladders()
    if name not in ladders:
        found = Finding(("ladder",), f"ladder: no shipped ladder named '{name}'{did_you_mean(name, ladders)}",
                        help=f"allowed: {one_of(ladders)}, or a ladder written out (id, name, rungs, thresholds)")
        return Checked(c.original, c.doc, None, c.masked, c.format, (found,))
    try:
        ladder = load_ladder_file(ladders[name])
    except ScenarioError as exc:
        return Checked(c.original, c.doc, None, c.masked, c.format, (), tuple(exc.problems))
    return Checked(c.original, c.doc, c.scenario.model_copy(update={"ladder": ladder}), c.masked, c.format)


def check(c: Checked, file: str = "<scenario>") -> Checked:
    """Stage 5: every actor, rung, rule, red line, threshold and source named exists."""
    if c.scenario is None:
        return c
    named = [*check_references(c.scenario), *check_sources(c.scenario, c.doc, file)]
    found = [f for f in named if not any(f.loc[: len(m)] == m for m in c.masked)]
    return Checked(c.original, c.doc, c.scenario, c.masked, c.format, c.references + tuple(found), c.elsewhere)


def explain(c: Checked, file: str) -> Scenario:
    """Stage 6: the scenario, or every problem found, located in the file and worded."""
    problems = [*located(file, c.original, c.format), *located(file, c.doc, c.references), *c.elsewhere]
    if problems or c.scenario is None:
        raise ScenarioError(problems)
    return c.scenario


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
        raise ScenarioError(located(file, doc, messages.findings(model, doc, exc))) from None


def located(file: str, doc, findings) -> list[Problem]:
    """Findings about ``doc`` (a path into it each) as problems located in ``file``, or in the
    base file a part of an overlay's merged document was written in."""
    problems = []
    for f in findings:
        where, line, col = locate_in(doc, f.loc, key=f.at_key)
        message = f.message
        if f.first is not None:
            there, first, _ = locate_in(doc, f.first)
            message += f" (first given at line {first})" if (there or file) == (where or file) else f" (first given at {there}:{first})"
        problems.append(Problem(where or file, line, col, message, f.help))
    return problems


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
            doc = replaced(doc, path, value)
        masked |= set(stand_ins)
        for cut in sorted(cuts, key=_order, reverse=True):  # later list items first: indices stay valid
            if not any(other != cut and cut[: len(other)] == other for other in cuts):
                doc = replaced(doc, cut)
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
        if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
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


def _kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    return {str: "a piece of text", int: "a number", float: "a number", bool: "true/false"}.get(type(value), f"a {type(value).__name__}")
