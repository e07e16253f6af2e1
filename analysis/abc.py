"""Calibration by approximate Bayesian computation (ABC) over a scenario's distributions.

The scenario's distributions are the prior. A *particle* is one value for each of them; it
is simulated over ``runs`` worlds (every particle over the same replicate numbers, so that
particles are compared on common random numbers), and its *distance* to each target is how
far its simulated value lies from the target, in units of the target's tolerance: a
particle is accepted at ``epsilon`` when every distance is at most ``epsilon``. Targets:

- ``share``: the share of worlds with an outcome (``end_<state>``, ``cross_<threshold>`` or
  ``METRIC>=NUMBER``): its ``value`` give or take its ``tolerance``;
- ``pattern``: a pattern in the documented timeline, the share of worlds where a threshold is
  first crossed (or an actor first stands past it) between two dates;
- ``band``: an expert's band for the mean of a metric, ``low`` to ``high`` (distance 0 inside;
  outside, the gap in units of half the band's width).

Two samplers. *Rejection* (Pritchard et al. 1999): draw particles from the prior, keep those
within epsilon 1. *Sequential Monte Carlo* (ABC-SMC; Toni et al. 2009, with the adaptive
epsilons and the kernel of Beaumont et al. 2009): each generation's epsilon is a quantile of
the last one's accepted distances, down to 1; particles are drawn from the last population,
moved by a Gaussian kernel of twice its weighted variance, and weighted by prior over kernel
density. Hand-written, in numpy: pyabc and ELFI bring a database, a scheduler and their own
model interface, where a population here is one packed batch of the crisis model (its
particles are per-world parameters), which a library's one-simulation-per-call interface
would run a thousand times slower.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from escalation.errors import InputError
from escalation.model.outcomes import END_STATES
from escalation.scenario.distributions import Distribution

METHODS = ("rejection", "smc")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pattern(Strict):
    """A documented timeline's pattern: a threshold first crossed between two dates (by ``actor`` itself, if given)."""

    threshold: str = Field(description="The threshold's id.")
    between: tuple[dt.date, dt.date] = Field(description="The first and last date, YYYY-MM-DD, the first crossing falls between.")
    actor: str | None = Field(None, description="The actor whose own first crossing counts (default: anyone's).")


class Band(Strict):
    """An expert's band for the mean of a metric over the worlds."""

    metric: str
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low < self.high:
            raise ValueError(f"band: low ({self.low:g}) must be below high ({self.high:g})")
        return self


class Target(Strict):
    """One calibration target: a share with its tolerance, a timeline pattern with its tolerance, or a band."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    share: str | None = Field(None, description="An outcome whose share of worlds is targeted: end_<state>, cross_<threshold> or METRIC>=NUMBER.")
    pattern: Pattern | None = None
    band: Band | None = None
    value: float | None = Field(None, ge=0, le=1, description="The share aimed at (share and pattern).")
    tolerance: float | None = Field(None, gt=0, le=1, description="How far from value is close enough (share and pattern).")
    why: str = Field("", description="Where the target comes from.")

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [k for k in ("share", "pattern", "band") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"target {self.id}: give exactly one of share, pattern or band (found {', '.join(kinds) or 'none'})")
        if kinds[0] != "band" and (self.value is None or self.tolerance is None):
            raise ValueError(f"target {self.id}: a {kinds[0]} target needs a value and a tolerance")
        return self


class Targets(Strict):
    """A calibration's targets, read from YAML."""

    targets: list[Target] = Field(min_length=1)


def load_targets(path) -> Targets:
    """Read a targets file safely; every mistake comes back located (FILE:LINE:COL)."""
    from escalation.scenario.loading import validate_model
    from escalation.scenario.problems import ScenarioError
    from escalation.scenario.yamlio import load_yaml_text, read_text

    file = str(path)
    text = read_text(Path(path), file)
    try:
        return validate_model(Targets, load_yaml_text(text, file), file)
    except ScenarioError as exc:
        raise exc.with_source(file, text) from None


# --------------------------------------------------------------------------- the prior


