"""The scenario and ladder file formats, as pydantic models.

These models are the single source of the format: the loader validates with
them, ``escalation schema`` prints their JSON Schema, and the docs describe them.
Names that refer to other parts of a scenario (actors, rungs, rules, red lines)
are plain strings here; :mod:`escalation.scenario.references` checks them against each other.
"""

from __future__ import annotations

import datetime as dt
import re
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60, description="A lower-case name: letters, digits and '_'.")]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]

Category = Literal["de-escalation", "status quo", "posturing", "non-violent escalation", "violent escalation", "nuclear"]
Trait = Literal["resolve", "risk_tolerance", "temperature", "cost_sensitivity", "leverage", "air_defence"]
Metric = Literal[
    "posture", "peak", "active", "credibility", "turn", "resolve", "risk_tolerance", "temperature", "cost_sensitivity", "leverage", "air_defence"
]
CATEGORIES: tuple[str, ...] = get_args(Category)
TRAITS: tuple[str, ...] = get_args(Trait)
# Thresholds the outcome classification relies on; a custom ladder must name them.
REQUIRED_THRESHOLDS = ("direct_nato_russia_war", "nuclear_threshold")  # their facts make the two gravest end states


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # .nan and .inf are no values for a scenario

    @field_validator("*", mode="before")
    @classmethod
    def _unquoted_numbers(cls, value, info):
        """A number written in quotes ("0.8") is text, as editors read it too: refused with the fix, not read as a number."""
        if isinstance(value, str) and info.field_name:
            annotation = cls.model_fields[info.field_name].annotation
            if _NUMBER.fullmatch(value.strip()) and _numeric(annotation):
                raise PydanticCustomError("quoted_number", "'{value}' is in quotes, which makes it text; write the number without them: {field}: {value}",
                                          {"value": value, "field": info.field_name})
            if annotation is bool:  # pydantic would read 'yes', 'on' or '1' as true; an editor reads them as text
                raise PydanticCustomError("bool_text", "'{value}' is text; write true or false", {"value": value})
        return value


_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _numeric(tp) -> bool:
    """Whether a field takes only numbers (int, float; optional or constrained)."""
    if get_origin(tp) is Annotated:
        return _numeric(get_args(tp)[0])
    if get_origin(tp) in (Union, UnionType):
        members = [m for m in get_args(tp) if m is not type(None)]
        return bool(members) and all(_numeric(m) for m in members)
    return tp in (int, float)


# --------------------------------------------------------------------------- ladder


class KahnRung(Strict):
    """The nearest rung (or group) of Herman Kahn's 44-rung ladder (On Escalation, 1965)."""

    rung: int = Field(ge=0, le=44, description="Kahn's rung number, 1-44 (0: below the ladder).", examples=[18])
    name: str = Field(description="Kahn's name for that rung.", examples=["Spectacular show or demonstration of force"])
    group: str = Field(description="Kahn's group of rungs.", examples=["Intense crises"])


class Rung(Strict):
    """One rung of an escalation ladder, with its crosswalk to established scales."""

    id: Id = Field(description="The rung's name, used by actors, red lines and events.", examples=["cross_border_strikes"])
    level: int = Field(ge=0, le=100, description="Position on the ladder, 0 at the bottom, consecutive.", examples=[4])
    name: str = Field(min_length=1, description="The rung's title, as charts and narratives show it.", examples=["Cross-border conventional strikes"])
    description: str = Field(
        min_length=1, description="One line saying what the rung means.", examples=["Long-range strikes on the adversary's own territory."]
    )
    category: Category = Field(description="The kind of step the rung is, from de-escalation to nuclear.", examples=["violent escalation"])
    kind: Literal["posture", "action"] = Field(
        "posture",
        description="A standing posture, held until the actor moves (arms support, a campaign of strikes, an alert), "
        "or a one-off action that happens on one day and leaves the actor on its standing posture (a strategic-class strike, a test).",
        examples=["action"],
    )
    kahn: KahnRung = Field(
        description="The nearest rung of Herman Kahn's 44-rung ladder.", examples=[{"rung": 13, "name": "Large compound escalation", "group": "Intense crises"}]
    )
    mid: int = Field(ge=1, le=5, description="Correlates of War MID hostility level, 1-5.", examples=[4])
    goldstein: float = Field(ge=-10, le=10, description="Goldstein conflict-cooperation weight, -10..+10.", examples=[-9.2])
    rivera: Category = Field(description="Escalation-score category of Rivera et al. (2024).", examples=["violent escalation"])


