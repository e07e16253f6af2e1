"""escalation brief SCENARIO [--seat ACTOR[,ACTOR...]] [--pdf]: printable team sheets for a class."""

from __future__ import annotations

from escalation.cli.batch import add_branch_option, add_set_option


def add_arguments(p) -> None:
    p.add_argument("scenario", metavar="SCENARIO", help="the scenario the class will play (a file or a shipped name)")
    p.add_argument("--seat", metavar="ACTOR[,ACTOR...]", help="the seats to brief (default: every actor's)")
    add_branch_option(p)
    add_set_option(p)
    p.add_argument("--pdf", action="store_true", help="also print each sheet to PDF with a headless Chromium")
    p.add_argument("--out", metavar="DIR", default="out/briefs", help="folder for the sheets (default out/briefs)")


def main(args) -> int:
    from pathlib import Path

    from escalation.analysis.brief import brief_html, print_pdf
    from escalation.cli import UsageError
    from escalation.disclaimer import DISCLAIMER
    from escalation.errors import TabletopError
    from escalation.scenario.overrides import load_with_sets, with_branch
    from escalation.tabletop.session import Session

    scenario, _, sets = load_with_sets(args.scenario, args.sets)
    scenario = with_branch(scenario, args.branch)
    seats = [k.strip() for k in args.seat.split(",") if k.strip()] if args.seat else list(scenario.actors)
    try:
        session = Session(scenario, seats, 0, source=args.scenario, sets=sets)  # the state at the branch, as every game begins
    except TabletopError as exc:
        raise UsageError(str(exc)) from None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for seat in session.humans:
        page = out / f"brief-{scenario.name}-{seat}.html"
        page.write_text(brief_html(session, seat), encoding="utf-8")
        made = [str(page)]
        if args.pdf:
            made.append(str(print_pdf(page, page.with_suffix(".pdf"))))
        print(f"{session.label(seat)}: {', '.join(made)}")
    print(DISCLAIMER)
    return 0
