"""Cross-reference checks: every actor, rung, rule, red line and threshold named exists.

Each check yields ``(loc, message, at_key)`` where ``loc`` is a path into the
scenario document, so the loader can point at the offending line and column.
"""

from __future__ import annotations

import typing

from pydantic import ValidationError

from .errors import did_you_mean
from .ladder import REQUIRED_THRESHOLDS
from .rules import RULES
from .schema import Scenario


def check_references(sc: Scenario) -> list[tuple[tuple, str, bool]]:
    out: list[tuple[tuple, str, bool]] = []
    ladder = sc.ladder
    rungs = [r.id for r in ladder.rungs]
    actors = list(sc.actors)
    thresholds = [t.id for t in ladder.thresholds]

    def rung(loc, value):
        if value is not None and value not in rungs:
            out.append((loc, f"unknown rung '{value}'{did_you_mean(value, rungs)}", False))

    def actor(loc, value, allow=()):
        if value not in actors and value not in allow:
            out.append((loc, f"unknown actor '{value}'{did_you_mean(value, actors + list(allow))}", False))

    # ladder
    for i, t in enumerate(ladder.thresholds):
        rung(("ladder", "thresholds", i, "at"), t.at)
    for need in REQUIRED_THRESHOLDS:
        if need not in thresholds:
            out.append((("ladder",), f"the ladder must define the threshold '{need}' (outcomes are classified by it)", False))
    if sc.settings.restraint_threshold not in thresholds:
        out.append((("settings", "restraint_threshold"), f"unknown threshold '{sc.settings.restraint_threshold}'{did_you_mean(sc.settings.restraint_threshold, thresholds)}", False))

    # red lines that exist at some point, per actor (declared or added by events)
    red_lines = {k: {r.id for r in a.red_lines} for k, a in sc.actors.items()}
    for ev in [*sc.events, *sc.injects]:
        for fx in ev.effects:
            if fx.add_red_line and fx.add_red_line.actor in red_lines:
                red_lines[fx.add_red_line.actor].add(fx.add_red_line.red_line.id)

    for key, a in sc.actors.items():
        base = ("actors", key)
        if a.rule not in RULES:
            out.append(((*base, "rule"), f"unknown rule '{a.rule}'{did_you_mean(a.rule, RULES)}; rules: {', '.join(sorted(RULES))}", False))
        else:
            out += _check_params(RULES[a.rule], a.params, (*base, "params"), rungs)
        rung((*base, "posture"), a.posture)
        caps = a.capabilities
        rung((*base, "capabilities", "min_rung"), caps.min_rung)
        rung((*base, "capabilities", "max_rung"), caps.max_rung)
        for i, r in enumerate(caps.rungs or []):
            rung((*base, "capabilities", "rungs", i), r)
        if not out and a.posture in rungs:
            lo = rungs.index(caps.min_rung) if caps.min_rung in rungs else 0
            hi = rungs.index(caps.max_rung) if caps.max_rung in rungs else len(rungs) - 1
            lv = rungs.index(a.posture)
            if not lo <= lv <= hi or (caps.rungs and a.posture not in caps.rungs):
                out.append(((*base, "posture"), f"'{a.posture}' is outside {a.name}'s capabilities", False))
        for rel, names in a.relations.model_dump().items():
            for i, other in enumerate(names):
                actor((*base, "relations", rel, i), other)
                if other == key:
                    out.append((((*base, "relations", rel, i)), f"{a.name} cannot be its own {rel[:-1].replace('_', ' ')}", False))
        seen = set()
        for i, rl in enumerate(a.red_lines):
            out += _check_red_line(rl, (*base, "red_lines", i), rung, actor)
            if rl.id in seen:
                out.append((((*base, "red_lines", i, "id")), f"red line id '{rl.id}' is used twice by {a.name}", False))
            seen.add(rl.id)

    turns = sc.turns
    ids = set()
    happenings = [(("events", i), ev) for i, ev in enumerate(sc.events)] + [(("injects", i), ev) for i, ev in enumerate(sc.injects)]
    for base, ev in happenings:
        if ev.id in ids:
            out.append(((*base, "id"), f"id '{ev.id}' is used twice among events and injects", False))
        ids.add(ev.id)
        if ev.actor is not None:
            actor((*base, "actor"), ev.actor)
        if getattr(ev, "at", None) is not None:
            if ev.at.date is not None and not sc.start <= ev.at.date <= sc.end:
                out.append(((*base, "at", "date"), f"{ev.at.date} is outside the scenario ({sc.start} to {sc.end})", False))
            if ev.at.turn is not None and ev.at.turn >= turns:
                out.append(((*base, "at", "turn"), f"turn {ev.at.turn} is past the last turn ({turns - 1})", False))
        if ev.window is not None:
            for end in ("start", "end"):
                value = getattr(ev.window, end)
                if hasattr(value, "year") and not sc.start <= value <= sc.end:
                    out.append(((*base, "window", end), f"{value} is outside the scenario ({sc.start} to {sc.end})", False))
        for j, c in enumerate(getattr(ev, "when", None) or []):
            loc = (*base, "when", j)
            if c.metric == "turn" or c.actor == "system":
                if c.actor != "system":
                    actor((*loc, "actor"), c.actor, allow=("system",))
                elif c.metric not in ("posture", "peak", "turn"):
                    out.append(((*loc, "metric"), "for actor 'system' the metric must be posture, peak or turn", False))
            else:
                actor((*loc, "actor"), c.actor, allow=("system",))
            if c.metric in ("posture", "peak") and isinstance(c.value, str):
                rung((*loc, "value"), c.value)
            elif isinstance(c.value, str):
                out.append(((*loc, "value"), f"metric '{c.metric}' compares with a number, not '{c.value}'", False))
            if c.metric == "credibility":
                if c.red_line is None:
                    out.append((loc, "metric 'credibility' needs 'red_line': which red line of the actor", False))
                elif c.actor in red_lines and c.red_line not in red_lines[c.actor]:
                    out.append(((*loc, "red_line"), f"{c.actor} has no red line '{c.red_line}'{did_you_mean(c.red_line, red_lines[c.actor])}", False))
        for j, fx in enumerate(ev.effects):
            loc = (*base, "effects", j, fx.kind)
            body = getattr(fx, fx.kind)
            if isinstance(body, str):
                actor(loc, body)
                continue
            actor((*loc, "actor"), body.actor)
            if fx.kind == "set_posture":
                rung((*loc, "rung"), body.rung)
            elif fx.kind == "set_capability":
                rung((*loc, "min_rung"), body.min_rung)
                rung((*loc, "max_rung"), body.max_rung)
            elif fx.kind == "add_red_line":
                out += _check_red_line(body.red_line, (*loc, "red_line"), rung, actor)
            elif fx.kind == "remove_red_line" and body.actor in red_lines and body.red_line not in red_lines[body.actor]:
                out.append(((*loc, "red_line"), f"{body.actor} has no red line '{body.red_line}'{did_you_mean(body.red_line, red_lines[body.actor])}", False))
    return out


