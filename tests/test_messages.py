"""Messages a student can act on: where the mistake is, what it is called, what to write instead.

The malformed corpus pins each message's exact text (test_loader); here, the cases that
need a larger file or a scenario with more actors, the explanations behind each kind of
message, and the references written from the models.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from escalation.cli import main as cli
from escalation.scenario.explain import KINDS, kind_of, markdown
from escalation.scenario.loading import load_scenario, load_scenario_text
from escalation.scenario.problems import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
BASELINE = (ROOT / "scenarios" / "nov-2024.yaml").read_text(encoding="utf-8")
CORPUS = Path(__file__).resolve().parent / "malformed"


def first_problem(text: str, file: str = "my.yaml") -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, file)
    return str(info.value.problems[0])


def line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_a_missing_colon_is_reported_on_its_own_line_not_the_next():
    at = line_of(BASELINE, "    resolve: 0.8 ")
    text = BASELINE.replace("    resolve: 0.8 ", "    resolve 0.8 ", 1)
    assert first_problem(text) == f"my.yaml:{at}:5: YAML syntax error: a missing ':' after 'resolve' (write resolve: 0.8)"


def test_a_key_moved_to_the_left_is_reported_where_it_moved():
    at = line_of(BASELINE, "  china:")
    text = BASELINE.replace("\n  china:\n", "\nchina:\n", 1)
    assert first_problem(text) == (
        f"my.yaml:{at}:1: YAML syntax error: this line's indentation does not match the lines around it: "
        "'china' is indented 0 spaces, where the lines before and after are indented 2"
    )


def test_a_line_indented_wrongly_itself_is_still_reported_where_it_is():
    text = "name: x\nactors:\n  russia:\n    name: Russia\n   rule: x\n"
    assert first_problem(text) == "my.yaml:5:4: YAML syntax error: this line's indentation does not match the lines above it"


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("\u201cEscalation Peaks: A Pivotal Week\u201d", "typographic double quotes"),
        ("\u2018Escalation Peaks: A Pivotal Week\u2019", "typographic single quotes"),
    ],
)
def test_typographic_quotes_are_named_with_the_fix(typed, shown):
    at = line_of(BASELINE, "  - id: oreshnik_dnipro")
    lines = BASELINE.splitlines()
    source = next(i for i in range(at, len(lines)) if lines[i].lstrip().startswith("source:"))
    lines[source] = re.sub(r'title: "[^"]*"', f"title: {typed}", lines[source])
    problem = first_problem("\n".join(lines) + "\n")
    assert problem.startswith(f"my.yaml:{source + 1}:") and shown in problem and "pasted from a word processor" in problem


def test_a_typographic_dash_for_a_list_item_is_named():
    text = BASELINE.replace("      adversaries: [ukraine, united_states, europe]", "      adversaries:\n      \u2013 ukraine\n  bad: [", 1)
    assert "a typographic dash" in first_problem(text)


@pytest.mark.parametrize(
    "encoding, named, how",
    [("latin-1", "Latin-1 (ISO-8859-1)", "LATIN1"), ("cp1252", "Windows-1252 (cp1252)", "CP1252"), ("utf-16", "UTF-16", "UTF-16")],
)
def test_a_file_in_another_encoding_is_named_with_how_to_resave_it(tmp_path, encoding, named, how):
    path = tmp_path / "mine.yaml"
    path.write_bytes(BASELINE.replace("Orban", "Orb\u00e1n").replace("ceasefire", "cease\u2013fire" if encoding != "latin-1" else "ceasefire")
                     .encode(encoding, errors="strict"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert problem.message == f"this file is {named} text, not UTF-8; save it again as UTF-8"
    assert f"iconv -f {how} -t UTF-8" in problem.help


def overlay(body: str) -> str:
    return f"extends: nov-2024\nname: mine\n{body}"


@pytest.mark.parametrize(
    "written, expected",
    [
        ("usa", "unknown actor 'usa' (did you mean 'united_states'?)"),
        ("US", "actors.russia.relations.adversaries[0]: 'US' is not a valid name (did you mean 'united_states'?)"),
        ("uk", "unknown actor 'uk' (did you mean 'europe'? 'europe' stands for the European NATO members and the EU together)"),
        ("dprk", "unknown actor 'dprk' (did you mean 'north_korea'?)"),
        ("ukriane", "unknown actor 'ukriane' (did you mean 'ukraine'?)"),
        ("india", "unknown actor 'india'"),
    ],
)
def test_actor_ids_suggest_the_scenarios_own_ids_and_common_aliases_never_a_dissimilar_one(tmp_path, written, expected):
    path = tmp_path / "mine.yaml"
    path.write_text(overlay(f"actors:\n  russia:\n    relations:\n      adversaries: [{written}]\n"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert [p.message for p in info.value.problems] == [expected]


def test_a_short_alias_never_suggests_a_dissimilar_actor():
    tiny = (CORPUS / "valid" / "tiny.yaml").read_text(encoding="utf-8").replace("adversaries: [russia]", "adversaries: [usa]")
    assert first_problem(tiny).endswith("unknown actor 'usa'")  # not 'russia'


def test_a_rungs_display_name_is_mapped_to_its_id():
    text = BASELINE.replace("    posture: contained_war     # the war as it stood", "    posture: Contained war inside Ukraine  # the war as it stood", 1)
    assert first_problem(text).endswith("actors.russia.posture: 'Contained war inside Ukraine' is a rung's display name; write its id: contained_war")


def test_a_duplicate_red_line_says_where_the_first_is():
    text = BASELINE.replace("      - id: nato_direct_involvement", "      - id: western_missiles_inside_russia", 1)
    first = line_of(text, "      - id: western_missiles_inside_russia")
    assert first_problem(text).endswith(f"red line id 'western_missiles_inside_russia' is used twice by Russia (first given at line {first})")


# --------------------------------------------------------------------------- explanations


def test_every_message_of_the_corpus_has_an_explanation():
    rows = [r.split("\t") for r in (CORPUS / "expected.tsv").read_text(encoding="utf-8").splitlines() if r and not r.startswith("#")]
    assert [r[3] for r in rows if kind_of(r[3]) is None] == []
    assert len({kind_of(r[3]).code for r in rows}) >= 30


def test_codes_are_unique_and_each_explains_itself(capsys):
    codes = [k.code for k in KINDS]
    assert len(codes) == len(set(codes))
    for kind in KINDS:
        assert cli(["validate", "--explain", kind.code]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"{kind.code}: {kind.title}\n") and kind.text in out


def test_validate_names_the_explanations_after_the_problems(capsys):
    assert cli(["validate", str(CORPUS / "several-problems.yaml")]) == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == "  (what these mean: `escalation validate --explain CODE` for choice, range, unknown-rule, unknown-actor)"
    assert cli(["validate", "--explain", "unknown-actr"]) == 2
    assert "no such kind of problem (did you mean 'unknown-actor'?)" in capsys.readouterr().err


def test_the_messages_page_is_what_explain_all_writes(capsys):
    assert (ROOT / "docs" / "messages.md").read_text(encoding="utf-8") == markdown()
    assert cli(["validate", "--explain", "all"]) == 0
    assert capsys.readouterr().out == markdown()


# --------------------------------------------------------------------------- listings for students


def test_the_reference_is_what_schema_markdown_writes_and_the_guide_links_it(capsys):
    assert cli(["schema", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "scenario-guide.md").read_text(encoding="utf-8")
    assert "scenario-reference.md" in guide and "messages.md" in guide


def test_list_rules_name_gives_parameters_defaults_and_ranges(capsys):
    assert cli(["list", "rules", "brinkmanship"]) == 0
    out = capsys.readouterr().out
    assert "margin: Rungs above the adversary aimed at, at full resolve." in out and "a number from 0 to 5; default 1.0" in out
    assert "Schelling (1960)" in out
    assert cli(["list", "rules"]) == 0
    assert "params: margin" in capsys.readouterr().out
    assert cli(["list", "rules", "brinkmanshp"]) == 2
    assert "no rule named 'brinkmanshp' (did you mean 'brinkmanship'?)" in capsys.readouterr().err


def test_list_ladders_name_gives_every_rungs_id_category_and_crosswalk(capsys):
    from escalation.scenario.loading import load_ladder_file
    from escalation.scenario.paths import shipped_ladders

    assert cli(["list", "ladders", "default"]) == 0
    out = capsys.readouterr().out
    ladder = load_ladder_file(shipped_ladders()["default"])
    for rung in ladder.rungs:
        assert re.search(rf"^\s+{rung.level}\s+{rung.id}\s+{rung.kind}\s+{rung.category}\s+{re.escape(rung.name)}; Kahn {rung.kahn.rung} ", out, re.M)
    assert all(f"threshold {t.id} (" in out for t in ladder.thresholds)
