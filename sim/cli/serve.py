"""escalation serve [SCENARIO] [--port N] [--host H]: the web tabletop."""

from __future__ import annotations

from escalation.cli.batch import add_branch_option, add_set_option
from escalation.errors import TabletopError


def add_arguments(p) -> None:
    p.add_argument("scenario", metavar="SCENARIO", nargs="?", default="nov-2024", help="the scenario offered first (default nov-2024)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for a classroom network)")
    p.add_argument("--human", metavar="ACTOR[,ACTOR...]", help="start a game at once with these seats (otherwise the facilitator sets one up)")
    add_branch_option(p)
    add_set_option(p)
    p.add_argument("--seed", type=int, default=0, help="random seed of the game started with --human (default 0)")
    p.add_argument("--turns", type=int, metavar="N", help="play N turns from the branch in the game started with --human")
    p.add_argument("--load", metavar="FILE", help="resume a saved session")
    p.add_argument("--key", help="the facilitator's key (default: a random one, printed at start)")
    p.add_argument("--out", metavar="DIR", default="out/tabletop-web", help="folder for after-action reports (default out/tabletop-web)")


def main(args) -> int:
    import os
    import secrets
    import socket
    import sys
    import warnings
    from pathlib import Path

    from escalation.cli import UsageError
    from escalation.cli.play import new_session
    from escalation.disclaimer import DISCLAIMER
    from escalation.scenario.loading import load_scenario
    from escalation.tabletop.session import Session

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535, not {args.port}")
    if args.sets and not args.human:
        raise UsageError("--set changes the game started with --human; the facilitator's page starts games of the scenarios as written")
    load_scenario(args.scenario)  # a bad scenario is reported now, not in the browser
    from escalation.tabletop.web.hub import HUB

    HUB.scenario, HUB.out_dir, HUB.key = args.scenario, Path(args.out), args.key or secrets.token_urlsafe(9)
    if args.load:
        try:
            HUB.replace(Session.load(args.load))
        except TabletopError as exc:
            print(str(exc), file=sys.stderr)  # already located: FILE:LINE:COL: message
            return 2
    elif args.human:
        HUB.replace(new_session(args))
    try:
        sock = socket.create_server((args.host, args.port))
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {reason}") from None
    port = sock.getsockname()[1]

    # Solara reads these on import: our app, no telemetry, and every browser asset served
    # from the local package (a CDN address that cannot be reached: nothing leaves this machine)
    os.environ["SOLARA_APP"] = "escalation.tabletop.web.app"
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ["SOLARA_ASSETS_CDN"] = "http://127.0.0.1:9/"
    os.environ["SOLARA_THEME_TITLE"] = "escalation tabletop"
    os.environ["SOLARA_THEME_SHOW_BANNER"] = "False"
    # a closed tab's page is dropped after five minutes (not Solara's 24 h), so it stops redrawing on every turn
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", "5m")
    warnings.filterwarnings("ignore", message="Cookies with samesite")
    import uvicorn

    server = uvicorn.Server(uvicorn.Config("solara.server.starlette:app", log_level="warning", access_log=False))
    base = f"http://{args.host}:{port}" if ":" not in args.host else f"http://[{args.host}]:{port}"
    seats = HUB.session.humans if HUB.session else []
    print(f"escalation tabletop on {base}  ({DISCLAIMER})")
    print(f"  projector:    {base}/")
    for seat in seats:
        print(f"  seat {seat}: {base}/?seat={seat}")
    print(f"  facilitator:  {base}/facilitator?key={HUB.key}")
    print("Stop with Ctrl-C.", flush=True)
    server.run(sockets=[sock])
    return 0
