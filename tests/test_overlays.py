"""Overlays: a scenario that extends a base and writes only what changes.

The merge rules (mappings by key, lists of items with ids by id, anything else
replaced), removal, errors located in the file where the mistake is written,
the shipped what-ifs as overlays of nov-2024, and the commands that take them.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from escalation.cli import main as cli
from escalation.scenario.loading import load_scenario, load_scenario_text
from escalation.scenario.overrides import load_with_sets
from escalation.scenario.paths import shipped_scenarios
from escalation.scenario.problems import ScenarioError
from escalation.tabletop.session import Session

HERE = Path(__file__).resolve().parent
TINY = HERE / "malformed" / "valid" / "tiny.yaml"
SHIPPED = shipped_scenarios()
WHAT_IFS = sorted(n for n in SHIPPED if n != "nov-2024")
# What the shipped what-ifs changed against nov-2024 while they were full copies: a leaf's
# dotted path (list items by id) and its value, "<absent>" for a leaf the what-if lacked.
BEFORE = json.loads((HERE / "golden" / "whatif_changes.json").read_text(encoding="utf-8"))
ABSENT = "<absent>"


def flatten(node, path: str = "") -> dict:
    """Leaves of a scenario dump by dotted path; items of lists of mappings with ids under their id."""
    out: dict = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(flatten(v, f"{path}.{k}" if path else str(k)))
        if not node:
            out[path] = {}
    elif isinstance(node, list) and node and all(isinstance(i, dict) and "id" in i for i in node):
        for i in node:
            out.update(flatten(i, f"{path}[{i['id']}]"))
        out[f"{path}#order"] = [i["id"] for i in node]
    else:
        out[path] = node
    return out


def changes(scenario, base) -> dict:
    """Every leaf where ``scenario`` differs from ``base``, with its value in ``scenario``."""
    a, b = (flatten(s.model_dump(mode="json", exclude={"ladder"})) for s in (scenario, base))
    return {k: a.get(k, ABSENT) for k in sorted(set(a) | set(b)) if a.get(k, ABSENT) != b.get(k, ABSENT)}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------- the shipped what-ifs


# Deliberate changes made when the what-ifs became overlays, each with its reason:
# - four what-ifs had lost the baseline's inject deck, added after they were copied: it is back
#   (no-atacms without the card withdrawing an ATACMS permission it never gave);
# - a what-if's new events come after the baseline's (they had been put among them; the order of
#   events changes no world: the golden runs are unchanged).
DECK_RESTORED = {"no-atacms", "oreshnik-nuclear-signalling", "us-withdraws", "weak-china-restraint"}
EVENTS_APPENDED = {"no-atacms", "oreshnik-nuclear-signalling", "us-withdraws"}


@pytest.mark.parametrize("name", WHAT_IFS)
def test_each_what_if_is_an_overlay_of_the_baseline(name):
    text = SHIPPED[name].read_text(encoding="utf-8")
    assert re.search(r"^extends: nov-2024$", text, re.M)
    body = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    baseline = SHIPPED["nov-2024"].read_text(encoding="utf-8").splitlines()
    assert len(body) < len(baseline) / 6, f"{name}: {len(body)} lines of its own"


@pytest.mark.parametrize("name", WHAT_IFS)
def test_an_overlay_restates_nothing_its_base_already_says(name):
    """Every value an overlay writes changes its base: no line is there for nothing."""
    from escalation.scenario.loading import load_document
    from escalation.scenario.yamlio import load_yaml_text

    own = load_yaml_text(SHIPPED[name].read_text(encoding="utf-8"), name)
    base = flatten(load_document(SHIPPED["nov-2024"].read_text(encoding="utf-8"), "nov-2024"))
    written = flatten({k: v for k, v in own.items() if k not in ("extends", "remove")})
    restated = [k for k, v in written.items() if not k.endswith(("#order", "].id")) and k in base and base[k] == v]
    assert restated == []


@pytest.mark.parametrize("name", WHAT_IFS)
def test_merged_what_if_equals_its_former_full_copy_but_for_the_listed_changes(name):
    now = changes(load_scenario(name), load_scenario("nov-2024"))
    before = BEFORE[name]
    differ = {k for k in set(now) | set(before) if now.get(k, "<same>") != before.get(k, "<same>")}
    if name in DECK_RESTORED:
        assert {k for k in differ if k.startswith("injects")} and all(now.get(k, "<same>") == "<same>" or k == "injects#order" for k in differ
                                                                       if k.startswith("injects"))
        differ = {k for k in differ if not k.startswith("injects")}
        kept = load_scenario(name).injects
        baseline = load_scenario("nov-2024").injects
        assert kept == [i for i in baseline if not (name == "no-atacms" and i.id == "atacms_permission_withdrawn")]
    if name in EVENTS_APPENDED:
        assert sorted(now["events#order"]) == sorted(before["events#order"])
        differ -= {"events#order"}
    assert differ == set()


def test_the_what_ifs_follow_the_baseline_where_they_do_not_change_it(tmp_path):
    """An overlay is not a copy: a change to its base reaches it."""
    base = write(tmp_path, "base.yaml", TINY.read_text(encoding="utf-8"))
    overlay = write(tmp_path, "mine.yaml", "extends: base.yaml\nname: mine\nactors:\n  ukraine:\n    resolve: 0.9  # firmer\n")
    assert load_scenario(overlay).actors["russia"].resolve == 0.8
    time.sleep(0.01)
    base.write_text(base.read_text(encoding="utf-8").replace("resolve: 0.8", "resolve: 0.6"), encoding="utf-8")
    os.utime(base, ns=(time.time_ns(), time.time_ns() + 10**9))  # a new modification time, whatever the clock's grain
    assert load_scenario(overlay).actors["russia"].resolve == 0.6
    assert load_scenario(overlay).actors["ukraine"].resolve == 0.9


# --------------------------------------------------------------------------- merge rules


def overlay(tmp_path, body: str):
    write(tmp_path, "base.yaml", TINY.read_text(encoding="utf-8"))
    return load_scenario(write(tmp_path, "mine.yaml", "extends: base.yaml\nname: mine\n" + body))


def test_mappings_merge_by_key_and_values_are_replaced(tmp_path):
    sc = overlay(tmp_path, "actors:\n  russia:\n    params: {margin: 2.0}\n    temperature: 0.9\nsettings:\n  noise: 0.5\n")
    base = load_scenario(TINY)
    assert sc.actors["russia"].params == {"margin": 2.0} and sc.actors["russia"].temperature == 0.9
    assert sc.actors["russia"].resolve == base.actors["russia"].resolve and sc.actors["ukraine"] == base.actors["ukraine"]
    assert sc.settings.noise == 0.5 and sc.settings.accident_rate == base.settings.accident_rate
    assert sc.name == "mine" and sc.title == base.title


def test_items_with_ids_merge_by_id_and_new_ones_come_last(tmp_path):
    sc = overlay(
        tmp_path,
        "events:\n  - id: atacms_authorised\n    at: {date: 2024-11-20}\n"
        "  - id: talks\n    title: Talks\n    status: hypothetical\n    source: {title: what-if}\n    chance: 0.1\n"
        "actors:\n  russia:\n    red_lines:\n      - id: no_strikes_inside_russia\n        credibility: 0.9\n",
    )
    base = load_scenario(TINY)
    assert [e.id for e in sc.events] == ["atacms_authorised", "talks"]
    first = sc.events[0]
    assert str(first.at.date) == "2024-11-20" and first.title == base.events[0].title and first.effects == base.events[0].effects
    (line,) = sc.actors["russia"].red_lines
    assert line.credibility == 0.9 and line.response == base.actors["russia"].red_lines[0].response


def test_a_list_without_ids_is_replaced_whole(tmp_path):
    sc = overlay(tmp_path, "actors:\n  russia:\n    relations:\n      adversaries: [ukraine]\n      allies: []\n"
                 "events:\n  - id: atacms_authorised\n    effects: []\n")
    assert sc.events[0].effects == [] and sc.actors["russia"].relations.adversaries == ["ukraine"]


def test_remove_takes_sections_items_and_keys_away(tmp_path):
    sc = overlay(tmp_path, "remove:\n  events: [atacms_authorised]\n  actors.russia.red_lines: [no_strikes_inside_russia]\n  actors.russia: [params]\n")
    assert sc.events == [] and sc.actors["russia"].red_lines == [] and sc.actors["russia"].params == {}


def test_an_overlay_of_an_overlay_stacks(tmp_path):
    overlay(tmp_path, "actors:\n  russia:\n    resolve: 0.6\n")
    top = write(tmp_path, "top.yaml", "extends: mine.yaml\nname: top\nactors:\n  ukraine:\n    resolve: 0.9\n")
    sc = load_scenario(top)
    assert (sc.name, sc.actors["russia"].resolve, sc.actors["ukraine"].resolve) == ("top", 0.6, 0.9)


# --------------------------------------------------------------------------- errors, where they are written


def test_a_mistake_in_the_base_is_located_in_the_base(tmp_path):
    write(tmp_path, "base.yaml", TINY.read_text(encoding="utf-8").replace("rule: reciprocal", "rule: reciprocl"))
    mine = write(tmp_path, "mine.yaml", "extends: base.yaml\nname: mine\nactors:\n  russia:\n    resolve: 1.5\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(mine)
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'base.yaml'}:25:11: unknown rule 'reciprocl' (did you mean 'reciprocal'?)",
        f"{mine}:5:14: actors.russia.resolve: 1.5 is too high; the most allowed is 1",
    ]
    rendered = str(info.value)
    assert "   25 |     rule: reciprocl" in rendered and "   5 |     resolve: 1.5" in rendered  # each with its own file's line


def test_a_name_removed_but_still_used_by_the_base_says_so(tmp_path):
    write(tmp_path, "base.yaml", TINY.read_text(encoding="utf-8"))
    mine = write(tmp_path, "mine.yaml", "extends: base.yaml\nname: mine\nremove:\n  actors: [ukraine]\n")
    found = problems_of(mine)
    assert found[0] == f"{tmp_path / 'base.yaml'}:17:21: 'ukraine' is removed at {mine}:4:12 but still named here; remove this too, or keep it"
    assert all(str(tmp_path / "base.yaml") in p for p in found) and len(found) >= 3


REMOVING = "extends: nov-2024\nname: x\nremove:\n  "


@pytest.mark.parametrize(
    "body, message",
    [
        ("extends: nov-2024\ntitle: x\n", "1:1: an overlay needs its own 'name', so that results and reports cannot be taken for its base's"),
        ("extends: ../nowhere.yaml\nname: x\n", "1:10: extends: no such file '../nowhere.yaml'"),
        ("extends: [nov-2024]\nname: x\n", "1:10: extends: give a shipped scenario's name (such as nov-2024) or a path to a scenario file"),
        ("extends: nov-2024\nname: x\nremove:\n  events: tusk_warns\n", "4:11: remove.events: a list of the names to remove, e.g. [north_korean_troops]"),
        ("extends: nov-2024\nname: x\nremove:\n  actorz: [china]\n", "4:3: remove: the base has no section 'actorz' (no 'actorz' (did you mean 'actors'?))"),
        (f"{REMOVING}settings.nois: [x]\n", "4:3: remove: the base has no section 'settings.nois' (no 'nois' (did you mean 'noise'?))"),
        (f"{REMOVING}settings.noise: [x]\n", "4:3: remove: 'settings.noise' is a single value or a plain list; write the new value instead"),
        (f"{REMOVING}actors.russia.name: [x]\n", "4:3: remove: 'actors.russia.name' is a single value or a plain list; write the new value instead"),
        ("extends: nov-2024\nname: x\nevents:\n  - id: a\n  - id: a\n", "5:5: duplicate id 'a' (first given at line 4); each item of a list needs its own id"),
    ],
)
def test_overlay_mistakes_are_located_and_worded(tmp_path, body, message):
    path = write(tmp_path, "mine.yaml", body)
    assert problems_of(path)[0].startswith(f"{path}:{message}")


# --------------------------------------------------------------------------- commands


def test_show_prints_the_merged_scenario_which_loads_as_it(tmp_path, capsys):
    assert cli(["show", "weak-china-restraint"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# weak-china-restraint: weak-china-restraint merged with ") and "not a prediction" in out.splitlines()[1]
    assert "extends" not in out and "leverage: 0.15" in out
    assert load_scenario_text(out, "shown.yaml") == load_scenario("weak-china-restraint")


def test_new_writes_an_overlay_that_keeps_the_sets(tmp_path, capsys):
    out = tmp_path / "mine.yaml"
    sets = ["--set", "actors.china.leverage=0.2", "--set", "actors.russia.red_lines.nato_direct_involvement.credibility=0.9", "--set", "settings.noise=0.5"]
    assert cli(["new", "mine", "--from", "nov-2024", "--out", str(out), *sets]) == 0
    text = out.read_text(encoding="utf-8")
    assert "extends: nov-2024\nname: mine\n" in text and len(text.splitlines()) < 30
    assert load_scenario(out) == load_with_sets("nov-2024", [s for s in sets if s != "--set"])[0].model_copy(update={"name": "mine"})
    assert cli(["new", "copy", "--from", str(out), "--copy", "--out", str(tmp_path / "copy.yaml")]) == 0
    full = (tmp_path / "copy.yaml").read_text(encoding="utf-8")
    assert "extends:" not in full and load_scenario(tmp_path / "copy.yaml") == load_scenario(out).model_copy(update={"name": "copy"})
    assert cli(["new", "bad", "--from", "nov-2024", "--copy", "--set", "settings.noise=0.5", "--out", str(tmp_path / "bad.yaml")]) == 2
    assert "--set with --copy" in capsys.readouterr().err and not (tmp_path / "bad.yaml").exists()


def test_run_takes_set_and_an_overlay(tmp_path, capsys):
    assert cli(["run", "weak-china-restraint", "--quiet", "--seed", "3", "--set", "settings.noise=0.4", "--out", str(tmp_path / "r")]) == 0
    assert "Outcome: " in capsys.readouterr().out
    assert cli(["run", "nov-2024", "--quiet", "--set", "actors.china.levrage=0.3", "--out", str(tmp_path / "r")]) == 2
    assert "unknown key 'levrage' in actors.china (did you mean 'leverage'?)" in capsys.readouterr().err


def test_a_game_begun_with_set_is_saved_and_replayed_with_it(tmp_path):
    scenario, _, sets = load_with_sets("weak-china-restraint", ["actors.china.leverage=0.3"])
    game = Session(scenario, ["ukraine"], 4, length=3, source="weak-china-restraint", sets=sets)
    game.choose("ukraine", game.legal_moves("ukraine")[0])
    game.advance()
    saved = game.save(tmp_path / "game.json")
    again = Session.load(saved)
    assert again.base.actors["china"].leverage == 0.3 and again.sets == {"actors.china.leverage": 0.3} and again.turn == game.turn
    assert json.loads(saved.read_text(encoding="utf-8"))["sets"] == {"actors.china.leverage": 0.3}


# --------------------------------------------------------------------------- sources


def test_the_sources_ship_with_the_package_and_list_the_events_citing_them(capsys):
    from escalation.scenario.sources import shipped_sources

    articles = shipped_sources()
    assert len(articles) == 5 and all(a.path.stat().st_size > 1000 and a.title for a in articles.values())
    assert cli(["list", "sources"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed and a.title in listed for name, a in articles.items())
    assert cli(["list", "sources", "001_2144309efa135f52.txt"]) == 0
    assert "oreshnik_dnipro (Oreshnik strike on Dnipro): " in capsys.readouterr().out


def test_a_documented_event_may_cite_a_source_kept_beside_its_scenario(tmp_path):
    text = TINY.read_text(encoding="utf-8").replace("seed: 003_8c7dbb1329846943.txt", "seed: my_article.txt")
    mine = write(tmp_path, "mine.yaml", text)
    assert problems_of(mine) == [f"{mine}:34:20: no source file 'my_article.txt'"]
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "my_article.txt").write_text("An article of my own.\n", encoding="utf-8")
    assert load_scenario(mine).events[0].source.seed == "my_article.txt"


def test_an_events_time_is_replaced_whole_so_a_turn_can_take_the_place_of_a_date(tmp_path):
    sc = overlay(tmp_path, "events:\n  - id: atacms_authorised\n    at: {turn: 3}\ninjects: []\n")
    assert sc.events[0].at.turn == 3 and sc.events[0].at.date is None and sc.injects == []
