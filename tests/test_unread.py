"""A change that nothing reads is flagged: `validate` warns at its line, `--set` and `--vary` warn when they run."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import escalation
from escalation.errors import NoEffectWarning
from escalation.scenario.paths import shipped_scenarios
from escalation.scenario.unread import trait_readers, unread_setting, unread_trait_changes

SHIPPED = shipped_scenarios()["nov-2024"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "escalation.cli", *map(str, args)], capture_output=True, text=True, timeout=120)


def test_validate_warns_at_the_line_of_a_trait_change_nothing_reads(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    careless = text.replace("- set_trait: {actor: europe, trait: risk_tolerance, by: -0.1}", "- set_trait: {actor: iran, trait: leverage, by: 0.1}", 1)
    assert careless != text
    (tmp_path / "careless.yaml").write_text(careless, encoding="utf-8")
    assert cli("validate", "nov-2024").stderr == ""  # every change the baseline makes matters
    done = cli("validate", tmp_path / "careless.yaml")
    assert done.returncode == 0 and "careless.yaml: ok" in done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and ": warning: " in lines[0]
    file, line, col = lines[0].split(": warning: ")[0].rsplit(":", 2)
    written = Path(file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert written[int(col) - 1 :].startswith("leverage")  # the trait named by the effect, where it is written
    assert "Iran's leverage, but nothing reads it (its rule 'alliance' does not" in lines[0]


def test_what_reads_a_trait_is_named():
    sc = escalation.load_scenario("nov-2024")
    assert trait_readers(sc, "russia", "resolve") == ["its rule 'brinkmanship'", "its red lines", "the war it fights"]
    assert "every choice it makes" in trait_readers(sc, "ukraine", "risk_tolerance")
    assert trait_readers(sc, "ukraine", "resolve") == ["its rule 'reciprocal'", "the war it fights"]
    assert trait_readers(sc, "china", "leverage") == ["those it restrains or can veto"]
    assert trait_readers(sc, "ukraine", "leverage") == ["the war it fights"]  # its bargaining power at the table
    assert trait_readers(sc, "iran", "leverage") == [] and trait_readers(sc, "united_states", "air_defence") == []


def test_a_condition_on_a_trait_reads_it():
    sc = escalation.load_scenario("accidental-strike")  # an event waits on Europe's risk tolerance
    assert "an event's condition" in trait_readers(sc, "europe", "risk_tolerance")


def test_a_scenario_whose_changes_all_matter_gets_no_warning():
    for name in ("nov-2024", "air-defence", "ceasefire-track"):
        assert unread_trait_changes(escalation.load_scenario(name)) == [], name


@pytest.mark.parametrize("path, unread", [(("actors", "iran", "leverage"), True), (("actors", "russia", "resolve"), False),
                                          (("actors", "ukraine", "air_defence"), False), (("actors", "europe", "air_defence"), True),
                                          (("actors", "ukraine", "temperature"), False), (("settings", "noise"), False)])
def test_settings_nothing_reads(path, unread):
    assert (unread_setting(escalation.load_scenario("nov-2024"), path) is not None) == unread


def test_set_and_vary_of_a_trait_nothing_reads_warn(tmp_path):
    with pytest.warns(NoEffectWarning, match="actors.iran.leverage"):
        escalation.run_batch("nov-2024", 20, out=tmp_path / "a", sets=["actors.iran.leverage=0.1"], workers=1, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoEffectWarning)
        escalation.run_batch("nov-2024", 20, out=tmp_path / "b", sets=["actors.russia.resolve=0.1"], workers=1, progress=False)
    done = cli("sweep", "nov-2024", "--vary", "actors.iran.leverage=0:1:2", "--runs", 10, "--out", tmp_path / "s", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "escalation sweep: warning: setting actors.iran.leverage: Iran's leverage has no effect" in done.stderr
