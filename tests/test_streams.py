"""Keyed random streams: an edit that changes nothing changes no world; a run is the same alone or in any chunk."""

from __future__ import annotations

import numpy as np
import pytest

import escalation
from escalation.model.streams import Streams, normals
from escalation.scenario.schema import Actor

W = 3000


def outcomes_of(scenario, **kw):
    return escalation.Crisis(scenario, worlds=W, rng=21, **kw).run()


def test_a_world_draws_the_same_alone_as_inside_a_chunk():
    chunk = Streams(5, 1000).uniforms(7, "decide", "russia")
    alone = Streams(5, 1, first_run=613).uniforms(7, "decide", "russia")
    assert np.array_equal(chunk[:, 613], alone[:, 0])


def test_purposes_turns_and_seeds_give_independent_draws():
    base = Streams(5, 20000).uniform(3, "decide", "russia")
    others = [Streams(5, 20000).uniform(3, "decide", "ukraine"), Streams(5, 20000).uniform(4, "decide", "russia")]
    others.append(Streams(6, 20000).uniform(3, "decide", "russia"))
    for other in others:
        assert abs(np.corrcoef(base, other)[0, 1]) < 0.03 and not np.array_equal(base, other)
    assert 0.49 < base.mean() < 0.51 and base.min() >= 0 and base.max() < 1


def test_normals_are_standard_normal():
    u = Streams(1, 200_000).uniforms(0, "fog")
    z1, z2 = normals(u[0], u[1])
    for z in (z1, z2):
        assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    assert abs(np.corrcoef(z1, z2)[0, 1]) < 0.01


def test_listing_the_actors_in_another_order_changes_no_world():
    scenario = escalation.load_scenario("nov-2024")
    reordered = scenario.model_copy(update={"actors": dict(reversed(list(scenario.actors.items())))})
    a, b = outcomes_of(scenario).outcomes(), outcomes_of(reordered).outcomes()
    assert a.keys() == b.keys()
    for key in a:
        assert np.array_equal(a[key], b[key]), key


def test_an_actor_nobody_reacts_to_leaves_every_other_path_as_it_was():
    scenario = escalation.load_scenario("nov-2024")
    observer = Actor(name="Observer", rule="reciprocal", posture="contained_war", temperature=2.0)
    added = scenario.model_copy(update={"actors": {"observer": observer, **scenario.actors}})
    a, b = outcomes_of(scenario, trajectories=True), outcomes_of(added, trajectories=True)
    for key in scenario.actors:
        assert np.array_equal(a.path[:, a.keys.index(key)], b.path[:, b.keys.index(key)]), key
    assert (b.path[:, b.keys.index("observer")] >= 0).all()


def test_a_chance_changed_moves_only_the_worlds_where_that_draw_decides():
    scenario = escalation.load_scenario("ceasefire-track")
    which = next(i for i, e in enumerate(scenario.events) if e.id == "russia_joins_talks")  # fires once, and matters
    raised = scenario.events[which].model_copy(update={"chance": min(1.0, scenario.events[which].chance * 3)})
    changed = scenario.model_copy(update={"events": [raised if i == which else e for i, e in enumerate(scenario.events)]})
    a, b = (escalation.Crisis(sc, worlds=W, rng=21) for sc in (scenario, changed))
    decided = np.zeros(W, dtype=bool)  # worlds where the event's firing, turn by turn, differs
    while a.running:
        a.step()
        b.step()
        decided |= a.events[which].fired != b.events[which].fired
    differ = np.zeros(W, dtype=bool)
    for key, values in a.outcomes().items():
        differ |= values != b.outcomes()[key]
    assert decided.any() and differ.any()
    assert not (differ & ~decided).any()


@pytest.mark.parametrize("bad", [dict(first_run=-1), dict(worlds=0)])
def test_streams_refuse_impossible_runs(bad):
    with pytest.raises(ValueError):
        Streams(1, **{"worlds": 5, **bad})
