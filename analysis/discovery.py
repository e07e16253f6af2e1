"""Scenario discovery: which parameter values make an outcome of interest likely.

Over the runs of a batch with distributions, or of a sweep, the inputs are the numbers
that varied (each run's drawn or swept values) and the outcome is one yes-or-no per run
(``end_nuclear_use``, ``cross_direct_nato_russia_war``, or a threshold on a metric such as
``intensity_mean>=40``). Three views, all from EMA Workbench (Kwakkel 2017), the tool
this is done with in exploratory modelling, rather than written again:

- PRIM (Friedman and Fisher 1999; Bryant and Lempert 2010): a box of parameter ranges, peeled
  from the whole space; the peeling trajectory trades coverage (the share of the cases of
  interest inside the box) against density (the share of the box's runs that are cases);
  each limit carries its quasi-p-value (how likely so narrow a limit is by chance alone).
- CART (Breiman et al. 1984): a classification tree, whose leaves are boxes too.
- Feature scoring: extra-trees importance of each input for the outcome (Geurts et al. 2006).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from escalation.analysis.outcomes import metric_names, metric_values
from escalation.errors import InputError, did_you_mean

COMPARISON = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(>=|<=|>|<|==)\s*(-?\d+(?:\.\d+)?)\s*$")
SCORED_ROWS = 200_000  # extra trees see at most this many runs (a seeded sample): importance settles long before
QP_SIGNIFICANT = 0.05


def _ema():
    """EMA Workbench's analysis modules (its import warns about optional parallel back ends it does not need here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import cart, feature_scoring, prim
    return prim, cart, feature_scoring


def parse_outcome(expression: str, names: list[str], what: str) -> tuple[str, str | None, float | None]:
    """``expression`` as (metric, comparison, number): an ``end_<state>`` or ``cross_<threshold>`` metric (no comparison),
    or ``METRIC OP NUMBER`` (OP one of >=, <=, >, <, ==). Parsed, never evaluated; ``what`` names it in an error."""
    text = expression.strip()
    found = COMPARISON.match(text)
    metric = found.group(1) if found else text
    if metric not in names:
        raise InputError(f"{what} '{expression}': unknown outcome '{metric}'{did_you_mean(metric, names)}; give an end_<state> or "
                         f"cross_<threshold> outcome, or METRIC>=NUMBER, with one of {', '.join(names)}")
    if found:
        return metric, found.group(2), float(found.group(3))
    if not text.startswith(("end_", "cross_")):
        raise InputError(f"{what} '{expression}': give an end_<state> or cross_<threshold> outcome, or METRIC>=NUMBER; "
                         f"the metrics are {', '.join(names)}")
    return metric, None, None


def hits(runs: pd.DataFrame, model: dict, expression: str, what: str = "--outcome") -> tuple[np.ndarray, str]:
    """One yes-or-no per run for an outcome expression (see :func:`parse_outcome`) over ``runs``, and its label."""
    metric, op, number = parse_outcome(expression, metric_names(model), what)
    values = metric_values(runs, metric, model)
    if op is None:
        return values > 0.5, metric
    assert number is not None
    hit = {">=": values >= number, "<=": values <= number, ">": values > number, "<": values < number, "==": values == number}[op]
    return hit, f"{metric} {op} {number:g}"


def outcome(results, expression: str) -> tuple[np.ndarray, str]:
    """One yes-or-no per run of ``results`` for ``expression``, and its label (see :func:`hits`)."""
    return hits(results.runs, results.model, expression)


def inputs(results) -> pd.DataFrame:
    """The numbers that varied from run to run, by dotted key: a sweep's factors and the scenario's distributions."""
    columns: dict[str, str] = {}
    for f in (results.sweep or {}).get("factors", []):
        columns[f.get("column", f["key"])] = f["key"]
    for p in results.manifest.get("parameters", []):
        columns[p["column"]] = p["key"]
    present = {c: k for c, k in columns.items() if c in results.runs and results.runs[c].nunique() > 1}
    if not present:
        raise InputError(f"{results.folder}: nothing varied from run to run; discovery needs a sweep, or a batch of a scenario with distributions "
                         "(such as resolve: {uniform: [0.5, 1]})")
    return results.runs[list(present)].rename(columns=present).astype(float).reset_index(drop=True)


@dataclass
class Discovery:
    """What discovery found for one outcome."""

    outcome: str
    base_rate: float
    cases: int
    runs: int
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim, per peeling step
    chosen: int  # the box on the trajectory reported
    limits: pd.DataFrame  # name, min, max, full_min, full_max, qp (restricted dimensions of the chosen box)
    cart: pd.DataFrame  # one row per CART leaf with at least twice the base rate: its rule, coverage, density, mass
    scores: pd.DataFrame  # input, score (extra-trees importance)

    @property
    def box(self) -> pd.Series:
        return self.trajectory.iloc[self.chosen]


