"""Changes that nothing reads: an event, inject or ``--set`` that changes a trait or setting to no effect.

A trait is read by the actor's rule (every deciding rule's aim reads resolve), by the
mechanisms every deciding rule goes through (risk tolerance, temperature and cost
sensitivity weigh each choice), by red lines (a holder's resolve decides whether it
answers), by restraint and vetoes (a restrainer's or veto player's leverage), by the war
(a side's leverage at the table and air defence against strikes, its cost sensitivity in
war weariness), and by any event condition on it. A setting is read where its
mechanism has something to act on. Everything else is a change that does nothing, which a
student deserves to be told: ``escalation validate`` prints these as warnings (exit 0).
"""

from __future__ import annotations

from escalation.scenario.problems import Finding
from escalation.scenario.rulebook import RULEBOOK
from escalation.scenario.schema import Scenario

DECIDING = ("risk_tolerance", "temperature", "cost_sensitivity")  # weighed in every deciding rule's choice


def trait_readers(sc: Scenario, actor: str, trait: str) -> list[str]:
    """What reads ``actor``'s ``trait`` in this scenario, in words (empty: nothing does)."""
    a = sc.actors[actor]
    rule = RULEBOOK.get(a.rule)
    readers = []
    if rule is not None and rule.decides and trait == "resolve":
        readers.append(f"its rule '{a.rule}'")
    if rule is not None and rule.decides and trait in DECIDING:
        readers.append("every choice it makes")
    if trait == "resolve" and _holds_red_lines(sc, actor):
        readers.append("its red lines")
    if trait == "leverage" and any(actor in o.relations.restrainers + o.relations.veto_players for o in sc.actors.values()):
        readers.append("those it restrains or can veto")
    if sc.war is not None and actor in sc.war.sides and trait in ("leverage", "air_defence", "cost_sensitivity", "resolve"):
        readers.append("the war it fights")
    if any(c.actor == actor and c.metric == trait for ev in sc.events for c in ev.when or ()):
        readers.append("an event's condition")
    return readers


def unread_trait_changes(sc: Scenario) -> list[Finding]:
    """One finding for each event or inject effect that sets a trait nothing reads."""
    out = []
    for part, happenings in (("events", sc.events), ("injects", sc.injects)):
        for i, ev in enumerate(happenings):
            for j, fx in enumerate(ev.effects):
                body = fx.set_trait
                if body is None or body.actor not in sc.actors or trait_readers(sc, body.actor, body.trait):
                    continue
                what = "event" if part == "events" else "inject card"
                message = f"warning: this {what} changes {_whose(sc, body.actor)} {body.trait}, but {_nothing(sc, body.actor)}; the change has no effect"
                out.append(Finding((part, i, "effects", j, "set_trait", "trait"), message))
    return out


def unread_setting(sc: Scenario, path: tuple) -> str | None:
    """Why a changed value (a path such as ('actors', 'ukraine', 'resolve')) has no effect, or None if something reads it."""
    if len(path) == 3 and path[0] == "actors" and path[1] in sc.actors and path[2] in (*DECIDING, "resolve", "leverage", "air_defence"):
        actor, trait = path[1], path[2]
        return None if trait_readers(sc, actor, trait) else f"{_whose(sc, actor)} {trait} has no effect: {_nothing(sc, actor)}"
    if len(path) == 2 and path[0] == "settings":
        lines = any(_holds_red_lines(sc, key) for key in sc.actors)
        needs = {
            "restraint": any(a.relations.restrainers for a in sc.actors.values()),
            "veto": any(a.relations.veto_players for a in sc.actors.values()),
            **dict.fromkeys(("deterrence", "obligation", "credibility_gain", "credibility_erosion"), lines),
        }
        if path[1] in needs and not needs[path[1]]:
            return f"settings.{path[1]} has no effect here: the scenario has nothing it acts on"
    return None


def _nothing(sc: Scenario, actor: str) -> str:
    return f"nothing reads it (its rule '{sc.actors[actor].rule}' does not, nor does any mechanism of the model)"


def _whose(sc: Scenario, actor: str) -> str:
    name = sc.actors[actor].name
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _holds_red_lines(sc: Scenario, actor: str) -> bool:
    added = any(fx.add_red_line and fx.add_red_line.actor == actor for ev in [*sc.events, *sc.injects] for fx in ev.effects)
    return bool(sc.actors[actor].red_lines) or added

