"""Figures for papers and slides: drawn at the width asked, their text legible there and inside the figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.text import Text

from escalation.analysis.plots import draw
from escalation.analysis.results import load_results
from escalation.analysis.style import FONT_RANGE, SIZES, fit
from escalation.ensemble.batch import run_batch
from escalation.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return load_results(run_batch("nov-2024", 400, out=tmp_path_factory.mktemp("fig") / "b", seed=3, workers=1, trajectories=True, progress=False))


def drawn(fig) -> list[Text]:
    """The texts a reader sees: the figure's, the legends', the axes' titles and labels, the tick labels in view."""
    found = [*fig.texts]
    for ax in fig.axes:
        found += [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            found += [*legend.get_texts(), legend.get_title()]
        for axis, (a, b) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
            ticks = axis.get_major_ticks()
            found += [t.label1 for t, loc in zip(ticks, axis.get_majorticklocs()) if a - 1e-9 <= loc <= b + 1e-9]
    return [t for t in found if t.get_text() and t.get_visible()]


@pytest.mark.parametrize("size", ["column", "page", "slide"])
@pytest.mark.parametrize("kind", ["reach", "actors", "survival", "end-states", "fan"])
def test_a_figure_fits_its_width_with_legible_text(batch, kind, size):
    fig = draw(batch, kind)
    fit(fig, size, "paper")
    fig.canvas.draw()
    assert fig.get_size_inches()[0] == pytest.approx(SIZES[size])
    lo, hi = FONT_RANGE[size]
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    for text in drawn(fig):
        assert lo <= text.get_fontsize() <= hi, (kind, text.get_text()[:40])
        extent = text.get_window_extent(renderer)
        inside = extent.x0 >= box.x0 - 2 and extent.x1 <= box.x1 + 2 and extent.y0 >= box.y0 - 2 and extent.y1 <= box.y1 + 2
        assert inside, (kind, size, text.get_text()[:60])
    for ax in fig.axes:
        position = ax.get_position()
        assert 0 <= position.x0 < position.x1 <= 1 and 0 <= position.y0 < position.y1 <= 1, (kind, size)
    if size != "slide":
        assert all(not ax.spines["top"].get_visible() for ax in fig.axes)


def test_the_actors_chart_keeps_coinciding_lines_visible(batch):
    fig = draw(batch, "actors")
    lines = [ln for ln in fig.axes[0].get_lines() if not ln.get_label().startswith("_")]
    assert len(lines) == len(batch.actors)
    styles = {(ln.get_linestyle(), ln.get_marker(), round(ln.get_linewidth(), 2)) for ln in lines}
    assert len(styles) == len(lines)  # no two actors drawn alike
    widths = [ln.get_linewidth() for ln in lines]
    assert widths == sorted(widths, reverse=True)  # earlier ones wider, so a later one on top never hides them


def test_size_and_style_on_the_command_line(batch, tmp_path):
    out = tmp_path / "reach.pdf"
    done = subprocess.run([sys.executable, "-m", "escalation.cli", "plot", str(batch.folder), "--kind", "reach", "--size", "column", "--style",
                           "paper", "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    bad = subprocess.run([sys.executable, "-m", "escalation.cli", "plot", str(batch.folder), "--kind", "reach", "--size", "huge"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and "--size huge" in bad.stderr and "Traceback" not in bad.stderr
    with pytest.raises(InputError):
        fit(draw(batch, "reach"), 1.0)
    fig = draw(batch, "reach")
    fit(fig, 5)
    assert np.allclose(fig.get_size_inches()[0], 5.0)
