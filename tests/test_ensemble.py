"""One rulebook for one world and for many: chunks against single runs, seeding, Mesa's batch_run."""

from __future__ import annotations

import datetime as dt

import mesa
import numpy as np
import pytest
from scipy import stats

import escalation
from escalation.model import END_STATES, Crisis

SINGLES = 300


@pytest.fixture(scope="module")
def month(baseline):
    """The baseline's first thirty days: the same rules, a shorter run."""
    return baseline.model_copy(update={"end": baseline.start + dt.timedelta(days=29)})


def intensity(outcomes) -> np.ndarray:
    """The mean escalation intensity of the days played: a sensitive, nearly continuous summary of a run."""
    return outcomes["intensity_mean"]


def test_a_chunk_and_single_world_runs_share_one_distribution(month, kit):
    singles = [Crisis(month, rng=seed).run().outcomes() for seed in range(SINGLES)]
    one_by_one = np.concatenate([intensity(o) for o in singles])
    peaks = np.concatenate([o["peak_rung"] for o in singles])
    chunk = Crisis(month, worlds=6000, rng=10_000).run().outcomes()

    assert stats.ks_2samp(one_by_one, intensity(chunk)).pvalue > 0.01
    levels = np.union1d(peaks, chunk["peak_rung"])
    table = np.array([[np.sum(peaks == lv) for lv in levels], [np.sum(chunk["peak_rung"] == lv) for lv in levels]])
    table = table[:, table.sum(axis=0) >= 10]  # the chi-square needs cells that are not nearly empty
    assert table.shape[1] < 2 or stats.chi2_contingency(table).pvalue > 0.01

    # the same test tells a different model apart: its power is not nil
    foggy = Crisis(kit.vary(month, settings={"noise": 1.2}), worlds=6000, rng=10_000).run().outcomes()
    assert stats.ks_2samp(one_by_one, intensity(foggy)).pvalue < 0.01


def test_a_fixed_seed_reproduces_a_chunk_bit_for_bit(baseline):
    def chunk():
        rng = np.random.default_rng(np.random.SeedSequence(2024).spawn(4)[3])
        return Crisis(baseline, worlds=3000, rng=rng, trajectories=True).run()

    a, b = chunk(), chunk()
    assert a.path.tobytes() == b.path.tobytes() and a.system_path.tobytes() == b.system_path.tobytes()
    oa, ob = a.outcomes(), b.outcomes()
    assert oa.keys() == ob.keys() and all(oa[k].tobytes() == ob[k].tobytes() for k in oa)


def test_mesa_batch_run_returns_the_outcomes():
    rows = mesa.batch_run(
        escalation.Crisis,
        parameters={"scenario": "nov-2024", "rng": range(20)},
        number_processes=1,
        iterations=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert sorted(r["rng"] for r in rows) == list(range(20))
    for row in rows:
        assert row["end_state"] in END_STATES and 0 <= row["peak_rung"] <= 11
        assert {"first_nuclear_threshold", "peak_russia", "peak_rung_name"} <= set(row)
    # the same numbers as a run made by hand with that seed
    by_hand = Crisis("nov-2024", rng=7).run().outcomes()
    row = next(r for r in rows if r["rng"] == 7)
    assert row["peak_rung"] == by_hand["peak_rung"][0] and row["end_state"] == END_STATES[by_hand["end_state"][0]]
    assert row["first_strategic_strike"] == by_hand["first_strategic_strike"][0]


def test_a_worker_frees_every_model_it_runs(monkeypatch):
    """A batch worker freezes what it holds before its first and second models (see ``runner._freeze_the_process``); no
    model may be frozen with it, or a long batch would keep every one."""
    import gc
    import weakref

    from escalation.ensemble import runner

    monkeypatch.setattr(runner._Garbage, "models", 0)  # as in a fresh worker process
    made = []

    def kept(*args, **kwargs):
        model = Crisis(*args, **kwargs)
        made.append(weakref.ref(model))
        return model

    monkeypatch.setattr(runner, "Crisis", kept)
    play = runner.ScenarioRunner("nov-2024")
    for first in (0, 100, 200):
        play(None, 100, 1, np.arange(first, first + 100))
    gc.collect()
    assert len(made) == 3 and all(ref() is None for ref in made)
