"""Draw any kind that ``escalation plot`` draws and save it: a chart, or the HTML report of them all."""

from __future__ import annotations

from pathlib import Path

from escalation.analysis.kinds import KINDS
from escalation.analysis.plots import GROUP_KINDS, METRIC_KINDS, draw
from escalation.analysis.report import write_report
from escalation.analysis.style import fit, save
from escalation.errors import InputError, did_you_mean


def plot(results, kind: str = "report", out=None, metric: str | None = None, series: str | None = None, by: str | None = None,
         size=None, style: str = "screen") -> str:
    """Draw ``kind`` (see :data:`analysis.kinds.KINDS`) and save it; returns the file written."""
    if kind not in KINDS:
        raise InputError(f"--kind '{kind}': unknown{did_you_mean(kind, KINDS)}; choose one of {', '.join(KINDS)}")
    suffixes = (".html",) if kind == "report" else (".png", ".svg", ".pdf")
    path = Path(out) if out else results.folder / f"{kind}{suffixes[0]}"
    if path.suffix.lower() not in suffixes:
        raise InputError(f"--out {path}: {'the report is written as .html' if kind == 'report' else 'save charts as .png, .svg or .pdf'}")
    explains = kind in METRIC_KINDS or (kind == "report" and results.sweep)
    if metric is not None and not explains:
        raise InputError(f"--metric chooses what a sensitivity or response chart explains (kinds {', '.join(METRIC_KINDS)}, or the report "
                         f"of a sweep); --kind {kind} of {results.folder} has no such chart")
    if (series is not None or by is not None) and kind not in GROUP_KINDS:
        raise InputError(f"--series and --by choose what an envelopes chart shows; --kind {kind} has no such choice")
    if kind == "report":
        if size is not None or style != "screen":
            raise InputError("--size and --style are for one chart (--kind); the report lays out its charts for the screen")
        return write_report(results, path, metric)
    fig = draw(results, kind, metric, series, by)
    fit(fig, size, style)
    return save(fig, path)
