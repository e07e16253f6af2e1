"""The hot path's compiled kernels equal the pure-numpy reference bit for bit; results do not depend on
the kernels, the chunk size, the workers or the executor; a world replayed alone equals itself in a batch."""

from __future__ import annotations

import functools
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from escalation.ensemble.batch import run_batch
from escalation.ensemble.runner import ScenarioRunner
from escalation.model import END_STATES, Crisis, kernels, numerics
from escalation.model.streams import Streams
from escalation.scenario.overrides import validated
from escalation.scenario.paths import shipped_scenarios

keys = st.integers(0, 2**64 - 1).map(np.uint64)


@settings(max_examples=40, deadline=None)
@given(key=keys, first=st.integers(0, 2**62 - 20_000), worlds=st.integers(1, 300), lanes=st.integers(1, 4))
def test_compiled_draws_equal_the_reference(key, first, worlds, lanes):
    ids = np.arange(first, first + worlds, dtype=np.uint64)
    reference = kernels.uniforms(key, ids, lanes, "numpy")
    assert np.array_equal(kernels.uniforms(key, ids, lanes, "numba"), reference)
    assert reference.shape == (lanes, worlds) and (reference >= 0).all() and (reference < 1).all()
    assert np.array_equal(kernels.uniforms(key, ids, 1, "numpy")[0], reference[0])  # a lane is the same however many are drawn


def test_draws_are_uniform_and_lanes_independent():
    u = kernels.uniforms(np.uint64(12345), np.arange(200_000, dtype=np.uint64), 4, "numba")
    counts = np.histogram(u[0], bins=20, range=(0, 1))[0]
    assert abs(counts - 10_000).max() < 500 and abs(u.mean() - 0.5) < 0.002
    corr = np.corrcoef(u)
    assert abs(corr[np.triu_indices(4, 1)]).max() < 0.01
    # neighbouring run ids are not correlated either
    assert abs(np.corrcoef(u[0, :-1], u[0, 1:])[0, 1]) < 0.01


def test_exp_is_accurate_and_exactly_zero_far_below():
    x = -np.concatenate([np.linspace(0, 86.9, 100_001), [87.5, 1e3, 1e30]]).astype(np.float32)
    e = numerics.exp_reference(x)
    assert e.dtype == np.float32 and e[0] == 1.0
    kept = x >= numerics.EXP_FLOOR
    assert np.max(np.abs(e[kept] / np.exp(x[kept].astype(np.float64)) - 1)) < 2.5e-7
    assert (e[~kept] == 0).all() and (np.diff(e[kept]) <= 0).all()


def test_the_normals_log_sine_and_cosine_are_accurate():
    x = np.concatenate([np.geomspace(2.0**-53, 1.0, 200_001), 1 - np.geomspace(2.0**-53, 0.5, 100_001), [1.0]])  # both ends: 0 and 1
    log = numerics.log_reference(x)
    assert log.dtype == np.float32 and log[-1] == 0.0 and (np.diff(log[:200_001]) >= 0).all()
    assert np.max(np.abs(log - np.log(x)) / np.maximum(1e-300, -np.log(x))) < 2e-7
    t = np.concatenate([np.linspace(0, 1, 400_001), [0.125, 0.375, 0.625, 0.875]]).astype(np.float32)
    sin, cos = numerics.turns_reference(t)
    turn = 2 * np.pi * t.astype(np.float64)
    assert np.abs(sin - np.sin(turn)).max() < 2e-7 and np.abs(cos - np.cos(turn)).max() < 2e-7
    assert (sin[[0, 100_000, 200_000, 300_000]] == [0, 1, 0, -1]).all() and (cos[[0, 100_000, 200_000, 300_000]] == [1, 0, -1, 0]).all()


uniform_draws = arrays(np.float64, st.integers(1, 300), elements=st.floats(0, 1, exclude_max=True)
                       | st.sampled_from([0.0, 2.0**-53, 0.125, 0.25, 0.5, 0.75, 1 - 2.0**-53, 1 - 2.0**-25]))


