"""escalation list [scenarios|rules|ladders|sources] [NAME]: what ships, and each thing in full."""

from __future__ import annotations

KINDS = ("scenarios", "rules", "ladders", "sources")


def add_arguments(p) -> None:
    p.add_argument("what", nargs="?", choices=KINDS, help="list only this")
    p.add_argument("name", nargs="?", metavar="NAME", help="one rule, ladder or source in full (its parameters; its rungs; the events citing it)")


def main(args) -> int:
    from escalation.cli import UsageError
    from escalation.errors import did_you_mean

    if args.name and args.what in (None, "scenarios"):
        raise UsageError("NAME goes with rules, ladders or sources, e.g. `escalation list rules brinkmanship`; `escalation show SCENARIO` prints a scenario")
    if args.name:
        names = _names(args.what)
        if args.name not in names:
            raise UsageError(f"no {args.what[:-1]} named '{args.name}'{did_you_mean(args.name, names)}; it is one of: {', '.join(names)}")
        print("\n".join(DETAIL[args.what](args.name)))
        return 0
    for kind in [args.what] if args.what else KINDS:
        print("\n".join(SUMMARY[kind]()))
    return 0


def _names(kind: str) -> list[str]:
    from escalation.scenario.paths import shipped_ladders
    from escalation.scenario.rulebook import RULEBOOK
    from escalation.scenario.sources import shipped_sources

    found: dict[str, dict] = {"rules": RULEBOOK, "ladders": shipped_ladders(), "sources": shipped_sources()}
    return sorted(found[kind])


def scenarios() -> list[str]:
    from escalation.scenario.loading import load_scenario
    from escalation.scenario.paths import shipped_scenarios
    from escalation.scenario.problems import ScenarioError

    out = ["Scenarios:"]
    for name, path in shipped_scenarios().items():
        try:
            sc = load_scenario(path)
            out.append(f"  {name:<28} {sc.kind:<9} {sc.question}")
        except ScenarioError as exc:  # a broken shipped file should still be listed
            out.append(f"  {name:<28} INVALID: {exc.problems[0].message}")
    return out


def rules() -> list[str]:
    from escalation.scenario.rulebook import RULEBOOK

    out = ["Decision rules (`escalation list rules NAME` for one in full):"]
    for name, spec in sorted(RULEBOOK.items()):
        params = ", ".join(spec.params.model_fields) or "no parameters"
        out.append(f"  {name:<14} {spec.summary}  [{spec.source}]  params: {params}")
    return out


def rule(name: str) -> list[str]:
    from escalation.scenario.messages import describe
    from escalation.scenario.rulebook import RULEBOOK

    spec = RULEBOOK[name]
    out = [f"{name}: {spec.summary}", f"  Source: {spec.source}", f"  Decides for itself: {'yes' if spec.decides else 'no (it never chooses)'}"]
    fields = spec.params.model_fields
    out.append("  Parameters (under params: in an actor):" if fields else "  Parameters: none")
    for key, info in fields.items():
        default = "none" if info.default is None else info.default
        out.append(f"    {key}: {info.description}")
        out.append(f"      {describe(info.annotation, info.metadata)}; default {default}")
    example = {k: v.default for k, v in fields.items() if v.default is not None}
    out.append(f"  Example:\n    rule: {name}" + (f"\n    params: {{{', '.join(f'{k}: {v}' for k, v in example.items())}}}" if example else ""))
    return out


def ladders() -> list[str]:
    from escalation.scenario.loading import load_ladder_file
    from escalation.scenario.paths import shipped_ladders

    out = ["Ladders (`escalation list ladders NAME` for the rungs):"]
    for name, path in shipped_ladders().items():
        lad = load_ladder_file(path)
        out.append(f"  {name:<14} {lad.name}: {len(lad.rungs)} rungs, thresholds: {', '.join(t.id for t in lad.thresholds)}")
    return out


def ladder(name: str) -> list[str]:
    from escalation.scenario.loading import load_ladder_file
    from escalation.scenario.paths import shipped_ladders

    lad = load_ladder_file(shipped_ladders()[name])
    columns = "  level  id (write this)                 kind     category                name; Kahn rung, MID, Goldstein"
    out = [f"{name}: {lad.name}. {lad.description}".rstrip(), columns]
    above = {t.at: t for t in lad.thresholds}
    for r in lad.rungs:
        if r.id in above:
            t = above[r.id]
            out.append(f"  ------ threshold {t.id} ({t.name}, weight {t.weight:g}) ------")
        out.append(f"  {r.level:>5}  {r.id:<30} {r.kind:<8} {r.category:<23} {r.name}; Kahn {r.kahn.rung} ({r.kahn.name}), MID {r.mid}, "
                   f"Goldstein {r.goldstein:g}")
    return out


def sources() -> list[str]:
    from escalation.scenario.sources import shipped_sources

    citing = _citations()
    out = ["Sources (documented events cite them by file; `escalation list sources FILE` for one in full):"]
    for name, article in shipped_sources().items():
        out.append(f"  {name}  {article.title}  (cited by {len(citing.get(name, {}))} documented events)")
    return out


def source(name: str) -> list[str]:
    from escalation.scenario.sources import shipped_sources

    article = shipped_sources()[name]
    cited = _citations().get(name, {})
    out = [f"{name}: {article.title}", f"  File: {article.path}", f"  Cited by {len(cited)} documented events (and the shipped scenarios that hold them):"]
    out += [f"    {event}: {', '.join(where)}" for event, where in cited.items()] or ["    none"]
    return out


def _citations() -> dict[str, dict[str, list[str]]]:
    """Source file -> {'event id (title)': the shipped scenarios holding it} for each documented event citing it."""
    from escalation.scenario.loading import load_scenario
    from escalation.scenario.paths import shipped_scenarios

    out: dict[str, dict[str, list[str]]] = {}
    for name in shipped_scenarios():
        sc = load_scenario(name)
        for ev in [*sc.events, *sc.injects]:
            if ev.status == "documented" and ev.source.seed:
                out.setdefault(ev.source.seed, {}).setdefault(f"{ev.id} ({ev.title})", []).append(name)
    return out


SUMMARY = {"scenarios": scenarios, "rules": rules, "ladders": ladders, "sources": sources}
DETAIL = {"rules": rule, "ladders": ladder, "sources": source}
