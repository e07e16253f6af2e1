"""Cross-reference checks: every actor, rung, rule, red line and threshold named exists.

Each problem is a :class:`~escalation.scenario.problems.Finding` whose ``loc`` is a
path into the scenario document, so the loader can point at the offending line and
column, with a note listing the names that are defined. One function checks one kind
of reference; :func:`check_references` runs them all.
"""

from __future__ import annotations

import typing

from pydantic import ValidationError

from escalation.errors import did_you_mean, one_of
from escalation.scenario import messages
from escalation.scenario.messages import ALIASES
from escalation.scenario.problems import Finding
from escalation.scenario.rulebook import RULEBOOK, RuleSpec
from escalation.scenario.schema import REQUIRED_THRESHOLDS, Actor, Scenario

ROLES = {"adversaries": "adversary", "allies": "ally", "patrons": "patron", "restrainers": "restrainer", "veto_players": "veto player"}


class Names:
    """What a scenario defines, and the findings about names it uses but does not define.

    Past :data:`messages.LIMIT` problems, unknown names are counted, not worded.
    """

    def __init__(self, sc: Scenario):
        ladder = sc.resolved_ladder
        self.rungs = [r.id for r in ladder.rungs]
        self.actors = list(sc.actors)
        self.thresholds = [t.id for t in ladder.thresholds]
        self.rung_note = f"allowed: a rung of the ladder '{ladder.id}': {one_of(self.rungs)}"
        self.actor_note = f"allowed: an actor of this scenario: {one_of(self.actors)}"
        # red lines that exist at some point, per actor (declared or added by events)
        self.red_lines = {k: {r.id for r in a.red_lines} for k, a in sc.actors.items()}
        for ev in [*sc.events, *sc.injects]:
            for fx in ev.effects:
                if fx.add_red_line and fx.add_red_line.actor in self.red_lines:
                    self.red_lines[fx.add_red_line.actor].add(fx.add_red_line.red_line.id)
        self.found: list[Finding] = []
        self.unworded = 0

    def add(self, finding: Finding) -> None:
        self.found.append(finding)

    def _full(self) -> bool:
        if len(self.found) < messages.LIMIT:
            return False
        self.unworded += 1
        return True

    def rung(self, loc, value) -> None:
        if value is not None and value not in self.rungs and not self._full():
            self.add(Finding(loc, f"unknown rung '{value}'{did_you_mean(value, self.rungs)}", help=self.rung_note))

    def actor(self, loc, value, allow=()) -> None:
        if value not in self.actors and value not in allow and not self._full():
            note = self.actor_note + (f", or {one_of(allow)}" if allow else "")
            self.add(Finding(loc, f"unknown actor '{value}'{did_you_mean(value, self.actors + list(allow), ALIASES)}", help=note))

    def red_line(self, loc, holder, value) -> None:
        if holder in self.red_lines and value not in self.red_lines[holder] and not self._full():
            known = sorted(self.red_lines[holder])
            note = f"allowed: {holder}'s red lines: {one_of(known)}" if known else f"{holder} declares no red lines"
            self.add(Finding(loc, f"{holder} has no red line '{value}'{did_you_mean(value, known)}", help=note))

    def findings(self) -> list[Finding]:
        if self.unworded:
            return [Finding((), f"{len(self.found) + self.unworded} problems in this file; the first {len(self.found)} follow"), *self.found]
        return list(self.found)


def check_references(sc: Scenario) -> list[Finding]:
    """Every name the scenario uses, checked against what it defines."""
    names = Names(sc)
    check_ladder(sc, names)
    for key, actor in sc.actors.items():
        check_actor(key, actor, names)
        check_stocks(key, actor, sc, names)
    check_happenings(sc, names)
    check_branch(sc, names)
    check_war(sc, names)
    return names.findings()


def check_stocks(key: str, a: Actor, sc: Scenario, names: Names) -> None:
    """A stock is of a one-off action the actor can reach."""
    kinds = {r.id: r.kind for r in sc.resolved_ladder.rungs}
    for rung in a.stocks:
        loc = ("actors", key, "stocks", rung)
        names.rung(loc, rung)
        if kinds.get(rung, "action") != "action":
            names.add(Finding(loc, f"'{rung}' is a standing posture, not a one-off action: only actions are used up", help="stocks count one-off actions"))

def check_war(sc: Scenario, names: Names) -> None:
    """The war's sides and the actors given a strength are actors of the scenario."""
    if sc.war is None:
        return
    for i, side in enumerate(sc.war.sides):
        names.actor(("war", "sides", i), side)
    for key in sc.war.strength:
        names.actor(("war", "strength", key), key)


