"""A single-user explorer on Mesa's own SolaraViz: one world, its sliders, its charts as it plays.

    solara run app.py        # from a checkout; or: solara run escalation.explore

Beside the classroom web app (``escalation serve``), for one person exploring the model the
way Mesa's examples are explored: the headline settings and Russia's traits as sliders
(keyword arguments of :class:`~escalation.model.Crisis`), the system rung and the escalation
intensity plotted turn by turn, and each actor's posture. Illustrative, not predictive.
"""

from __future__ import annotations

import warnings

import solara

from escalation.disclaimer import DISCLAIMER
from escalation.model import Crisis
from escalation.scenario.paths import shipped_scenarios

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Mesa's own page trips Solara's hook linter (a warning about Mesa, not this model)
    from mesa.visualization import Slider, SolaraViz, make_plot_component

MODEL_PARAMS = {
    "scenario": {"type": "Select", "value": "nov-2024", "values": sorted(shipped_scenarios()), "label": "Scenario"},
    "rng": {"type": "InputText", "value": 1, "label": "Seed"},
    "noise": Slider("Misperception (noise)", 0.3, 0.0, 2.0, 0.05),
    "deterrence": Slider("Deterrence weight", 2.0, 0.0, 10.0, 0.25),
    "accident_rate": Slider("Accident rate", 0.005, 0.0, 0.05, 0.001),
    "russia_resolve": Slider("Russia's resolve", 0.8, 0.0, 1.0, 0.05),
    "russia_risk_tolerance": Slider("Russia's risk tolerance", 0.45, 0.0, 1.0, 0.05),
}


def postures(model):
    """Each actor's rung now, as a small table under the charts."""
    rows = "".join(f"<tr><td>{a.label}</td><td>{a.rung_name}</td></tr>" for a in model.order if a.active[0])
    return solara.HTML(tag="div", unsafe_innerHTML=f"<p><i>{DISCLAIMER}</i></p><table>{rows}</table>")


model = Crisis("nov-2024", rng=1)
page = SolaraViz(
    model,
    components=[make_plot_component(["system_rung"]), make_plot_component(["intensity"]), postures],
    model_params=MODEL_PARAMS,
    name=f"Escalation explorer ({DISCLAIMER})",
)
