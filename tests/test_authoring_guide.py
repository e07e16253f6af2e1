"""docs/scenario-guide.md does what it says: its example runs and its messages are the real ones.

The guide's ``console`` blocks hold commands (``$ escalation ...``) and their exact
output; its ``diff`` blocks hold edits (hunks of context, ``-`` and ``+`` lines).
The worked example is replayed from start to end in one folder; each of the ten
mistakes is made in a fresh copy of the guide's practice scenario.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from escalation.cli import main as cli
from escalation.model.rules import RULES
from escalation.scenario import schema

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "scenario-guide.md"
TEXT = GUIDE.read_text(encoding="utf-8")


def section(title: str, level: str = "## ") -> str:
    """The text of the section whose heading starts with ``title``, up to the next heading of its level."""
    start = TEXT.index(f"\n{level}{title}")
    end = TEXT.find(f"\n{level}", start + 1)
    return TEXT[start : end if end > 0 else None]


def blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of each fenced code block, in order."""
    return re.findall(r"```(\w+)\n(.*?)```", text, re.S)


def apply_edit(body: str, folder: Path) -> None:
    """Apply a diff block: each ``@@`` hunk's old lines (context and -) become its new lines (context and +)."""
    lines = body.splitlines()
    target = folder / next(line[4:] for line in lines if line.startswith("+++ "))
    text = target.read_text(encoding="utf-8")
    hunks = "\n".join(lines).split("@@")[1:]
    for hunk in hunks:
        old = [line[1:] for line in hunk.split("\n")[1:] if line[:1] in (" ", "-")]
        new = [line[1:] for line in hunk.split("\n")[1:] if line[:1] in (" ", "+")]
        assert old, "an empty hunk"
        old_text, new_text = "".join(f"{line}\n" for line in old), "".join(f"{line}\n" for line in new)
        assert text.count(old_text) == 1, f"the guide's edit does not apply to {target.name}:\n{old_text}"
        text = text.replace(old_text, new_text)
    target.write_text(text, encoding="utf-8")


def run(command: str, folder: Path) -> tuple[int, str]:
    """Run one ``escalation ...`` command line in ``folder``; its exit status and its printed output."""
    args = shlex.split(command)
    assert args[0] == "escalation"
    out = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = cli(args[1:])
    return status, out.getvalue().rstrip("\n")


def sessions(body: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a console block."""
    out, command, printed = [], None, []
    for line in body.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            if command:
                out.append((command, "\n".join(printed).rstrip("\n")))
            command, printed = line[2:], []
        else:
            printed.append(line)
    out.append((command, "\n".join(printed).rstrip("\n")))
    return out


def replay(text: str, folder: Path) -> list[tuple[str, int, str, str]]:
    """Play a section's blocks in order: (command, status, printed, expected) per command."""
    results = []
    for language, body in blocks(text):
        if language == "diff":
            apply_edit(body, folder)
        elif language == "console":
            for command, expected in sessions(body):
                status, printed = run(command, folder)
                results.append((command, status, printed, expected))
    return results


PRACTICE = blocks(section("A small scenario to practise on"))[0][1]
MISTAKES = re.findall(r"\n### (\d+)\. ", section("Ten common mistakes"))


def test_the_worked_example_runs_and_prints_what_the_guide_shows(tmp_path):
    results = replay(section("A worked example"), tmp_path)
    assert [r[0].split()[1] for r in results] == ["new", "validate", "diff", "run", "run", "compare"]
    for command, status, printed, expected in results:
        assert status == 0, command
        assert printed == expected, command
    assert (tmp_path / "out" / "run-firm-veto-seed1" / "ladder.png").is_file()


def test_the_practice_scenario_is_valid_and_runs(tmp_path):
    (tmp_path / "practice.yaml").write_text(PRACTICE, encoding="utf-8")
    assert run("escalation validate practice.yaml", tmp_path) == (0, "practice.yaml: ok (practice: 2 actors, 1 events, 31 turns)")
    status, printed = run("escalation run practice.yaml --quiet", tmp_path)
    assert status == 0 and "Outcome: " in printed and "Thresholds crossed after the branch: " in printed


def test_the_guide_shows_ten_mistakes():
    assert [str(i) for i in range(1, 11)] == MISTAKES


@pytest.mark.parametrize("number", MISTAKES)
def test_each_common_mistake_gives_the_message_the_guide_shows(number, tmp_path):
    (tmp_path / "practice.yaml").write_text(PRACTICE, encoding="utf-8")
    ((command, status, printed, expected),) = replay(section(f"{number}. ", "### "), tmp_path)
    assert command == "escalation validate practice.yaml" and status == 2
    assert printed == expected
    assert re.match(r"^practice\.yaml:\d+:\d+: \S", printed)


def test_every_field_and_rule_is_in_the_guide():
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", TEXT, re.M))
    models = [m for m in vars(schema).values() if isinstance(m, type) and issubclass(m, schema.Strict) and m is not schema.Strict]
    missing = sorted({f"{m.__name__}.{f}" for m in models for f in m.model_fields if f not in rows})
    assert missing == []
    rules = section("Decision rules", "### ").splitlines()
    for name, rule in RULES.items():
        row = next(line for line in rules if line.startswith(f"| `{name}` |"))
        assert all(f"`{param}`" in row for param in rule.Params.model_fields), name