def check_ladder(sc: Scenario, names: Names) -> None:
    """Thresholds on rungs of the ladder, the thresholds outcomes need, the restraint threshold."""
    for i, t in enumerate(sc.resolved_ladder.thresholds):
        names.rung(("ladder", "thresholds", i, "at"), t.at)
    for need in REQUIRED_THRESHOLDS:
        if need not in names.thresholds:
            names.add(Finding(("ladder",), f"the ladder must define the threshold '{need}' (outcomes are classified by it)"))
    value = sc.settings.restraint_threshold
    if value not in names.thresholds:
        names.add(
            Finding(
                ("settings", "restraint_threshold"),
                f"unknown threshold '{value}'{did_you_mean(value, names.thresholds)}",
                help=f"allowed: {one_of(names.thresholds)}",
            )
        )


def check_actor(key: str, a: Actor, names: Names) -> None:
    base = ("actors", key)
    check_rule(base, a, names)
    check_capabilities(base, a, names)
    check_relations(base, key, a, names)
    seen: dict[str, tuple] = {}
    for i, rl in enumerate(a.red_lines):
        check_red_line(rl, (*base, "red_lines", i), names)
        if rl.id in seen:
            names.add(Finding((*base, "red_lines", i, "id"), f"red line id '{rl.id}' is used twice by {a.name}", first=seen[rl.id]))
        seen.setdefault(rl.id, (*base, "red_lines", i, "id"))
    aims: dict[str, tuple] = {}
    for i, aim in enumerate(a.objectives):
        check_conditions((*base, "objectives", i), aim.when, names)
        if aim.id in aims:
            names.add(Finding((*base, "objectives", i, "id"), f"objective id '{aim.id}' is used twice by {a.name}", first=aims[aim.id]))
        aims.setdefault(aim.id, (*base, "objectives", i, "id"))


def check_rule(base: tuple, a: Actor, names: Names) -> None:
    if a.rule not in RULEBOOK:
        names.add(
            Finding(
                (*base, "rule"),
                f"unknown rule '{a.rule}'{did_you_mean(a.rule, RULEBOOK)}",
                help=f"allowed: {one_of(sorted(RULEBOOK))} (`escalation list rules` describes them)",
            )
        )
    else:
        for f in check_params(RULEBOOK[a.rule], a.params, (*base, "params"), names):
            names.add(f)


def check_capabilities(base: tuple, a: Actor, names: Names) -> None:
    """Rungs named in the capabilities exist, and the starting posture lies within them."""
    names.rung((*base, "posture"), a.posture)
    caps, rungs = a.capabilities, names.rungs
    names.rung((*base, "capabilities", "min_rung"), caps.min_rung)
    names.rung((*base, "capabilities", "max_rung"), caps.max_rung)
    for i, r in enumerate(caps.rungs or []):
        names.rung((*base, "capabilities", "rungs", i), r)
    if not names.found and a.posture in rungs:  # judged only once every name is sound
        lo = rungs.index(caps.min_rung) if caps.min_rung in rungs else 0
        hi = rungs.index(caps.max_rung) if caps.max_rung in rungs else len(rungs) - 1
        reach = [r for r in rungs[lo : hi + 1] if not caps.rungs or r in caps.rungs]
        if a.posture not in reach:
            names.add(Finding((*base, "posture"), f"'{a.posture}' is outside {a.name}'s capabilities", help=f"allowed: {one_of(reach)}"))


def check_relations(base: tuple, key: str, a: Actor, names: Names) -> None:
    for rel, others in a.relations.model_dump().items():
        for i, other in enumerate(others):
            names.actor((*base, "relations", rel, i), other)
            if other == key:
                names.add(Finding((*base, "relations", rel, i), f"{a.name} cannot be its own {ROLES[rel]}"))


def check_red_line(rl, loc: tuple, names: Names) -> None:
    for i, w in enumerate(rl.watch):
        names.actor((*loc, "watch", i), w)
    names.rung((*loc, "at"), rl.at)
    names.rung((*loc, "response"), rl.response)


def check_happenings(sc: Scenario, names: Names) -> None:
    """Events and injects: unique ids, their actor, timing, conditions and effects."""
    ids: dict[str, tuple] = {}
    happenings = [(("events", i), ev) for i, ev in enumerate(sc.events)] + [(("injects", i), ev) for i, ev in enumerate(sc.injects)]
    for base, ev in happenings:
        if ev.id in ids:
            names.add(Finding((*base, "id"), f"id '{ev.id}' is used twice among events and injects; each needs its own", first=ids[ev.id]))
        ids.setdefault(ev.id, (*base, "id"))
        if ev.actor is not None:
            names.actor((*base, "actor"), ev.actor)
        check_timing(sc, base, ev, names)
        check_conditions(base, getattr(ev, "when", None) or [], names)
        check_effects(base, ev.effects, names)


