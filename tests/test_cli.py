"""The `escalation` command line, end to end, through the installed console script."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from escalation.disclaimer import DISCLAIMER
from escalation.scenario.paths import shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "escalation"
LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): \S")


def escalation(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "escalation.cli"]
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


def located(stderr: str) -> list[re.Match]:
    return [m for m in map(LOCATED.match, stderr.splitlines()) if m]


@pytest.fixture
def misspelt(tmp_path) -> tuple[Path, int]:
    """The baseline with one mistake, a decision rule's name misspelt, and the line it is on."""
    text = shipped_scenarios()["nov-2024"].read_text(encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "rule: brinkmanship" in s)
    path = tmp_path / "misspelt.yaml"
    path.write_text(text.replace("rule: brinkmanship", "rule: brinkmanshp", 1), encoding="utf-8")
    return path, line


def test_help_lists_the_commands_and_the_disclaimer():
    done = escalation("--help")
    assert done.returncode == 0
    for command in ("run", "validate", "list", "schema"):
        assert re.search(rf"^\s+{command}\s", done.stdout, re.M), command
    assert DISCLAIMER in " ".join(done.stdout.split())


def test_run_tells_the_story_and_writes_chart_and_narrative(tmp_path):
    done = escalation("run", "nov-2024", "--seed", 3, "--out", tmp_path / "a")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Sun 17 Nov 2024 (turn 0)" in out and "Thu 21 Nov 2024 (turn 4)" in out
    assert re.search(r"^  - \S.* (climbs to|steps down to) '.+', because .+\.$", out, re.M)  # who moved where, and why
    assert "[documented]" in out and "source: 003_8c7dbb1329846943.txt" in out
    assert "= [documented] In history on" not in out  # before the branch the documented week is enacted, told as news
    facts = re.search(r"^Thresholds crossed after the branch: (.+)\.$", out, re.M).group(1)
    assert ("Threshold crossed: " in out) == (facts != "none")
    assert re.search(r"^Outcome: (settled or talks holding|de-escalated|contained|escalated|direct NATO-Russia war|nuclear use) \(", out, re.M)
    assert DISCLAIMER in out
    chart, story = tmp_path / "a" / "ladder.png", tmp_path / "a" / "narrative.md"
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 20_000
    assert DISCLAIMER in story.read_text(encoding="utf-8")
    page = story.read_text(encoding="utf-8")  # Markdown that shows the chart, then the story exactly as printed
    assert page.startswith("# The week of ATACMS and Oreshnik") and "\n![Ladder chart](ladder.png)\n" in page
    block = page.split("```text\n", 1)[1].split("\n```\n", 1)[0]
    assert out.startswith(block + "\n")

    again = escalation("run", "nov-2024", "--seed", 3, "--out", tmp_path / "b", "--quiet")
    assert again.returncode == 0 and "(turn 0)" not in again.stdout
    assert (tmp_path / "b" / "narrative.md").read_text() == story.read_text()  # same seed, same story


def test_validate_accepts_good_files():
    done = escalation("validate", "nov-2024", "scenarios/no-atacms.yaml", "scenarios/us-withdraws.yaml")
    assert done.returncode == 0 and done.stdout.count(": ok (") == 3


def test_validate_points_at_the_mistake(misspelt):
    path, line = misspelt
    done = escalation("validate", path, "nov-2024")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    problems = [m for m in located(done.stderr) if ": warning: " not in m.string]  # nov-2024 has warnings of its own
    assert len(problems) == 1
    assert problems[0]["file"] == str(path) and int(problems[0]["line"]) == line
    assert "brinkmanshp" in done.stderr and "brinkmanship" in done.stderr  # the likely intended name
    assert "nov-2024: ok" in done.stdout  # the good file is still checked


def test_run_refuses_bad_input_with_a_located_line(misspelt):
    path, _ = misspelt
    done = escalation("run", path, "--out", path.parent / "out")
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(located(done.stderr)) == 1
    assert not (path.parent / "out").exists()
    unknown = escalation("run", "nov-2042")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr and "nov-2024" in unknown.stderr


def test_list_shows_scenarios_rules_and_ladders():
    done = escalation("list")
    assert done.returncode == 0
    for name in ("nov-2024", "no-atacms", "oreshnik-nuclear-signalling", "us-withdraws", "weak-china-restraint", "brinkmanship", "graduated", "default"):
        assert re.search(rf"^\s+{re.escape(name)}\s", done.stdout, re.M), name


def test_schema_is_json_schema_that_accepts_the_baseline():
    done = escalation("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = yaml.safe_load(shipped_scenarios()["nov-2024"].read_text(encoding="utf-8"))
    as_json = json.loads(json.dumps(doc, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))
    jsonschema.validate(as_json, schema)
    broken = {**as_json, "kind": "prophecy"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_run_refuses_a_negative_seed_and_a_file_for_its_folder_before_running(tmp_path):
    negative = escalation("run", "nov-2024", "--seed", -1, "--out", tmp_path / "neg")
    assert negative.returncode == 2 and negative.stderr == "escalation run: --seed must be a whole number from 0 up, not -1\n"
    assert not (tmp_path / "neg").exists()
    taken = tmp_path / "notes.txt"
    taken.write_text("mine\n")
    onto_a_file = escalation("run", "nov-2024", "--out", taken)
    assert onto_a_file.returncode == 2 and onto_a_file.stderr == f"escalation run: --out {taken} is a file; give a folder\n"
    under_a_file = escalation("run", "nov-2024", "--out", taken / "sub")
    assert under_a_file.returncode == 2 and under_a_file.stderr.startswith(f"escalation run: cannot write to the folder {taken / 'sub'}: ")
    assert taken.read_text() == "mine\n"


def test_validate_says_a_folder_or_a_device_is_not_a_scenario_file(tmp_path):
    done = escalation("validate", tmp_path, "/dev/null")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"{tmp_path}:1:1: this is a folder; give a scenario file (.yaml) or a shipped scenario's name",
        "/dev/null:1:1: this is not a regular file; give a scenario file (.yaml) or a shipped scenario's name",
        "  (what these mean: `escalation validate --explain CODE` for no-file)",
    ]


def test_schema_writes_into_a_new_folder_and_refuses_a_folder_as_its_file(tmp_path):
    target = tmp_path / "editor" / "schema.json"
    done = escalation("schema", "--out", target)
    assert done.returncode == 0 and done.stdout == f"wrote {target}\n"
    jsonschema.Draft202012Validator.check_schema(json.loads(target.read_text(encoding="utf-8")))
    folder = escalation("schema", "--out", tmp_path)
    assert folder.returncode == 2 and folder.stderr == f"escalation schema: --out {tmp_path} is a folder; give a file name such as {tmp_path / 'schema.json'}\n"
