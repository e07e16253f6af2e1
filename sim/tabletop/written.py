"""Inject cards a facilitator writes during a game, checked as strictly as a scenario file.

A card is typed as YAML, one mapping written as an item of a scenario's
``injects``. It goes through the loader's own stages (positioned YAML, the
format with its worded messages, then every actor, rung and red line it names),
so a card typed in class gets the same ``LINE:COL: message`` a student's file
would. Nothing in it is evaluated.
"""

from __future__ import annotations

from escalation.scenario.loading import located, validate_model
from escalation.scenario.overlay import as_yaml
from escalation.scenario.problems import Finding, ScenarioError
from escalation.scenario.references import check_references
from escalation.scenario.schema import Inject, Scenario
from escalation.scenario.yamlio import MarkedDict, load_yaml_text

__all__ = ["TEMPLATE", "as_yaml", "checked_inject"]

TEMPLATE = """id: my_inject
title: A headline for the news
status: hypothetical
source: {title: written in class}
text: One or two sentences the news will read out.
effects:
  - set_trait: {actor: russia, trait: resolve, by: 0.1}
"""


def checked_inject(text: str, file: str, scenario: Scenario) -> Inject:
    """The card ``text`` describes, for ``scenario``'s deck; a ScenarioError located in ``text`` if it is wrong."""
    try:
        doc = load_yaml_text(text, file)
        if not isinstance(doc, MarkedDict):
            raise ScenarioError.at(file, 1, 1, "an inject is a mapping of keys to values (id: ..., title: ..., effects: ...)")
        card = validate_model(Inject, doc, file)
        if card.status == "documented":  # a documented card cites a seed article; one typed in class is a what-if
            raise ScenarioError(located(file, doc, [Finding(("status",), "an inject written during a game is hypothetical: write status: hypothetical")]))
        at = ("injects", len(scenario.injects))
        with_card = scenario.model_copy(update={"injects": [*scenario.injects, card]})
        found = [f._replace(loc=f.loc[2:], first=None) for f in check_references(with_card) if f.loc[:2] == at]
        if found:
            raise ScenarioError(located(file, doc, found))
    except ScenarioError as exc:
        raise exc.with_source(file, text) from None
    return card
