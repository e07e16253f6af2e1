"""escalation serve [SCENARIO] [--port N] [--host H]: the web tabletop, for one class or several."""

from __future__ import annotations

import re

from escalation.cli.batch import add_branch_option, add_set_option
from escalation.cli.play import add_days_option
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
    add_days_option(p)
    p.add_argument("--load", metavar="FILE", help="resume a saved session")
    p.add_argument("--resume", action="store_true", help="continue the latest game saved in the output folder (each class's), with its links")
    p.add_argument("--classes", metavar="NAME[,NAME...]", help="hold several classes, each with its own key, seats and folder (OUT/NAME)")
    p.add_argument("--key", help="the facilitator's key (default: a random one, printed at start; with --classes, NAME is added to it)")
    p.add_argument("--out", metavar="DIR", default="out/tabletop-web", help="folder for games, saves and reports (default out/tabletop-web)")


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
    if args.resume and (args.load or args.human):
        raise UsageError("--resume continues the saved games as they were: give no --load or --human with it")
    names = [n.strip() for n in (args.classes or "").split(",") if n.strip()]
    if args.classes is not None and not names:
        raise UsageError("--classes takes class names, e.g. --classes 9a,9b")
    for n in names:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}", n):
            raise UsageError(f"a class name has letters, digits, '-' and '_' (at most 40), not '{n}'")
    if len(set(names)) < len(names):
        raise UsageError("each class needs its own name")
    load_scenario(args.scenario)  # a bad scenario is reported now, not in the browser
    from escalation.tabletop.web import hub as hubs

    hubs.HUBS.clear()
    for name in names or [""]:
        key = (f"{args.key}-{name}" if name else args.key) if args.key else ("" if args.resume else secrets.token_urlsafe(9))
        hub = hubs.Hub(args.scenario, Path(args.out) / name if name else Path(args.out), key, name)
        if args.resume:  # with the key it had, unless --key gives another
            problem = hub.resume()
            if problem:
                print(f"escalation serve: {problem}", file=sys.stderr)
                return 2
        elif args.load:
            try:
                hub.replace(Session.load(args.load))
            except TabletopError as exc:
                print(str(exc), file=sys.stderr)  # already located: FILE:LINE:COL: message
                return 2
        elif args.human:
            hub.replace(new_session(args))
        hub.key = hub.key or secrets.token_urlsafe(9)
        hubs.HUBS[name] = hub
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
    shown = reachable(args.host)
    base = f"http://{shown}:{port}" if ":" not in shown else f"http://[{shown}]:{port}"
    from escalation.tabletop.web.app import BASE

    BASE["url"] = base
    print(f"escalation tabletop on {base}  ({DISCLAIMER})")
    for name, hub in hubs.HUBS.items():
        if name:
            print(f"class {name} (games saved in {hub.out_dir}):")
        for page, url in hub.links(base).items():
            print(f"  {page + ':':<13} {url}")
    print("Stop with Ctrl-C.", flush=True)
    server.run(sockets=[sock])
    return 0


def reachable(host: str) -> str:
    """The address to print in links: the host given, or for 0.0.0.0 this machine's address on its network."""
    import socket

    if host not in ("0.0.0.0", "::", ""):
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: nothing is sent, the system only picks a route
            return probe.getsockname()[0]
        except OSError:
            return socket.gethostname()
