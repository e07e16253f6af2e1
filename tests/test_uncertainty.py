"""Uncertainty inside a batch: distributions written in a scenario, and sweeps packed into shared model instances."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from escalation.ensemble.batch import plan, run_batch
from escalation.ensemble.sweep import run_sweep
from escalation.model import Crisis
from escalation.scenario.distributions import Distribution, parse
from escalation.scenario.loading import load_scenario, load_scenario_text
from escalation.scenario.paths import shipped_scenarios
from escalation.scenario.problems import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES = ("end_state", "peak_rung", "final_rung", "intensity_mean", "first_nuclear_threshold", "peak_russia", "days_ukraine_violent_escalation")
UNCERTAIN = """\
extends: nov-2024
name: uncertain
settings:
  noise: {uniform: [0.1, 0.6]}
  deterrence: {triangular: [1, 2, 5]}
actors:
  russia:
    resolve: {normal: {mean: 0.8, sd: 0.1}, clip: [0, 1]}
    red_lines:
      - id: western_missiles_inside_russia
        credibility: {beta: [6, 3]}
  ukraine:
    params: {offset: {choice: [0, 0.5, 1]}}
"""


def read(out) -> object:
    return pq.read_table(Path(out) / "runs.parquet").to_pandas().sort_values("run").reset_index(drop=True)


@pytest.fixture(scope="module")
def uncertain(tmp_path_factory):
    path = tmp_path_factory.mktemp("sc") / "uncertain.yaml"
    path.write_text(UNCERTAIN)
    return path


# --------------------------------------------------------------------------- distributions


@settings(max_examples=60, deadline=None)
@given(u=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=50), lo=st.floats(-5, 5), width=st.floats(0.01, 5))
def test_each_distribution_samples_its_own_quantiles(u, lo, width):
    """Inverse CDFs against scipy's, and every value inside its ends."""
    u = np.floor(np.array(u) * 2.0**53) * 2.0**-53  # on the streams' grid, as every draw is
    hi = lo + width
    cases = [
        (Distribution("uniform", (lo, hi)), stats.uniform(lo, width)),
        (Distribution("normal", (lo, width)), stats.norm(lo, width)),
        (Distribution("triangular", (lo, lo + width / 3, hi)), stats.triang(1 / 3, loc=lo, scale=width)),
        (Distribution("beta", (2.0, 5.0)), stats.beta(2.0, 5.0)),
    ]
    for dist, ref in cases:
        x = dist.sample(u)
        inside = (u > 1e-12) & (u < 1 - 1e-12)
        assert np.allclose(x[inside], ref.ppf(u[inside]), rtol=1e-7, atol=1e-7), dist
        a, b = dist.ends()
        assert ((x >= a) & (x <= b)).all()
    picks = Distribution("choice", (1.0, 2.0, 3.0)).sample(u)
    assert set(picks) <= {1.0, 2.0, 3.0} and np.array_equal(picks, np.array([1.0, 2.0, 3.0])[(u * 3).astype(int)])
    clipped = Distribution("normal", (lo, width), (lo - width / 2, lo + width / 2)).sample(u)
    assert clipped.min() >= lo - width / 2 and clipped.max() <= lo + width / 2


def test_a_batch_with_distributions_reproduces_and_ignores_chunking(uncertain, tmp_path):
    a = read(run_batch(uncertain, 600, out=tmp_path / "a", seed=3, chunk=600, workers=1, progress=False))
    b = read(run_batch(uncertain, 600, out=tmp_path / "b", seed=3, chunk=77, workers=2, progress=False))
    columns = ["settings__noise", "settings__deterrence", "actors__russia__resolve", "actors__russia__red_lines__western_missiles_inside_russia__credibility",
               "actors__ukraine__params__offset"]
    for c in [*columns, *OUTCOMES]:
        assert a[c].equals(b[c]), c
    assert a["settings__noise"].between(0.1, 0.6).all() and a["settings__noise"].nunique() == 600
    assert set(a["actors__ukraine__params__offset"]) == {0.0, 0.5, 1.0}
    assert a["actors__russia__resolve"].between(0, 1).all()
    # the recorded values are what the worlds held: a world alone with its run id draws the same
    alone = Crisis(load_scenario(uncertain), rng=3, first_run=123)
    assert alone.parameters["settings.noise"][0] == a.loc[123, "settings__noise"]
    assert float(np.asarray(alone.settings.noise)[0]) == a.loc[123, "settings__noise"]
    assert alone.actors["russia"].traits["resolve"][0] == a.loc[123, "actors__russia__resolve"]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    listed = {p["key"]: p for p in manifest["parameters"]}
    assert listed["settings.noise"]["distribution"] == {"uniform": [0.1, 0.6]} and listed["settings.noise"]["column"] == "settings__noise"
    # another seed, other values
    c = read(run_batch(uncertain, 50, out=tmp_path / "c", seed=4, workers=1, progress=False))
    assert not np.array_equal(c["settings__noise"], a["settings__noise"][:50])