class Threshold(Strict):
    """A named line between rungs: crossed when the system reaches rung ``at`` or above."""

    id: Id = Field(description="The threshold's name; outcomes report the turn it was first crossed.", examples=["nuclear_threshold"])
    name: str = Field(min_length=1, description="The threshold's title, as charts and summaries show it.", examples=["Nuclear threshold"])
    at: Id = Field(description="The first rung beyond the threshold.", examples=["demonstrative_nuclear_use"])
    weight: float = Field(1.0, ge=0, le=20, description="How heavily a cost-sensitive actor weighs crossing this threshold.", examples=[4.0])


_RUNGS_EXAMPLE = [
    {
        "id": "ceasefire_talks",
        "level": 0,
        "name": "Ceasefire talks",
        "description": "Calls for talks, ceasefire proposals.",
        "category": "de-escalation",
        "kahn": {"rung": 1, "name": "Ostensible crisis", "group": "Subcrisis maneuvering"},
        "mid": 1,
        "goldstein": 4.0,
        "rivera": "de-escalation",
    },
    {
        "id": "contained_war",
        "level": 1,
        "name": "Contained war inside Ukraine",
        "description": "Large conventional war confined to Ukraine.",
        "category": "status quo",
        "kahn": {"rung": 12, "name": "Large conventional war (or actions)", "group": "Intense crises"},
        "mid": 5,
        "goldstein": -10.0,
        "rivera": "status quo",
    },
    {
        "id": "political_signalling",
        "level": 2,
        "name": "Political signalling and warnings",
        "description": "Public warnings and threats of retaliation.",
        "category": "posturing",
        "kahn": {"rung": 3, "name": "Solemn and formal declarations", "group": "Subcrisis maneuvering"},
        "mid": 2,
        "goldstein": -4.4,
        "rivera": "posturing",
    },
]


class Ladder(Strict):
    """An ordered list of rungs and the named thresholds between them."""

    id: Id = Field(description="The ladder's name.", examples=["default"])
    name: str = Field(min_length=1, description="The ladder's title.", examples=["Stylised Russia-Ukraine ladder"])
    description: str = Field(
        "", description="What the ladder covers, in a sentence.", examples=["Twelve rungs from ceasefire talks to a strategic nuclear exchange."]
    )
    rungs: list[Rung] = Field(min_length=3, description="The rungs from the bottom (level 0) up.", examples=[_RUNGS_EXAMPLE])
    thresholds: list[Threshold] = Field(
        min_length=1,
        description="Named lines between rungs; the default ladder's thresholds classify a run's end state.",
        examples=[[{"id": "nuclear_threshold", "name": "Nuclear threshold", "at": "demonstrative_nuclear_use", "weight": 4.0}]],
    )

    @model_validator(mode="after")
    def _consistent(self):
        levels = [r.level for r in self.rungs]
        if levels != list(range(len(levels))):
            raise ValueError(f"rung levels must be 0, 1, 2, ... in order; got {levels}")
        ids = [r.id for r in self.rungs]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"rung ids must be unique; repeated: {', '.join(sorted(dup))}")
        return self


# --------------------------------------------------------------------------- actors


class Capabilities(Strict):
    """Which rungs an actor can reach at all."""

    min_rung: Id | None = Field(None, description="The lowest rung the actor can take (default: the ladder's bottom).", examples=["ceasefire_talks"])
    max_rung: Id | None = Field(None, description="The highest rung the actor can take (default: the ladder's top).", examples=["cross_border_strikes"])
    rungs: list[Id] | None = Field(
        None, description="An explicit list of reachable rungs, instead of a range.", examples=[["ceasefire_talks", "political_signalling"]]
    )


class Relations(Strict):
    """Whom an actor opposes, supports, answers to, and who can hold it back."""

    adversaries: list[Id] = Field(default_factory=list, description="Actors whose postures it reacts to as threats.", examples=[["ukraine"]])
    allies: list[Id] = Field(default_factory=list, description="Actors whose needs it mirrors (alliance rule).", examples=[["europe"]])
    patrons: list[Id] = Field(default_factory=list, description="Actors that back it (it is their client).", examples=[["united_states"]])
    restrainers: list[Id] = Field(
        default_factory=list, description="Actors whose leverage weighs against its crossing the restraint threshold.", examples=[["china"]]
    )
    veto_players: list[Id] = Field(
        default_factory=list, description="Actors whose leverage slows its escalation (a veto inside an alliance).", examples=[["hungary"]]
    )


