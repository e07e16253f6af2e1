"""The hardened loader: every kind of malformed input gets a located error and exit status 2.

The corpus in ``tests/malformed/`` holds one small broken scenario per mistake;
``expected.tsv`` beside it lists the exact ``FILE:LINE:COL: message`` lines each
must give. Hypothesis then throws generated text, YAML documents and mutated
scenarios at the loader: the only failure it may ever raise is ScenarioError.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation.cli import main as cli
from escalation.scenario.loading import load_scenario, load_scenario_text
from escalation.scenario.problems import ScenarioError
from escalation.scenario.schema import Scenario
from escalation.scenario.yamlio import MAX_CHARS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "malformed"
BASE = CORPUS / "valid" / "tiny.yaml"


def expected() -> dict[str, list[str]]:
    """File name -> its expected problem lines (without the file part)."""
    out: dict[str, list[str]] = {}
    for row in (CORPUS / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#"):
            name, line, col, message = row.split("\t", 3)
            out.setdefault(name, []).append(f"{line}:{col}: {message}")
    return out


EXPECTED = expected()


def test_corpus_has_forty_files_each_with_its_expected_messages():
    files = sorted(p.name for p in CORPUS.glob("*.yaml"))
    assert len(files) >= 40
    assert files == sorted(EXPECTED)


def test_the_corpus_base_is_valid_so_each_file_shows_one_mistake():
    scenario = load_scenario(BASE)
    assert list(scenario.actors) == ["russia", "ukraine"]


@pytest.mark.parametrize(
    "text",
    [
        "name: x\nactors: " + "[" * 3000 + "]" * 3000 + "\n",  # flow: more than a parser release may scan
        "name: x\nactors:\n  " + "- " * 3000 + "x\n",  # block sequences on one line
        "name: x\nactors:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 120)) + " " * 120 + "v\n",  # indentation
        "a: {b: [" + "{c: " * 70 + "1" + "}" * 70 + "]}\n",
    ],
)
def test_deep_nesting_of_any_kind_gets_the_loaders_own_message(text):
    """Owned by the loader, not by whichever PyYAML release is installed (6.0.4 refuses with its own words)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "deep.yaml")
    assert str(info.value).splitlines()[0] == "deep.yaml:1:1: the document is nested too deeply"


def test_nesting_a_scenario_could_need_still_loads():
    from escalation.scenario.yamlio import MAX_DEPTH, load_yaml_text

    doc = load_yaml_text("a: " + "[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2) + "\nb: \"[[[[ in quotes\"  # [[[[ in a comment\n", "ok.yaml")
    assert doc["b"] == "[[[[ in quotes"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_gives_exactly_its_expected_problems(name, capsys):
    path = CORPUS / name
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert [str(p) for p in info.value.problems] == [f"{path}:{line}" for line in EXPECTED[name]]
    assert cli(["validate", str(path)]) == 2
    printed = [line for line in capsys.readouterr().err.splitlines() if not line.startswith(" ")]
    assert printed == [f"{path}:{line}" for line in EXPECTED[name]]


