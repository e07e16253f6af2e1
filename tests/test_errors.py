"""Friendly errors: the first line for tools, then the offending line, a caret, what is allowed.

Several independent problems are reported at once, including format problems
together with references to undefined names found in the rest of the file.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from escalation.errors import did_you_mean
from escalation.scenario.loading import load_scenario_text
from escalation.scenario.problems import SHOWN, Problem, ScenarioError
from escalation.scenario.schema import Actor, Settings

BASE = (Path(__file__).resolve().parent / "malformed" / "valid" / "tiny.yaml").read_text(encoding="utf-8")
FIRST_LINE = re.compile(r"^[^\n:]+:\d+:\d+: \S.*$")


def problems(*changes) -> ScenarioError:
    """The error for the corpus base with ``(old, new)`` text changes applied."""
    text = BASE
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "my.yaml")
    return info.value


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def caret_points_at(rendered: str) -> str:
    """The character of the excerpt line above the caret."""
    lines = rendered.splitlines()
    shown = lines[1].split(" | ", 1)[1]
    pad = lines[2].split("| ", 1)[1].index("^")
    at, seen = 0, 0
    while seen < pad:
        seen += width(shown[at])
        at += 1
    return shown[at]


def test_first_line_then_excerpt_caret_and_what_is_allowed():
    err = problems(("    resolve: 0.8\n", "    resolve: 1.5\n"))
    lines = str(err).splitlines()
    assert lines[0] == "my.yaml:14:14: actors.russia.resolve: 1.5 is too high; the most allowed is 1"
    assert lines[1] == "   14 |     resolve: 1.5"
    assert lines[2] == "      |              ^"
    assert lines[3] == "      = allowed: a number from 0 to 1"
    assert lines[4].startswith("      = resolve: Determination to stand firm")
    assert caret_points_at(str(err)) == "1"


def test_every_first_line_is_file_line_col_message():
    err = problems(("kind: what-if", "kind: whatif"), ("    resolve: 0.8\n", "    resolve: high\n"), ("rule: reciprocal", "rule: reciprocl"))
    firsts = [line for line in str(err).splitlines() if not line.startswith(" ")]
    assert firsts == err.brief().splitlines() == [str(p) for p in err.problems]
    assert len(firsts) == 3 and all(FIRST_LINE.match(line) for line in firsts)


def test_format_errors_and_undefined_names_are_reported_together():
    err = problems(
        ("kind: what-if", "kind: whatif"),  # a choice
        ("    resolve: 0.8\n", "    resolve: 1.5\n"),  # a range
        ("rule: reciprocal", "rule: reciprocl"),  # an undefined rule
        ("      adversaries: [ukraine]", "      adversaries: [ukriane]"),  # an undefined actor
        ("max_rung: cross_border_strikes", "max_rung: cross_border_strike"),  # an undefined rung
    )
    assert [p.message for p in err.problems] == [
        "kind: 'whatif' is not allowed (did you mean 'what-if'?)",
        "actors.russia.resolve: 1.5 is too high; the most allowed is 1",
        "unknown actor 'ukriane' (did you mean 'ukraine'?)",
        "unknown rule 'reciprocl' (did you mean 'reciprocal'?)",
        "unknown rung 'cross_border_strike' (did you mean 'cross_border_strikes'?)",
    ]


def test_a_missing_required_field_does_not_hide_other_problems_or_invent_any():
    err = problems(("    rule: reciprocal\n", ""), ("      adversaries: [ukraine]", "      adversaries: [ukriane]"))
    assert [str(p) for p in err.problems] == [
        "my.yaml:17:21: unknown actor 'ukriane' (did you mean 'ukraine'?)",
        "my.yaml:23:3: missing required key 'rule' in actors.ukraine",
    ]
    assert "placeholder" not in str(err)


def test_a_broken_event_is_set_aside_and_the_other_events_still_checked():
    extra = (
        "  - id: second\n    title: Second\n    status: hypothetical\n    source: {title: what-if}\n    chance: 0.1\n"
        "    effects:\n      - set_posture: {actor: rusia, rung: political_signalling}\n"
    )
    err = problems(
        ("    at: {date: 2024-11-17}\n", "    at: {date: 2024-11-17, turn: 2}\n"),
        (
            "      - set_capability: {actor: ukraine, max_rung: cross_border_strikes}\n",
            "      - set_capability: {actor: ukraine, max_rung: cross_border_strikes}\n" + extra,
        ),
    )
    assert [str(p) for p in err.problems] == [
        "my.yaml:35:34: events[0].at: give exactly one of 'turn' or 'date'",
        "my.yaml:44:30: unknown actor 'rusia' (did you mean 'russia'?)",
    ]


def test_a_misspelt_key_is_one_problem_not_two():
    err = problems(("title: A two-actor crisis", "tittle: A two-actor crisis"))
    assert [p.message for p in err.problems] == ["unknown key 'tittle' (did you mean 'title'?)"]
    assert "allowed keys here: name, title, question" in err.problems[0].help


def test_unknown_names_list_what_is_defined():
    err = problems(("    posture: contained_war\n    resolve", "    posture: contained_wr\n    resolve"))
    (p,) = err.problems
    assert p.message == "unknown rung 'contained_wr' (did you mean 'contained_war'?)"
    assert p.help.startswith("allowed: a rung of the ladder 'default': ceasefire_talks, contained_war, political_signalling")
    err = problems(("rule: brinkmanship", "rule: tit_for_tat"))
    assert err.problems[0].message == "unknown rule 'tit_for_tat'" and "brinkmanship" in err.problems[0].help


def number(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@pytest.mark.parametrize("model, section", [(Actor, "actors.russia"), (Settings, "settings")])
def test_every_bounded_number_states_its_range(model, section):
    """Each numeric field, set past its upper bound, names the bound and the full range."""
    checked = 0
    for name, field in model.model_fields.items():
        most = next((m.le for m in field.metadata if type(m).__name__ == "Le"), None)
        if most is None:
            continue
        high = most + 1
        if section == "settings":
            change = ("actors:\n", f"settings:\n  {name}: {high}\nactors:\n")
        else:  # Russia's value replaced, or added after its max_step
            given = re.search(rf"^    {name}: .*\n", BASE, re.M)
            change = (given.group(0), f"    {name}: {high}\n") if given else ("    max_step: 2\n", f"    max_step: 2\n    {name}: {high}\n")
        (p,) = problems(change).problems
        assert p.message == f"{section}.{name}: {number(high)} is too high; the most allowed is {number(most)}"
        allowed = p.help.splitlines()[0]
        assert allowed.startswith("allowed: a ") and allowed.endswith(f" {number(most)}"), allowed
        checked += 1
    assert checked >= 6


def test_caret_stays_under_the_column_in_long_lines_tabs_and_wide_text():
    long = "x" * 300 + "TARGET" + "y" * 300
    p = Problem("f.yaml", 7, 301, "m", excerpt=long)
    assert caret_points_at(p.render()) == "T"
    assert "..." in p.render().splitlines()[1]
    tab = Problem("f.yaml", 3, 3, "m", excerpt="a\tb: 1")
    assert "→" in tab.render() and caret_points_at(tab.render()) == "b"
    wide = Problem("f.yaml", 2, 12, "m", excerpt="title: 危機: x")
    assert caret_points_at(wide.render()) == "x"


def test_real_excerpts_point_at_the_problem():
    err = problems(("      adversaries: [ukraine]", "      adversaries: [ukriane]"))
    rendered = err.problems[0].render()
    assert caret_points_at(rendered) == "u" and rendered.splitlines()[1].endswith("adversaries: [ukriane]")


def test_many_problems_are_cut_short():
    err = ScenarioError([Problem("f.yaml", i, 1, f"problem {i}") for i in range(1, SHOWN + 11)])
    assert str(err).splitlines()[-1] == "(10 more problems not shown)"
    assert len(err.brief().splitlines()) == SHOWN + 10


def test_closest_name_ignores_case_and_stays_quiet_when_nothing_is_close():
    assert did_you_mean("Russia", ["russia", "ukraine"]) == " (did you mean 'russia'?)"
    assert did_you_mean("zzz", ["russia", "ukraine"]) == ""


def test_a_name_where_a_list_was_reshaped_is_still_located():
    err = problems(("        watch: [ukraine]", '        watch: ""'), ("      adversaries: [russia]", "      adversaries: [rusia]"))
    assert [str(p) for p in err.problems] == [
        "my.yaml:20:16: actors.russia.red_lines[0].watch[0]: '' is not a valid name",
        "my.yaml:28:21: unknown actor 'rusia' (did you mean 'russia'?)",
    ]


def test_an_impossible_date_says_why_and_hides_no_other_problem():
    err = problems(("start: 2024-11-17", "start: 2024-11-31"), ("at: {date: 2024-11-17}", "at: {date: 2024-02-30}"), ("kind: what-if", "kind: whatif"))
    assert [p.message for p in err.problems] == [
        "kind: 'whatif' is not allowed (did you mean 'what-if'?)",
        "start: '2024-11-31' is not a valid date (day is out of range for month)",
        "events[0].at.date: '2024-02-30' is not a valid date (day is out of range for month)",
    ]
    assert "allowed: a date written YYYY-MM-DD" in str(err)
    worded = problems(("start: 2024-11-17", "start: 17 Nov 2024"))
    assert [p.message for p in worded.problems] == ["start: '17 Nov 2024' is not a date; write it as YYYY-MM-DD, e.g. 2024-11-17"]


def test_nan_and_infinity_are_refused_wherever_a_number_goes():
    err = problems(
        ("margin: 1.0", "margin: .nan"),  # a rule parameter
        ("    resolve: 0.8\n", "    resolve: .inf\n"),  # a bounded trait
        (
            "max_rung: cross_border_strikes}",
            "max_rung: cross_border_strikes}\n      - set_trait: {actor: russia, trait: resolve, by: -.inf}",
        ),  # an unbounded change
    )
    assert [p.message for p in err.problems] == [
        "margin: expected an ordinary number, not .nan",
        "actors.russia.resolve: expected an ordinary number, not .inf",
        "events[0].effects[1].set_trait.by: expected an ordinary number, not -.inf",
    ]
    assert "allowed: a number from 0 to 1" in str(err)


def test_a_near_miss_is_answered_with_how_to_write_it():
    err = problems(
        ("    resolve: 0.8\n", "    resolve: 80%\n"),  # a share as a percentage
        ("      adversaries: [ukraine]", "      adversaries: ukraine"),  # one name for a list
        ("    at: {date: 2024-11-17}\n", "    at: 2024-11-17\n"),  # a bare date for a time
    )
    assert [p.message for p in err.problems] == [
        "actors.russia.resolve: expected a number, got '80%'; write a share as a fraction: 0.8",
        "actors.russia.relations.adversaries: expected a list, got 'ukraine'; write [ukraine]",
        "events[0].at: expected a mapping (key: value lines), got 2024-11-17; write {date: 2024-11-17}",
    ]
    assert [p.message for p in problems(("    at: {date: 2024-11-17}\n", "    at: 3\n")).problems] == [
        "events[0].at: expected a mapping (key: value lines), got 3; write {turn: 3}"
    ]
    assert [p.message for p in problems(("    resolve: 0.8\n", "    resolve: high\n")).problems] == ["actors.russia.resolve: expected a number, got 'high'"]