def _check_red_line(rl, loc, rung, actor) -> list:
    """Check a red line's names; problems go through the ``rung``/``actor`` callbacks."""
    for i, w in enumerate(rl.watch):
        actor((*loc, "watch", i), w)
    rung((*loc, "at"), rl.at)
    rung((*loc, "response"), rl.response)
    return []


def _check_params(rule, params: dict, loc, rungs) -> list:
    """Validate a rule's parameters with its own model; rung-valued ones against the ladder."""
    out = []
    try:
        parsed = rule.Params(**params)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            where = (*loc, *err["loc"])
            if err["type"] == "extra_forbidden":
                name = err["loc"][-1]
                allowed = list(rule.Params.model_fields)
                hint = did_you_mean(name, allowed) or (f"; '{rule.name}' takes: {', '.join(allowed)}" if allowed else f"; '{rule.name}' takes no parameters")
                out.append((where, f"unknown parameter '{name}' for rule '{rule.name}'{hint}", True))
            else:
                out.append((where, f"{'.'.join(map(str, err['loc']))}: {err['msg']}", False))
        return out
    for name, field in rule.Params.model_fields.items():
        value = getattr(parsed, name)
        if isinstance(value, str) and str in typing.get_args(field.annotation) and value not in rungs:
            out.append(((*loc, name), f"unknown rung '{value}'{did_you_mean(value, rungs)}", False))
    return out
