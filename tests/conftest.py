"""Shared fixtures: the baseline, small scenarios built inside a test, variants of a scenario."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import yaml

from escalation.scenario.loading import load_ladder_file, load_scenario, load_scenario_text
from escalation.scenario.paths import shipped_ladders

START = dt.date(2024, 11, 17)
# no fog, no accidents, no inertia: a rule's aim alone decides (tests switch them back on by name)
QUIET = {"noise": 0.0, "accident_rate": 0.0, "inertia": 0.0}


ACTIONS = ("strategic_conventional_strike", "demonstrative_nuclear_use")


def default_ladder(actions: bool = False) -> dict:
    """The default ladder written out; with ``actions``, its strike and demonstrative use are one-off actions."""
    ladder = load_ladder_file(shipped_ladders()["default"]).model_dump(mode="json")
    for rung in ladder["rungs"]:
        rung["kind"] = "action" if actions and rung["id"] in ACTIONS else "posture"
    return ladder


def make_scenario(actors: dict, events=(), turns: int = 12, actions: bool = False, war: dict | None = None, ladder: dict | None = None,
                  **settings):
    """A scenario on the default ladder (with one-off actions if ``actions``; or on ``ladder``), with a war if ``war``, checked
    by the real loader like any file."""
    doc = {
        "name": "test",
        "title": "A scenario built in a test",
        "question": "Does the model do what it says?",
        "kind": "what-if",
        "start": START,
        "end": START + dt.timedelta(days=turns - 1),
        "ladder": ladder if ladder is not None else default_ladder(actions),
        "settings": {**QUIET, **settings},
        "actors": actors,
        "events": list(events),
    }
    if war is not None:
        doc["war"] = war
    return load_scenario_text(yaml.safe_dump(doc, sort_keys=False), "<test>")


def make_actor(name: str, rule: str = "scripted", posture: str = "contained_war", **fields) -> dict:
    """An actor's entry: deliberate (temperature 0.05) and blind to threshold costs unless told."""
    return {"name": name, "rule": rule, "posture": posture, "temperature": 0.05, "cost_sensitivity": 0.0, **fields}


def make_event(eid: str, turn: int, *effects: dict, **fields) -> dict:
    """A scripted, hypothetical event at ``turn``."""
    return {
        "id": eid,
        "title": eid.replace("_", " "),
        "status": "hypothetical",
        "source": {"title": "written in a test"},
        "at": {"turn": turn},
        "effects": list(effects),
        **fields,
    }


def moved(actor: str, rung: str, turn: int, binding: bool = False) -> dict:
    """An event moving ``actor`` to ``rung`` at ``turn``."""
    return make_event(f"move_{actor}_{turn}", turn, {"set_posture": {"actor": actor, "rung": rung, "binding": binding}})


def vary(scenario, actor: str | None = None, settings: dict | None = None, **fields):
    """A copy of ``scenario`` with one actor's fields (params merged) or some settings changed."""
    update = {}
    if actor is not None:
        spec = scenario.actors[actor]
        if "params" in fields:
            fields["params"] = {**spec.params, **fields["params"]}
        update["actors"] = {**scenario.actors, actor: spec.model_copy(update=fields)}
    if settings:
        update["settings"] = scenario.settings.model_copy(update=settings)
    return scenario.model_copy(update=update)


@pytest.fixture(scope="session")
def baseline():
    return load_scenario("nov-2024")


@pytest.fixture(scope="session")
def kit():
    """Scenario building blocks: ``kit.build``, ``kit.actor``, ``kit.event``, ``kit.move``, ``kit.vary``."""
    return SimpleNamespace(build=make_scenario, actor=make_actor, event=make_event, move=moved, vary=vary)


@pytest.fixture(params=["numpy", "numba"])
def both_kernel_paths(request, monkeypatch):
    """Run the test on the pure-numpy reference, then with every compiled kernel forced on (even at W = 1, where
    only the decision, explained in words, keeps the reference): the model's facts must hold on both paths."""
    monkeypatch.setenv("ESCALATION_KERNELS", request.param)
    return request.param