def check_branch(sc: Scenario, names: Names) -> None:
    if sc.branch is not None and not sc.start <= sc.branch <= sc.end:
        names.add(Finding(("branch",), f"{sc.branch} is outside the scenario ({sc.start} to {sc.end})", help=f"allowed: a date from {sc.start} to {sc.end}"))


def check_timing(sc: Scenario, base: tuple, ev, names: Names) -> None:
    """A date or turn inside the scenario, for ``at`` and for a window's bounds."""
    turns, span = sc.turns, f"{sc.start} to {sc.end}"
    at = getattr(ev, "at", None)
    if at is not None:
        if at.date is not None and not sc.start <= at.date <= sc.end:
            names.add(Finding((*base, "at", "date"), f"{at.date} is outside the scenario ({span})", help=f"allowed: a date from {span}"))
        if at.turn is not None and at.turn >= turns:
            names.add(Finding((*base, "at", "turn"), f"turn {at.turn} is past the last turn ({turns - 1})", help=f"allowed: a turn from 0 to {turns - 1}"))
    window = getattr(ev, "window", None)
    if window is not None:
        for end in ("start", "end"):
            value = getattr(window, end)
            if hasattr(value, "year") and not sc.start <= value <= sc.end:
                names.add(Finding((*base, "window", end), f"{value} is outside the scenario ({span})", help=f"allowed: a date from {span}, or a turn number"))
            elif isinstance(value, int) and value >= turns:
                names.add(
                    Finding(
                        (*base, "window", end), f"turn {value} is past the last turn ({turns - 1})", help=f"allowed: a turn from 0 to {turns - 1}, or a date"
                    )
                )


def check_conditions(base: tuple, conditions, names: Names) -> None:
    for j, c in enumerate(conditions):
        loc = (*base, "when", j)
        names.actor((*loc, "actor"), c.actor, allow=("system",))
        if c.actor == "system" and c.metric not in ("posture", "peak", "turn"):
            names.add(Finding((*loc, "metric"), "for actor 'system' the metric must be posture, peak or turn", help="allowed: posture, peak or turn"))
        if c.metric in ("posture", "peak") and isinstance(c.value, str):
            names.rung((*loc, "value"), c.value)
        elif isinstance(c.value, str):
            names.add(Finding((*loc, "value"), f"metric '{c.metric}' compares with a number, not '{c.value}'", help="allowed: a number"))
        if c.metric == "credibility":
            if c.red_line is None:
                names.add(Finding(loc, "metric 'credibility' needs 'red_line': which red line of the actor"))
            else:
                names.red_line((*loc, "red_line"), c.actor, c.red_line)


def check_effects(base: tuple, effects, names: Names) -> None:
    for j, fx in enumerate(effects):
        loc = (*base, "effects", j, fx.kind)
        body = getattr(fx, fx.kind)
        if isinstance(body, str):  # add_actor, remove_actor
            names.actor(loc, body)
            continue
        names.actor((*loc, "actor"), body.actor)
        if fx.kind == "set_posture":
            names.rung((*loc, "rung"), body.rung)
        elif fx.kind == "set_capability":
            names.rung((*loc, "min_rung"), body.min_rung)
            names.rung((*loc, "max_rung"), body.max_rung)
        elif fx.kind == "add_red_line":
            check_red_line(body.red_line, (*loc, "red_line"), names)
        elif fx.kind == "remove_red_line":
            names.red_line((*loc, "red_line"), body.actor, body.red_line)


def check_params(rule: RuleSpec, params: dict, loc: tuple, names: Names) -> list[Finding]:
    """Validate a rule's parameters with its own model; rung-valued ones against the ladder."""
    try:
        parsed = rule.params(**params)
    except ValidationError as exc:
        out = []
        allowed = list(rule.params.model_fields)
        for f in messages.findings(rule.params, params, exc, prefix=loc):
            name = f.loc[len(loc)] if len(f.loc) > len(loc) else ""
            if f.at_key and name not in allowed:
                takes = f"allowed: {one_of(allowed)}" if allowed else f"'{rule.name}' takes no parameters"
                f = Finding(f.loc, f"unknown parameter '{name}' for rule '{rule.name}'{did_you_mean(name, allowed)}", True, takes)
            out.append(f)
        return out
    out = []
    for name, field in rule.params.model_fields.items():
        value = getattr(parsed, name)
        if isinstance(value, str) and str in typing.get_args(field.annotation) and value not in names.rungs:
            out.append(Finding((*loc, name), f"unknown rung '{value}'{did_you_mean(value, names.rungs)}", help=names.rung_note))
    return out
