"""The charts ``escalation plot`` draws, by name: what each shows and what it needs."""

KINDS = {
    "reach": "probability of reaching at least each rung, with 95% intervals",
    "actors": "the same for each actor's own peak",
    "survival": "share of runs not yet past each threshold, by date (censored at the horizon)",
    "fan": "the system rung over time: median and percentile bands (needs --trajectories)",
    "intensity": "the escalation intensity over time (Rivera et al. 2024 scores summed over the actors): median and bands (needs --trajectories)",
    "end-states": "shares of the end states, with 95% intervals",
    "tornado": "one-at-a-time sensitivity (a sweep with --method oat)",
    "sobol": "Sobol' first- and total-order indices with intervals (a sweep with --method sobol)",
    "morris": "Morris mu* and sigma (a sweep with --method morris)",
    "fast": "FAST first- and total-order indices (a sweep with --method fast)",
    "delta": "Borgonovo's moment-independent delta indices (a sweep with --method delta)",
    "pawn": "PAWN indices: how far the outcome's distribution moves with each factor (a sweep with --method pawn)",
    "response": "the outcome against each swept parameter: point means and a binned mean with 95% intervals (any sweep)",
    "envelopes": "a trajectory (--series) over time: median and bands per group of runs (--by KEY[:N] or box; needs --trajectories)",
    "heatmap": "the outcome's mean over a grid sweep's first two factors (a sweep with --method grid)",
    "convergence": "running shares of the end states against runs (and, for a Sobol' sweep, the indices against N): are there enough runs?",
    "report": "one self-contained HTML page with every chart that applies and a summary table",
}