def discover(results, expression: str, *, density: float = 0.0, peel_alpha: float = 0.05, seed: int = 0) -> Discovery:
    """PRIM, CART and feature scores for ``expression`` over the inputs that varied; the box reported has at least
    ``density`` (where the trajectory reaches it)."""
    prim, cart, feature_scoring = _ema()
    x = inputs(results)
    y, label = outcome(results, expression)
    y = np.asarray(y, dtype=bool)
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        raise InputError(f"--outcome {label}: {'no' if cases == 0 else 'every'} run of {len(y):,} has it, so nothing tells its runs apart")
    base = cases / len(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Peel all the way and choose on the trajectory. Prim.find_box would replace a box whose density stays under its
        # threshold (0.5: what makes a 0/1 run a case) by an empty "dump box", as a rare outcome's boxes do, so its own
        # two phases are run here (EMA Workbench 2.5, pinned below 3).
        search = prim.Prim(x, y.astype(float), threshold=0.5, peel_alpha=peel_alpha)
        search._update_yi_remaining(search)
        found = search._paste(search._peel(prim.PrimBox(search, search.box_init, search.yi_remaining[:])))
    trajectory = found.peeling_trajectory[["coverage", "density", "mass", "res_dim", "n", "k"]].reset_index(drop=True).astype(float)
    chosen = _choose(trajectory, found.qp, density)
    limits = _limits(found, chosen, x)
    tree = _cart(cart, x, y)
    return Discovery(label, base, cases, len(y), trajectory, chosen, limits, tree, _scores(feature_scoring, x, y, seed))


def _choose(trajectory: pd.DataFrame, qp: list, density: float) -> int:
    """The box reported: of those with at least ``density`` whose every limit is significant (quasi-p below 0.05), the
    one with the most coverage times density (a balance of the two; the last boxes are dense but cover little)."""
    significant = [i for i, q in enumerate(qp) if all(min(v for v in pair if v >= 0) < QP_SIGNIFICANT for pair in q.values() if max(pair) >= 0)]
    dense = trajectory["density"] >= density
    candidates = ([i for i in significant if trajectory["res_dim"].iloc[i] > 0 and dense.iloc[i]]
                  or [i for i in range(1, len(trajectory)) if dense.iloc[i]] or [len(trajectory) - 1])
    score = (trajectory["coverage"] * trajectory["density"]).iloc[candidates]
    return int(candidates[int(np.argmax(score.to_numpy()))])


def _limits(found, i: int, x: pd.DataFrame) -> pd.DataFrame:
    box, qp = found.box_lims[i], found.qp[i]
    rows = []
    for name, pair in qp.items():
        low, high = (float(v) for v in box[name])
        rows.append({"name": name, "min": low, "max": high, "full_min": float(x[name].min()), "full_max": float(x[name].max()),
                     "qp": min(v for v in pair if v >= 0) if max(pair) >= 0 else np.nan})
    return pd.DataFrame(rows, columns=["name", "min", "max", "full_min", "full_max", "qp"])


def _cart(cart, x: pd.DataFrame, y: np.ndarray) -> pd.DataFrame:
    """The CART leaves where the outcome is at least twice its base rate, as rules over the inputs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = cart.CART(x, y, mass_min=0.05)
        tree.build_tree()
    rows, base = [], float(np.mean(y))
    for box, stats in zip(tree.boxes, tree.stats):
        if stats["density"] < 2 * base:
            continue
        rule = " and ".join(
            _range_text(name, float(box[name].iloc[0]), float(box[name].iloc[1]), float(x[name].min()), float(x[name].max())) for name in box.columns
            if float(box[name].iloc[0]) > float(x[name].min()) or float(box[name].iloc[1]) < float(x[name].max())
        )
        rows.append({"rule": rule or "(everywhere)", "coverage": stats["coverage"], "density": stats["density"], "mass": stats["mass"]})
    return pd.DataFrame(rows, columns=["rule", "coverage", "density", "mass"]).sort_values("coverage", ascending=False).reset_index(drop=True)


def _range_text(name: str, low: float, high: float, full_low: float, full_high: float) -> str:
    if low > full_low and high < full_high:
        return f"{low:.3g} <= {name} <= {high:.3g}"
    return f"{name} >= {low:.3g}" if low > full_low else f"{name} <= {high:.3g}"


def _scores(feature_scoring, x: pd.DataFrame, y: np.ndarray, seed: int) -> pd.DataFrame:
    if len(x) > SCORED_ROWS:
        keep = np.sort(np.random.default_rng(seed).choice(len(x), SCORED_ROWS, replace=False))
        x, y = x.iloc[keep].reset_index(drop=True), y[keep]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores, _ = feature_scoring.get_ex_feature_scores(x, y, mode=feature_scoring.RuleInductionType.CLASSIFICATION, random_state=seed)
    return scores.reset_index().set_axis(["input", "score"], axis=1).sort_values("score", ascending=False).reset_index(drop=True)


def summary(found: Discovery) -> str:
    """The discovery in words, for the terminal."""
    box = found.box
    lines = [
        f"outcome {found.outcome}: {found.cases:,} of {found.runs:,} runs (base rate {found.base_rate:.2%})",
        f"PRIM box {found.chosen} of {len(found.trajectory)} on the peeling trajectory: coverage {box['coverage']:.1%}, density {box['density']:.1%} "
        f"({box['density'] / found.base_rate:.1f}x the base rate), {box['mass']:.1%} of the runs",
    ]
    for r in found.limits.itertuples():
        lines.append(f"  {r.min:.3g} <= {r.name} <= {r.max:.3g}   (of {r.full_min:.3g} .. {r.full_max:.3g}; quasi-p {r.qp:.2g})")
    if len(found.cart):
        lines.append("CART leaves with at least twice the base rate:")
        lines += [f"  {r.rule}   (coverage {r.coverage:.1%}, density {r.density:.1%})" for r in found.cart.head(5).itertuples()]
    lines.append("feature scores (extra trees): " + ", ".join(f"{r.input} {r.score:.2f}" for r in found.scores.itertuples()))
    return "\n".join(lines)


def draw_discovery(results, found: Discovery):
    """Four panels: the peeling trajectory, the chosen box's limits, the feature scores, and the CART leaves."""
    from escalation.analysis.style import pyplot, stamp

    plt = pyplot()
    fig, ((trade, box), (scores, leaves)) = plt.subplots(2, 2, figsize=(13, 9))
    fig.subplots_adjust(left=0.27, right=0.97, top=0.88, bottom=0.1, hspace=0.45, wspace=0.6)
    t = found.trajectory
    points = trade.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    trade.scatter([found.box["coverage"]], [found.box["density"]], s=120, facecolors="none", edgecolors="#c0392b", lw=2, label=f"box {found.chosen}")
    trade.axhline(found.base_rate, color="#999", ls=":", lw=1, label=f"base rate {found.base_rate:.2%}")
    fig.colorbar(points, ax=trade, label="restricted dimensions")
    trade.set(xlabel="coverage (share of the cases inside the box)", ylabel="density (share of the box's runs that are cases)", xlim=(0, 1.02), ylim=(0, 1.02))
    trade.set_title("PRIM peeling trajectory", fontsize=10)
    trade.legend(fontsize=8, loc="lower left")
    lim = found.limits
    y = np.arange(len(lim))[::-1]
    span = (lim["full_max"] - lim["full_min"]).replace(0, 1)
    box.barh(y, 1.0, color="#eee", edgecolor="#bbb")
    box.barh(y, (lim["max"] - lim["min"]) / span, left=(lim["min"] - lim["full_min"]) / span, color="#fdae6b", edgecolor="#a63603")
    box.set_yticks(y, [f"{r.name}\n{r.min:.3g} .. {r.max:.3g} (qp {r.qp:.2g})" for r in lim.itertuples()], fontsize=8)
    box.set_xlim(0, 1)
    box.set_xlabel("share of each input's range (grey: all of it)")
    box.set_title(f"box {found.chosen}: coverage {found.box['coverage']:.0%}, density {found.box['density']:.0%}", fontsize=10)
    s = found.scores
    yy = np.arange(len(s))[::-1]
    scores.barh(yy, s["score"], color="#9ecae1", edgecolor="#08519c")
    scores.set_yticks(yy, s["input"], fontsize=8)
    scores.set_xlabel("extra-trees importance")
    scores.set_title("feature scores", fontsize=10)
    leaves.axis("off")
    rules = [f"{r.rule}\n   coverage {r.coverage:.0%}, density {r.density:.0%}" for r in found.cart.head(6).itertuples()]
    text = "\n".join(rules) or "no leaf reaches twice the base rate"
    leaves.text(0, 1, "CART leaves with at least twice the base rate:\n\n" + text, va="top", fontsize=8, family="monospace", wrap=True)
    fig.suptitle(f"Scenario discovery: {found.outcome} ({found.cases:,} of {found.runs:,} runs)", fontsize=13)
    stamp(fig, results.stamp())
    return fig