@dataclass
class Prior:
    """Independent distributions over named parameters (the scenario's, by dotted key)."""

    keys: list[str]
    dists: list[Distribution]

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.column_stack([d.sample(rng.random(n)) for d in self.dists])

    def density(self, theta: np.ndarray) -> np.ndarray:
        """The prior density (a mass, for a choice) of each row; 0 outside the support."""
        out = np.ones(len(theta))
        for j, d in enumerate(self.dists):
            out *= _density(d, theta[:, j])
        return out


def _density(d: Distribution, x: np.ndarray) -> np.ndarray:
    from scipy import stats

    lo, hi = d.ends()
    inside = (x >= lo) & (x <= hi)
    if d.kind == "choice":
        options = np.array(d.args)
        return np.array([np.mean(np.isclose(options, v)) for v in x]) * inside
    if d.kind == "uniform":
        base = stats.uniform(d.args[0], d.args[1] - d.args[0])
    elif d.kind == "normal":
        base = stats.norm(*d.args)
    elif d.kind == "triangular":
        a, mode, b = d.args
        base = stats.triang((mode - a) / (b - a), loc=a, scale=b - a)
    else:
        base = stats.beta(*d.args)
    mass = base.cdf(hi) - base.cdf(lo)  # a clipped distribution: its density renormalised to the clip
    return np.where(inside, base.pdf(x) / max(mass, 1e-300), 0.0)


# --------------------------------------------------------------------------- samplers


@dataclass
class Generation:
    """One population: its epsilon, particles, weights, distances (particles, targets), and how many were simulated."""

    epsilon: float
    theta: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    simulated: int

    @property
    def acceptance(self) -> float:
        return len(self.theta) / self.simulated