def test_a_distribution_changes_only_its_own_worlds_values(uncertain):
    """A distribution's draws are keyed by its key: adding another leaves the first one's values alone."""
    one = load_scenario_text(UNCERTAIN.replace("extends: nov-2024", f"extends: {ROOT / 'scenarios' / 'nov-2024.yaml'}"), str(uncertain))
    more = load_scenario_text(UNCERTAIN.replace("extends: nov-2024", f"extends: {ROOT / 'scenarios' / 'nov-2024.yaml'}")
                              .replace("  deterrence:", "  inertia: {uniform: [0.5, 2]}\n  deterrence:"), str(uncertain))
    a, b = Crisis(one, worlds=200, rng=9), Crisis(more, worlds=200, rng=9)
    assert np.array_equal(a.parameters["settings.noise"], b.parameters["settings.noise"])
    assert "settings.inertia" in b.parameters and "settings.inertia" not in a.parameters


def test_the_traits_the_worlds_hold_change_what_happens(tmp_path):
    """A distribution is enacted: worlds with a resolute, risk-tolerant Russia climb higher on average."""
    text = (ROOT / "scenarios" / "nov-2024.yaml").as_posix()
    path = tmp_path / "wide.yaml"
    path.write_text(f"extends: {text}\nname: wide\nactors:\n  russia:\n    risk_tolerance: {{uniform: [0, 1]}}\n")
    runs = read(run_batch(path, 3000, out=tmp_path / "w", seed=1, workers=1, progress=False))
    low = runs[runs["actors__russia__risk_tolerance"] < 0.3]["intensity_mean"].mean()
    high = runs[runs["actors__russia__risk_tolerance"] > 0.7]["intensity_mean"].mean()
    assert high > low


