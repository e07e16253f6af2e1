"""Intervals that stay honest for rare events and for runs that share their seeds.

- A share of runs gets the exact Clopper-Pearson 95% interval (the beta quantiles of
  ``scipy.special.betaincinv``, which ``scipy.stats.beta.ppf`` calls, without the 0.4 s
  import of ``scipy.stats``: the same as ``scipy.stats.binomtest(k, n).proportion_ci(method="exact")``): it never
  collapses to [0, 0]; with no hits at all its upper end is about 3.7 / n (the "rule of
  three" gives 3 / n for a one-sided bound).
- A share pooled over a sweep's points is *clustered by seed*: the points reuse the same
  replicate numbers (common random numbers), so the runs of one replicate are not
  independent. The interval comes from the spread of the replicates' own shares
  (a cluster-robust standard error); a share never seen gets the exact bound over the seeds.
- Every share prints with its count: ``3 / 100,000 = 0.003% [0.0006%, 0.009%]``.
"""

from __future__ import annotations

import numpy as np
from scipy import special

Z95 = 1.959963984540054
LEVEL = 0.95


def clopper_pearson(k, n, level: float = LEVEL):
    """Exact binomial interval for ``k`` hits in ``n`` runs (arrays welcome)."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        lo = np.where(k > 0, special.betaincinv(k, n - k + 1, alpha / 2), 0.0)
        hi = np.where(k < n, special.betaincinv(k + 1, n - k, 1 - alpha / 2), 1.0)
    return lo, hi


def clustered(hits: np.ndarray, clusters: np.ndarray) -> tuple[float, float, float]:
    """A share of runs (0/1 per run, or a mean of any values) with its 95% interval clustered by ``clusters``.

    The estimate is the plain mean; its standard error is that of the mean of the cluster means
    (equal-sized clusters, as a sweep's replicates are). A 0/1 outcome never (or always) seen gets the
    exact interval over the clusters instead, an upper end of about 3.7 / (number of seeds), not [0, 0]."""
    values = np.asarray(hits, dtype=float)
    codes = np.unique(np.asarray(clusters), return_inverse=True)[1]
    sizes = np.bincount(codes)
    means = np.bincount(codes, weights=values) / sizes
    p, m = float(values.mean()), len(means)
    half = Z95 * float(means.std(ddof=1)) / np.sqrt(m) if m > 1 else float("inf")
    lo, hi = max(p - half, float(values.min())), min(p + half, float(values.max()))
    if p in (0.0, 1.0) and set(np.unique(values)) <= {0.0, 1.0}:  # never seen (or always): the exact bound over the seeds
        k_lo, k_hi = clopper_pearson(p * m, m)
        lo, hi = float(k_lo), float(k_hi)
    return p, max(lo, 0.0) if values.min() >= 0 else lo, hi


def share_text(k: int, n: int, lo: float | None = None, hi: float | None = None) -> str:
    """``3 / 100,000 = 0.003% [0.0006%, 0.009%]``: the count, the share and its interval, each to enough digits."""
    if lo is None or hi is None:
        lo, hi = (float(x) for x in clopper_pearson(k, n))
    return f"{k:,} / {n:,} = {percent(k / n if n else 0.0)} [{percent(lo)}, {percent(hi)}]"


def percent(x: float) -> str:
    """A share as a percentage with two significant digits below 1% (never a real chance shown as 0.0%)."""
    x = float(x)
    if x == 0:
        return "0%"
    if x >= 0.01 or x >= 0.9999:
        return f"{x:.1%}"
    digits = max(1, int(-np.floor(np.log10(x * 100))) + 1)
    return f"{x * 100:.{digits}f}%"


def paired(differences: np.ndarray, rng: np.random.Generator, resamples: int = 4000, span: float = 1.0) -> tuple[float, float]:
    """95% interval of the mean of paired differences B - A.

    The paired bootstrap (resampling the pairs: drawn as multinomial counts of the few distinct
    differences, the same distribution at a tiny cost). Where no pair differs the bootstrap says
    [0, 0], which claims too much: the interval is then the exact bound on how often pairs could
    differ without any being seen, times ``span``, the widest difference the values allow (1 for shares)."""
    values, counts = np.unique(differences, return_counts=True)
    n = len(differences)
    if len(values) == 1:
        _, share = clopper_pearson(0, n)
        return float(values[0] - span * share), float(values[0] + span * share)
    means = rng.multinomial(n, counts / n, size=resamples) @ values / n
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def runs_needed(p: float, half: float) -> int:
    """Runs for a 95% interval of about +-``half`` around a share near ``p`` (at least the rule of three's 3 / half)."""
    return int(np.ceil(max(Z95**2 * p * (1 - p) / half**2, 3.0 / half)))
