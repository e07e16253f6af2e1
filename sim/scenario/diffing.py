"""What changed between two scenarios, in the scenario's own terms.

Not a line diff: actors added or removed, traits, rules and relations changed
(old -> new), red lines declared or withdrawn, events added, removed or moved,
settings and ladder changes. Both scenarios are compared after loading, so a
value left to its default and the same value written out are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from escalation.scenario.schema import Actor, Happening, Ladder, Scenario

SECTIONS = ("scenario", "settings", "ladder", "actors", "events", "injects")
_TIMING = ("at", "when", "chance", "window", "once")


@dataclass(frozen=True)
class Change:
    """One difference: the section it is in and a line saying what changed."""

    section: str
    text: str


def diff_scenarios(a: Scenario, b: Scenario) -> list[Change]:
    """Every difference between scenarios ``a`` and ``b``, section by section (a distribution shown as written)."""
    a, b = _drawn(a), _drawn(b)
    out = [Change("scenario", line) for line in _fields(a, b, ("name", "title", "question", "kind", "start", "end", "turn_days"))]
    out += [Change("settings", line) for line in _fields(a.settings, b.settings, type(a.settings).model_fields)]
    out += [Change("ladder", line) for line in _ladder(a.resolved_ladder, b.resolved_ladder)]
    out += [Change("actors", line) for line in _actors(a.actors, b.actors)]
    out += [Change("events", line) for line in _happenings(a.events, b.events)]
    out += [Change("injects", line) for line in _happenings(a.injects, b.injects)]
    return out


def diff_text(changes: list[Change], a_name: str, b_name: str) -> str:
    """The changes as text, grouped under section headings."""
    if not changes:
        return f"No differences between {a_name} and {b_name}."
    lines = [f"Changes from {a_name} to {b_name}:"]
    for section in SECTIONS:
        mine = [c.text for c in changes if c.section == section]
        if mine:
            lines += ["", f"{section.capitalize()}:"] + [f"  {t}" for t in mine]
    return "\n".join(lines)


# --------------------------------------------------------------------------- sections


class Drawn(str):
    """A number written as a distribution, shown as the distribution (``uniform(0.1, 0.5)``), not its representative value."""


def _drawn(scenario: Scenario) -> Scenario:
    """The scenario with each distribution's place holding its description, so that a diff shows what was written."""
    out = scenario
    for path, dist in scenario.distributions.items():
        out = _put(out, path, Drawn(dist))
    return out


def _put(node, path: tuple, value):
    """A copy of ``node`` (models, mappings, lists) with ``value`` at ``path``; untouched parts shared."""
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: _put(node[head], rest, value) if rest else value}
    if isinstance(node, list):
        return [(_put(item, rest, value) if rest else value) if i == head else item for i, item in enumerate(node)]
    return node.model_copy(update={head: _put(getattr(node, head), rest, value) if rest else value})


def _fields(a, b, names, prefix: str = "") -> list[str]:
    return [f"{prefix}{n}: {_shown_pair(getattr(a, n), getattr(b, n))}" for n in names if getattr(a, n) != getattr(b, n)]


def _ladder(a: Ladder, b: Ladder) -> list[str]:
    if a == b:
        return []
    out = [f"ladder: {a.id} -> {b.id}"] if a.id != b.id else []
    out += _named(a.rungs, b.rungs, "rung", lambda r: f"{r.id} (level {r.level}, {r.name})", "rungs")
    out += _named(a.thresholds, b.thresholds, "threshold", lambda t: f"{t.id} (at {t.at})", "thresholds")
    return out


def _named(old, new, what: str, label, path: str) -> list[str]:
    """Items with an ``id``: added, removed, or changed field by field (``path.id.field``)."""
    before, after = {x.id: x for x in old}, {x.id: x for x in new}
    out = [f"added {what} {label(after[k])}" for k in after if k not in before]
    out += [f"removed {what} {label(before[k])}" for k in before if k not in after]
    for k in [k for k in before if k in after]:
        out += _fields(before[k], after[k], [n for n in type(before[k]).model_fields if n != "id"], f"{path}.{k}.")
    return out


def _actors(a: dict[str, Actor], b: dict[str, Actor]) -> list[str]:
    out = [f"added {k} ({v.name}): rule {v.rule}, posture {v.posture}" for k, v in b.items() if k not in a]
    out += [f"removed {k} ({v.name})" for k, v in a.items() if k not in b]
    for k in [k for k in a if k in b]:
        old, new = a[k], b[k]
        scalars = [n for n in Actor.model_fields if n not in ("params", "capabilities", "relations", "red_lines")]
        out += _fields(old, new, scalars, f"{k}.")
        out += [
            f"{k}.params.{n}: {_show(old.params.get(n))} -> {_show(new.params.get(n))}"
            for n in _keys(old.params, new.params)
            if old.params.get(n) != new.params.get(n)
        ]
        out += _fields(old.capabilities, new.capabilities, type(old.capabilities).model_fields, f"{k}.capabilities.")
        for rel in type(old.relations).model_fields:
            was, now = getattr(old.relations, rel), getattr(new.relations, rel)
            added, removed = [x for x in now if x not in was], [x for x in was if x not in now]
            if added or removed:
                changes = ([f"added {', '.join(added)}"] if added else []) + ([f"removed {', '.join(removed)}"] if removed else [])
                out.append(f"{k}.{rel}: {'; '.join(changes)}")
        out += [line if line.startswith(k) else f"{k}: {line}" for line in _named(old.red_lines, new.red_lines, "red line", _red_line, f"{k}.red_lines")]
    return out


