"""Charts and report from real small batches and sweeps; the numbers drawn are checked independently."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from scipy.stats import binomtest

from escalation.analysis.kinds import KINDS
from escalation.analysis.plots import draw, draw_actor_reach, draw_end_states, draw_fan, draw_reach, draw_survival
from escalation.analysis.results import load_results
from escalation.disclaimer import DISCLAIMER
from escalation.ensemble.batch import run_batch
from escalation.ensemble.sweep import run_sweep
from escalation.model import END_STATE_NAMES
from escalation.scenario.parameters import column

ROOT = Path(__file__).resolve().parents[1]
VARY = ["actors.russia.risk_tolerance=0.1:0.9", "settings.noise=0:1"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("plots") / "batch"
    run_batch("nov-2024", 900, out=out, seed=12, chunk=300, workers=1, trajectories=True, progress=False)
    return load_results(out)


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    base = tmp_path_factory.mktemp("sweeps")
    found = {}
    for method, samples, levels in (("oat", None, 3), ("sobol", 4, None), ("morris", 4, None), ("grid", None, 3), ("lhs", 12, None), ("fast", 70, None),
                                    ("delta", 40, None), ("pawn", 40, None)):
        vary = [f"{v}:{levels}" if levels else v for v in VARY]
        out = run_sweep("nov-2024", vary, method=method, samples=samples, runs=6, out=base / method, seed=3, workers=1, progress=False)
        found[method] = load_results(out)
    return found


@pytest.fixture(autouse=True)
def close_figures():
    yield
    from escalation.analysis.style import pyplot

    pyplot().close("all")


def raw(results):
    """The runs read straight from Parquet, not through the analysis code."""
    return pq.read_table(results.folder / "runs.parquet").to_pandas()


def exact(k, n):
    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=0.95, method="exact")
    return ci.low, ci.high


def bars_of(ax):
    from matplotlib.container import BarContainer

    return next(c for c in ax.containers if isinstance(c, BarContainer))


def texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_reach_bars_match_an_independent_count(batch):
    runs = raw(batch)
    n = len(runs)
    fig = draw_reach(batch)
    bars = bars_of(fig.axes[0])
    widths = np.array([b.get_width() for b in bars])
    expected = np.array([(runs["peak_rung"] >= level).mean() for level in range(len(batch.rung_names))])
    assert np.allclose(widths, expected)
    inside = (expected > 0) & (expected < 1)
    assert inside.any()  # some rung is reached in some runs but not all
    segments = bars.errorbar.lines[2][0].get_segments()
    for level in np.flatnonzero(inside):  # at 0 and 1 the bar ends are clipped to the share itself
        lo, hi = exact((runs["peak_rung"] >= level).sum(), n)
        assert segments[level][0][0] == pytest.approx(lo, abs=1e-9) and segments[level][1][0] == pytest.approx(hi, abs=1e-9)


def test_actor_lines_match_an_independent_count(batch):
    runs = raw(batch)
    lines = {line.get_label(): line for line in draw_actor_reach(batch).axes[0].get_lines()}
    for key, label in batch.actors.items():
        expected = [(runs[f"peak_{key}"] >= level).mean() for level in range(len(batch.rung_names))]
        assert np.allclose(lines[label].get_ydata(), expected), label


def test_survival_curves_match_an_independent_count(batch):
    runs = raw(batch)
    lines = {line.get_label(): line for line in draw_survival(batch).axes[0].get_lines()}
    turns = batch.model["turns"]
    some_fall = False
    for t in batch.thresholds:
        first = runs[f"first_{t['id']}"].to_numpy()
        expected = [np.mean(~((first >= 0) & (first <= turn))) for turn in range(turns)]  # never crossing: still surviving
        assert np.allclose(lines[t["name"]].get_ydata(), expected), t["id"]
        some_fall |= 0 < expected[-1] < 1
    assert some_fall  # the check bites: at least one curve is neither flat at 1 nor at 0


def test_fan_median_and_end_states_match(batch):
    paths = pq.read_table(batch.folder / "trajectories.parquet", columns=["system"]).column("system").to_pylist()
    paths = np.array(paths)
    ordered = np.sort(paths, axis=0)
    median = ordered[int(np.ceil(0.5 * len(paths))) - 1]  # the lower median: a rung some run actually held
    fan = draw_fan(batch)
    line = [ln for ln in fan.axes[0].get_lines() if ln.get_label() == "median"][0]
    assert np.array_equal(line.get_ydata(), median)
    runs = raw(batch)
    ax = draw_end_states(batch).axes[0]
    counts = runs["end_state"].astype(str).value_counts()
    assert [b.get_width() for b in bars_of(ax)] == pytest.approx([counts.get(s, 0) / len(runs) for s in batch.model["end_states"]])
    assert [t.get_text() for t in ax.get_yticklabels()] == [END_STATE_NAMES[s] for s in batch.model["end_states"]]  # in words


def test_every_figure_is_stamped(batch, sweeps):
    for kind in ("reach", "actors", "survival", "fan", "end-states"):
        words = texts(draw(batch, kind))
        assert DISCLAIMER in words and "scenario nov-2024" in words and "900 runs" in words and "seed 12" in words, kind
    for method, kind in (("oat", "tornado"), ("sobol", "sobol"), ("morris", "morris"), ("fast", "fast"), ("delta", "delta"), ("pawn", "pawn")):
        words = texts(draw(sweeps[method], kind))
        assert DISCLAIMER in words and f"{method} sweep" in words and "seed 3" in words, kind
    for method, results in sweeps.items():
        words = texts(draw(results, "response"))
        assert DISCLAIMER in words and f"{method} sweep" in words and f"{len(results.runs)} runs" in words and "seed 3" in words, method


def test_plot_command_writes_each_format(batch, tmp_path):
    from escalation.analysis.render import plot

    target = tmp_path / "reach.svg"
    done = subprocess.run([sys.executable, "-m", "escalation.cli", "plot", str(batch.folder), "--kind", "reach", "--out", str(target)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"<?xml") and DISCLAIMER in target.read_text() and DISCLAIMER in done.stdout
    assert Path(plot(batch, "survival", tmp_path / "survival.pdf")).read_bytes().startswith(b"%PDF")


def test_every_kind_renders(batch, sweeps, tmp_path):
    from escalation.analysis.render import plot

    made = {}
    for kind in KINDS:
        chosen = {"tornado": sweeps["oat"], "response": sweeps["grid"], "heatmap": sweeps["grid"],
                  **{m: sweeps[m] for m in ("sobol", "morris", "fast", "delta", "pawn")}}
        results = chosen.get(kind, batch)
        made[kind] = Path(plot(results, kind, tmp_path / (f"{kind}.html" if kind == "report" else f"{kind}.png")))
    for kind, path in made.items():
        assert path.stat().st_size > 10_000, kind
    page = made["report"].read_text()
    assert DISCLAIMER in page and page.count("data:image/png;base64,") == 7 and "src='http" not in page and "<script" not in page
    assert html.escape(KINDS["convergence"]) in page and "How many runs are enough" in page
    assert "Summary" in page and "median first crossing" in page and "escalation intensity at the end" in page
    sweep_page = Path(plot(sweeps["sobol"], "report", tmp_path / "sobol-report.html")).read_text()
    assert "Sensitivity of intensity_mean" in sweep_page and sweep_page.count("data:image/png;base64,") == 7  # with response and convergence
    assert KINDS["response"] in sweep_page
    grid_page = Path(plot(sweeps["grid"], "report", tmp_path / "grid-report.html", metric="cross_nuclear_shadow")).read_text()
    assert grid_page.count("data:image/png;base64,") == 7 and KINDS["response"] in grid_page  # the outcome charts, response, heat map, convergence
    assert html.escape(KINDS["heatmap"]) in grid_page


def test_report_gives_the_chunk_the_runs_really_had(batch, sweeps, tmp_path):
    from escalation.analysis.render import plot

    assert batch.manifest["chunk"] == 300 and "<td>300</td>" in Path(plot(batch, "report", tmp_path / "b.html")).read_text()
    assert sweeps["grid"].manifest["chunk"] == 10_000  # the default, larger than the 6 runs of each point
    page = Path(plot(sweeps["grid"], "report", tmp_path / "g.html")).read_text()
    assert "<td>6 (one chunk of all 6 runs of each point; --chunk 10,000)</td>" in page and "<td>10000</td>" not in page


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--kind", "tornadoo"], "did you mean 'tornado'"),
        (["--kind", "sobol"], "needs a sweep run with --method sobol"),
        (["--kind", "reach", "--out", "x.jpg"], "save charts as .png, .svg or .pdf"),
        (["--kind", "morris", "--metric", "peak_russa"], None),
        (["--kind", "reach", "--metric", "peak_rung"], "--kind reach of"),  # a metric that would be silently ignored
        (["--metric", "peak_rung"], "--metric chooses what a sensitivity or response chart explains"),  # a batch's report has none
        (["--kind", "response"], "needs a sweep (any --method)"),
    ],
)
def test_plot_refuses_bad_requests_in_one_line(batch, sweeps, capsys, args, expected):
    from escalation.cli import main

    folder = sweeps["morris"].folder if "morris" in args else batch.folder
    assert main(["plot", str(folder), *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and (expected or "did you mean 'peak_russia'") in err


def test_plot_of_a_folder_without_results(tmp_path, capsys):
    from escalation.cli import main

    assert main(["plot", str(tmp_path)]) == 2
    assert "not a results folder" in capsys.readouterr().err


def test_plot_help_lists_every_kind():
    done = subprocess.run([sys.executable, "-m", "escalation.cli", "plot", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    words = "".join(done.stdout.split())
    assert all(f"{kind}:" in words for kind in KINDS) and "95%intervals" in words


def test_share_labels_sit_beside_their_intervals_not_on_them(batch):
    from escalation.analysis import outcomes

    for figure, table in ((draw_reach(batch), outcomes.reach_table(batch)), (draw_end_states(batch), outcomes.end_state_table(batch))):
        ax = figure.axes[0]
        labels = [t for t in ax.texts if t.get_text().endswith("%")]
        assert len(labels) == len(table)
        for t, p in zip(labels, table["p"]):  # each share to its shown digits, and a real share never shown as nothing
            shown = float(t.get_text().rstrip("%")) / 100
            assert abs(shown - p) <= 0.0005 + 0.05 * p and (shown > 0) == (p > 0), (t.get_text(), p)
        for t, lo, hi in zip(labels, table["lo"], table["hi"]):
            x = t.get_position()[0]
            assert (t.get_ha() == "left" and x > hi) or (t.get_ha() == "right" and x < lo)
            assert 0 < x < 1  # inside the axes


def response_panels(fig) -> dict:
    """Each visible panel of a response chart by the parameter it shows."""
    return {ax.get_xlabel(): ax for ax in fig.axes if ax.get_visible()}


def binned_line_and_band(ax):
    from matplotlib.collections import PolyCollection

    line = next(ln for ln in ax.get_lines() if ln.get_label().startswith("binned mean"))
    band = next(c for c in ax.collections if isinstance(c, PolyCollection)).get_paths()[0].vertices
    return line, band


def check_response(ax, runs, key, bin_of, metric_values):
    """Dots are the per-point means; line and band the binned mean and the 95% interval over the shared seeds, recomputed here."""
    runs = runs.assign(v=metric_values, bin=bin_of)
    per_point = runs.groupby("point").agg(x=(key, "first"), mean=("v", "mean"))
    dots = ax.collections[0].get_offsets()
    assert np.allclose(np.asarray(dots), per_point[["x", "mean"]].to_numpy())
    line, band = binned_line_and_band(ax)
    by_seed = runs.groupby(["bin", "replicate"])["v"].mean().groupby(level="bin")
    expected = by_seed.mean()
    assert len(expected) == len(line.get_ydata()) > 1
    assert np.allclose(line.get_ydata(), expected.to_numpy())
    assert np.allclose(line.get_ydata(), runs.groupby("bin")["v"].mean().to_numpy())  # equal runs per point: the plain mean of the bin's runs
    half = 1.959963984540054 * by_seed.std(ddof=1) / np.sqrt(by_seed.size())
    for x, lo, hi in zip(line.get_xdata(), expected - half, expected + half):
        ys = band[np.isclose(band[:, 0], x), 1]
        assert ys.min() == pytest.approx(lo) and ys.max() == pytest.approx(hi)
    return line


def test_response_of_a_grid_sweep_matches_an_independent_count(sweeps):
    results = sweeps["grid"]
    runs = raw(results)
    panels = response_panels(draw(results, "response"))
    assert set(panels) == {f["key"] for f in results.sweep["factors"]}
    for key, ax in panels.items():
        col = column(key)
        values = np.sort(runs[col].unique())
        line = check_response(ax, runs, col, np.searchsorted(values, runs[col]), runs["intensity_mean"].to_numpy(float))
        assert np.allclose(line.get_xdata(), values) and len(values) == 3  # the grid values are the bins


def test_response_of_an_lhs_sweep_matches_an_independent_count(sweeps):
    results = sweeps["lhs"]
    runs = raw(results)
    crossed = (runs["first_nuclear_shadow"] >= 0).to_numpy(float)
    fig = draw(results, "response", "cross_nuclear_shadow")
    assert "Response of cross_nuclear_shadow" in texts(fig)
    for factor in results.sweep["factors"]:
        ax = response_panels(fig)[factor["key"]]
        count = len(binned_line_and_band(ax)[0].get_xdata())
        width = (factor["hi"] - factor["lo"]) / count
        bin_of = np.minimum(((runs[factor["column"]] - factor["lo"]) // width).astype(int), count - 1)
        line = check_response(ax, runs, factor["column"], bin_of, crossed)
        assert np.allclose(line.get_xdata(), factor["lo"] + width * (np.arange(count) + 0.5))  # equal-width bins, at their centres
        assert runs[factor["column"]].nunique() == 12 > count  # binned, not one bin per point


def test_coinciding_survival_curves_each_stay_visible(batch):
    import dataclasses

    falling = next(i for i, t in enumerate(batch.thresholds) if 0 < (batch.runs[f"first_{t['id']}"] >= 0).mean() < 1)
    first, second = batch.thresholds[falling], batch.thresholds[falling + 1]
    assert not batch.runs[f"first_{first['id']}"].equals(batch.runs[f"first_{second['id']}"])
    twin = dataclasses.replace(batch, runs=batch.runs.assign(**{f"first_{second['id']}": batch.runs[f"first_{first['id']}"]}))
    ax = draw_survival(twin).axes[0]
    lines = ax.get_lines()
    assert len(lines) == len(batch.thresholds)
    assert len({(str(ln.get_linestyle()), ln.get_marker()) for ln in lines}) == len(lines)  # each its own line and marker
    a, b = lines[falling], lines[falling + 1]
    assert np.array_equal(a.get_ydata(), b.get_ydata()) and a.get_linewidth() > b.get_linewidth()  # the one beneath is wider
    title = ax.get_legend().get_title().get_text().replace("\n", " ")
    assert f"same curve: {first['name']}, {second['name']}" in title
