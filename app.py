"""Mesa's SolaraViz explorer of the crisis model: ``solara run app.py`` (see escalation.explore)."""

from escalation.explore import page  # noqa: F401  (solara serves the module's `page`)
