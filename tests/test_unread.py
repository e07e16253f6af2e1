"""A change that nothing reads is flagged: `validate` warns at its line, `--set` and `--vary` warn when they run."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import escalation
from escalation.errors import NoEffectWarning
from escalation.scenario.unread import trait_readers, unread_setting, unread_trait_changes


def cli(*args):
    return subprocess.run([sys.executable, "-m", "escalation.cli", *map(str, args)], capture_output=True, text=True, timeout=120)


def test_validate_warns_at_the_line_of_a_trait_change_nothing_reads():
    done = cli("validate", "nov-2024")
    assert done.returncode == 0 and "nov-2024: ok" in done.stdout
    lines = done.stderr.splitlines()
    assert lines and all(": warning: " in line for line in lines)
    file, line, col = lines[0].split(": warning: ")[0].rsplit(":", 2)
    text = Path(file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert text[int(col) - 1 :].startswith("resolve")  # the trait named by the effect, where it is written
    assert "Ukraine's resolve, but nothing reads it (its rule 'reciprocal' does not" in lines[0]


def test_what_reads_a_trait_is_named():
    sc = escalation.load_scenario("nov-2024")
    assert trait_readers(sc, "russia", "resolve") == ["its rule 'brinkmanship'", "its red lines"]
    assert "every choice it makes" in trait_readers(sc, "ukraine", "risk_tolerance")
    assert trait_readers(sc, "ukraine", "resolve") == []
    assert trait_readers(sc, "china", "leverage") == ["those it restrains or can veto"]
    assert trait_readers(sc, "ukraine", "leverage") == []


def test_a_condition_on_a_trait_reads_it():
    sc = escalation.load_scenario("accidental-strike")  # an event waits on Europe's risk tolerance
    assert "an event's condition" in trait_readers(sc, "europe", "risk_tolerance")


def test_a_scenario_whose_changes_all_matter_gets_no_warning():
    sc = escalation.load_scenario("nov-2024")
    kept = [e for e in sc.events if not any(fx.set_trait and fx.set_trait.actor == "ukraine" for fx in e.effects)]
    cards = [c for c in sc.injects if not any(fx.set_trait and fx.set_trait.actor == "ukraine" for fx in c.effects)]
    assert unread_trait_changes(sc.model_copy(update={"events": kept, "injects": cards})) == []


@pytest.mark.parametrize("path, unread", [(("actors", "ukraine", "resolve"), True), (("actors", "russia", "resolve"), False),
                                          (("actors", "ukraine", "temperature"), False), (("settings", "noise"), False)])
def test_settings_nothing_reads(path, unread):
    assert (unread_setting(escalation.load_scenario("nov-2024"), path) is not None) == unread


def test_set_and_vary_of_a_trait_nothing_reads_warn(tmp_path):
    with pytest.warns(NoEffectWarning, match="actors.ukraine.resolve"):
        escalation.run_batch("nov-2024", 20, out=tmp_path / "a", sets=["actors.ukraine.resolve=0.1"], workers=1, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoEffectWarning)
        escalation.run_batch("nov-2024", 20, out=tmp_path / "b", sets=["actors.russia.resolve=0.1"], workers=1, progress=False)
    done = cli("sweep", "nov-2024", "--vary", "actors.ukraine.resolve=0:1:2", "--runs", 10, "--out", tmp_path / "s", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "escalation sweep: warning: setting actors.ukraine.resolve: Ukraine's resolve has no effect" in done.stderr