@settings(max_examples=60, deadline=None)
@given(u1=uniform_draws, data=st.data(), first=st.booleans(), second=st.booleans())
def test_compiled_normals_equal_the_reference(u1, data, first, second):
    u2 = data.draw(arrays(np.float64, len(u1), elements=st.floats(0, 1, exclude_max=True)))
    reference = kernels.normals(u1, u2, first, second, "numpy")
    for got, want in zip(kernels.normals(u1, u2, first, second, "numba"), reference):
        assert (got is None and want is None) or (got.dtype == want.dtype == np.float32 and np.array_equal(got, want))
    z = kernels.normals(u1, u2, True, True, "numpy")
    radius = np.sqrt(-2 * np.log1p(-u1))  # Box and Muller in double precision, to within single precision's rounding
    assert np.allclose(z[0], radius * np.cos(2 * np.pi * u2), rtol=1e-5, atol=1e-5)
    assert np.allclose(z[1], radius * np.sin(2 * np.pi * u2), rtol=1e-5, atol=1e-5)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.integers(1, 12), worlds=st.integers(1, 40), data=st.data(),
)
def test_compiled_choice_equals_the_reference(rows, worlds, data):
    score = data.draw(arrays(np.float32, (rows, worlds), elements=st.floats(-200, 60, width=32)))
    legal = data.draw(arrays(np.bool_, (rows, worlds)))
    legal[data.draw(st.integers(0, rows - 1))] = True  # staying put is always legal
    temperature = data.draw(arrays(np.float64, worlds, elements=st.floats(0.01, 10)))
    u = data.draw(arrays(np.float64, worlds, elements=st.floats(0, 1, exclude_max=True)))
    reference = kernels.logit_pick(score.copy(), legal, temperature, u, "numpy")
    assert np.array_equal(kernels.logit_pick(score.copy(), legal, temperature, u, "numba"), reference)
    assert legal[reference, np.arange(worlds)].all()


def assert_same_runs(a: Crisis, b: Crisis, what="") -> None:
    """Two models played the same worlds to the same paths, outcomes and red lines' state (beliefs included), bit for bit."""
    assert np.array_equal(a.path, b.path), what
    for name, rows in a._line_rows.items():
        assert np.array_equal(rows, b._line_rows[name]), (what, name)
    out_a, out_b = a.outcomes(), b.outcomes()
    assert out_a.keys() == out_b.keys(), what
    for key in out_a:
        assert np.array_equal(out_a[key], out_b[key]), (what, key)


@pytest.mark.parametrize("scenario", sorted(shipped_scenarios()))
def test_the_fast_path_equals_the_reference_on_every_shipped_scenario(scenario):
    a, b = (Crisis(scenario, worlds=400, rng=11, kernels=k, trajectories=True).run() for k in ("numpy", "numba"))
    assert (a.kernels, b.kernels) == ("numpy", "numba")
    assert_same_runs(a, b)


# per-world settings and traits far from the shipped values, so that every branch of the kernels is taken: accidents,
# vetoes, audience costs, answers owed below the posture, eroded and restored red lines, talks and losses
WILD = {"noise": (0, 2), "accident_rate": (0, 0.3), "credibility_erosion": (0, 1), "credibility_gain": (0, 1), "deterrence": (0, 20),
        "restraint": (0, 20), "veto": (0, 1), "obligation": (0, 1), "inertia": (0, 5), "suspicion": (-1, 1), "audience_cost": (0, 20),
        "reputation": (0, 1)}
WILD_TRAITS = {"resolve": (0, 1), "risk_tolerance": (0, 1), "temperature": (0.05, 3), "cost_sensitivity": (0, 3), "leverage": (0, 1),
               "air_defence": (0, 1)}


@settings(max_examples=12, deadline=None)
@given(scenario=st.sampled_from(sorted(shipped_scenarios())), seed=st.integers(0, 2**32 - 1),
       settings_varied=st.sets(st.sampled_from(sorted(WILD)), min_size=1), traits_varied=st.sets(st.sampled_from(sorted(WILD_TRAITS))))
