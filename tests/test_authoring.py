"""Authoring scenarios: the shipped schema, the library, ``escalation new`` and ``escalation diff``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from escalation.cli import main as cli
from escalation.disclaimer import DISCLAIMER
from escalation.scenario.diffing import Change, diff_scenarios
from escalation.scenario.loading import load_scenario, load_scenario_text
from escalation.scenario.paths import shipped_scenarios
from escalation.scenario.scaffold import MODELINE

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "scenarios" / "schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
SHIPPED = shipped_scenarios()
TINY = Path(__file__).resolve().parent / "malformed" / "valid" / "tiny.yaml"
SOURCES = ROOT / "scenarios" / "sources"
WHAT_IFS = ["nk-expanded", "hungary-veto", "ceasefire-track", "accidental-strike", "air-defence"]


def properties(schema):
    """(where, name, subschema) for every field of every model in the schema."""
    for model, body in [("Scenario", schema), *schema["$defs"].items()]:
        if model.endswith(".required"):
            continue  # which keys a complete scenario must have: no fields of its own
        for name, prop in body.get("properties", {}).items():
            yield f"{model}.{name}", prop


def as_editor_sees(text: str):
    """The document as a YAML 1.2 editor reads it: dates are strings."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


# --------------------------------------------------------------------------- schema


def test_shipped_schema_is_what_escalation_schema_writes(capsys):
    assert cli(["schema"]) == 0
    assert capsys.readouterr().out == SCHEMA_FILE.read_text(encoding="utf-8")


def test_every_field_has_a_description_and_an_example_that_fits_it():
    fields = list(properties(SCHEMA))
    assert len(fields) > 100
    for where, prop in fields:
        assert prop.get("description"), f"{where} has no description"
        assert prop.get("examples"), f"{where} has no example"
        for example in prop["examples"]:
            Draft202012Validator({**prop, "$defs": SCHEMA["$defs"]}).validate(example)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_scenario_validates_against_the_json_schema(name):
    Draft202012Validator(SCHEMA).validate(as_editor_sees(SHIPPED[name].read_text(encoding="utf-8")))


def test_the_schema_catches_what_the_loader_catches():
    doc = as_editor_sees(TINY.read_text(encoding="utf-8"))
    doc["actors"]["russia"]["resolve"] = 1.5
    doc["actors"]["russia"]["temprature"] = 0.4
    messages = sorted(e.message for e in Draft202012Validator(SCHEMA).iter_errors(doc))
    assert any("1.5 is greater than the maximum of 1" in m for m in messages)
    assert any("'temprature' was unexpected" in m for m in messages)


# --------------------------------------------------------------------------- the library


def test_the_library_holds_the_baseline_and_the_what_ifs():
    assert len(SHIPPED) >= 8
    assert {"nov-2024", *WHAT_IFS} <= set(SHIPPED)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_scenario_points_editors_at_the_shipped_schema(name):
    first = SHIPPED[name].read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE)
    assert (SHIPPED[name].parent / first[len(MODELINE) :]).resolve() == SCHEMA_FILE.resolve()


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_scenario_opens_with_its_question_sources_and_status(name):
    lines = SHIPPED[name].read_text(encoding="utf-8").splitlines()
    header = " ".join(line for line in lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))]).lower()
    scenario = load_scenario(SHIPPED[name])
    assert "question" in header and "seed" in header and "not a prediction" in header
    assert scenario.kind == "baseline" or "status" in header


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_documented_events_cite_a_seed_article(name):
    scenario = load_scenario(SHIPPED[name])
    documented = [e for e in [*scenario.events, *scenario.injects] if e.status == "documented"]
    for event in documented:
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", event.source.seed), event.id
        assert (SOURCES / event.source.seed).is_file(), event.source.seed


