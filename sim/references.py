"""Cross-reference checks: every actor, rung, rule, red line and threshold named exists.

Each problem is a :class:`~sim.errors.Finding` whose ``loc`` is a path into the
scenario document, so the loader can point at the offending line and column,
with a note listing the names that are defined.
"""

from __future__ import annotations

import typing

from pydantic import ValidationError

from . import messages
from .errors import Finding, did_you_mean, one_of
from .ladder import REQUIRED_THRESHOLDS
from .rules import RULES
from .schema import Scenario


ROLES = {"adversaries": "adversary", "allies": "ally", "patrons": "patron", "restrainers": "restrainer", "veto_players": "veto player"}


def check_references(sc: Scenario) -> list[Finding]:
    """Every name the scenario uses, checked against what it defines."""
    out: list[Finding] = []
    ladder = sc.ladder
    rungs = [r.id for r in ladder.rungs]
    actors = list(sc.actors)
    thresholds = [t.id for t in ladder.thresholds]
    rung_note = f"allowed: a rung of the ladder '{ladder.id}': {one_of(rungs)}"
    actor_note = f"allowed: an actor of this scenario: {one_of(actors)}"

    unworded = []  # names past the first LIMIT problems: counted, not worded

    def full() -> bool:
        if len(out) < messages.LIMIT:
            return False
        unworded.append(1)
        return True

    def rung(loc, value):
        if value is not None and value not in rungs and not full():
            out.append(Finding(loc, f"unknown rung '{value}'{did_you_mean(value, rungs)}", help=rung_note))

    def actor(loc, value, allow=()):
        if value not in actors and value not in allow and not full():
            note = actor_note + (f", or {one_of(allow)}" if allow else "")
            out.append(Finding(loc, f"unknown actor '{value}'{did_you_mean(value, actors + list(allow))}", help=note))

    def red_line(loc, holder, value):
        if holder in red_lines and value not in red_lines[holder] and not full():
            known = sorted(red_lines[holder])
            note = f"allowed: {holder}'s red lines: {one_of(known)}" if known else f"{holder} declares no red lines"
            out.append(Finding(loc, f"{holder} has no red line '{value}'{did_you_mean(value, known)}", help=note))

    # ladder
    for i, t in enumerate(ladder.thresholds):
        rung(("ladder", "thresholds", i, "at"), t.at)
    for need in REQUIRED_THRESHOLDS:
        if need not in thresholds:
            out.append(Finding(("ladder",), f"the ladder must define the threshold '{need}' (outcomes are classified by it)"))
    if sc.settings.restraint_threshold not in thresholds:
        value = sc.settings.restraint_threshold
        out.append(Finding(("settings", "restraint_threshold"), f"unknown threshold '{value}'{did_you_mean(value, thresholds)}", help=f"allowed: {one_of(thresholds)}"))

    # red lines that exist at some point, per actor (declared or added by events)
    red_lines = {k: {r.id for r in a.red_lines} for k, a in sc.actors.items()}
    for ev in [*sc.events, *sc.injects]:
        for fx in ev.effects:
            if fx.add_red_line and fx.add_red_line.actor in red_lines:
                red_lines[fx.add_red_line.actor].add(fx.add_red_line.red_line.id)

    for key, a in sc.actors.items():
        base = ("actors", key)
        if a.rule not in RULES:
            out.append(Finding((*base, "rule"), f"unknown rule '{a.rule}'{did_you_mean(a.rule, RULES)}", help=f"allowed: {one_of(sorted(RULES))} (`escalation list rules` describes them)"))
        else:
            out += _check_params(RULES[a.rule], a.params, (*base, "params"), rungs, rung_note)
        rung((*base, "posture"), a.posture)
        caps = a.capabilities
        rung((*base, "capabilities", "min_rung"), caps.min_rung)
        rung((*base, "capabilities", "max_rung"), caps.max_rung)
        for i, r in enumerate(caps.rungs or []):
            rung((*base, "capabilities", "rungs", i), r)
        if not out and a.posture in rungs:
            lo = rungs.index(caps.min_rung) if caps.min_rung in rungs else 0
            hi = rungs.index(caps.max_rung) if caps.max_rung in rungs else len(rungs) - 1
            reach = [r for r in rungs[lo : hi + 1] if not caps.rungs or r in caps.rungs]
            if a.posture not in reach:
                out.append(Finding((*base, "posture"), f"'{a.posture}' is outside {a.name}'s capabilities", help=f"allowed: {one_of(reach)}"))
        for rel, names in a.relations.model_dump().items():
            for i, other in enumerate(names):
                actor((*base, "relations", rel, i), other)
                if other == key:
                    out.append(Finding((*base, "relations", rel, i), f"{a.name} cannot be its own {ROLES[rel]}"))
        seen = set()
        for i, rl in enumerate(a.red_lines):
            _check_red_line(rl, (*base, "red_lines", i), rung, actor)
            if rl.id in seen:
                out.append(Finding((*base, "red_lines", i, "id"), f"red line id '{rl.id}' is used twice by {a.name}"))
            seen.add(rl.id)

    turns = sc.turns
    ids = set()
    happenings = [(("events", i), ev) for i, ev in enumerate(sc.events)] + [(("injects", i), ev) for i, ev in enumerate(sc.injects)]
    for base, ev in happenings:
        if ev.id in ids:
            out.append(Finding((*base, "id"), f"id '{ev.id}' is used twice among events and injects; each needs its own"))
        ids.add(ev.id)
        if ev.actor is not None:
            actor((*base, "actor"), ev.actor)
        if getattr(ev, "at", None) is not None:
            if ev.at.date is not None and not sc.start <= ev.at.date <= sc.end:
                out.append(Finding((*base, "at", "date"), f"{ev.at.date} is outside the scenario ({sc.start} to {sc.end})", help=f"allowed: a date from {sc.start} to {sc.end}"))
            if ev.at.turn is not None and ev.at.turn >= turns:
                out.append(Finding((*base, "at", "turn"), f"turn {ev.at.turn} is past the last turn ({turns - 1})", help=f"allowed: a turn from 0 to {turns - 1}"))
        if ev.window is not None:
            for end in ("start", "end"):
                value = getattr(ev.window, end)
                if hasattr(value, "year") and not sc.start <= value <= sc.end:
                    out.append(Finding((*base, "window", end), f"{value} is outside the scenario ({sc.start} to {sc.end})", help=f"allowed: a date from {sc.start} to {sc.end}, or a turn number"))
                elif isinstance(value, int) and value >= turns:
                    out.append(Finding((*base, "window", end), f"turn {value} is past the last turn ({turns - 1})", help=f"allowed: a turn from 0 to {turns - 1}, or a date"))
        for j, c in enumerate(getattr(ev, "when", None) or []):
            loc = (*base, "when", j)
            actor((*loc, "actor"), c.actor, allow=("system",))
            if c.actor == "system" and c.metric not in ("posture", "peak", "turn"):
                out.append(Finding((*loc, "metric"), "for actor 'system' the metric must be posture, peak or turn", help="allowed: posture, peak or turn"))
            if c.metric in ("posture", "peak") and isinstance(c.value, str):
                rung((*loc, "value"), c.value)
            elif isinstance(c.value, str):
                out.append(Finding((*loc, "value"), f"metric '{c.metric}' compares with a number, not '{c.value}'", help="allowed: a number"))
            if c.metric == "credibility":
                if c.red_line is None:
                    out.append(Finding(loc, "metric 'credibility' needs 'red_line': which red line of the actor"))
                else:
                    red_line((*loc, "red_line"), c.actor, c.red_line)
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
                _check_red_line(body.red_line, (*loc, "red_line"), rung, actor)
            elif fx.kind == "remove_red_line":
                red_line((*loc, "red_line"), body.actor, body.red_line)
    if unworded:
        out.insert(0, Finding((), f"{len(out) + len(unworded)} problems in this file; the first {len(out)} follow"))
    return out