def test_the_fast_path_equals_the_reference_with_wild_parameters(scenario, seed, settings_varied, traits_varied):
    worlds, rng = kernels.COMPILED_FROM + 16, np.random.default_rng(seed)
    actors = Crisis(scenario, worlds=1).keys
    given = {f"settings.{k}": rng.uniform(*WILD[k], worlds) for k in sorted(settings_varied)}
    given |= {f"actors.{a}.{t}": rng.uniform(*WILD_TRAITS[t], worlds) for a in actors for t in sorted(traits_varied)}
    a, b = (Crisis(scenario, worlds=worlds, rng=seed, kernels=k, parameters=given, trajectories=True).run() for k in ("numpy", "numba"))
    assert_same_runs(a, b)


class _BothPaths:
    """Stands in for ``Crisis`` in the mechanism scenarios: plays each on both paths, a few worlds past the compiled
    path's threshold, and checks them equal before handing back the compiled one."""

    seen: list = []

    def __new__(cls, scenario, worlds=1, rng=None, **kw):
        kw["trajectories"] = True
        worlds = min(worlds, kernels.COMPILED_FROM + 16)
        a, b = (Crisis(scenario, worlds=worlds, rng=rng, kernels=k, **kw).run() for k in ("numpy", "numba"))
        assert_same_runs(a, b, scenario.name)
        cls.seen.append(scenario.name)
        return b


def test_the_fast_path_equals_the_reference_on_the_mechanism_scenarios(monkeypatch):
    # built by hand, unlike the shipped ones: fog or none, vetoes, lines of graver responses, a war lost, every deciding rule
    from tests import mechanisms

    monkeypatch.setattr(mechanisms, "Crisis", _BothPaths)
    _BothPaths.seen = []
    measures = [mechanisms.measure_misperception_spiral, mechanisms.measure_severity_deters, mechanisms.measure_grit_exploited,
                mechanisms.measure_veto_delays, mechanisms.measure_losing_escalates]
    for measure in [*measures, *(functools.partial(mechanisms.measure_leader_change, rule) for rule in mechanisms.DECIDING)]:
        measure()
    assert len(_BothPaths.seen) == 2 * (len(measures) + len(mechanisms.DECIDING))


def test_kernel_paths_are_chosen_by_size_and_can_be_forced(monkeypatch):
    monkeypatch.delenv("ESCALATION_KERNELS", raising=False)
    assert kernels.path(1) == "numpy" and kernels.path(kernels.COMPILED_FROM) == "numba"
    assert kernels.path(10_000, "numpy") == "numpy"
    monkeypatch.setenv("ESCALATION_KERNELS", "numpy")
    assert kernels.path(10_000) == "numpy" and kernels.path(1, "numba") == "numba"
    with pytest.raises(ValueError, match="kernels must be one of"):
        kernels.path(5, "jax")


