"""The scenario format, and everything that reads, checks, explains, changes, compares or copies a scenario.

Holds the pydantic models of the format (``schema``), the decision rules a scenario may
name with their parameters (``rulebook``), reading YAML with positions (``yamlio``), the
loading pipeline (``loading``), reference checks, the wording of problems (``messages``,
``problems``), ``--set`` overrides, ``diff`` and ``new``. It never imports the model,
the ensemble, the tabletop or the command line.
"""

from escalation.scenario.loading import load_scenario, load_scenario_text, resolve
from escalation.scenario.problems import Problem, ScenarioError
from escalation.scenario.schema import Scenario

__all__ = ["load_scenario", "load_scenario_text", "resolve", "Problem", "ScenarioError", "Scenario"]
