"""The decision rules a scenario may name, as the format knows them.

Each rule's name, one-line summary, source, whether it decides for itself, and its
parameters (a pydantic model with descriptions, defaults and ranges). The loader checks
``rule:`` and ``params:`` against this, and ``escalation list rules`` shows it. The
model implements each rule (``escalation.model.rules``, one module each); a test
checks that the two name the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field


class Params(BaseModel):
    """A rule's parameters (none by default)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # .nan and .inf are no values for a scenario


class ReciprocalParams(Params):
    offset: float = Field(0.0, ge=-5, le=5, description="Rungs above (+) or below (-) the adversary to aim at.", examples=[1.0])


class GraduatedParams(Params):
    step: float = Field(1.0, gt=0, le=3, description="Size of each conciliatory step, in rungs.", examples=[1.0])
    floor: str | None = Field(None, description="Lowest rung it steps down to (default: the ladder's bottom).", examples=["political_signalling"])
    tolerance: float = Field(0.5, ge=0, le=3, description="Rise in perceived threat (rungs) read as an escalation.", examples=[0.5])


class BrinkmanshipParams(Params):
    margin: float = Field(1.0, ge=0, le=5, description="Rungs above the adversary aimed at, at full resolve.", examples=[1.5])


class RestraintParams(Params):
    calm: str | None = Field(None, description="Rung it holds when all is calm (default: the ladder's bottom).", examples=["ceasefire_talks"])
    signal: str | None = Field(None, description="Rung it takes to press its clients (default: the first posturing rung).", examples=["political_signalling"])
    alarm: str | None = Field(None, description="Clients' rung that triggers the signal (default: the strategic-strike threshold's rung).",
                              examples=["nuclear_signalling"])


class AllianceParams(Params):
    offset: float = Field(0.0, ge=-5, le=5, description="Rungs above (+) or below (-) the threat to its allies at which it mirrors that threat.",
                          examples=[1.0])
    aid: str | None = Field(None, description="Rung of the aid it gives while an ally or client is being fought (default: none, mirroring only).",
                            examples=["expanded_arms_support"])
    ceiling: str | None = Field(None, description="Highest rung its support aims at (default: none; restraint comes from costs and deterrence).",
                                examples=["cross_border_strikes"])
    floor: str | None = Field(None, description="Lowest rung its support falls to: a standing commitment (default: the ladder's bottom).",
                              examples=["political_signalling"])
    softening: float = Field(4.0, ge=0, le=10, description="Rungs its support drops per unit of resolve below 0.5.", examples=[4.0])


@dataclass(frozen=True)
class RuleSpec:
    """What a scenario needs to know of a rule."""

    name: str
    summary: str
    source: str
    params: type[Params] = Params
    decides: bool = True  # False: the rule never chooses (a timeline, a person)


RULEBOOK: dict[str, RuleSpec] = {
    spec.name: spec
    for spec in (
        RuleSpec("reciprocal", "Proportional tit-for-tat: answers the highest adversary posture rung for rung.",
                 "Axelrod (1984), The Evolution of Cooperation; Kahn (1965), On Escalation", ReciprocalParams),
        RuleSpec("graduated", "GRIT: small unilateral steps down while the adversary holds; answers escalation in kind.",
                 "Osgood (1962), An Alternative to War or Surrender (GRIT)", GraduatedParams),
        RuleSpec("brinkmanship", "Schelling's brinkmanship: climbs above the adversary by its resolve, accepting shared risk.",
                 "Schelling (1960), The Strategy of Conflict; Schelling (1966), Arms and Influence", BrinkmanshipParams),
        RuleSpec("restraint", "A patron or pivot: calls for calm, signals when its clients climb, weighs on their nuclear use.",
                 "Crawford (2003), Pivotal Deterrence; seeds 000 and 003 (China's calls for restraint)", RestraintParams),
        RuleSpec("alliance", "Alliance support: aids allies and clients while they are fought, mirrors graver threats, held up by veto players.",
                 "Snyder (1984), The Security Dilemma in Alliance Politics; Tsebelis (2002), Veto Players", AllianceParams),
        RuleSpec("scripted", "Follows the scenario's timeline only: holds until an event moves it.", "the scenario's timeline", decides=False),
        RuleSpec("human", "A tabletop seat: a person chooses among the legal moves.", "Perla (1990), The Art of Wargaming", decides=False),
    )
}
