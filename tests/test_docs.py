"""The README and the ODD description say what the code does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import escalation
from escalation.cli import COMMANDS
from escalation.model.ladder import CompiledLadder
from escalation.model.narrative import narrative_text, summary_text

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ODD = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def baseline():
    return escalation.load_scenario("nov-2024")


def test_readme_narrative_excerpt_comes_from_the_run_it_names():
    assert "`escalation run nov-2024 --seed 1`" in README
    excerpt = re.search(r"```text\n(.*?)```", README, re.S).group(1).splitlines()
    model = escalation.Crisis("nov-2024", rng=1).run()
    printed = f"{narrative_text(model)}\n\n{summary_text(model)}".splitlines()
    pieces = "\n".join(excerpt).split("\n...\n")
    assert len(pieces) >= 2
    whole = "\n".join(printed)
    for piece in pieces:  # each piece as printed, lines in the same order
        assert piece in whole, "regenerate the README excerpt (and docs/img) with `escalation run nov-2024 --seed 1`"


def test_readme_chart_exists():
    image = re.search(r"!\[[^\]]*\]\((docs/img/[^)]+\.png)\)", README).group(1)
    assert (ROOT / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_readme_command_table_lists_every_command():
    in_table = set(re.findall(r"^\| `escalation (\w+)", README, re.M))
    assert in_table == {name for name, _, _ in COMMANDS}


def test_readme_lists_every_shipped_scenario_with_its_question():
    from escalation.scenario.paths import shipped_scenarios

    listed = dict(re.findall(r"^\| `([a-z0-9-]+)` \| ((?:What|How) .*?) \|$", README, re.M))
    assert listed == {name: escalation.load_scenario(path).question for name, path in shipped_scenarios().items()}


def test_odd_baseline_table_matches_the_scenario(baseline):
    lad = CompiledLadder.build(baseline.ladder)
    for actor in baseline.actors.values():
        row = next(r for r in ODD.splitlines() if r.startswith(f"| {actor.name} |"))
        rule, starts, *numbers = [c.strip() for c in row.strip("|").split("|")][1:]
        assert rule.split()[0] == actor.rule
        params = {k: lad.level[v] if isinstance(v, str) else v for k, v in actor.params.items()}
        assert _numbers(rule) == pytest.approx(params), actor.name
        assert int(starts.split()[0]) == lad.level[actor.posture]
        traits = [actor.resolve, actor.risk_tolerance, actor.temperature, actor.cost_sensitivity, actor.leverage, actor.max_step]
        assert [float(x) for x in numbers] == pytest.approx(traits), actor.name


def test_odd_settings_match_the_scenario(baseline):
    line = ODD[ODD.index("Settings: `noise`"):].split("\n\n")[0]
    numeric = {k: v for k, v in baseline.settings.model_dump().items() if not isinstance(v, str)}
    assert _numbers(line.replace("`", "")) == pytest.approx(numeric)


def test_odd_danger_vector_matches_the_default_ladder(baseline):
    shown = re.search(r"\(for the default ladder: ([\d, .]+)\)", ODD).group(1)
    assert [float(x) for x in shown.split(",")] == list(CompiledLadder.build(baseline.ladder).danger)


def _numbers(text: str) -> dict[str, float]:
    """'name value' pairs in a line of the docs (the docs write minus as U+2212)."""
    return {k: float(v) for k, v in re.findall(r"([a-z_]+) (-?\d+(?:\.\d+)?)", text.replace("\u2212", "-"))}


def test_every_end_state_is_defined_in_the_readme_and_the_odd():
    from escalation.model import END_STATES

    table = ODD[ODD.index("### 7.9 Outcome classification"):].split("\n---\n")[0]
    for state in END_STATES:
        assert f"`{state}`" in README, state
        assert re.search(rf"^\| `{state}` \| ", table, re.M), state
    assert "contained_band" in table and "Rivera et al. (2024)" in table


def test_readme_lesson_lengths_are_the_games_turns():
    from escalation.tabletop.session import Session

    rows = re.findall(r"^\| (\d+) \| (\d+) \| ", README.split("## A lesson's length")[1].split("## ")[0], re.M)
    assert len(rows) >= 4
    for days, turns in rows:
        assert Session("nov-2024", ["ukraine"], days_per_turn=int(days)).game_turns == int(turns), days
