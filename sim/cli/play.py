"""escalation play SCENARIO --human ACTOR[,ACTOR...]: the terminal tabletop."""

from __future__ import annotations

from escalation.cli.batch import add_branch_option, add_set_option
from escalation.errors import TabletopError


def add_arguments(p) -> None:
    p.add_argument("scenario", metavar="SCENARIO", nargs="?", help="the scenario to play (omit when resuming with --load)")
    p.add_argument("--human", metavar="ACTOR[,ACTOR...]", help="the seats people hold, by actor id (the model plays the others)")
    add_branch_option(p)
    add_set_option(p)
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0); the same seed and moves give the same game")
    p.add_argument("--turns", type=int, metavar="N", help="play N turns from the branch (default: to the scenario's end)")
    add_days_option(p)
    p.add_argument("--load", metavar="FILE", help="resume a session saved with the 'save' command")
    p.add_argument("--out", metavar="DIR", help="folder for the after-action report (default out/tabletop-SCENARIO-seedN)")


def main(args) -> int:
    import sys

    from escalation.cli import UsageError

    if args.load and (args.scenario or args.human or args.turns is not None or args.sets or args.days_per_turn is not None):
        raise UsageError("--load resumes a saved game as it was: give no SCENARIO, --human, --turns, --days-per-turn or --set with it")
    if not args.load and not args.scenario:
        raise UsageError("give a SCENARIO to play (see `escalation list`), or --load FILE to resume a saved game")
    if not args.load and not args.human:
        raise UsageError("name the seats people hold with --human ACTOR[,ACTOR...], e.g. --human ukraine,russia")
    from escalation.tabletop.console import Console
    from escalation.tabletop.session import Session

    if args.load:
        try:
            session = Session.load(args.load)
        except TabletopError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    else:
        session = new_session(args)
    out = args.out or f"out/tabletop-{session.scenario.name}-seed{session.seed}"
    return Console(session, out).run()


def new_session(args):
    """The game of SCENARIO with the --human seats, --seed and --turns (also for `escalation serve`)."""
    from escalation.cli import UsageError
    from escalation.scenario.overrides import load_with_sets, with_branch
    from escalation.tabletop.session import Session

    humans = [h.strip() for h in args.human.split(",") if h.strip()]
    scenario, _, sets = load_with_sets(args.scenario, args.sets)
    scenario = with_branch(scenario, args.branch)
    try:
        days = 1 if args.days_per_turn is None else args.days_per_turn
        return Session(scenario, humans, args.seed, length=args.turns, source=args.scenario, sets=sets, days_per_turn=days)
    except TabletopError as exc:
        raise UsageError(str(exc)) from None


def add_days_option(p) -> None:
    p.add_argument(
        "--days-per-turn", type=int, metavar="D",
        help="days of the scenario in one game turn (default 1; 7 plays a week a turn, the model still deciding day by day)",
    )