def _happenings(a: Sequence[Happening], b: Sequence[Happening]) -> list[str]:
    before, after = {e.id: e for e in a}, {e.id: e for e in b}
    out = [f"added {k} ({v.status}, {_timing(v)}): {v.title}" for k, v in after.items() if k not in before]
    out += [f"removed {k} ({_timing(v)}): {v.title}" for k, v in before.items() if k not in after]
    for k in [k for k in before if k in after]:
        old, new = before[k], after[k]
        if _timing(old) != _timing(new):
            out.append(f"moved {k}: {_timing(old)} -> {_timing(new)}")
        fields = [n for n in type(old).model_fields if n not in (*_TIMING, "id", "effects")]
        out += _fields(old, new, fields, f"{k}.")
        if old.effects != new.effects:
            out += [f"{k}: {line}" for line in _effects(old.effects, new.effects)]
    return out


def _effects(old: list, new: list) -> list[str]:
    """Effects added, removed, or changed field by field (matched by kind, actor and target)."""
    gone, came = [fx for fx in old if fx not in new], [fx for fx in new if fx not in old]
    out = []
    for fx in list(gone):
        twin = next((other for other in came if _target(other) == _target(fx)), None)
        if twin is not None:
            gone.remove(fx)
            came.remove(twin)
            before, after = (_leaves(getattr(e, e.kind).model_dump(exclude_none=True)) for e in (fx, twin))
            out += [
                f"effect {_effect(fx)}: {n}: {_show(before.get(n))} -> {_show(after.get(n))}" for n in _keys(before, after) if before.get(n) != after.get(n)
            ]
    out += [f"effect removed: {_effect(fx)}" for fx in gone] + [f"effect added: {_effect(fx)}" for fx in came]
    return out or ["effects reordered"]


def _target(fx) -> tuple:
    """What an effect acts on: its kind, actor, and the trait, rung or red line it names."""
    body = getattr(fx, fx.kind)
    if isinstance(body, str):
        return (fx.kind, body)
    named = body.red_line.id if fx.kind == "add_red_line" else getattr(body, "trait", None) or getattr(body, "red_line", None)
    return (fx.kind, body.actor, named)


def _leaves(data: dict, prefix: str = "") -> dict:
    """A nested mapping flattened to dotted keys."""
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


# --------------------------------------------------------------------------- wording


def _timing(ev) -> str:
    """When an event or inject may happen, in words."""
    parts = []
    if getattr(ev, "at", None) is not None:
        parts.append(f"at {ev.at.date if ev.at.date is not None else f'turn {ev.at.turn}'}")
    for c in getattr(ev, "when", None) or ():
        parts.append(f"when {c.actor} {c.metric}{f' of {c.red_line}' if c.red_line else ''} {c.op} {_show(c.value)}")
    if getattr(ev, "chance", None) is not None:
        parts.append(f"chance {_show(ev.chance)} a turn")
    if ev.window is not None and (ev.window.start is not None or ev.window.end is not None):
        parts.append(
            f"from {_show(ev.window.start) if ev.window.start is not None else 'the start'} "
            f"to {_show(ev.window.end) if ev.window.end is not None else 'the end'}"
        )
    if getattr(ev, "once", True) is False:
        parts.append("repeatable")
    return ", ".join(parts) or "any time"


def _effect(fx) -> str:
    body = getattr(fx, fx.kind)
    if isinstance(body, str):
        return f"{fx.kind} {body}"
    if fx.kind == "set_posture":
        return f"set_posture {body.actor} -> {body.rung}" + (" (binding)" if body.binding else "")
    if fx.kind == "set_trait":
        return f"set_trait {body.actor} {body.trait} " + (f"= {_show(body.value)}" if body.value is not None else f"by {_show(body.by)}")
    if fx.kind == "set_capability":
        return f"set_capability {body.actor}" + "".join(f" {n} {getattr(body, n)}" for n in ("min_rung", "max_rung") if getattr(body, n))
    if fx.kind == "add_red_line":
        return f"add_red_line {body.actor} {_red_line(body.red_line)}"
    return f"remove_red_line {body.actor} {body.red_line}"


def _red_line(rl) -> str:
    return f"{rl.id} (watches {', '.join(rl.watch)} at {rl.at}, promises {rl.response})"


def _keys(a: dict, b: dict) -> list:
    return list(a) + [k for k in b if k not in a]


def _shown_pair(old, new) -> str:
    """``old -> new``; long texts are quoted alike and shown from just before where they first differ."""
    if isinstance(old, str) and isinstance(new, str) and not (_bare(old) and _bare(new)):
        start = next((i for i, (x, y) in enumerate(zip(old, new)) if x != y), min(len(old), len(new)))
        if start > 40:  # the change would fall past the cut: show the text around it instead
            old, new = (f"...{text[start - 20 :]}" for text in (old, new))
        return f"{_quoted(old)} -> {_quoted(new)}"
    return f"{_show(old)} -> {_show(new)}"


def _bare(text: str) -> bool:
    return bool(text) and len(text) <= 60 and "\n" not in text


def _quoted(text: str) -> str:
    return repr(text[:57] + "..." if len(text) > 60 else text)


def _show(value) -> str:
    if isinstance(value, str):
        return value if _bare(value) else _quoted(value)
    if isinstance(value, (list, tuple)):
        return f"[{', '.join(map(_show, value))}]"
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
