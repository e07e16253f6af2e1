"""The library as a Python caller meets it: its own errors in its own terms, scenarios that cannot be changed by accident."""

from __future__ import annotations

import subprocess
import sys

import pytest

import escalation
from escalation.errors import InputError, ResultsError, TabletopError


def test_a_loaded_scenario_is_the_callers_own():
    """Changing one loaded scenario changes neither the next one loaded nor a model made by name."""
    mine = escalation.load_scenario("nov-2024")
    mine.actors.pop("china")
    mine.events.clear()
    again = escalation.load_scenario("nov-2024")
    assert "china" in again.actors and again.events
    assert escalation.Crisis("nov-2024", rng=1).run().outcomes()["end_state"].shape == (1,)


def test_library_errors_are_value_errors_worded_for_python(tmp_path):
    with pytest.raises(InputError) as err:
        escalation.run_batch("nov-2024", runs=0, out=tmp_path / "x")
    assert isinstance(err.value, ValueError)
    assert str(err.value) == "runs must be a whole number of at least 1 (got 0)"
    assert err.value.worded("cli") == "--runs must be a whole number of at least 1 (got 0)"
    assert not (tmp_path / "x").exists()


def test_the_command_line_words_the_same_error_with_its_options(tmp_path):
    done = subprocess.run([sys.executable, "-m", "escalation.cli", "batch", "nov-2024", "--runs", "0", "--out", str(tmp_path / "x")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.strip() == "escalation batch: --runs must be a whole number of at least 1 (got 0)"


@pytest.mark.parametrize(
    "message, python",
    [
        ("--out x: is a file, not a folder", "out x: is a file, not a folder"),
        ("add --resume to keep it, or choose another --out", "add resume=True to keep it, or choose another out"),
        ("--set actors.x=1: unknown key", "sets actors.x=1: unknown key"),
        ("--no-progress and --executor", "no_progress and executor"),
        ("a well-known fact, 2--3 times", "a well-known fact, 2--3 times"),
    ],
)
def test_options_are_named_as_python_spells_them(message, python):
    assert InputError(message).worded("python") == python
    assert InputError(message).worded("cli") == message


def test_every_library_error_is_an_input_error():
    from escalation.scenario import ScenarioError

    for cls in (ResultsError, TabletopError, ScenarioError):
        assert issubclass(cls, InputError) and issubclass(cls, ValueError)


def test_a_results_folder_problem_is_a_results_error(tmp_path):
    from escalation.analysis.results import load_results

    with pytest.raises(ResultsError, match="not a results folder"):
        load_results(tmp_path)


def test_a_project_with_its_own_sim_and_analysis_folders_does_not_shadow_the_package(tmp_path):
    """The one import name is `escalation`: a research project's own analysis/ and sim/ stay its own."""
    for folder in ("analysis", "sim"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("MINE = True\n")
    code = "import analysis, sim, escalation.analysis.kinds as k, escalation; print(analysis.MINE, sim.MINE, bool(k.KINDS), escalation.Crisis.__name__)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "Crisis"]
