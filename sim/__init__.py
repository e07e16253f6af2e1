"""escalation: an agent-based model of crisis escalation between states.

Illustrative scenario exploration, not a prediction. The public API::

    import sim
    scenario = sim.load_scenario("nov-2024")
    model = sim.Crisis(scenario, worlds=1, rng=42).run()
    model.outcomes()

Heavy modules (Mesa, numpy) are imported on first use, so that the command
line starts fast.
"""

from .disclaimer import DISCLAIMER

__version__ = "0.1.0"
__all__ = ["DISCLAIMER", "Crisis", "load_scenario", "Scenario", "ScenarioError", "END_STATES", "RULES", "run_batch"]

_LAZY = {
    "Crisis": ("model", "Crisis"),
    "END_STATES": ("model", "END_STATES"),
    "load_scenario": ("loader", "load_scenario"),
    "Scenario": ("schema", "Scenario"),
    "ScenarioError": ("errors", "ScenarioError"),
    "RULES": ("rules", "RULES"),
    "run_batch": ("batch", "run_batch"),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
