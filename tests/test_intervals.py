"""Intervals for rare events and for runs that share seeds, checked against independent computations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from escalation.analysis.intervals import clopper_pearson, clustered, paired, percent, runs_needed, share_text


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 200_000), data=st.data())
def test_exact_intervals_match_scipy_binomtest(n, data):
    k = data.draw(st.integers(0, min(n, 50)) | st.integers(0, n))
    lo, hi = clopper_pearson(k, n)
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    assert lo == pytest.approx(ci.low, abs=1e-12) and hi == pytest.approx(ci.high, abs=1e-12)
    assert hi > 0 and lo < 1  # never collapses to [0, 0] or [1, 1]


def test_a_rare_event_prints_with_its_count():
    assert share_text(3, 100_000) == "3 / 100,000 = 0.0030% [0.00062%, 0.0088%]"
    text = share_text(0, 100_000)
    assert text.startswith("0 / 100,000 = 0% [0%, 0.0037%]")  # the rule of three's neighbour: about 3.7 / n
    assert percent(0.253) == "25.3%" and percent(0.0004) == "0.040%"


def test_seed_clustered_intervals_match_an_independent_computation():
    """Runs of a sweep share seeds: the interval from the replicates' own means, computed here by hand."""
    rng = np.random.default_rng(4)
    replicates, points = 200, 50
    seed_effect = rng.random(replicates) < 0.3  # a seed that makes the outcome likely at every point
    hit = (rng.random((points, replicates)) < np.where(seed_effect, 0.9, 0.05)).astype(float)
    clusters = np.tile(np.arange(replicates), points)
    p, lo, hi = clustered(hit.ravel(), clusters)
    means = hit.mean(axis=0)
    half = 1.959963984540054 * means.std(ddof=1) / np.sqrt(replicates)
    assert p == pytest.approx(hit.mean()) and lo == pytest.approx(p - half) and hi == pytest.approx(p + half)
    naive_lo, naive_hi = clopper_pearson(hit.sum(), hit.size)
    assert (hi - lo) > 4 * (naive_hi - naive_lo)  # far wider than if the 10,000 runs were independent


def test_a_clustered_share_never_seen_is_bounded_by_the_seeds():
    p, lo, hi = clustered(np.zeros(4000), np.tile(np.arange(100), 40))
    assert p == 0 and lo == 0 and hi == pytest.approx(binomtest(0, 100).proportion_ci(method="exact").high)


def test_paired_differences_with_no_discordant_pair_get_an_exact_interval():
    lo, hi = paired(np.zeros(1000), np.random.default_rng(0))
    bound = binomtest(0, 1000).proportion_ci(method="exact").high
    assert (lo, hi) == pytest.approx((-bound, bound))
    lo, hi = paired(np.array([0.0] * 999 + [1.0]), np.random.default_rng(0))
    assert lo <= 0.001 <= hi


def test_runs_needed_for_a_margin():
    assert runs_needed(0.5, 0.01) == 9604
    assert runs_needed(0.0, 0.001) == 3000  # rule of three for a share never seen
