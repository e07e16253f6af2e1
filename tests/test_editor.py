"""The editor, for real: yaml-language-server driven over LSP on shipped and written scenarios.

The server is installed from npm into .lsp/ on first use; only where npm (or node) is
missing is this skipped, with the reason. A second validator (jsonschema) checks the whole
corpus of scripted mistakes against what `escalation validate` rejects.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from escalation.cli import main as cli
from escalation.scenario.loading import load_scenario
from escalation.scenario.paths import shipped_scenarios
from escalation.scenario.rulebook import RULEBOOK
from escalation.scenario.scaffold import SCHEMA_FILE
from tests.editor.lsp import Editor, server_command
from tests.editor.measure import caught_by_jsonschema, measure, read
from tests.editor.mistakes import MISTAKES

SHIPPED = shipped_scenarios()
OVERLAY = SHIPPED["weak-china-restraint"]
RUNGS = ["ceasefire_talks", "contained_war", "political_signalling", "expanded_arms_support", "cross_border_strikes", "third_party_combat",
         "strategic_conventional_strike", "nuclear_signalling", "direct_nato_russia_clash", "demonstrative_nuclear_use", "theatre_nuclear_war",
         "strategic_nuclear_exchange"]


@pytest.fixture(scope="module")
def editor():
    command = server_command()
    if isinstance(command, str):
        pytest.skip(command)
    running = Editor(command)
    yield running
    running.close()


def at_end(text: str) -> tuple[int, int]:
    """The (line, character) just past the end of ``text``'s last line (0-based)."""
    lines = text.split("\n")
    return len(lines) - 1, len(lines[-1])


def complete(editor, path: Path, text: str) -> list[str]:
    return editor.completions(path, text, *at_end(text))


def test_a_shipped_overlay_has_no_diagnostics_and_completes_rules_rungs_keys_and_params(editor):
    text = OVERLAY.read_text(encoding="utf-8")
    assert [d.message for d in editor.problems(OVERLAY, text)] == []
    assert sorted(complete(editor, OVERLAY, text + "  russia:\n    rule: ")) == sorted(RULEBOOK)
    assert complete(editor, OVERLAY, text + "  russia:\n    posture: ") == RUNGS
    keys = complete(editor, OVERLAY, text + "  russia:\n    ")
    assert {"rule", "params", "posture", "resolve", "risk_tolerance", "leverage", "relations", "red_lines"} <= set(keys)
    assert complete(editor, OVERLAY, text + "  russia:\n    rule: brinkmanship\n    params:\n      ") == ["margin"]
    assert set(complete(editor, OVERLAY, text + "  europe:\n    rule: alliance\n    params:\n      ")) == {"offset", "aid", "ceiling", "floor", "softening"}


def test_a_misspelt_rule_and_rung_are_underlined_where_they_are(editor):
    text = OVERLAY.read_text(encoding="utf-8") + "  russia:\n    rule: brinkmanshp\n    posture: contained_wr\n"
    lines = text.split("\n")
    found = {(d.range.start.line, d.severity) for d in editor.problems(OVERLAY, text)}
    assert (lines.index("    rule: brinkmanshp"), 1) in found and (lines.index("    posture: contained_wr"), 1) in found
    hover = editor.hover(OVERLAY, OVERLAY.read_text(encoding="utf-8"), next(i for i, line in enumerate(lines) if "leverage:" in line), 6)
    assert "bargaining power" in hover  # the field's description


def test_a_scenario_of_ones_own_gets_a_schema_that_knows_its_actors_and_its_bases_rules(editor, tmp_path, capsys):
    mine = tmp_path / "mine.yaml"
    assert cli(["new", "mine", "--from", "nov-2024", "--out", str(mine)]) == 0
    capsys.readouterr()
    text = mine.read_text(encoding="utf-8")
    assert [d.message for d in editor.problems(mine, text)] == []
    actors = sorted(load_scenario("nov-2024").actors)
    assert sorted(complete(editor, mine, text + "actors:\n  europe:\n    relations:\n      adversaries:\n        - ")) == actors
    # China's rule is the base's: its parameters complete without restating it
    assert set(complete(editor, mine, text + "actors:\n  china:\n    params:\n      ")) == {"calm", "signal", "alarm"}
    wrong = text + "actors:\n  china:\n    params:\n      alarm: nuclear_signaling\n  europe:\n    relations:\n      adversaries: [russia, ukriane]\n"
    lines = wrong.split("\n")
    flagged = {d.range.start.line for d in editor.problems(mine, wrong) if d.severity == 1}
    assert lines.index("      alarm: nuclear_signaling") in flagged and lines.index("      adversaries: [russia, ukriane]") in flagged
    remove = text + "remove:\n  events: [tusk_warn]\n"
    assert len(remove.split("\n")) - 2 in {d.range.start.line for d in editor.problems(mine, remove)}


def test_every_shipped_scenario_is_clean_in_the_editor(editor, tmp_path):
    for name, path in SHIPPED.items():
        assert [d.message for d in editor.problems(path, path.read_text(encoding="utf-8"))] == [], name


# --------------------------------------------------------------------------- the corpus of mistakes


def test_the_scripted_mistakes_are_rejected_by_validate_and_mostly_caught_by_the_schema():
    """Without a language server: jsonschema with the shipped schema and with `schema --for`'s."""
    rows = measure(editor=None)
    assert len(rows) == len(MISTAKES) >= 90
    assert [r["mistake"] for r in rows if not r["cli"]] == []
    assert sum(r["schema"] for r in rows) >= 65
    beyond = sorted(r["mistake"] for r in rows if not r["schema_for"])
    assert beyond == sorted(["end before start", "an event outside the dates", "duplicate event id", "duplicate red line id", "duplicate key"])


def test_every_unchanged_base_is_clean_for_both_schemas(tmp_path):
    general = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    from escalation.scenario.json_schema import schema_for

    for name in {m.base for m in MISTAKES}:
        path = tmp_path / f"{name}.yaml"
        shutil.copy(SHIPPED[name], path)
        assert not caught_by_jsonschema(read(name), general) and not caught_by_jsonschema(read(name), schema_for(str(path))), name
