"""Speed of the classroom tabletop: a turn at W = 1, and the after-action report.

    python benchmarks/tabletop.py [--games 5] [--runs 10000] [--pages 1,8,30] [--no-web]

Prints:
- the time of one tabletop turn at W = 1 (two human seats choosing, six bots
  deciding with their reasons, events, injects, narrative: ``Session.advance``),
  median and worst over every turn of several whole games (target: under 20 ms),
  next to a bare ``Crisis.step`` at W = 1 measured in the same run, so the
  session's own cost shows as a ratio;
- the time of a rewind (a replay from the seed) to the middle and to the end of
  the scenario, which the web app does on the facilitator's click;
- the time to write the after-action report with its comparison against a
  ``--runs`` ensemble (target: under 10 s for 10,000 runs), split into the
  ensemble and everything else (charts, page);
- the web app under a class: ``escalation serve`` with 1, 8 and 30 pages open in a
  real Chromium (the facilitator, a projector, and the rest team seats), a turn
  played from the facilitator's page: the server's CPU seconds per turn (its own
  process, from /proc, beside the wall time), the ratio to the one-page baseline
  measured in the same run, and the time until the turn's update has reached every
  page (aim: within 2 s for 30 pages).
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def turn_times(games: int) -> tuple[list[float], list[float]]:
    """Seconds per turn: tabletop turns (sessions with two human seats), and bare model steps."""
    from escalation.model import Crisis
    from escalation.scenario.loading import load_scenario
    from escalation.tabletop.session import Session

    session_turns, bare_steps = [], []
    for seed in range(games):
        s = Session("nov-2024", ["ukraine", "russia"], seed)
        while not s.finished:
            for seat in s.humans:
                legal = s.legal_moves(seat)
                s.choose(seat, legal[(s.turn + seed) % len(legal)])
            if s.turn % 10 == 3:
                s.inject("tusk_global_war_warning")
            started = time.perf_counter()
            s.advance()
            session_turns.append(time.perf_counter() - started)
        model = Crisis(load_scenario("nov-2024"), worlds=1, rng=seed)
        while model.running:
            started = time.perf_counter()
            model.step()
            bare_steps.append(time.perf_counter() - started)
    return session_turns, bare_steps


def rewind_times() -> tuple[int, float, float]:
    """Seconds to rewind a finished game to its middle, and to replay it whole."""
    from escalation.tabletop.session import Session

    s = Session("nov-2024", ["ukraine"], 1)
    while not s.finished:
        s.advance()
    inputs = list(s.played)
    started = time.perf_counter()
    s.rewind(len(inputs) // 2)
    middle = time.perf_counter() - started
    started = time.perf_counter()
    s.replay_line(inputs)
    whole = time.perf_counter() - started
    return len(inputs), middle, whole


def report_times(runs: int, length: int | None) -> tuple[int, float, float]:
    """Seconds for the report of a game played to its end (its ensemble run afresh),
    and for a bare ensemble of the same size and turns, timed apart."""
    from escalation.analysis.aar import write_report
    from escalation.model import Crisis
    from escalation.tabletop.session import Session

    s = Session("nov-2024", ["ukraine", "russia"], 7, length=length)
    while not s.finished:
        s.advance()
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        write_report(s, out, runs)
        total = time.perf_counter() - started
    started = time.perf_counter()
    model = Crisis(s.base, worlds=runs, rng=s.seed + 1, trajectories=False)
    for _ in range(s.turn):
        model.step()
    ensemble = time.perf_counter() - started
    return s.turn, total, ensemble


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far, all its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def web_turns(pages: int, turns: int = 3) -> tuple[float, float, float]:
    """(server CPU s per turn, wall s per turn, worst s until every page showed the turn) with ``pages`` pages open."""
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "escalation.cli", "serve", "nov-2024", "--port", "0", "--key", "bench",
               "--human", "russia,ukraine,united_states,europe", "--turns", str(turns + 2), "--out", out]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
        printed = []
        while not printed or not printed[-1].startswith("Stop with"):
            printed.append(lines.get(timeout=60))
        links = [line.split()[-1] for line in printed[1:] if "http" in line]
        projector, seats, facilitator = links[0], links[1:-1], links[-1]
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
                ctx = browser.new_context(viewport={"width": 1280, "height": 720})
                ctx.set_default_timeout(60_000)
                expect.set_options(timeout=60_000)
                urls = [facilitator] + [projector if i % 8 == 0 else seats[i % len(seats)] for i in range(pages - 1)]
                opened = []
                for url in urls:
                    page = ctx.new_page()
                    page.goto(url)
                    opened.append(page)
                for page in opened:
                    expect(page.locator(".game-status").first).to_contain_text("Turn 6 of")
                time.sleep(2)  # let every page settle
                cpu, wall, reach = [], [], []
                for k in range(turns):
                    want = f"Turn {7 + k} of"
                    before, started = server_cpu(proc.pid), time.perf_counter()
                    opened[0].get_by_role("button", name="Play turn").click()
                    for page in opened:
                        expect(page.locator(".game-status").first).to_contain_text(want)
                    reach.append(time.perf_counter() - started)
                    time.sleep(0.5)  # the last redraws' trailing work counts too
                    cpu.append(server_cpu(proc.pid) - before)
                    wall.append(time.perf_counter() - started)
                    time.sleep(2.5)  # past the double-click guard
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return statistics.median(cpu), statistics.median(wall), max(reach)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=5, help="whole games timed turn by turn (default 5)")
    parser.add_argument("--runs", type=int, default=10_000, help="ensemble size of the report's comparison (default 10,000)")
    parser.add_argument("--pages", default="1,8,30", help="open pages for the web measurement (default 1,8,30; the first is the baseline)")
    parser.add_argument("--no-web", action="store_true", help="skip the web measurement (it needs Chromium)")
    args = parser.parse_args()
    from escalation.disclaimer import DISCLAIMER

    print(f"escalation tabletop benchmark (nov-2024). {DISCLAIMER}")
    turns, steps = turn_times(args.games)
    ms = [t * 1000 for t in turns]
    bare = statistics.median(steps) * 1000
    print(f"Tabletop turn at W = 1, {len(turns)} turns of {args.games} games:")
    print(f"  median {statistics.median(ms):.2f} ms, 95th percentile {sorted(ms)[int(0.95 * len(ms))]:.2f} ms, worst {max(ms):.2f} ms  (target: under 20 ms)")
    print(f"  bare Crisis.step at W = 1 (every seat a bot): median {bare:.2f} ms; tabletop turn / bare step = {statistics.median(ms) / bare:.2f}")
    n, middle, whole = rewind_times()
    print(f"Rewind (replay from the seed) of a {n}-turn game: to the middle {middle * 1000:.0f} ms, the whole game {whole * 1000:.0f} ms")
    for length in (10, None):
        turns_played, total, ensemble = report_times(args.runs, length)
        print(f"After-action report of a {turns_played}-turn game with {args.runs:,} model runs: {total:.2f} s  (target: under 10 s)")
        print(f"  of which a {args.runs:,}-world ensemble over {turns_played} turns takes about {ensemble:.2f} s; charts and page the rest")
    if args.no_web or not Path(CHROMIUM).exists():
        print("Web: skipped" + ("" if args.no_web else f" ({CHROMIUM} is missing)"))
        return
    counts = [int(n) for n in args.pages.split(",")]
    print("Web: a turn played from the facilitator's page, served to N open pages (median of 3 turns):")
    base = None
    for n in counts:
        cpu, wall, reach = web_turns(n)
        base = base or cpu
        print(f"  {n:>3} pages: server {cpu:.2f} CPU-s per turn ({cpu / base:.1f} x the {counts[0]}-page baseline), "
              f"{wall:.2f} s wall; every page updated within {reach:.2f} s (aim: 2 s for 30 pages)")

if __name__ == "__main__":
    main()
