"""The ``escalation`` command line: the entry point, and one module per subcommand.

Each subcommand is a light module of this package with ``add_arguments(parser)``
and ``main(args) -> int``; heavy libraries are imported inside ``main`` so that
``escalation --help`` answers at once. This package may import every other part
(tabletop, ensemble, model, scenario, analysis); nothing imports it.

Exit status: 0 success, 2 bad input (one located line per problem, no
traceback), 1 internal fault. The library's :class:`~escalation.errors.InputError`
is bad input, printed in the command line's terms (``--runs``, not ``runs``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings

from escalation.disclaimer import DISCLAIMER
from escalation.errors import InputError, NoEffectWarning

# (name, module of this package, one-line help), in the order --help lists them
COMMANDS = [
    ("run", "run", "play one world turn by turn: narrative and ladder chart"),
    ("validate", "validate", "check scenario files and report every problem"),
    ("list", "listing", "list shipped scenarios, decision rules and ladders"),
    ("schema", "schema", "print the JSON Schema of the scenario format"),
    ("new", "new", "start a scenario of your own on top of another: an overlay of what changes (or a full copy)"),
    ("show", "show", "print a scenario whole: an overlay merged with its base"),
    ("diff", "diff", "what changed between two scenarios: actors, traits, rules, events, ladder"),
    ("play", "play", "the classroom tabletop in the terminal: human seats, the model plays the rest"),
    ("serve", "serve", "the classroom tabletop in the browser: projector, team seats, facilitator"),
    ("brief", "brief", "printable team sheets for a class: history, capabilities, red lines, relations, objectives"),
    ("batch", "batch", "run many worlds of a scenario into a results folder (Parquet)"),
    ("sweep", "sweep", "run a parameter sweep (grid, oat, lhs, sobol, morris, fast, delta, pawn) into a results folder"),
    ("plot", "plot", "draw outcome and sensitivity charts or an HTML report from a results folder"),
    ("compare", "compare", "compare two scenarios with common random numbers"),
    ("calibrate", "calibrate", "calibrate a scenario's distributions against targets by approximate Bayesian computation (rejection or SMC)"),
    ("export", "export", "write a results folder in another tool's layout (EMA Workbench's experiments and outcomes)"),
    ("discover", "discover", "scenario discovery: which parameter ranges make an outcome likely (PRIM, CART, feature scores)"),
]


class UsageError(InputError):
    """A bad command-line value that only the command line can have; printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escalation",
        description=f"Escalation-scenario tabletop simulator. {DISCLAIMER}",
        epilog="SCENARIO is a path to a YAML file or the name of a shipped scenario (see `escalation list`).",
    )
    parser.add_argument("--version", action="version", version=f"escalation {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module, help_text in COMMANDS:
        mod = importlib.import_module(f".{module}", __package__)
        p = sub.add_parser(name, help=help_text, description=f"{help_text[0].upper()}{help_text[1:]}. {DISCLAIMER}")
        mod.add_arguments(p)
        p.set_defaults(handler=mod.main)
    return parser


def _version() -> str:
    from escalation import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    from escalation.scenario.problems import ScenarioError

    shown = warnings.showwarning

    def show(message, category, *rest, **kw):  # a change with no effect: one line, as the command line speaks
        if issubclass(category, NoEffectWarning):
            print(f"escalation {args.command}: warning: {message}", file=sys.stderr)
        else:
            shown(message, category, *rest, **kw)

    warnings.showwarning = show
    try:
        return int(args.handler(args) or 0)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"escalation {args.command}: {exc.worded('cli')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # an internal fault: say so plainly
        if os.environ.get("ESCALATION_DEBUG"):
            raise
        print(f"escalation {args.command}: internal error: {type(exc).__name__}: {exc} (set ESCALATION_DEBUG=1 for details)", file=sys.stderr)
        return 1
    finally:
        warnings.showwarning = shown
