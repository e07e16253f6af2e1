"""One self-contained HTML page: every chart that applies (images inline) and a summary table."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from escalation.analysis.convergence import runs_table
from escalation.analysis.intervals import percent as percent_text
from escalation.analysis.kinds import KINDS
from escalation.analysis.outcomes import summary_table
from escalation.analysis.style import pyplot
from escalation.disclaimer import DISCLAIMER

SENSITIVITY = {"oat": "tornado", "sobol": "sobol", "morris": "morris", "fast": "fast", "delta": "delta", "pawn": "pawn"}


def report_kinds(results) -> list[str]:
    """The chart kinds these results can show."""
    kinds = ["end-states", "reach", "actors", "survival"]
    if results.has_trajectories:
        kinds += ["fan", "intensity"]
    method = (results.sweep or {}).get("method")
    if method in SENSITIVITY:
        kinds.append(SENSITIVITY[method])
    if method:
        kinds.append("response")
    if method == "grid" and len(results.sweep["factors"]) >= 2:
        kinds.append("heatmap")
    kinds.append("convergence")
    return kinds


def write_report(results, path, metric: str | None = None) -> str:
    """Write the report to ``path`` (.html) and return it."""
    from escalation.analysis.plots import draw
    from escalation.analysis.sensitivity import analyse

    charts = []
    for kind in report_kinds(results):
        charts.append(f"<figure><img alt='{html.escape(KINDS[kind])}' src='data:image/png;base64,{_png(draw(results, kind, metric))}'>"
                      f"<figcaption>{html.escape(KINDS[kind])}</figcaption></figure>")
    summary = summary_table(results)
    counts = zip(summary["measure"], summary["k"].fillna(0), summary["n"])
    summary.insert(2, "runs", [f"{int(k):,} / {int(n):,}" if m != "mean" else f"{int(n):,}" for m, k, n in counts])
    tables = [_table(summary.drop(columns=["k", "n"]), percent=("estimate", "lo", "hi"), rows_as="measure")]
    method = (results.sweep or {}).get("method")
    if method in SENSITIVITY:
        table, used = analyse(results, method, metric)
        tables.append(f"<h2>Sensitivity of {html.escape(used)}</h2>" + _table(table))
    tables.append("<h2>How many runs are enough</h2><p>Each end state's share, and the runs it would need for a 95% interval of about "
                  "&plusmn;1 percentage point and of &plusmn;10% of itself (the convergence chart below shows the shares settling).</p>"
                  + _table(runs_table(results), percent=("share",)))
    tables += _discovery(results)
    m = results.manifest
    facts = {
        "scenario": f"{m['scenario']['name']}: {m['scenario'].get('title', '')}",
        "content hash": m["scenario"]["hash"],
        "runs": f"{m['runs']:,}"
        + (f" ({m['sweep']['points']} points x {m['sweep']['runs_per_point']} runs, {m['sweep']['method']})" if m.get("sweep") else ""),
        "seed": m["seed"],
        "chunk (worlds per model instance)": _chunk(m),
        "--set": ", ".join(f"{k}={v}" for k, v in m.get("set", {}).items()) or "none",
        "package": f"{m['package']['name']} {m['package']['version']}",
        "command": m["command"],
        "finished": m.get("finished", ""),
    }
    page = TEMPLATE.format(
        title=html.escape(f"{results.name}: ensemble report"),
        disclaimer=html.escape(DISCLAIMER),
        stamp=html.escape(results.stamp()),
        facts="".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in facts.items()),
        tables="".join(tables),
        charts="".join(charts),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return str(path)


def _discovery(results) -> list[str]:
    """The box `escalation discover` found beside these results, if it was run: its limits, and its chart."""
    box = results.folder / "discover-box.csv"
    if not box.is_file():
        return []
    import pandas as pd

    limits = pd.read_csv(box)
    chart = results.folder / "discover.png"
    image = f"<figure><img alt='scenario discovery' src='data:image/png;base64,{base64.b64encode(chart.read_bytes()).decode('ascii')}'></figure>" \
        if chart.is_file() else ""
    return ["<h2>Scenario discovery</h2><p>The PRIM box `escalation discover` found: each restricted input's range, with its "
            "quasi-p-value (how likely so narrow a limit by chance alone).</p>" + _table(limits) + image]


def _chunk(manifest: dict) -> str:
    """The chunk size the runs actually had: --chunk, or fewer when there are fewer runs (per point) than that."""
    sweep = manifest.get("sweep")
    runs = sweep["runs_per_point"] if sweep else manifest["runs"]
    if runs >= manifest["chunk"]:
        return f"{manifest['chunk']:,}"
    return f"{runs:,} (one chunk of all {runs:,} runs{' of each point' if sweep else ''}; --chunk {manifest['chunk']:,})"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    pyplot().close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _table(frame, percent=(), rows_as=None) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row):
            if column in percent:
                text = percent_text(value) if rows_as is None or getattr(row, rows_as) != "mean" else f"{value:.2f}"
            elif isinstance(value, float):
                text = f"{value:.3g}"
            else:
                text = str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table class='data'><tr>{head}</tr>{''.join(body)}</table>"


TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }}
.disclaimer {{ background: #fbeaea; border-left: 4px solid #8a1c1c; padding: .6em 1em; color: #8a1c1c; font-style: italic; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
th, td {{ border: 1px solid #ddd; padding: .3em .6em; text-align: left; }}
table.data td {{ font-variant-numeric: tabular-nums; }}
figure {{ margin: 2em 0; }} img {{ max-width: 100%; }} figcaption {{ color: #555; font-size: .9em; }}
</style></head>
<body>
<h1>{title}</h1>
<p class="disclaimer">{disclaimer} The model's traits and weights are stylised teaching values; shares are of model runs, not of real-world chances.</p>
<p>{stamp}</p>
<table>{facts}</table>
<h2>Summary</h2>
<p>Intervals are 95%: exact (Clopper–Pearson) for shares, normal for means; in a sweep, clustered by seed, since its points share their
random numbers. Each share shows its count of runs. They measure sampling noise in the model runs only.</p>
{tables}
<h2>Charts</h2>
{charts}
<p class="disclaimer">{disclaimer}</p>
</body></html>
"""