def test_validate_command_on_the_whole_corpus_exits_2_without_a_traceback():
    names = sorted(EXPECTED)
    proc = subprocess.run(
        [sys.executable, "-m", "escalation.cli", "validate", *(f"tests/malformed/{n}" for n in names)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    first_lines = [line for line in proc.stderr.splitlines() if not line.startswith(" ")]
    assert first_lines == [f"tests/malformed/{n}:{line}" for n in names for line in EXPECTED[n]]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: "name: big\n" + "# padding\n" * 600_000, "the file is too large (over"),
        (lambda: "events:\n" + "  - {id: e, title: t, status: hypothetical, source: {title: x}, chance: 0.1}\n" * 2200, "the file is too large ("),
        (lambda: bytes(range(256)) * 20_000, "the file is too large (over"),
        (lambda: bytes(range(256)) * 20, "this is not UTF-8 text"),
        (lambda: "a: [" + "1, " * 20_000 + "1]\n", "the file holds more than 15,000 values"),
        (
            lambda: (
                "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefghijklm", "bcdefghijklmn"))
            ),
            "anchors and aliases",
        ),
    ],
    ids=["several-mb-of-comments", "long-event-list", "several-mb-binary", "binary", "too-many-values", "billion-laughs"],
)
def test_huge_binary_and_explosive_files_are_refused_by_the_command(tmp_path, make, message):
    data = make()
    path = tmp_path / "input.yaml"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    proc = subprocess.run([sys.executable, "-m", "escalation.cli", "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{path}:")
    assert message in proc.stderr.splitlines()[0]


def test_the_size_limit_is_roomy_for_real_scenarios():
    biggest = max(len(p.read_text(encoding="utf-8")) for p in (ROOT / "scenarios").glob("*.yaml"))
    assert 4 * biggest <= MAX_CHARS


def test_yaml_scalars_read_as_a_student_means_them():
    text = BASE.read_text(encoding="utf-8").replace("title: A two-actor crisis", "title: 12:30")
    text = text.replace("    max_step: 2\n", "    max_step: 02\n")
    scenario = load_scenario_text(text, "t.yaml")
    assert scenario.title == "12:30"  # not the base-60 number 750
    assert scenario.actors["russia"].max_step == 2  # not octal


# --------------------------------------------------------------------------- fuzzing


def _loads_or_explains(text: str) -> None:
    """The loader's contract: a Scenario, or a ScenarioError with sane locations."""
    try:
        scenario = load_scenario_text(text, "fuzz.yaml")
    except ScenarioError as exc:
        assert exc.problems
        lines = len(text.splitlines()) + 2
        for p in exc.problems:
            assert p.file == "fuzz.yaml" and 1 <= p.line <= lines and p.col >= 1 and p.message
        assert str(exc).startswith("fuzz.yaml:")  # renders, excerpt and all
    else:
        assert isinstance(scenario, Scenario)


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@pytest.mark.timeout(120)
@FUZZ
@given(st.text(max_size=400))
def test_fuzz_arbitrary_text(text):
    _loads_or_explains(text)


KEYS = sorted({*Scenario.model_fields, "russia", "ukraine", "rule", "posture", "resolve", "effects", "at", "date", "set_posture", "x"})
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["contained_war", "russia", "brinkmanship", "2024-11-20", "what-if", "documented"]),
)


def _nested(inner):
    return st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5))


DOCUMENTS = st.recursive(SCALARS, _nested, max_leaves=25)


@pytest.mark.timeout(120)
@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), DOCUMENTS, max_size=8))
def test_fuzz_generated_yaml_documents(doc):
    _loads_or_explains(yaml.safe_dump(doc, allow_unicode=True))


def _paths(node, prefix=()):
    """Every path into a plain document."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


BASE_DOC = yaml.safe_load(BASE.read_text(encoding="utf-8"))
BASE_PATHS = [p for p in _paths(BASE_DOC) if p]
REPLACEMENTS = st.one_of(SCALARS, st.just([]), st.just({}), st.just(dt.date(2024, 11, 20)), st.just(["ukraine", "nobody"]), st.just({"turn": 3}))


@pytest.mark.timeout(120)
@FUZZ
@given(st.lists(st.tuples(st.sampled_from(BASE_PATHS), REPLACEMENTS, st.booleans()), min_size=1, max_size=4))
def test_fuzz_a_valid_scenario_with_values_replaced_or_removed(changes):
    doc = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    for path, value, remove in changes:
        parent = doc
        try:
            for part in path[:-1]:
                parent = parent[part]
            if remove:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    _loads_or_explains(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


@pytest.mark.timeout(120)
@FUZZ
@given(st.data())
def test_fuzz_a_valid_scenario_with_its_text_damaged(data):
    lines = BASE.read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        damage = data.draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert", "swap"]))
        if damage == "delete" and len(lines) > 1:
            del lines[i]
        elif damage == "duplicate":
            lines.insert(i, lines[i])
        elif damage == "indent":
            lines[i] = data.draw(st.sampled_from([" ", "  ", "\t"])) + lines[i]
        elif damage == "dedent":
            lines[i] = lines[i][1:]
        elif damage == "insert":
            at = data.draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + data.draw(st.text(max_size=6)) + lines[i][at:]
        else:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    _loads_or_explains("".join(lines))
