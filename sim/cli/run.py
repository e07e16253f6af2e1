"""escalation run SCENARIO [--seed N] [--set KEY=VALUE]... [--branch DATE] [--out DIR]"""

from __future__ import annotations

from escalation.cli.batch import add_branch_option, add_set_option


def add_arguments(p) -> None:
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0); the same seed gives the same run")
    p.add_argument("--out", metavar="DIR", help="folder for ladder.png and narrative.md (default out/run-SCENARIO-seedN)")
    p.add_argument("--quiet", action="store_true", help="print only the summary, not the turn-by-turn narrative")
    add_branch_option(p)
    add_set_option(p)


def main(args) -> int:
    from pathlib import Path

    from escalation.cli import UsageError
    from escalation.disclaimer import DISCLAIMER
    from escalation.model import Crisis
    from escalation.model.narrative import narrative_text, summary_text
    if args.seed < 0:
        raise UsageError(f"--seed must be a whole number from 0 up, not {args.seed}")
    from escalation.scenario.overrides import load_with_sets, with_branch

    scenario = with_branch(load_with_sets(args.scenario, args.sets)[0], args.branch)
    out = Path(args.out or f"out/run-{scenario.name}-seed{args.seed}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder")
    try:  # before the run, so a bad folder is known at once
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write to the folder {out}: {exc.strerror or exc}") from None
    model = Crisis(scenario, worlds=1, rng=args.seed).run()
    story = narrative_text(model)
    summary = summary_text(model)
    from escalation.analysis.ladder_chart import ladder_chart

    chart = ladder_chart(model, out / "ladder.png")
    # Markdown that renders as printed: the chart, then the story as a block of text
    page = f"# {scenario.title}\n\n![Ladder chart]({Path(chart).name})\n\n```text\n{story}\n\n{summary}\n```\n"
    (out / "narrative.md").write_text(page, encoding="utf-8")
    print(summary if args.quiet else f"{story}\n\n{summary}")
    print(f"\nLadder chart: {chart}\nNarrative:    {out / 'narrative.md'}\n{DISCLAIMER}")
    return 0