class RedLine(Strict):
    """A declared condition on others' behaviour, with a promised response."""

    id: Id = Field(description="The red line's name, unique for its holder; events and conditions refer to it.", examples=["no_strikes_inside_russia"])
    watch: list[Id] = Field(min_length=1, description="The actor(s) whose posture the red line watches.", examples=[["ukraine"]])
    at: Id = Field(description="Crossed when a watched actor reaches this rung or above.", examples=["cross_border_strikes"])
    response: Id = Field(description="The rung the holder promises to reach in response.", examples=["strategic_conventional_strike"])
    credibility: Unit = Field(0.7, description="How believable the threat is, 0-1; it erodes each time the line is crossed unanswered.", examples=[0.7])
    grace: int = Field(2, ge=1, le=30, description="Turns the holder has to respond before credibility erodes.", examples=[2])
    text: str = Field(
        "", description="The red line in words, as declared.", examples=["Strikes inside Russia with Western missiles mean NATO is at war with Russia."]
    )

    @field_validator("watch", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value


class Actor(Strict):
    """A state actor: its posture, what it can do, how it decides, whom it watches."""

    name: str = Field(min_length=1, description="The actor's name in narratives, charts and menus.", examples=["Russia"])
    rule: Id = Field(description="Decision rule, by name (see `escalation list`).", examples=["brinkmanship"])
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters of the decision rule.", examples=[{"margin": 1.0}])
    posture: Id = Field(description="The rung it stands on at the start.", examples=["contained_war"])
    active: bool = Field(True, description="Whether it takes part from the start (an event can add it later).", examples=[True])
    resolve: Unit = Field(0.5, description="Determination to stand firm and honour red lines, 0-1.", examples=[0.8])
    risk_tolerance: Unit = Field(0.5, description="Willingness to accept escalation risk, 0-1.", examples=[0.6])
    temperature: float = Field(
        0.5, gt=0.0, le=10.0, description="Randomness of choice (logit temperature): low is deliberate, high is erratic.", examples=[0.4]
    )
    cost_sensitivity: float = Field(1.0, ge=0.0, le=10.0, description="How much the cost of crossing thresholds weighs.", examples=[1.0])
    leverage: Unit = Field(
        0.0, description="Influence it exerts as a restrainer or veto player, and its bargaining power at the table, 0-1.", examples=[0.6]
    )
    air_defence: Unit = Field(
        0.0, description="Share of adversaries' strikes its air and missile defence blunts, 0-1: they cost it less and rally it less.", examples=[0.2]
    )
    max_step: int = Field(1, ge=1, le=5, description="Most rungs it can climb in one turn.", examples=[2])
    stocks: dict[Id, Annotated[int, Field(ge=0, le=10000)]] = Field(
        default_factory=dict,
        description="How many times it can still take a one-off action, by the action's rung: missiles of a kind (default: no limit).",
        examples=[{"strategic_conventional_strike": 2}],
    )
    capabilities: Capabilities = Field(
        default_factory=Capabilities,
        description="Which rungs it can reach at all (Ukraine has no nuclear weapons; Hungary acts politically).",
        examples=[{"rungs": ["ceasefire_talks", "contained_war", "political_signalling", "cross_border_strikes"]}],
    )
    relations: Relations = Field(
        default_factory=Relations,
        description="Its adversaries, allies, patrons, restrainers and veto players, by actor id.",
        examples=[{"adversaries": ["ukraine"], "allies": ["north_korea"], "restrainers": ["china"]}],
    )
    red_lines: list[RedLine] = Field(
        default_factory=list,
        description="Its declared red lines (doctrine).",
        examples=[
            [
                {
                    "id": "western_missiles_inside_russia",
                    "watch": ["ukraine"],
                    "at": "cross_border_strikes",
                    "response": "strategic_conventional_strike",
                    "credibility": 0.6,
                    "grace": 3,
                }
            ]
        ],
    )
    objectives: list[Objective] = Field(
        default_factory=list,
        description="What a team holding this seat sets out to achieve: shown on its briefing sheet and scored in the after-action report.",
        examples=[
            [
                {
                    "id": "no_nuclear_use",
                    "text": "Keep the crisis below nuclear use.",
                    "judged": "throughout",
                    "when": [{"actor": "system", "metric": "posture", "op": "<", "value": "demonstrative_nuclear_use"}],
                }
            ]
        ],
    )


# --------------------------------------------------------------------------- events


class Source(Strict):
    """Where an event comes from: a seed article, or the scenario's own what-if."""

    seed: str | None = Field(
        None,
        description="The source article's file: a shipped one (`escalation list sources`) or one beside the scenario. Documented events must give one.",
        examples=["003_8c7dbb1329846943.txt"],
    )
    title: str = Field(min_length=1, description="Article title or gist.", examples=["Escalation Peaks: A Pivotal Week in the Ukraine-Russia Conflict"])
    date: str | None = Field(
        None, description="Date of the event as the source gives it; [brackets] for a widely reported date the article implies.", examples=["[2024-11-19]"]
    )


class When(Strict):
    """A scripted time: a turn number or a calendar date."""

    turn: int | None = Field(None, ge=0, description="The turn it happens on (turn 0 is the start date).", examples=[2])
    date: dt.date | None = Field(None, description="The date it happens on, YYYY-MM-DD, between the scenario's start and end.", examples=["2024-11-21"])

    @model_validator(mode="after")
    def _one(self):
        if (self.turn is None) == (self.date is None):
            raise ValueError("give exactly one of 'turn' or 'date'")
        return self


class Window(Strict):
    """The turns (or dates) within which a conditional or stochastic event may fire."""

    start: int | dt.date | None = Field(None, description="First turn number or date it may happen (default: the scenario's start).", examples=["2024-12-01"])
    end: int | dt.date | None = Field(None, description="Last turn number or date it may happen (default: the scenario's end).", examples=["2025-01-20"])


class Condition(Strict):
    """A structured test on the state: ACTOR's METRIC compared with VALUE (never code)."""

    actor: Id = Field(description="An actor id, or 'system' for the whole crisis.", examples=["russia"])
    metric: Metric = Field(
        description="What is measured: the actor's posture or peak rung, whether it is active, a red line's credibility, the turn, or a trait.",
        examples=["posture"],
    )
    op: Literal[">=", ">", "<=", "<", "==", "!="] = Field(description="How the metric is compared with the value.", examples=[">="])
    value: float | str = Field(description="A number, or a rung id for posture and peak.", examples=["strategic_conventional_strike"])
    red_line: Id | None = Field(None, description="For metric 'credibility': which of the actor's red lines.", examples=["western_missiles_inside_russia"])


JUDGED = {"end": "at the end", "throughout": "on every turn", "ever": "on at least one turn"}  # an objective's 'judged', in words


class Objective(Strict):
    """A team's aim for the game, judged on the world from the branch to the end (never code)."""

    id: Id = Field(description="Its name, unique among the actor's objectives.", examples=["no_nuclear_use"])
    text: str = Field(
        min_length=1, description="The aim in one sentence, as the briefing sheet and the report show it.", examples=["Keep the crisis below nuclear use."]
    )
    when: list[Condition] = Field(
        min_length=1,
        description="What must hold (all of it), as conditions on the state.",
        examples=[[{"actor": "system", "metric": "posture", "op": "<", "value": "demonstrative_nuclear_use"}]],
    )
    judged: Literal["end", "throughout", "ever"] = Field(
        "end", description="When: at the end of the game, on every turn from the branch, or on at least one turn.", examples=["throughout"]
    )
    points: int = Field(1, ge=1, le=10, description="What it is worth in the report's score.", examples=[1])


class SetPosture(Strict):
    """Move an actor to a rung."""

    actor: Id = Field(description="The actor that moves.", examples=["russia"])
    rung: Id = Field(description="The rung it moves to.", examples=["strategic_conventional_strike"])
    binding: bool = Field(False, description="Apply even if the actor decides for itself (by default only scripted actors follow).", examples=[False])


class SetTrait(Strict):
    """Change one of an actor's traits: give a new ``value`` or a change ``by``."""

    actor: Id = Field(description="The actor whose trait changes.", examples=["united_states"])
    trait: Trait = Field(description="Which trait changes.", examples=["resolve"])
    value: float | None = Field(None, description="New value.", examples=[0.3])
    by: float | None = Field(None, description="Change by this amount (clipped to the trait's range).", examples=[-0.3])

    @model_validator(mode="after")
    def _one(self):
        if (self.value is None) == (self.by is None):
            raise ValueError("give exactly one of 'value' or 'by'")
        return self


class SetCapability(Strict):
    """Widen or narrow the range of rungs an actor can reach."""

    actor: Id = Field(description="The actor whose reach changes.", examples=["ukraine"])
    min_rung: Id | None = Field(None, description="The new lowest rung it can take (left as it was if not given).", examples=["ceasefire_talks"])
    max_rung: Id | None = Field(None, description="The new highest rung it can take (left as it was if not given).", examples=["cross_border_strikes"])


class AddRedLine(Strict):
    """Declare a red line for an actor (a doctrine change)."""

    actor: Id = Field(description="The actor that declares it.", examples=["russia"])
    red_line: RedLine = Field(
        description="The red line, written as in the actor's red_lines.",
        examples=[{"id": "joint_attack_doctrine", "watch": ["ukraine"], "at": "cross_border_strikes", "response": "nuclear_signalling", "credibility": 0.5}],
    )


class RemoveRedLine(Strict):
    """Withdraw one of an actor's red lines."""

    actor: Id = Field(description="The actor that withdraws it.", examples=["russia"])
    red_line: Id = Field(description="The id of the red line withdrawn (declared by the actor, or added by an event).", examples=["strike_the_suppliers"])


EFFECT_KINDS = ("set_posture", "set_trait", "set_capability", "add_red_line", "remove_red_line", "add_actor", "remove_actor")


class Effect(Strict):
    """Exactly one change to the world."""

    set_posture: SetPosture | None = Field(
        None, description="Move an actor to a rung.", examples=[{"actor": "russia", "rung": "strategic_conventional_strike"}]
    )
    set_trait: SetTrait | None = Field(
        None, description="Change a trait (a change of leader, of mood).", examples=[{"actor": "united_states", "trait": "resolve", "value": 0.3}]
    )
    set_capability: SetCapability | None = Field(
        None,
        description="Widen or narrow the rungs an actor can reach (a permission granted).",
        examples=[{"actor": "ukraine", "max_rung": "cross_border_strikes"}],
    )
    add_red_line: AddRedLine | None = Field(
        None,
        description="Declare a new red line (doctrine change).",
        examples=[
            {
                "actor": "russia",
                "red_line": {"id": "joint_attack_doctrine", "watch": ["ukraine"], "at": "cross_border_strikes", "response": "nuclear_signalling"},
            }
        ],
    )
    remove_red_line: RemoveRedLine | None = Field(None, description="Withdraw a red line.", examples=[{"actor": "russia", "red_line": "strike_the_suppliers"}])
    add_actor: Id | None = Field(None, description="Bring an inactive actor into the crisis.", examples=["north_korea"])
    remove_actor: Id | None = Field(None, description="Take an actor out of the crisis.", examples=["hungary"])

    @model_validator(mode="after")
    def _one(self):
        given = [k for k in EFFECT_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"an effect needs exactly one of: {', '.join(EFFECT_KINDS)}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in EFFECT_KINDS if getattr(self, k) is not None)


class Happening(Strict):
    """What events and injects share: who, what, where it comes from, what it changes."""

    id: Id = Field(description="Its name, unique among the scenario's events and injects.", examples=["oreshnik_dnipro"])
    title: str = Field(min_length=1, description="A headline, as the narrative and the inject deck show it.", examples=["Oreshnik strike on Dnipro"])
    actor: Id | None = Field(None, description="The main actor, if any.", examples=["russia"])
    status: Literal["documented", "hypothetical"] = Field(description="Documented in the seed articles, or a what-if.", examples=["documented"])
    source: Source = Field(
        description="Where it comes from: the seed article (required when documented), or the what-if it belongs to.",
        examples=[
            {
                "seed": "001_2144309efa135f52.txt",
                "title": "NATO schedules emergency NATO-Ukraine talks after the Oreshnik strike on Dnipro",
                "date": "[2024-11-21]",
            }
        ],
    )
    text: str = Field(
        "", description="Narrative shown when it happens.", examples=["An experimental intermediate-range missile hits a military facility in Dnipro."]
    )
    effects: list[Effect] = Field(
        default_factory=list,
        description="What it changes, each effect a one-key mapping (none: it is only narrated).",
        examples=[[{"set_posture": {"actor": "russia", "rung": "strategic_conventional_strike"}}]],
    )

    @model_validator(mode="after")
    def _cited(self):
        if self.status == "documented" and not self.source.seed:
            raise ValueError("a documented event must cite its seed file in 'source' (seed: 00N_....txt)")
        return self


class Event(Happening):
    """Something that happens: scripted (``at``), conditional (``when``), stochastic (``chance``)."""

    at: When | None = Field(None, description="Scripted: happens at this turn or date.", examples=[{"date": "2024-11-21"}])
    when: list[Condition] | None = Field(
        None,
        description="Conditional: happens once all conditions hold.",
        examples=[[{"actor": "russia", "metric": "posture", "op": ">=", "value": "nuclear_signalling"}]],
    )
    chance: float | None = Field(None, ge=0.0, le=1.0, description="Stochastic: probability per turn (with 'when', once the conditions hold).", examples=[0.05])
    window: Window | None = Field(None, description="Limit a conditional or stochastic event to these turns or dates.", examples=[{"start": "2025-01-01"}])
    once: bool = Field(True, description="Fire at most once per run.", examples=[True])

    @model_validator(mode="after")
    def _timing(self):
        if self.at is not None and (self.when is not None or self.chance is not None):
            raise ValueError("a scripted event ('at') cannot also have 'when' or 'chance'")
        if self.at is None and self.when is None and self.chance is None:
            raise ValueError("an event needs 'at' (scripted), 'when' (conditional) or 'chance' (stochastic)")
        return self


class Inject(Happening):
    """A card in the facilitator's deck: played by hand during a tabletop game."""

    window: Window | None = Field(
        None, description="The turns or dates during which it may be played.", examples=[{"start": "2024-11-21", "end": "2024-12-31"}]
    )


# --------------------------------------------------------------------------- scenario


class War(Strict):
    """The material state of the war being fought: a front between two sides, its costs, and the stake.

    The balance runs from -1 (the second side has won the stake) to +1 (the first side has); it moves
    each day with both sides' effort and their supporters' support, with noise. Fighting costs wear
    resolve down; being struck rallies it. A side losing ground from where the branch found it grows
    risk-acceptant. Talks open where both sides expect less from fighting on than the settlement on
    offer (the line the front gives, adjusted by bargaining power), and break when either no longer does.
    """

    sides: list[Id] = Field(min_length=2, max_length=2, description="The two belligerents whose front the balance measures.", examples=[["russia", "ukraine"]])
    balance: float = Field(0.0, ge=-1, le=1, description="The front at the start: -1 the second side holds the whole stake, +1 the first.", examples=[0.1])
    strength: dict[Id, float] = Field(
        default_factory=dict,
        description="Material weight of each actor's effort or support (default 1 for each side, 0.5 for a supporter).",
        examples=[{"united_states": 1.5}],
    )
    momentum: float = Field(0.01, ge=0, le=1, description="Balance shift per day per unit of effort difference.", examples=[0.01])
    volatility: float = Field(0.01, ge=0, le=1, description="Standard deviation of the front's daily noise.", examples=[0.01])
    burden: float = Field(
        1.0, ge=0, le=100, description="Daily cost of being at war for each side (a cross-border strike on it adds its weight).", examples=[1.0]
    )
    weariness: float = Field(
        0.002, ge=0, le=1, description="Resolve lost per unit of cost borne, at cost sensitivity 1 (war weariness).", examples=[0.002]
    )
    rally: float = Field(0.05, ge=0, le=1, description="Resolve gained when an adversary strikes harder (rallying round the flag).", examples=[0.05])
    loss_seeking: float = Field(
        2.0, ge=0, le=20, description="Risk tolerance gained per share of the stake lost since the branch (prospect theory: risk-seeking in losses).",
        examples=[2.0],
    )
    horizon: int = Field(30, ge=1, le=365, description="Days ahead each side weighs when it compares fighting on with settling.", examples=[30])
    optimism: float = Field(
        0.4, ge=0, le=5, description="Share of the stake a fully resolved side expects to gain by fighting on over a half-resolved one.", examples=[0.4]
    )
    cost_weight: float = Field(0.004, ge=0, le=1, description="Share of the stake a unit of cost borne weighs, at cost sensitivity 1.", examples=[0.004])
    spoilers: Unit = Field(0.01, description="Daily chance that a spoiler breaks talks under way.", examples=[0.01])

    @field_validator("sides")
    @classmethod
    def _two(cls, sides: list[str]) -> list[str]:
        if sides[0] == sides[1]:
            raise ValueError("the two sides of the war must be different actors")
        return sides


class Settings(Strict):
    """Scenario-wide mechanics."""

    noise: float = Field(
        0.3, ge=0.0, le=5.0, description="Misperception (fog of war): standard deviation, in rungs, of how each actor reads its adversaries.", examples=[0.3]
    )
    accident_rate: Unit = Field(0.005, description="Chance per actor and turn that a chosen step is replaced by one rung higher.", examples=[0.005])
    credibility_erosion: Unit = Field(
        0.3,
        description="Share of a red line's credibility, and of its watchers' belief in it, lost when it is crossed (or held over) "
        "without the promised response.",
        examples=[0.3],
    )
    credibility_gain: Unit = Field(
        0.2, description="Share of the missing credibility and belief regained when a red line is honoured.", examples=[0.2]
    )
    deterrence: float = Field(
        2.0,
        ge=0,
        le=50,
        description="Weight of a red line against crossing it, times the watcher's belief in it and the danger of its response's rung.",
        examples=[0.5],
    )
    restraint: float = Field(
        3.0,
        ge=0,
        le=50,
        description="Weight of a restrainer's leverage on each threshold its client crosses, from the restraint threshold up "
        "(times the threshold's weight).",
        examples=[3.0],
    )
    restraint_threshold: Id = Field(
        "nuclear_threshold", description="The lowest threshold restrainers weigh on: every one from it up costs their clients.", examples=["nuclear_threshold"]
    )
    veto: Unit = Field(
        0.5, description="Daily chance, at full leverage, that veto players hold up an actor's step up: a delay, not a cost.", examples=[0.5]
    )
    obligation: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Scales the chance that the holder of a crossed red line means to give the promised response "
        "(times its resolve and the line's credibility).",
        examples=[1.0],
    )
    inertia: float = Field(1.0, ge=0, le=20, description="Cost of changing posture at all: governments do not reverse course daily.", examples=[1.0])
    max_down: int = Field(2, ge=1, le=10, description="Most rungs an actor can step down in one turn.", examples=[2])
    suspicion: float = Field(
        0.0,
        ge=-3,
        le=3,
        description="Worst-case reading under the fog of war: how many noise widths actors read adversaries above what they see (Jervis's spiral model).",
        examples=[0.5],
    )
    audience_cost: float = Field(
        0.0,
        ge=0,
        le=50,
        description="Bonus, times the line's credibility, for the moves that keep a red line's promise while the holder owes it: "
        "the audience cost of backing down (Fearon 1994).",
        examples=[6.0],
    )
    reputation: Unit = Field(
        0.5, description="Share of what a crossing teaches about one red line that carries over to the holder's other lines.", examples=[0.5]
    )
    contained_band: float = Field(
        6.0,
        ge=0,
        le=1000,
        description="How far the escalation intensity at the end may lie from the branch's and the world still end 'contained' "
        "(Rivera et al. scores: one actor moving between talks and political signalling is 6).",
        examples=[6.0],
    )


Actor.model_rebuild(force=True)  # its objectives are conditions, defined with the events below


class Scenario(Strict):
    """A crisis to explore: ladder, actors, events, dates. Illustrative, not predictive."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=60, description="Short name, as used on the command line.", examples=["nov-2024"])
    title: str = Field(
        min_length=1, description="A one-line title, shown on runs, charts and reports.", examples=["The week of ATACMS and Oreshnik, and after"]
    )
    question: str = Field(
        min_length=1, description="The question this scenario explores.", examples=["How might the November 2024 escalation climb or come down the ladder?"]
    )
    kind: Literal["baseline", "what-if"] = Field(description="A baseline from documented events, or a hypothetical what-if.", examples=["what-if"])
    start: dt.date = Field(description="The date of turn 0, YYYY-MM-DD.", examples=["2024-11-17"])
    end: dt.date = Field(description="The date of the last turn, YYYY-MM-DD, after the start.", examples=["2025-02-14"])
    turn_days: int = Field(1, ge=1, le=365, description="Days per turn.", examples=[1])
    branch: dt.date | None = Field(
        None,
        description="The branch date, YYYY-MM-DD. Before it the documented past is history: every event holds for every actor, "
        "the same in every world, and nobody decides. From it on the actors decide, a documented move of an actor that decides "
        "for itself happens only where it makes that move (elsewhere it is told as history beside the world), and outcomes "
        "count what happens. Default: the turn "
        "after the last documented event scheduled at a date or turn that sets a posture (the start if there is none).",
        examples=["2024-11-23"],
    )
    war: War | None = Field(
        None,
        description="The war being fought: its two sides, the front between them, its costs and the stake bargained over (none: postures only).",
        examples=[{"sides": ["russia", "ukraine"], "balance": 0.1}],
    )
    ladder: Id | Ladder = Field("default", description="A shipped ladder by name, or a ladder written out here.", examples=["default"])
    settings: Settings = Field(
        default_factory=Settings,
        description="Scenario-wide mechanics: fog of war, accidents, credibility, deterrence.",
        examples=[{"noise": 0.3, "accident_rate": 0.005}],
    )
    actors: dict[Id, Actor] = Field(
        min_length=1,
        description="The actors, each under its id (the name other parts of the scenario use for it).",
        examples=[
            {
                "hungary": {
                    "name": "Hungary",
                    "rule": "restraint",
                    "posture": "ceasefire_talks",
                    "leverage": 0.5,
                    "capabilities": {"rungs": ["ceasefire_talks", "political_signalling"]},
                }
            }
        ],
    )
    events: list[Event] = Field(
        default_factory=list,
        description="What happens: scripted at a date or turn, conditional on the state, or by chance.",
        examples=[
            [
                {
                    "id": "orban_warns",
                    "title": "Orban warns of nuclear risk",
                    "actor": "hungary",
                    "status": "documented",
                    "source": {"seed": "004_36505e565447df1c.txt", "title": "Biden-Macron call after the Oreshnik test", "date": "2024-11-22"},
                    "at": {"date": "2024-11-22"},
                    "effects": [{"set_posture": {"actor": "hungary", "rung": "political_signalling"}}],
                }
            ]
        ],
    )
    injects: list[Inject] = Field(
        default_factory=list,
        description="The facilitator's inject deck for tabletop games.",
        examples=[
            [
                {
                    "id": "nk_escalates",
                    "title": "North Korea sends more troops",
                    "actor": "north_korea",
                    "status": "hypothetical",
                    "source": {"title": "what-if"},
                    "effects": [{"set_posture": {"actor": "north_korea", "rung": "third_party_combat"}}],
                }
            ]
        ],
    )

    @model_validator(mode="after")
    def _dates(self):
        if self.end <= self.start:
            raise ValueError(f"'end' ({self.end}) must come after 'start' ({self.start})")
        if self.turns > 2000:
            raise ValueError(f"the scenario runs {self.turns} turns; the limit is 2000")
        return self

    # the numbers written as distributions, by path into the document (see scenario.distributions): set by the loader
    _distributions: dict = PrivateAttr(default_factory=dict)

    @property
    def distributions(self) -> dict:
        """The numbers written as distributions, by path (the scenario holds a representative value there)."""
        return self._distributions

    @property
    def turns(self) -> int:
        """Number of turns, the start date being turn 0 and the end date the last."""
        return (self.end - self.start).days // self.turn_days + 1

    def date_of(self, turn: int) -> dt.date:
        return self.start + dt.timedelta(days=turn * self.turn_days)

    def turn_of(self, date: dt.date) -> int:
        return (date - self.start).days // self.turn_days

    @property
    def branch_turn(self) -> int:
        """The first turn on which the actors decide: the given branch, or the turn after the documented past."""
        if self.branch is not None:
            return self.turn_of(self.branch)
        history = [
            self.turn_at(e.at.turn if e.at.turn is not None else e.at.date, 0)
            for e in self.events
            if e.status == "documented" and e.at is not None and any(fx.set_posture is not None for fx in e.effects)
        ]
        return min(max(history, default=-1) + 1, self.turns - 1)

    @property
    def branch_date(self) -> dt.date:
        return self.date_of(self.branch_turn)

    def turn_at(self, bound: int | dt.date | None, default: int) -> int:
        """A window bound (a turn number or a date) as a turn; ``default`` when not given."""
        if bound is None:
            return default
        return bound if isinstance(bound, int) else self.turn_of(bound)

    @property
    def resolved_ladder(self) -> Ladder:
        """The ladder written out: always so once loaded (the loader resolves a shipped ladder's name)."""
        if not isinstance(self.ladder, Ladder):
            raise ValueError(f"scenario {self.name}: its ladder '{self.ladder}' is only a name; load the scenario with load_scenario")
        return self.ladder

    def with_rules(self, rule: str, actors=None) -> Scenario:
        """A copy with the given actors (default: all) switched to ``rule``."""
        chosen = set(actors or self.actors)
        new = {k: a.model_copy(update={"rule": rule, "params": {}}) if k in chosen else a for k, a in self.actors.items()}
        return self.model_copy(update={"actors": new})