def _check_red_line(rl, loc, rung, actor) -> None:
    """Check a red line's names through the ``rung`` and ``actor`` callbacks."""
    for i, w in enumerate(rl.watch):
        actor((*loc, "watch", i), w)
    rung((*loc, "at"), rl.at)
    rung((*loc, "response"), rl.response)


def _check_params(rule, params: dict, loc, rungs, rung_note: str) -> list[Finding]:
    """Validate a rule's parameters with its own model; rung-valued ones against the ladder."""
    try:
        parsed = rule.Params(**params)
    except ValidationError as exc:
        out = []
        allowed = list(rule.Params.model_fields)
        for f in messages.findings(rule.Params, params, exc, prefix=loc):
            name = f.loc[len(loc)] if len(f.loc) > len(loc) else ""
            if f.at_key and name not in allowed:
                takes = f"allowed: {one_of(allowed)}" if allowed else f"'{rule.name}' takes no parameters"
                f = Finding(f.loc, f"unknown parameter '{name}' for rule '{rule.name}'{did_you_mean(name, allowed)}", True, takes)
            out.append(f)
        return out
    out = []
    for name, field in rule.Params.model_fields.items():
        value = getattr(parsed, name)
        if isinstance(value, str) and str in typing.get_args(field.annotation) and value not in rungs:
            out.append(Finding((*loc, name), f"unknown rung '{value}'{did_you_mean(value, rungs)}", help=rung_note))
    return out
