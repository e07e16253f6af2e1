"""Mistakes students make, scripted: each a small change to a shipped scenario (the baseline, or an overlay).

Used to measure what the editor catches (through yaml-language-server, and through a second
validator, jsonschema) against what `escalation validate` rejects: ``python -m tests.editor.measure``.
"""

from __future__ import annotations

import typing


class Mistake(typing.NamedTuple):
    name: str
    base: str  # the shipped scenario changed
    changes: tuple[tuple[str, str], ...]  # (old, new): each old text occurs once in the base


def m(name: str, old: str, new: str, base: str = "nov-2024", *more: tuple[str, str]) -> Mistake:
    return Mistake(name, base, ((old, new), *more))


RUSSIA = "    rule: brinkmanship         # seeds 002, 003: warnings, then a demonstrative new weapon\n"
RESOLVE = "    resolve: 0.8               #"
WHAT_IF = "weak-china-restraint"

MISTAKES: list[Mistake] = [
    # names that refer to others: misspelt, or written as people say them
    m("rule misspelt", RUSSIA, RUSSIA.replace("brinkmanship", "brinkmanshp")),
    m("rule from another model", RUSSIA, RUSSIA.replace("brinkmanship", "tit_for_tat")),
    m("posture misspelt", "    posture: contained_war     # the war as it stood", "    posture: contained_wr      # the war as it stood"),
    m("posture as its display name", "    posture: contained_war     # the war as it stood", "    posture: Contained war inside Ukraine  #"),
    m("max_rung misspelt", "      max_rung: political_signalling  # deep strikes", "      max_rung: political_signaling  # deep strikes"),
    m("red line 'at' misspelt", "        at: cross_border_strikes\n        response: strategic",
      "        at: cross_border_strike\n        response: strategic"),
    m("red line response misspelt", "        response: demonstrative_nuclear_use", "        response: demonstrative_nuclear"),
    m("set_posture rung misspelt", "      - set_posture: {actor: hungary, rung: political_signalling}",
      "      - set_posture: {actor: hungary, rung: politcal_signalling}"),
    m("set_capability rung misspelt", "      - set_capability: {actor: ukraine, max_rung: cross_border_strikes}", "      - set_capability: {actor: ukraine, max_rung: cross_border}"),
    m("adversary misspelt", "      adversaries: [russia, north_korea, iran]\n      patrons", "      adversaries: [russia, north_korea, irna]\n      patrons"),
    m("adversary ukriane", "      adversaries: [ukraine, united_states, europe]", "      adversaries: [ukriane, united_states, europe]"),
    m("adversary as usa", "      adversaries: [ukraine, united_states, europe]", "      adversaries: [ukraine, usa, europe]"),
    m("event actor misspelt", "    actor: hungary\n    status: documented", "    actor: hungry\n    status: documented"),
    m("set_posture actor misspelt", "      - set_posture: {actor: hungary, rung: political_signalling}", "      - set_posture: {actor: hungray, rung: political_signalling}"),
    m("set_trait actor misspelt", "      - set_trait: {actor: china, trait: leverage, value: 0.9}", "      - set_trait: {actor: chian, trait: leverage, value: 0.9}"),
    m("watch misspelt", "        watch: [united_states, europe]", "        watch: [united_states, eu]"),
    m("restrainer misspelt", "      restrainers: [china]     #", "      restrainers: [chna]     #"),
    m("war side misspelt", "  sides: [russia, ukraine]", "  sides: [russia, ukrain]"),
    m("strength of no actor", "    iran: 0.3                # drones", "    iraq: 0.3                # drones"),
    m("stock of no rung", "      strategic_conventional_strike: 2  #", "      strategic_strike: 2  #"),
    m("rule parameter misspelt", "      margin: 0.6              #", "      margn: 0.6              #"),
    m("parameter of another rule", "      margin: 0.6              #", "      offset: 0.6              #"),
    m("rung parameter misspelt", "      alarm: strategic_conventional_strike  #", "      alarm: strategic_conventional_strik  #"),
    m("restraint threshold misspelt", "  restraint_threshold: strategic_strike  #", "  restraint_threshold: strategic_strikes  #"),
    m("source file misspelt", "source: {seed: 004_36505e565447df1c.txt, title: \"Biden-Macron call after the Oreshnik test; Pentagon concern; Orban's caution\", date: \"[2024-11-22]\"}",
      "source: {seed: 004_36505e565447df1.txt, title: \"Biden-Macron call after the Oreshnik test; Pentagon concern; Orban's caution\", date: \"[2024-11-22]\"}"),
    m("source file that does not exist", "source: {seed: 000_af5c2d06aa3a851d.txt, title: \"Missile Escalation: The Global Implications of Russia's New Armament Strategy\", date: \"[2024-11-22]\"}",
      "source: {seed: 009_nothere.txt, title: \"Missile Escalation: The Global Implications of Russia's New Armament Strategy\", date: \"[2024-11-22]\"}"),
    m("ladder misspelt", "ladder: default              #", "ladder: defualt              #"),
    # keys
    m("top key misspelt", "title: The week of ATACMS", "tittle: The week of ATACMS"),
    m("actor key misspelt", RESOLVE, "    reslove: 0.8               #"),
    m("settings key misspelt", "  noise: 0.3                 #", "  noize: 0.3                 #"),
    m("war key misspelt", "  balance: 0.0               #", "  balanse: 0.0               #"),
    m("red line key misspelt", "        response: demonstrative_nuclear_use", "        respons: demonstrative_nuclear_use"),
    m("relations key singular", "      restrainers: [china]     #", "      restrainer: [china]     #"),
    m("capabilities key misspelt", "      max_rung: political_signalling  # deep strikes", "      max: political_signalling  # deep strikes"),
    m("event key misspelt", "    at: {date: 2024-11-23}\n", "    att: {date: 2024-11-23}\n"),
    m("source key misspelt", "source: {seed: 002_d35e882098e13744.txt, title: \"The week leading up to 23 November 2024: ATACMS, mines, Oreshnik, Kremlin warnings\", date: \"ongoing (week to 2024-11-23)\"}\n    at: {date: 2024-11-22}",
      "source: {seeds: 002_d35e882098e13744.txt, title: \"The week leading up to 23 November 2024: ATACMS, mines, Oreshnik, Kremlin warnings\", date: \"ongoing (week to 2024-11-23)\"}\n    at: {date: 2024-11-22}"),
    # values out of range or of the wrong kind
    m("resolve above 1", RESOLVE, "    resolve: 1.5               #"),
    m("risk tolerance below 0", "    risk_tolerance: 0.45       #", "    risk_tolerance: -0.1       #"),
    m("temperature zero", "    temperature: 0.5           # fairly deliberate choices", "    temperature: 0             # fairly deliberate choices"),
    m("max_step a fraction", "    max_step: 2                # can jump", "    max_step: 2.5              # can jump"),
    m("noise negative", "  noise: 0.3                 #", "  noise: -1                  #"),
    m("accident rate above 1", "  accident_rate: 0.01        #", "  accident_rate: 2           #"),
    m("credibility above 1", "        credibility: 0.8       # long-declared", "        credibility: 1.2       # long-declared"),
    m("grace zero", "        grace: 3               #", "        grace: 0               #"),
    m("chance above 1", "    chance: 0.05               #", "    chance: 1.5                #"),
    m("a number in quotes", RESOLVE, "    resolve: \"0.8\"             #"),
    m("a word for a number", RESOLVE, "    resolve: high              #"),
    m("a percentage", RESOLVE, "    resolve: 80%               #"),
    m("kind misspelt", "kind: baseline", "kind: basline"),
    m("status misspelt", "    actor: hungary\n    status: documented", "    actor: hungary\n    status: documnted"),
    m("trait misspelt", "      - set_trait: {actor: china, trait: leverage, value: 0.9}", "      - set_trait: {actor: china, trait: leverag, value: 0.9}"),
    m("turn days zero", "turn_days: 1                 #", "turn_days: 0                 #"),
    m("balance beyond the front", "  balance: 0.0               #", "  balance: 2.0               #"),
    m("impossible date", "end: 2025-02-14              #", "end: 2025-02-30              #"),
    m("31 November", "    at: {date: 2024-11-22}\n\n  - id: biden_macron_call", "    at: {date: 2024-11-31}\n\n  - id: biden_macron_call"),
    m("date day first", "end: 2025-02-14              #", "end: 14/02/2025              #"),
    m("end before start", "end: 2025-02-14              #", "end: 2024-10-14              #"),
    m("name with spaces", "name: nov-2024", "name: nov 2024"),
    m("actor id capitalised", "  china:\n    name: China", "  China:\n    name: China"),
    m("a name for a list", "      restrainers: [china]     #", "      restrainers: china     #"),
    m("an empty watch list", "        watch: [united_states, europe]", "        watch: []"),
    m("true written yes", "      - set_posture: {actor: hungary, rung: political_signalling}", "      - set_posture: {actor: hungary, rung: political_signalling, binding: yes}"),
    # choices that go together
    m("an effect of two kinds", "      - set_posture: {actor: hungary, rung: political_signalling}",
      "      - {set_posture: {actor: hungary, rung: political_signalling}, add_actor: hungary}"),
    m("value and by at once", "      - set_trait: {actor: china, trait: leverage, value: 0.9}", "      - set_trait: {actor: china, trait: leverage, value: 0.9, by: 0.1}"),
    m("neither value nor by", "      - set_trait: {actor: china, trait: leverage, value: 0.9}", "      - set_trait: {actor: china, trait: leverage}"),
    m("turn and date at once", "    at: {date: 2024-11-23}\n", "    at: {date: 2024-11-23, turn: 6}\n"),
    m("scripted and stochastic", "    at: {date: 2024-11-23}\n", "    at: {date: 2024-11-23}\n    chance: 0.1\n"),
    m("an event with no timing", "    at: {date: 2024-11-23}\n", ""),
    m("documented without a seed", "source: {seed: 000_af5c2d06aa3a851d.txt, title: \"Missile Escalation: The Global Implications of Russia's New Armament Strategy\", date: ongoing}\n    at: {date: 2024-11-23}",
      "source: {title: \"Missile Escalation: The Global Implications of Russia's New Armament Strategy\", date: ongoing}\n    at: {date: 2024-11-23}"),
    m("posture outside its capabilities", "    posture: ceasefire_talks   # calls for calm and talks", "    posture: contained_war     # calls for calm and talks"),
    m("its own adversary", "      adversaries: [ukraine, united_states, europe]", "      adversaries: [russia, ukraine, united_states, europe]"),
    m("the same actor on both sides", "  sides: [russia, ukraine]", "  sides: [russia, russia]"),
    m("a stock of a standing posture", "      strategic_conventional_strike: 2  #", "      cross_border_strikes: 2  #"),
    m("an event outside the dates", "    at: {date: 2024-11-23}\n", "    at: {date: 2025-11-23}\n"),
    # missing and repeated
    m("rule missing", RUSSIA, ""),
    m("posture missing", "    posture: contained_war     # the war as it stood before the ATACMS decision\n", ""),
    m("actor name missing", "  china:\n    name: China\n", "  china:\n"),
    m("duplicate event id", "  - id: tusk_warns", "  - id: orban_warns"),
    m("duplicate red line id", "      - id: nato_direct_involvement", "      - id: western_missiles_inside_russia"),
    m("duplicate key", RESOLVE, "    resolve: 0.7\n" + RESOLVE),
    # syntax
    m("a missing colon", RESOLVE, "    resolve 0.8                #"),
    m("a tab", RESOLVE, "\tresolve: 0.8               #"),
    m("an unclosed bracket", "  sides: [russia, ukraine]", "  sides: [russia, ukraine"),
    m("typographic quotes", "source: {seed: 003_8c7dbb1329846943.txt, title: \"Escalation Peaks: A Pivotal Week in the Ukraine-Russia Conflict\", date: ongoing}\n    text: North",
      "source: {seed: 003_8c7dbb1329846943.txt, title: \u201cEscalation Peaks: A Pivotal Week in the Ukraine-Russia Conflict\u201d, date: ongoing}\n    text: North"),
    # overlays
    m("overlay: rule misspelt", "  china:\n", "  china:\n    rule: restrain\n", WHAT_IF),
    m("overlay: value out of range", "    leverage: 0.15 ", "    leverage: 1.5 ", WHAT_IF),
    m("overlay: a parameter's rung misspelt", "      alarm: nuclear_signalling", "      alarm: nuclear_signaling", WHAT_IF),
    m("overlay: a parameter misspelt", "      alarm: nuclear_signalling", "      alrm: nuclear_signalling", WHAT_IF),
    m("overlay: base misspelt", "extends: nov-2024", "extends: nov-2025", WHAT_IF),
    m("overlay: removing what the base lacks", "kind: what-if\n", "kind: what-if\nremove:\n  events: [tusk_warn]\n", WHAT_IF),
    m("overlay: a new actor incomplete", "actors:\n", "actors:\n  india:\n    name: India\n", WHAT_IF),
    m("overlay: an actor misspelt in a relation", "actors:\n", "actors:\n  russia:\n    relations:\n      restrainers: [chna]\n", WHAT_IF),
]


def text_of(mistake: Mistake, read) -> str:
    """The base's text with the mistake made; ``read(name)`` gives a shipped scenario's text."""
    text = read(mistake.base)
    for old, new in mistake.changes:
        if text.count(old) != 1:
            raise ValueError(f"{mistake.name}: {old!r} occurs {text.count(old)} times in {mistake.base}")
        text = text.replace(old, new)
    return text
