"""The crisis model: the Mesa model over W worlds, its actors, ladder, rules, red lines and events.

Holds :class:`Crisis` (the Mesa model), the actor agent, the compiled ladder, the
decision rules (``rules/``, one per module, registered by name), red lines,
events, outcomes and end states, and the narrative of a single world. It imports
nothing from the other packages but the scenario package's types and loader (a
``Crisis`` may be given a scenario's name), and the shared ``errors``.
"""

__all__ = ["Crisis", "Entry", "END_STATES", "END_STATE_NAMES", "RULES"]

_LAZY = {"Crisis": "crisis", "Entry": "crisis", "END_STATES": "outcomes", "END_STATE_NAMES": "outcomes", "RULES": "rules"}


def __getattr__(name):  # Mesa is imported with the model, not with every module of this package
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