@pytest.mark.parametrize("name", WHAT_IFS)
def test_what_if_gives_a_reason_for_every_number(name):
    numbers = re.compile(r"^\s+(?:- )?[a-z_]+: -?[0-9.]+\s*(?:#.*)?$|\b(?:value|by|chance|credibility): -?[0-9.]+")
    bare = [line for line in SHIPPED[name].read_text(encoding="utf-8").splitlines() if numbers.search(line) and "#" not in line]
    assert bare == []


# --------------------------------------------------------------------------- new, validate, run


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_new_then_validate_then_run(name, tmp_path, capsys):
    """`new` writes an overlay of its source that loads as the source renamed, with a schema of its own beside it."""
    mine = tmp_path / f"my-{name}.yaml"
    assert cli(["new", f"my-{name}", "--from", name, "--out", str(mine)]) == 0
    text = mine.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"{MODELINE}my-{name}.schema.json" and f"extends: {name}\nname: my-{name}\n" in text
    schema = json.loads((tmp_path / f"my-{name}.schema.json").read_text(encoding="utf-8"))
    assert sorted(schema["$defs"]["Relations"]["properties"]["adversaries"]["items"]["enum"]) == sorted(load_scenario(name).actors)
    assert diff_scenarios(load_scenario(SHIPPED[name]), load_scenario(mine)) == [Change("scenario", f"name: {name} -> my-{name}")]
    assert cli(["validate", str(mine)]) == 0
    assert cli(["run", str(mine), "--quiet", "--seed", "1", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert f"{mine}: ok (my-{name}:" in out and "Outcome: " in out and DISCLAIMER in out
    assert (tmp_path / "run" / "ladder.png").stat().st_size > 0


@pytest.mark.parametrize("name", ["nov-2024", "no-atacms"])
def test_new_copy_keeps_every_comment_of_its_source(name, tmp_path):
    """A full copy of a scenario keeps its comments; of an overlay, its header's (the merged body's are in the two files)."""
    copy = tmp_path / f"my-{name}.yaml"
    assert cli(["new", f"my-{name}", "--from", name, "--copy", "--out", str(copy)]) == 0
    source, text = SHIPPED[name].read_text(encoding="utf-8"), copy.read_text(encoding="utf-8")
    if "extends:" in source:
        source = source[: source.index("extends:")]
    comments = [c for c in re.findall(r"#.*", source) if not c.startswith(MODELINE)]
    assert comments and [c for c in comments if c not in text] == [] and "extends:" not in text
    assert diff_scenarios(load_scenario(SHIPPED[name]), load_scenario(copy)) == [Change("scenario", f"name: {name} -> my-{name}")]


def test_new_refuses_to_overwrite_and_refuses_bad_names(tmp_path, capsys):
    taken = tmp_path / "taken.yaml"
    taken.write_text("mine\n")
    assert cli(["new", "taken", "--from", "nov-2024", "--out", str(taken)]) == 2
    assert taken.read_text() == "mine\n"
    (tmp_path / "other.schema.json").write_text("{}")
    assert cli(["new", "other", "--from", "nov-2024", "--out", str(tmp_path / "other.yaml")]) == 2
    assert cli(["new", "My Scenario", "--from", "nov-2024", "--out", str(tmp_path / "x.yaml")]) == 2
    assert cli(["new", "fine", "--from", "nov-2042", "--out", str(tmp_path / "y.yaml")]) == 2
    err = capsys.readouterr().err
    assert "taken.yaml already exists" in err and "other.schema.json already exists" in err and "'My Scenario' is not a valid scenario name" in err
    assert "no shipped scenario named 'nov-2042' (did you mean 'nov-2024'?)" in err
    assert not any((tmp_path / f).exists() for f in ("x.yaml", "y.yaml", "other.yaml", "x.schema.json"))
    assert (tmp_path / "other.schema.json").read_text() == "{}"


def test_new_copy_renames_and_keeps_the_source_header(tmp_path):
    copy = tmp_path / "mine.yaml"
    assert cli(["new", "mine", "--from", "nk-expanded", "--copy", "--out", str(copy)]) == 0
    lines = copy.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("# mine: your own scenario, copied from nk-expanded")
    assert any(line.startswith("# Question: what if North Korea's part in the war grows") for line in lines)
    assert [line for line in lines if line.startswith("name:")] == ["name: mine"]


def test_new_refuses_a_shipped_scenarios_name(tmp_path, capsys):
    target = tmp_path / "copy.yaml"
    assert cli(["new", "no-atacms", "--from", "nov-2024", "--out", str(target)]) == 2
    assert capsys.readouterr().err.startswith("escalation new: 'no-atacms' is a shipped scenario's name; choose another")
    assert not target.exists()


def test_new_from_a_file_of_ones_own_extends_it_by_a_relative_path(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    first, second = tmp_path / "first.yaml", tmp_path / "sub" / "second.yaml"
    assert cli(["new", "first", "--from", "nov-2024", "--out", str(first)]) == 0
    assert cli(["new", "second", "--from", str(first), "--out", str(second)]) == 0
    out = capsys.readouterr().out
    assert f"`escalation diff {first} {second}`" in out
    assert "extends: ../first.yaml\n" in second.read_text(encoding="utf-8")
    assert cli(["diff", str(first), str(second)]) == 0  # the command it suggests works
    assert capsys.readouterr().out.splitlines()[-1] == "  name: first -> second"


# --------------------------------------------------------------------------- diff


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_diff_of_a_scenario_with_itself_is_empty(name, capsys):
    assert diff_scenarios(load_scenario(name), load_scenario(SHIPPED[name])) == []
    assert cli(["diff", name, str(SHIPPED[name])]) == 0
    assert capsys.readouterr().out == f"No differences between {name} and {SHIPPED[name]}.\n"


def test_diff_of_two_shipped_scenarios_lists_exactly_the_known_differences(capsys):
    assert cli(["diff", "hungary-veto", "accidental-strike"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Changes from hungary-veto to accidental-strike:",
        "",
        "Scenario:",
        "  name: hungary-veto -> accidental-strike",
        "  title: A Hungarian veto stalls European support -> An accidental or misattributed strike",
        "  question: 'What if a Hungarian veto at the NATO-Ukraine talks stalls...' -> 'What if a stray missile lands in Poland and is first take...'",
        "",
        "Settings:",
        "  noise: 0.3 -> 0.5",
        "  accident_rate: 0.01 -> 0.05",
        "  veto: 1.0 -> 0.5",
        "",
        "Actors:",
        "  hungary.resolve: 0.7 -> 0.5",
        "  hungary.leverage: 0.8 -> 0.5",
        "",
        "Events:",
        "  added stray_missile_poland (hypothetical, when russia posture >= cross_border_strikes, chance 0.03 a turn, "
        "from 2024-11-21 to 2024-12-31): A missile strays into Poland and is blamed on Russia",
        "  added attribution_established (hypothetical, when europe risk_tolerance >= 0.55, chance 0.25 a turn): "
        "Investigators establish that the strike was an accident",
        "  removed hungarian_veto (at 2024-11-26): Hungary vetoes a joint support package",
        "  removed veto_workaround (chance 0.04 a turn, from 2024-12-10 to the end): European states bypass the veto with national packages",
        "",
        "Injects:",
        "  added orban_blocks_support (hypothetical, any time): Hungary blocks a joint EU and NATO support package",
        "  removed missile_strikes_poland (any time): A stray missile lands in Poland",
    ]


def student_change() -> str:
    """The corpus base after a student's edits of every kind the diff speaks of."""
    doc = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    ladder = yaml.safe_load((ROOT / "scenarios" / "ladders" / "default.yaml").read_text(encoding="utf-8"))
    ladder["id"], ladder["rungs"][1]["name"] = "classroom", "War inside Ukraine"
    doc["ladder"] = ladder
    doc["settings"] = {"noise": 0.5}
    russia, ukraine = doc["actors"]["russia"], doc["actors"]["ukraine"]
    russia["resolve"], russia["params"]["margin"] = 0.9, 1.5
    russia["relations"]["restrainers"] = ["china"]
    russia["red_lines"][0]["credibility"] = 0.5
    ukraine["rule"] = "graduated"
    doc["actors"]["china"] = {
        "name": "China",
        "rule": "restraint",
        "posture": "ceasefire_talks",
        "capabilities": {"rungs": ["ceasefire_talks", "political_signalling"]},
    }
    doc["events"][0]["at"]["date"] = "2024-11-19"
    doc["events"][0]["effects"][0]["set_capability"]["max_rung"] = "expanded_arms_support"
    doc["events"].append(
        {
            "id": "china_calls_for_calm",
            "title": "China calls for calm",
            "actor": "china",
            "status": "hypothetical",
            "source": {"title": "what-if"},
            "chance": 0.1,
            "effects": [{"set_trait": {"actor": "russia", "trait": "resolve", "by": -0.1}}],
        }
    )
    return yaml.safe_dump(doc, sort_keys=False)


def test_diff_reports_a_students_changes_in_domain_terms():
    base, changed = load_scenario(TINY), load_scenario_text(student_change(), "changed.yaml")
    assert [(c.section, c.text) for c in diff_scenarios(base, changed)] == [
        ("settings", "noise: 0.3 -> 0.5"),
        ("ladder", "ladder: default -> classroom"),
        ("ladder", "rungs.contained_war.name: Contained war inside Ukraine -> War inside Ukraine"),
        ("actors", "added china (China): rule restraint, posture ceasefire_talks"),
        ("actors", "russia.resolve: 0.8 -> 0.9"),
        ("actors", "russia.params.margin: 1.0 -> 1.5"),
        ("actors", "russia.restrainers: added china"),
        ("actors", "russia.red_lines.no_strikes_inside_russia.credibility: 0.7 -> 0.5"),
        ("actors", "ukraine.rule: reciprocal -> graduated"),
        ("events", "added china_calls_for_calm (hypothetical, chance 0.1 a turn): China calls for calm"),
        ("events", "moved atacms_authorised: at 2024-11-17 -> at 2024-11-19"),
        ("events", "atacms_authorised: effect set_capability ukraine max_rung cross_border_strikes: max_rung: cross_border_strikes -> expanded_arms_support"),
    ]
    back = [c.text for c in diff_scenarios(changed, base)]
    assert "removed china (China)" in back and "removed china_calls_for_calm (chance 0.1 a turn): China calls for calm" in back
    assert "russia.restrainers: removed china" in back and "ukraine.rule: graduated -> reciprocal" in back


def test_diff_reports_both_files_problems_at_once(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.read_text(encoding="utf-8").replace("kind: what-if", "kind: whatif"))
    assert cli(["diff", str(bad), "nov-2042"]) == 2
    firsts = [line for line in capsys.readouterr().err.splitlines() if not line.startswith(" ")]
    assert firsts == [
        f"{bad}:4:7: kind: 'whatif' is not allowed (did you mean 'what-if'?)",
        "nov-2042:1:1: no shipped scenario named 'nov-2042' (did you mean 'nov-2024'?); `escalation list` shows them",
    ]


def test_diff_of_a_long_text_shows_where_it_changed():
    base = load_scenario(SHIPPED["nov-2024"])
    event = base.events[0]
    late = event.text[:70] + " (edited)" + event.text[70:]
    changed = base.model_copy(update={"events": [event.model_copy(update={"text": late}), *base.events[1:]]})
    [change] = diff_scenarios(base, changed)
    before, after = change.text.split(" -> ")
    assert change.text.startswith(f"{event.id}.text: '...") and before != after
    assert "(edited)" in after and "(edited)" not in before
