"""escalation: an agent-based model of crisis escalation between states.

Illustrative scenario exploration, not a prediction. The public API::

    import escalation
    scenario = escalation.load_scenario("nov-2024")
    model = escalation.Crisis(scenario, worlds=1, rng=42).run()
    model.outcomes()

The package, by what each part may import (dependencies point one way)::

    cli -> tabletop -> ensemble -> model -> scenario
    analysis (reads results, draws) is imported by cli and tabletop only

``errors`` and ``disclaimer`` are shared by all. Heavy modules (Mesa, numpy) are
imported on first use, so that the command line starts fast.
"""

from escalation.disclaimer import DISCLAIMER

__version__ = "0.1.0"
__all__ = ["DISCLAIMER", "Crisis", "load_scenario", "Scenario", "ScenarioError", "InputError", "END_STATES", "RULES", "run_batch", "run_sweep"]

_LAZY = {
    "Crisis": ("model", "Crisis"),
    "END_STATES": ("model", "END_STATES"),
    "RULES": ("model", "RULES"),
    "load_scenario": ("scenario", "load_scenario"),
    "Scenario": ("scenario", "Scenario"),
    "ScenarioError": ("scenario", "ScenarioError"),
    "InputError": ("errors", "InputError"),
    "run_batch": ("ensemble", "run_batch"),
    "run_sweep": ("ensemble", "run_sweep"),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'escalation' has no attribute {name!r}")