@dataclass
class Posterior:
    """What a calibration found: the generations, the last one being the posterior."""

    keys: list[str]
    generations: list[Generation] = field(default_factory=list)
    proposals: list[np.ndarray] = field(default_factory=list)  # every simulated particle's distances, per generation

    @property
    def last(self) -> Generation:
        return self.generations[-1]

    def resample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` particles drawn from the posterior by weight."""
        g = self.last
        return g.theta[rng.choice(len(g.theta), n, p=g.weights / g.weights.sum())]


Simulator = Callable[[np.ndarray], np.ndarray]  # particles (n, parameters) -> distances (n, targets)


def rejection(simulate: Simulator, prior: Prior, particles: int, *, seed: int = 0, batch: int | None = None, max_simulations: int = 200_000,
              epsilon: float = 1.0) -> Posterior:
    """Draw from the prior in batches, keep the particles within ``epsilon`` of every target, until ``particles`` are kept."""
    rng = np.random.default_rng([seed, 1])
    batch = batch or max(particles, 100)
    kept: list[tuple[np.ndarray, np.ndarray]] = []
    seen: list[np.ndarray] = []
    tried = 0
    while sum(len(k[0]) for k in kept) < particles and tried < max_simulations:
        theta = prior.sample(batch, rng)
        d = simulate(theta)
        tried += batch
        seen.append(d)
        ok = d.max(axis=1) <= epsilon
        kept.append((theta[ok], d[ok]))
    theta = np.concatenate([k[0] for k in kept])[:particles]
    distances = np.concatenate([k[1] for k in kept])[:particles]
    if len(theta) == 0:
        raise InputError(f"rejection ABC kept no particle of {tried:,} within every target's tolerance; widen a tolerance, widen the "
                         "priors, or use --method smc")
    out = Posterior(prior.keys, proposals=[np.concatenate(seen)])
    out.generations.append(Generation(epsilon, theta, np.ones(len(theta)), distances, tried))
    return out


def smc(simulate: Simulator, prior: Prior, particles: int, *, seed: int = 0, generations: int = 8, quantile: float = 0.5,
        epsilon: float = 1.0, max_simulations: int = 200_000) -> Posterior:
    """ABC-SMC: a first population from the prior at the epsilon its distances give, then each generation at a quantile
    of the last one's, down to ``epsilon`` (or ``generations`` generations)."""
    rng = np.random.default_rng([seed, 2])
    theta = prior.sample(particles, rng)
    d = simulate(theta)
    eps = max(float(np.quantile(d.max(axis=1), quantile)), epsilon)
    thetas, ds, total = [theta], [d], particles
    while sum(int((x.max(axis=1) <= eps).sum()) for x in ds) < particles and total < max_simulations:  # the first population filled
        theta = prior.sample(particles, rng)
        thetas.append(theta)
        ds.append(simulate(theta))
        total += particles
    theta, d = np.concatenate(thetas), np.concatenate(ds)
    keep = np.flatnonzero(d.max(axis=1) <= eps)[:particles]
    out = Posterior(prior.keys, proposals=[d])
    out.generations.append(Generation(eps, theta[keep], np.ones(len(keep)), d[keep], total))
    while out.last.epsilon > epsilon and len(out.generations) < generations and total < max_simulations:
        last = out.last
        eps = max(float(np.quantile(last.distances.max(axis=1), quantile)), epsilon)
        if eps >= last.epsilon:  # no progress at this quantile: go straight for the target
            eps = max(epsilon, last.epsilon * 0.9)
        spread = 2.0 * np.atleast_2d(np.cov(last.theta.T, aweights=last.weights)) if len(last.theta) > 1 else np.eye(len(prior.keys)) * 1e-6
        spread += np.eye(len(prior.keys)) * 1e-12
        found_t: list[np.ndarray] = []
        found_d: list[np.ndarray] = []
        seen = []
        tried = 0
        while sum(len(t) for t in found_t) < particles and total + tried < max_simulations:
            parents = last.theta[rng.choice(len(last.theta), particles, p=last.weights / last.weights.sum())]
            moved = parents + rng.multivariate_normal(np.zeros(len(prior.keys)), spread, particles)
            moved = _snap_choices(moved, prior)
            alive = prior.density(moved) > 0
            moved = moved[alive]
            if not len(moved):
                tried += particles
                continue
            dist = simulate(moved)
            tried += len(moved)
            seen.append(dist)
            ok = dist.max(axis=1) <= eps
            found_t.append(moved[ok])
            found_d.append(dist[ok])
        total += tried
        theta = np.concatenate(found_t)[:particles] if found_t else np.zeros((0, len(prior.keys)))
        if not len(theta):
            break
        distances = np.concatenate(found_d)[:particles]
        weights = prior.density(theta) / _kernel_mixture(theta, last, spread)
        out.proposals.append(np.concatenate(seen))
        out.generations.append(Generation(eps, theta, weights, distances, tried))
    return out


def _snap_choices(theta: np.ndarray, prior: Prior) -> np.ndarray:
    """A choice parameter moved by the kernel lands on its nearest option."""
    for j, d in enumerate(prior.dists):
        if d.kind == "choice":
            options = np.array(d.args)
            theta[:, j] = options[np.abs(theta[:, j][:, None] - options[None, :]).argmin(axis=1)]
    return theta


def _kernel_mixture(theta: np.ndarray, last: Generation, spread: np.ndarray) -> np.ndarray:
    """Sum over the last population of weight times the Gaussian kernel's density of moving there."""
    inv = np.linalg.inv(spread)
    diff = theta[:, None, :] - last.theta[None, :, :]
    exponent = -0.5 * np.einsum("ijk,kl,ijl->ij", diff, inv, diff)
    return (np.exp(exponent) * (last.weights / last.weights.sum())[None, :]).sum(axis=1) + 1e-300


# --------------------------------------------------------------------------- the crisis model as the simulator


def prior_of(scenario) -> Prior:
    from escalation.scenario.parameters import key_text

    if not scenario.distributions:
        raise InputError(f"scenario {scenario.name} has no distributions to calibrate: write the uncertain numbers as distributions, such as "
                         "resolve: {uniform: [0.5, 1]} (they are the prior)")
    keys = [key_text(scenario, p) for p in scenario.distributions]
    return Prior(keys, list(scenario.distributions.values()))


def crisis_simulator(scenario, targets: Targets, runs: int, seed: int, chunk: int = 20_000) -> tuple[Simulator, list[dict]]:
    """The distances of particles to ``targets``, each particle simulated over ``runs`` worlds (replicates 0..runs-1, the same
    for every particle) packed into model instances of at most ``chunk`` worlds; and a log of each batch's simulated values."""
    from escalation.analysis.outcomes import metric_names
    from escalation.model import Crisis
    from escalation.scenario.parameters import key_text

    keys = [key_text(scenario, p) for p in scenario.distributions]
    check(targets, scenario, metric_names(_model_facts(scenario)))
    log: list[dict] = []

    def simulate(theta: np.ndarray) -> np.ndarray:
        per = max(1, chunk // runs)
        out = []
        for start in range(0, len(theta), per):
            block = theta[start : start + per]
            worlds = len(block) * runs
            params = {k: np.repeat(block[:, j], runs) for j, k in enumerate(keys)}
            model = Crisis(scenario, worlds=worlds, rng=seed, replicates=np.tile(np.arange(runs), len(block)), parameters=params,
                           trajectories=False, collect=False).run()
            values = simulated(model, targets, runs)
            out.append(distances(values, targets))
            log.append({"particles": len(block)})
        return np.concatenate(out)

    return simulate, log


def _model_facts(scenario) -> dict:
    ladder = scenario.resolved_ladder
    levels = {r.id: r.level for r in ladder.rungs}
    return {"actors": dict(scenario.actors), "end_states": list(END_STATES), "war": scenario.war,
            "thresholds": [{"id": t.id, "level": levels[t.at]} for t in ladder.thresholds]}


def check(targets: Targets, scenario, names: list[str]) -> None:
    """Every target names what the scenario has."""
    from escalation.analysis.discovery import parse_outcome
    from escalation.errors import did_you_mean

    thresholds = [t.id for t in scenario.resolved_ladder.thresholds]
    for t in targets.targets:
        if t.share is not None:
            parse_outcome(t.share, names, f"target {t.id}: share")
        if t.pattern is not None:
            if t.pattern.threshold not in thresholds:
                raise InputError(f"target {t.id}: no threshold '{t.pattern.threshold}'{did_you_mean(t.pattern.threshold, thresholds)}")
            if t.pattern.actor is not None and t.pattern.actor not in scenario.actors:
                raise InputError(f"target {t.id}: no actor '{t.pattern.actor}'{did_you_mean(t.pattern.actor, list(scenario.actors))}")
        if t.band is not None and t.band.metric not in names:
            raise InputError(f"target {t.id}: no metric '{t.band.metric}'{did_you_mean(t.band.metric, names)}")


def simulated(model, targets: Targets, runs: int) -> np.ndarray:
    """Each target's simulated value for each particle: (particles, targets)."""
    from escalation.analysis.discovery import hits
    from escalation.analysis.outcomes import metric_values

    out = model.outcomes()
    frame = pd.DataFrame({k: v for k, v in out.items() if k != "end_state"})
    frame["end_state"] = pd.Categorical.from_codes(out["end_state"], categories=list(END_STATES))
    facts = _model_facts(model.scenario)
    columns = []
    for t in targets.targets:
        if t.share is not None:
            columns.append(hits(frame, facts, t.share, f"target {t.id}: share")[0].astype(float))
        elif t.pattern is not None:
            p = t.pattern
            first = out[f"day_{p.actor}_past_{p.threshold}"] if p.actor else out[f"first_{p.threshold}"]
            lo, hi = (model.scenario.turn_of(d) for d in p.between)
            columns.append(((first >= lo) & (first <= hi)).astype(float))
        else:
            assert t.band is not None
            columns.append(metric_values(frame, t.band.metric, facts).astype(float))
    per_world = np.column_stack(columns)
    return per_world.reshape(-1, runs, len(targets.targets)).mean(axis=1)


def distances(values: np.ndarray, targets: Targets) -> np.ndarray:
    """Each particle's distance to each target, in units of the target's tolerance (a band's half-width)."""
    out = np.empty_like(values)
    for j, t in enumerate(targets.targets):
        if t.band is not None:
            half = (t.band.high - t.band.low) / 2
            out[:, j] = np.maximum(np.maximum(t.band.low - values[:, j], values[:, j] - t.band.high), 0.0) / half
        else:
            assert t.value is not None and t.tolerance is not None
            out[:, j] = np.abs(values[:, j] - t.value) / t.tolerance
    return out


# --------------------------------------------------------------------------- outputs


def posterior_overlay(scenario, file: str, posterior: Posterior, rng: np.random.Generator, keep: int = 200) -> str:
    """An overlay scenario whose distributions are the posterior: for each parameter a ``choice`` of ``keep`` posterior draws,
    all in the same order and naming one draw, so that every world picks one whole particle (the joint posterior, its
    correlations kept)."""
    import yaml

    draws = posterior.resample(keep, rng)
    body: dict = {"extends": str(Path(file).resolve()) if not file.startswith("<") else scenario.name, "name": f"{scenario.name}-calibrated"[:60]}
    for j, key in enumerate(posterior.keys):
        node = body
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = {"choice": [float(f"{v:.6g}") for v in draws[:, j]], "draw": "posterior"}
    body = _red_lines_as_lists(body)
    header = (f"# {scenario.name} calibrated by ABC-{'SMC' if len(posterior.generations) > 1 else 'rejection'}: {keep} draws from the posterior; the\n"
              "# lists share one draw, so each world takes one whole draw (the joint posterior).\n# Illustrative scenario exploration, not a prediction.\n")
    return header + yaml.safe_dump(body, sort_keys=False)


def _red_lines_as_lists(body: dict) -> dict:
    """Red lines are a list merged by id: ``actors.X.red_lines.ID.credibility`` written as ``red_lines: [{id: ID, credibility: ...}]``."""
    for actor in body.get("actors", {}).values():
        lines = actor.get("red_lines")
        if isinstance(lines, dict):
            actor["red_lines"] = [{"id": rid, **value} for rid, value in lines.items()]
    return body


def draw_calibration(posterior: Posterior, prior: Prior, targets: Targets, title: str):
    """Distances per target (all proposals and the accepted), acceptance and epsilon per generation, and each marginal."""
    from escalation.analysis.style import pyplot, stamp

    plt = pyplot()
    k = len(prior.keys)
    fig, axes = plt.subplots(2, max(2, k), figsize=(4.2 * max(2, k), 8), squeeze=False)
    fig.subplots_adjust(left=0.07, right=0.93, top=0.88, bottom=0.12, hspace=0.5, wspace=0.45)
    ax = axes[0, 0]
    names = [t.id for t in targets.targets]
    every = posterior.proposals[-1] if posterior.proposals else posterior.last.distances
    ax.boxplot([np.minimum(every[:, j], 20) for j in range(len(names))], positions=np.arange(len(names)) - 0.18, widths=0.3, showfliers=False)
    ax.boxplot([posterior.last.distances[:, j] for j in range(len(names))], positions=np.arange(len(names)) + 0.18, widths=0.3, showfliers=False,
               patch_artist=True, boxprops={"facecolor": "#fdae6b"})
    ax.axhline(1.0, color="#8a1c1c", ls=":", lw=1)
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("distance (units of tolerance)")
    ax.set_title("each target's distance: proposals (white), accepted (orange)", fontsize=9)
    ax = axes[0, 1]
    gens = np.arange(1, len(posterior.generations) + 1)
    ax.plot(gens, [g.acceptance for g in posterior.generations], marker="o", color="#08519c", label="acceptance rate")
    ax.set_xlabel("generation")
    ax.set_ylabel("acceptance rate", color="#08519c")
    twin = ax.twinx()
    twin.plot(gens, [g.epsilon for g in posterior.generations], marker="s", color="#a63603", label="epsilon")
    twin.set_ylabel("epsilon", color="#a63603")
    ax.set_title("acceptance and epsilon per generation", fontsize=9)
    for extra in axes[0, 2:]:
        extra.axis("off")
    rng = np.random.default_rng(0)
    prior_draws = prior.sample(4000, rng)
    for j, key in enumerate(prior.keys):
        ax = axes[1, j]
        bins = np.linspace(prior_draws[:, j].min(), prior_draws[:, j].max(), 31)  # the same bins for both, over the prior's range
        ax.hist(prior_draws[:, j], bins=bins, density=True, color="#ddd", label="prior")
        ax.hist(posterior.last.theta[:, j], bins=bins, density=True, weights=posterior.last.weights, color="#6baed6", alpha=0.8, label="posterior")
        ax.set_title(key, fontsize=8)
        ax.legend(fontsize=7)
    for extra in axes[1, k:]:
        extra.axis("off")
    fig.suptitle(f"Calibration of {title}: {len(posterior.last.theta)} particles, epsilon {posterior.last.epsilon:.3g}", fontsize=13)
    stamp(fig, f"targets: {', '.join(names)}")
    return fig


def summary(posterior: Posterior, prior: Prior, targets: Targets) -> str:
    g = posterior.last
    w = g.weights / g.weights.sum()
    lines = [f"{len(posterior.generations)} generation(s); last: epsilon {g.epsilon:.3g}, {len(g.theta)} particles from {g.simulated:,} simulated "
             f"(acceptance {g.acceptance:.1%})"]
    for j, key in enumerate(prior.keys):
        mean = float(np.sum(w * g.theta[:, j]))
        sd = math.sqrt(max(float(np.sum(w * (g.theta[:, j] - mean) ** 2)), 0.0))
        lo, hi = np.quantile(np.repeat(g.theta[:, j], np.maximum(1, np.round(w * 1000).astype(int))), [0.05, 0.95])
        lines.append(f"  {key}: prior {prior.dists[j]}; posterior mean {mean:.3g}, sd {sd:.2g}, 90% [{lo:.3g}, {hi:.3g}]")
    for j, t in enumerate(targets.targets):
        lines.append(f"  target {t.id}: median distance {np.median(g.distances[:, j]):.2f} (at most 1 is within tolerance)")
    return "\n".join(lines)



def calibrate(scenario_name, targets_file, *, method: str = "smc", particles: int = 200, runs: int = 100, generations: int = 6, seed: int = 0,
              out) -> tuple[Posterior, Prior, Targets, dict]:
    """Calibrate a scenario's distributions against a targets file; write posterior.parquet, calibrated.yaml, calibrate.png and
    calibration.json into ``out``."""
    import json

    from escalation.analysis.style import save
    from escalation.disclaimer import DISCLAIMER
    from escalation.scenario.loading import load_scenario, resolve

    if method not in METHODS:
        raise InputError(f"--method {method}: choose {' or '.join(METHODS)}")
    for name, value, low in (("particles", particles, 2), ("runs", runs, 1), ("generations", generations, 1)):
        if not isinstance(value, int) or value < low:
            raise InputError(f"--{name} must be a whole number of at least {low} (got {value})")
    scenario = load_scenario(scenario_name)
    file = str(resolve(scenario_name))
    targets = load_targets(targets_file)
    prior = prior_of(scenario)
    simulate, _ = crisis_simulator(scenario, targets, runs, seed)
    if method == "rejection":
        found = rejection(simulate, prior, particles, seed=seed)
    else:
        found = smc(simulate, prior, particles, seed=seed, generations=generations)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    g = found.last
    from escalation.scenario.parameters import column

    table = pd.DataFrame({column(k): g.theta[:, j] for j, k in enumerate(prior.keys)})
    table["weight"] = g.weights / g.weights.sum()
    for j, t in enumerate(targets.targets):
        table[f"distance_{t.id}"] = g.distances[:, j]
    table.to_parquet(out / "posterior.parquet", index=False)
    (out / "calibrated.yaml").write_text(posterior_overlay(scenario, file, found, np.random.default_rng([seed, 3])), encoding="utf-8")
    save(draw_calibration(found, prior, targets, scenario.name), out / "calibrate.png")
    report = {
        "disclaimer": DISCLAIMER, "scenario": scenario.name, "file": file, "targets": str(targets_file), "method": method, "particles": particles,
        "runs_per_particle": runs, "seed": seed, "parameters": [{"key": k, "column": column(k), "prior": d.as_dict()} for k, d in zip(prior.keys, prior.dists)],
        "generations": [{"epsilon": x.epsilon, "accepted": len(x.theta), "simulated": x.simulated, "acceptance": x.acceptance} for x in found.generations],
    }
    (out / "calibration.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return found, prior, targets, report