@pytest.mark.parametrize(
    "body, expected",
    [
        ("settings:\n  noise: {uniform: [0.6, 0.1]}\n", "uniform: [0.6, 0.1]: LO must be below HI"),
        ("settings:\n  noise: {gauss: [0, 1]}\n", None),  # not a distribution: the format's own message
        ("settings:\n  noise: {uniform: [0.1, 0.6], spread: 2}\n", "unknown key spread"),
        ("settings:\n  noise: {normal: {mean: 0.3}}\n", "normal takes {mean: M, sd: S}"),
        ("settings:\n  max_down: {choice: [1, 2]}\n", "a distribution can stand only for a trait"),
        ("actors:\n  russia:\n    resolve: {normal: {mean: 0.8, sd: 0.1}}\n", "is unbounded, but this number has limits"),
        ("actors:\n  russia:\n    resolve: {uniform: [0.5, 1.5]}\n", "1.5 is too high; the most allowed is 1 (from the highest value a distribution can take)"),
        ("settings:\n  noise: {beta: [0, 2]}\n", "A and B must be above 0"),
    ],
)
def test_a_distribution_written_wrongly_is_located(tmp_path, body, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {(ROOT / 'scenarios' / 'nov-2024.yaml').as_posix()}\nname: bad\n{body}")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    first = err.value.problems[0]
    assert first.file == str(path) and first.line >= 3
    if expected:
        assert expected in first.message, first.message
    done = subprocess.run([sys.executable, "-m", "escalation.cli", "validate", str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith(f"{path}:") and "Traceback" not in done.stderr


def test_set_takes_a_distribution(tmp_path):
    cmd = [sys.executable, "-m", "escalation.cli", "batch", "nov-2024", "--runs", "300", "--workers", "1", "--out", str(tmp_path / "s"),
           "--set", "actors.russia.resolve={uniform: [0.6, 0.9]}"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    runs = read(tmp_path / "s")
    assert runs["actors__russia__resolve"].between(0.6, 0.9).all() and runs["actors__russia__resolve"].nunique() == 300
    bad = subprocess.run([*cmd[:-1], "actors.russia.resolve={uniform: [0.6}"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert bad.returncode == 2 and "not a distribution" in bad.stderr and "Traceback" not in bad.stderr


def test_parse_accepts_what_it_documents():
    assert parse({"uniform": [1, 2]}) == Distribution("uniform", (1.0, 2.0))
    assert parse({"normal": {"mean": 0, "sd": 2}, "clip": [-1, 1]}) == Distribution("normal", (0.0, 2.0), (-1.0, 1.0))
    assert str(parse({"triangular": [0, 1, 3]})) == "triangular(0, 1, 3)"
    assert Distribution("uniform", (0.2, 0.4)).nominal() == pytest.approx(0.3)


# --------------------------------------------------------------------------- packed sweeps


def test_a_packed_sweep_equals_each_point_run_on_its_own(tmp_path):
    """Every point of a packed sweep (per-world factors, and a structural one grouped) equals a batch of that
    point's scenario with the same seed, bit for bit: common random numbers preserved exactly."""
    vary = ["settings.noise=0:1:3", "actors.russia.resolve=0.5:0.9:2", "actors.russia.red_lines.0.credibility=0.3:0.9:2", "settings.max_down=1:3:2"]
    out = run_sweep("nov-2024", vary, method="grid", runs=30, out=tmp_path / "sweep", seed=5, workers=2, chunk=100, progress=False)
    runs = read(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tasks"] < manifest["sweep"]["points"]  # packed: fewer model instances than points
    for p in (0, 5, 13, 23):
        row = runs[runs["point"] == p]
        sets = {f["key"]: row[f["column"]].iloc[0] for f in manifest["sweep"]["factors"]}
        sets["settings.max_down"] = int(sets["settings.max_down"])
        alone = read(run_batch("nov-2024", 30, out=tmp_path / f"p{p}", seed=5, workers=1, sets=sets, progress=False))
        assert np.array_equal(row["replicate"].to_numpy(), np.arange(30))
        for c in [c for c in alone.columns if c.startswith(("end_state", "peak_", "final_", "days_", "first_", "intensity", "episodes_"))]:
            assert np.array_equal(row[c].to_numpy(), alone[c].to_numpy()), (p, c)


@settings(max_examples=40, deadline=None)
@given(groups=st.lists(st.integers(1, 6), min_size=1, max_size=4), runs=st.integers(1, 30), chunk=st.integers(1, 40))
def test_packed_plan_covers_every_run_once(groups, runs, chunk):
    start, blocks = 0, []
    for size in groups:
        blocks.append(list(range(start, start + size)))
        start += size
    tasks = plan(blocks, runs, chunk)
    ids = np.sort(np.concatenate([c.ids() for t in tasks for c in t.chunks]))
    assert np.array_equal(ids, np.arange(start * runs))
    for t in tasks:
        assert t.runs <= max(chunk, 1)
        for c in t.chunks:
            assert any(set(c.points) <= set(b) for b in blocks)  # a chunk never mixes structural groups
            assert (c.replicates() < runs).all() and c.worlds <= chunk


def test_a_sweep_costs_what_a_batch_costs(tmp_path):
    """A 200-point design at 20 runs a point is packed into 4 model instances, not 200."""
    out = run_sweep("nov-2024", ["settings.noise=0:1", "settings.deterrence=0:5"], method="lhs", samples=200, runs=20, out=tmp_path / "s",
                    workers=1, chunk=1000, progress=False)
    assert json.loads((out / "manifest.json").read_text())["tasks"] == 4
    assert pq.ParquetFile(out / "runs.parquet").metadata.num_row_groups == 4


def test_a_manifest_reruns_its_batch_exactly(uncertain, tmp_path):
    """Everything a batch depends on is in its manifest: run it again from there alone and get the same runs."""
    import hashlib

    first = run_batch(uncertain, 300, out=tmp_path / "first", seed=8, chunk=128, workers=1, sets={"settings.inertia": 1.5}, progress=False)
    m = json.loads((first / "manifest.json").read_text())
    assert m["scenario"]["sha256"] == hashlib.sha256(Path(uncertain).read_bytes()).hexdigest()  # what sha256sum prints
    assert m["scenario"]["texts"][0]["text"] == Path(uncertain).read_text()
    assert m["environment"]["python"] and m["environment"]["packages"]["numpy"] == np.__version__
    again = run_batch(m["scenario"]["file"], m["runs"], out=tmp_path / "again", seed=m["seed"], chunk=m["chunk"], sets=m["set"], workers=2,
                      progress=False)
    a, b = read(first), read(again)
    assert a.drop(columns=["chunk", "world"]).equals(b.drop(columns=["chunk", "world"]))
    assert list(a["end_state"].cat.categories) == m["model"]["end_states"] and a["end_state"].cat.ordered


@pytest.mark.parametrize("key, value", [("settings.deterrence", 8.0), ("settings.noise", 1.5), ("actors.russia.resolve", 0.05),
                                        ("actors.ukraine.params.offset", 2.0), ("actors.russia.red_lines.0.credibility", 1.0)])
def test_each_kind_of_per_world_number_is_enacted_as_the_scenario_would(key, value):
    """A value given per world (a distribution's draw, a packed sweep's point) plays exactly as the same value set in
    the scenario does (--set), and it changes the worlds."""
    from escalation.scenario.overrides import load_with_sets

    base = Crisis("nov-2024", worlds=400, rng=6).run().outcomes()
    fixed = Crisis(load_with_sets("nov-2024", {key: value})[0], worlds=400, rng=6).run().outcomes()
    per_world = Crisis("nov-2024", worlds=400, rng=6, parameters={key: np.full(400, value)}).run().outcomes()
    assert all(np.array_equal(fixed[k], per_world[k]) for k in fixed), key
    assert any(not np.array_equal(base[k], per_world[k]) for k in base), key


def test_distributions_naming_one_draw_move_together(tmp_path):
    """A shared draw: aligned choice lists pick the same position in a world (a joint sample kept joint), and
    other kinds take the same quantile (comonotonic); without it they are independent."""
    path = tmp_path / "joint.yaml"
    path.write_text(f"extends: {(ROOT / 'scenarios' / 'nov-2024.yaml').as_posix()}\nname: joint\n"
                    "settings:\n  noise: {choice: [0.1, 0.2, 0.3, 0.4], draw: sample}\n  deterrence: {choice: [1, 2, 3, 4], draw: sample}\n"
                    "  inertia: {uniform: [0.5, 2], draw: other}\n  restraint: {uniform: [1, 4], draw: other}\n  veto: {uniform: [0, 1]}\n")
    model = Crisis(load_scenario(path), worlds=2000, rng=3)
    p = model.parameters
    assert np.allclose(p["settings.deterrence"], p["settings.noise"] * 10)  # the same position in both lists, world by world
    assert np.allclose((p["settings.inertia"] - 0.5) / 1.5, (p["settings.restraint"] - 1) / 3)  # the same quantile
    assert abs(np.corrcoef(p["settings.veto"], p["settings.inertia"])[0, 1]) < 0.1  # its own draw: independent
    with pytest.raises(ScenarioError, match="a draw is named"):
        load_scenario_text(path.read_text().replace("draw: sample}", "draw: Sample}", 1), str(path))


def test_diff_and_show_say_what_was_written(uncertain):
    from escalation.scenario.diffing import diff_scenarios, diff_text

    text = diff_text(diff_scenarios(load_scenario("nov-2024"), load_scenario(uncertain)), "nov-2024", "uncertain")
    assert "noise: 0.3 -> uniform(0.1, 0.6)" in text and "resolve: 0.8 -> normal(mean 0.8, sd 0.1) clipped to [0, 1]" in text
    shown = subprocess.run([sys.executable, "-m", "escalation.cli", "show", str(uncertain)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert shown.returncode == 0 and "uniform:" in shown.stdout and "triangular:" in shown.stdout


def test_a_team_sheet_gives_the_trait_this_game_drew(uncertain, tmp_path):
    import re

    done = subprocess.run([sys.executable, "-m", "escalation.cli", "brief", str(uncertain), "--seat", "russia", "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    page = next(tmp_path.glob("brief-*-russia.html")).read_text()
    found = re.search(r"honour red lines ([0-9.]+) \(drawn for this game from normal\(mean 0.8, sd 0.1\) clipped to \[0, 1\]\)", page)
    assert found and 0 <= float(found.group(1)) <= 1


def test_a_swept_key_overrides_its_distribution_and_is_recorded_once(uncertain, tmp_path):
    out = run_sweep(uncertain, ["actors.russia.red_lines.0.credibility=0.2:0.8:2"], method="grid", runs=20, out=tmp_path / "s", workers=1, progress=False)
    runs = read(out)
    credibility = [c for c in runs.columns if c.endswith("credibility")]
    assert credibility == ["actors__russia__red_lines__0__credibility"]  # the factor's column, not the distribution's as well
    assert set(runs[credibility[0]]) == {0.2, 0.8} and runs["settings__noise"].nunique() == 20  # the other distributions still drawn


def test_a_single_run_says_what_its_world_drew(uncertain, tmp_path):
    done = subprocess.run([sys.executable, "-m", "escalation.cli", "run", str(uncertain), "--seed", "4", "--quiet", "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    model = Crisis(load_scenario(uncertain), rng=4)
    noise = model.parameters["settings.noise"][0]
    assert f"settings.noise {noise:.3g} (from uniform(0.1, 0.6))" in done.stdout
    assert "This world drew: " in (tmp_path / "narrative.md").read_text()


def every_number_drawn(name: str, path: Path) -> str:
    """An overlay of a shipped scenario with every per-world number written as a distribution around its own value."""
    import yaml

    from escalation.scenario.parameters import WORLD_SETTINGS
    from escalation.scenario.rulebook import RULEBOOK
    from escalation.scenario.schema import TRAITS

    sc = load_scenario(name)
    body: dict = {"extends": str(path), "name": f"{name}-drawn"[:60], "settings": {}, "actors": {}}
    for s in WORLD_SETTINGS:
        v = getattr(sc.settings, s)
        body["settings"][s] = {"uniform": [v * 0.5, v]} if v > 0 else {"choice": [0.0, 0.0]}
    for key, a in sc.actors.items():
        entry: dict = {}
        for t in TRAITS:
            v = getattr(a, t)
            entry[t] = {"triangular": [v * 0.8, v, v]} if v > 0.02 else v
        floats = [p for p, f in RULEBOOK[a.rule].params.model_fields.items() if f.annotation is float]
        if floats:
            entry["params"] = {**a.params, **{p: {"choice": [a.params.get(p, RULEBOOK[a.rule].params.model_fields[p].default)] * 2} for p in floats}}
        if a.red_lines:
            entry["red_lines"] = [{"id": rl.id, "credibility": {"beta": [2, 2]}} for rl in a.red_lines]
        body["actors"][key] = entry
    return yaml.safe_dump(body)


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_every_shipped_scenario_takes_a_distribution_for_every_per_world_number(name, tmp_path):
    path = tmp_path / f"{name}.yaml"
    path.write_text(every_number_drawn(name, shipped_scenarios()[name]))
    drawn = load_scenario(path)
    batch = Crisis(drawn, worlds=120, rng=2).run()
    outcomes = batch.outcomes()
    alone = Crisis(drawn, rng=2, first_run=77).run()
    assert all(alone.outcomes()[k][0] == outcomes[k][77] for k in outcomes), name  # a world alone plays as it does in the batch
    for key, values in batch.parameters.items():
        assert alone.parameters[key][0] == values[77], key