def test_a_classroom_run_never_imports_the_compiler(tmp_path):
    code = (
        "import sys; from escalation.cli import main\n"
        f"assert main(['run', 'nov-2024', '--seed', '2', '--quiet', '--out', r'{tmp_path}']) == 0\n"
        "assert 'numba' not in sys.modules, 'numba imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_packed_run_ids_draw_what_each_world_draws_alone():
    packed = Streams(3, 5, replicates=np.array([7, 2, 7, 0, 9])).uniforms(4, "decide", "x")
    for column, run in enumerate([7, 2, 7, 0, 9]):
        assert np.array_equal(packed[:, column], Streams(3, 1, first_run=run).uniforms(4, "decide", "x")[:, 0])


# ----------------------------------------------------------------- batches: chunks, workers, executors

RUNS = 10_030  # the last chunk is small (30 worlds), so it plays on the reference path while the others are compiled


def _runs(folder):
    return pq.read_table(folder / "runs.parquet").drop(["chunk", "world"])


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    from distributed import LocalCluster

    root = tmp_path_factory.mktemp("chunks")
    common = dict(seed=13, progress=False)
    out = {c: run_batch("nov-2024", RUNS, out=root / f"chunk{c}", chunk=c, workers=1, **common) for c in (1000, 5000, 10_000)}
    out["two"] = run_batch("nov-2024", RUNS, out=root / "two", chunk=5000, workers=2, **common)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://", dashboard_address=None) as cluster:
        out["dask"] = run_batch("nov-2024", RUNS, out=root / "dask", chunk=1000, executor=cluster.scheduler_address, **common)
    return out


def test_chunks_of_1000_5000_and_10000_workers_and_dask_give_identical_runs(batches):
    reference = _runs(batches[10_000])
    assert reference.num_rows == RUNS
    for name in (1000, 5000, "two", "dask"):
        assert _runs(batches[name]).equals(reference), name
    ends = reference.column("end_state").to_pylist()
    assert len(set(ends)) >= 3  # the batch is not one outcome everywhere (a comparison of constants would pass)


def test_a_world_replayed_alone_equals_itself_inside_the_batch(batches):
    runs = _runs(batches[5000]).to_pandas().set_index("run")
    for run in (0, 4_999, 5_000, 10_029):
        alone = Crisis("nov-2024", rng=13, first_run=run).run()  # W = 1: the reference path, the narrative on
        assert alone.kernels == "numpy"
        outcomes = alone.outcomes()
        assert END_STATES[outcomes["end_state"][0]] == runs.loc[run, "end_state"]
        for column, values in outcomes.items():
            if column != "end_state" and column in runs.columns:
                assert values.astype(runs[column].dtype)[0] == runs.loc[run, column], (run, column)  # as stored


def test_a_row_of_candidates_reads_back_from_one_integer_up_to_fifteen_rungs():
    compiled = kernels._compiled()
    rng = np.random.default_rng(2)
    for rungs in (1, 12, 15):
        row = rng.integers(-1, rungs, size=rungs).astype(np.int8)
        row[-1] = rungs - 1  # the highest entry: its four bits are the integer's last used ones
        packed = compiled.as_nibbles(row)
        assert packed >= 0
        assert [((int(packed) >> (4 * i)) & 15) - 1 for i in range(rungs)] == row.tolist()
    assert compiled.as_nibbles(np.arange(16, dtype=np.int8)) == -1  # the 16th rung would not fit: read rung by rung


@pytest.mark.parametrize("extra", [3, 4, 60])
def test_the_fast_path_equals_the_reference_on_ladders_too_long_for_one_integer(extra):
    # a row of candidates fits four bits a rung of one integer up to 15 rungs, a set of rungs one bit a rung up to 63; past
    # them the compiled decision reads the table rung by rung
    runner = ScenarioRunner("nov-2024")
    rungs = [dict(r) for r in runner.doc["ladder"]["rungs"]]
    top = rungs[-1]
    rungs += [{**top, "id": f"beyond_{i}", "name": f"Beyond {i}", "level": len(rungs) + i} for i in range(extra)]
    long = validated(runner.doc, "<test>", [(("ladder", "rungs"), rungs)], "a test")[1]
    a, b = (Crisis(long, worlds=kernels.COMPILED_FROM + 16, rng=5, kernels=k, trajectories=True, audience_cost=3.0).run() for k in ("numpy", "numba"))
    assert a.ladder.n == 12 + extra and (a.path >= 0).any()
    assert_same_runs(a, b)


def test_each_kernel_is_compiled_once_whatever_the_scenario_or_sweep():
    # numba compiles a kernel afresh for each mix of argument types (a read-only array is a type of its own), which costs
    # seconds on a machine's first batch: every scenario, with settings and traits given per world or not, takes the same one
    code = """
import numba, numpy as np
from escalation.model import Crisis, kernels
from escalation.scenario.paths import shipped_scenarios
for name in sorted(shipped_scenarios()):
    Crisis(name, worlds=kernels.COMPILED_FROM, rng=1, trajectories=True).run()
per_world = {f"settings.{k}": np.linspace(0, 1, kernels.COMPILED_FROM) for k in ("deterrence", "audience_cost", "noise", "obligation")}
per_world["actors.russia.resolve"] = np.linspace(0, 1, kernels.COMPILED_FROM)
Crisis("nov-2024", worlds=kernels.COMPILED_FROM, rng=1, parameters=per_world).run()
Crisis("nov-2024", worlds=kernels.COMPILED_FROM, rng=1, audience_cost=0.0, noise=0.0).run()  # no promise weighs, no fog
c = kernels._compiled()
twice = {n: len(f.signatures) for n, f in vars(c).items() if isinstance(f, numba.core.registry.CPUDispatcher) and len(f.signatures) > 1}
print(twice or "once")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and done.stdout.strip() == "once", done.stdout + done.stderr
