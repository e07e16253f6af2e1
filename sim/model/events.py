"""Scenario events, compiled to masks over worlds: scripted, conditional, stochastic.

Conditions are structured (actor, metric, comparison, value) and evaluated with
numpy comparisons; no text from a scenario is ever evaluated as code.
"""

from __future__ import annotations

import operator
from typing import Protocol

import numpy as np

from escalation.model.actor import ActorAgent
from escalation.model.ladder import CompiledLadder
from escalation.model.redlines import RedLineState
from escalation.model.streams import Streams
from escalation.scenario.schema import Event, Scenario


class World(Protocol):
    """What events read and change: the crisis model, as far as they see it."""

    scenario: Scenario
    worlds: int
    turn: int
    ladder: CompiledLadder
    actors: dict[str, ActorAgent]
    system_peak: np.ndarray
    streams: Streams

    def red_line(self, actor: str, red_line_id: str) -> RedLineState: ...

    def system_now(self) -> np.ndarray: ...

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne}


class CompiledEvent:
    """An event bound to a model: when it may fire, and which worlds it has fired in."""

    def __init__(self, spec: Event, model: World):
        self.spec, self.id = spec, spec.id
        sc = model.scenario
        self.turn = sc.turn_at(spec.at.turn if spec.at.turn is not None else spec.at.date, 0) if spec.at is not None else None
        w = spec.window
        self.first = sc.turn_at(w.start, 0) if w else 0
        self.last = sc.turn_at(w.end, sc.turns - 1) if w else sc.turns - 1
        self.fired = np.zeros(model.worlds, dtype=bool)

    def due(self, model: World, turn: int) -> np.ndarray | None:
        """Mask of worlds where the event fires this turn (None: nowhere, cheaply)."""
        spec = self.spec
        if self.turn is not None:
            return np.ones(model.worlds, dtype=bool) if turn == self.turn else None
        if not self.first <= turn <= self.last:
            return None
        mask = np.ones(model.worlds, dtype=bool)
        for cond in spec.when or ():
            mask &= condition_mask(model, cond)
        if spec.chance is not None:  # keyed by the event: drawn or not, no other draw moves (common random numbers)
            mask &= model.streams.uniform(turn, "event", self.id) < spec.chance
        if spec.once:
            mask &= ~self.fired
        return mask if mask.any() else None


def condition_mask(model: World, cond) -> np.ndarray:
    """Evaluate one structured condition in every world."""
    value = cond.value
    if isinstance(value, str):
        value = model.ladder.level[value]
    if cond.metric == "turn":
        current = np.full(model.worlds, model.turn)
    elif cond.actor == "system":
        # read after this turn's moves, like an actor's posture
        now = model.system_now()
        current = now if cond.metric == "posture" else np.maximum(model.system_peak, now)
    else:
        agent = model.actors[cond.actor]
        if cond.metric == "posture":
            current = np.where(agent.active, agent.posture, -1)  # an actor not taking part stands on no rung
        elif cond.metric == "peak":
            current = agent.peak
        elif cond.metric == "active":
            current = agent.active.astype(float)
        elif cond.metric == "credibility":
            rl = model.red_line(cond.actor, cond.red_line)
            current = np.where(rl.active, rl.credibility, 0.0)
        else:
            current = agent.traits[cond.metric]
    return OPS[cond.op](current, value)


def apply_effects(model: World, effects, mask: np.ndarray, enact: bool = False) -> None:
    """Carry out an event's or inject's effects in the masked worlds.

    ``enact``: the event is history (before the branch), so a posture it sets holds for
    every actor; otherwise only for scripted actors, or where the effect is binding.
    """
    for fx in effects:
        kind = fx.kind
        body = getattr(fx, kind)
        if kind == "add_actor":
            model.actors[body].active |= mask
            continue
        if kind == "remove_actor":
            model.actors[body].active &= ~mask
            continue
        agent = model.actors[body.actor]
        if kind == "set_posture":
            if enact or body.binding or agent.rule.name == "scripted":
                agent.move(np.full(model.worlds, model.ladder.level[body.rung]), mask)
        elif kind == "set_trait":
            agent.set_trait(body.trait, mask, value=body.value, by=body.by)
        elif kind == "set_capability":
            lv = model.ladder.level
            agent.set_bounds(mask, lv.get(body.min_rung), lv.get(body.max_rung))
        elif kind == "add_red_line":
            model.red_line(body.actor, body.red_line.id).declare(mask)
        elif kind == "remove_red_line":
            model.red_line(body.actor, body.red_line).withdraw(mask)


def effect_text(fx, ladder: CompiledLadder, label) -> str:
    """What one effect changes, in words (``label`` maps an actor id to its name): for the inject deck."""
    kind, body = fx.kind, getattr(fx, fx.kind)
    if kind == "add_actor":
        return f"{label(body)} joins the crisis"
    if kind == "remove_actor":
        return f"{label(body)} leaves the crisis"
    who = label(body.actor)
    if kind == "set_posture":
        how = "" if body.binding else " (if the model plays it: a seat that decides for itself may not follow)"
        return f"{who} moves to '{ladder.names[ladder.level[body.rung]]}'{how}"
    if kind == "set_trait":
        return f"{who}'s {body.trait.replace('_', ' ')} " + (f"becomes {body.value:g}" if body.value is not None else f"changes by {body.by:+g}")
    if kind == "set_capability":
        name = {r: ladder.names[ladder.level[r]] for r in (body.min_rung, body.max_rung) if r}
        parts = [f"down to '{name[body.min_rung]}'" if body.min_rung else "", f"up to '{name[body.max_rung]}'" if body.max_rung else ""]
        return f"{who} may reach " + " and ".join(p for p in parts if p)
    if kind == "add_red_line":
        rl = body.red_line
        at, response = ladder.names[ladder.level[rl.at]], ladder.names[ladder.level[rl.response]]
        return f"{who} declares the red line '{rl.id}': crossed at '{at}', answered by '{response}'"
    return f"{who} withdraws the red line '{body.red_line}'"


def effect_state(model: World, fx) -> tuple[str, str]:
    """(what, its value in world 0) for the part of the world one effect touches: compared before and after a card is played."""
    kind, body = fx.kind, getattr(fx, fx.kind)
    if kind in ("add_actor", "remove_actor"):
        agent = model.actors[body]
        return agent.label, "in the crisis" if agent.active[0] else "out of the crisis"
    agent = model.actors[body.actor]
    if kind == "set_posture":
        return f"{agent.label}'s posture", f"'{model.ladder.names[int(agent.posture[0])]}'"
    if kind == "set_trait":
        return f"{agent.label}'s {body.trait.replace('_', ' ')}", f"{agent.traits[body.trait][0]:.2f}"
    if kind == "set_capability":
        names = model.ladder.names
        return f"{agent.label}'s reach", f"'{names[int(agent.min_level[0])]}' to '{names[int(agent.max_level[0])]}'"
    rid = body.red_line.id if kind == "add_red_line" else body.red_line
    return f"{agent.label}'s red line '{rid}'", "declared" if model.red_line(body.actor, rid).active[0] else "not in force"


def changes_text(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> str:
    """What an inject changed in world 0, in words: each value before and after, or that it stayed."""
    said = []
    for (what, old), (_, new) in dict.fromkeys(zip(before, after)):
        said.append(f"{what} {old} -> {new}" if old != new else f"{what} stays {new}")
    return "; ".join(said)
