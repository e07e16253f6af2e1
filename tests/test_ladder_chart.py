"""The ladder chart: numbered events, a readable key, the disclaimer, clean layout."""

from __future__ import annotations

import html
import itertools
import textwrap
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import escalation
from escalation.analysis.ladder_chart import KEY_WRAP, _spread, ladder_chart, ladder_figure
from escalation.analysis.style import pyplot


@pytest.fixture(scope="module")
def run():
    return escalation.Crisis("nov-2024", rng=1).run()


def _axes(fig, label):
    return next(a for a in fig.axes if a.get_label() == label)


def _render(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _overlap(a, b, slack=0.5) -> bool:
    return a.x0 < b.x1 - slack and b.x0 < a.x1 - slack and a.y0 < b.y1 - slack and b.y0 < a.y1 - slack


def test_events_are_numbered_in_the_order_they_fired(run):
    fired = [e for e in run.narrative if e.kind == "event"]
    fig = ladder_figure(run)
    try:
        numbers = sorted(int(t.get_text()) for t in _axes(fig, "events").texts)
        assert numbers == list(range(1, len(fired) + 1))
        key = [t.get_text() for t in _axes(fig, "key").texts]
        for k, e in enumerate(fired, start=1):  # each number in the key, with the event's date
            assert str(k) in key
            assert f"{e.date:%d %b}" in key
    finally:
        pyplot().close(fig)


def test_documented_and_hypothetical_events_are_told_apart(run):
    statuses = {e.status for e in run.narrative if e.kind == "event"}
    assert statuses == {"documented", "hypothetical"}, "seed 1 fires both kinds; pick another seed if the model changes"
    fig = ladder_figure(run)
    try:
        colours = {t.get_bbox_patch().get_facecolor()[:3] for t in _axes(fig, "events").texts}
        assert len(colours) == 2
        key_text = " ".join(t.get_text() for t in _axes(fig, "key").texts)
        assert "(hypothetical)" in key_text
    finally:
        pyplot().close(fig)


def test_markers_and_key_lines_do_not_overlap(run):
    fig = ladder_figure(run)
    try:
        renderer = _render(fig)
        circles = [t.get_bbox_patch().get_window_extent(renderer) for t in _axes(fig, "events").texts]
        for a, b in itertools.combinations(circles, 2):
            assert not _overlap(a, b)
        lines = [t.get_window_extent(renderer) for t in _axes(fig, "key").texts if t.get_text()]
        for a, b in itertools.combinations(lines, 2):
            assert not _overlap(a, b)
        page = fig.bbox
        for box in circles + lines:
            assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1
    finally:
        pyplot().close(fig)


def test_svg_carries_disclaimer_thresholds_actors_and_event_titles(run, tmp_path):
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep text as text
        ladder_chart(run, tmp_path / "ladder.svg")
    text = html.unescape((tmp_path / "ladder.svg").read_text(encoding="utf-8"))
    assert escalation.DISCLAIMER in text
    for name in [*run.ladder.threshold_names, *(a.label for a in run.order)]:
        assert name in text
    titles = {ev.id: ev.title for ev in run.scenario.events}
    for e in run.narrative:
        if e.kind == "event":
            for line in textwrap.wrap(titles[e.extra["id"]], KEY_WRAP):
                assert line in text


def test_png_and_pdf(run, tmp_path):
    png = ladder_chart(run, tmp_path / "ladder.png")
    assert Path(png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = ladder_chart(run, tmp_path / "ladder.pdf")
    assert Path(pdf).read_bytes()[:5] == b"%PDF-"


def test_a_game_not_yet_played_shows_starting_postures(tmp_path):
    model = escalation.Crisis("nov-2024", rng=1)
    fig = ladder_figure(model)
    try:
        lines = _axes(fig, "ladder").get_lines()
        starts = {line.get_label(): line.get_ydata()[0] for line in lines if not line.get_label().startswith("_")}
        for a in model.order:
            assert round(starts[a.label]) == a.posture[0]
        assert "No event fired" in " ".join(t.get_text() for t in _axes(fig, "key").texts)
    finally:
        pyplot().close(fig)


def test_an_ensemble_without_trajectories_is_refused():
    model = escalation.Crisis("nov-2024", worlds=4, rng=1)
    model.step()
    with pytest.raises(ValueError, match="trajectories"):
        ladder_figure(model)


def test_another_world_of_an_ensemble(tmp_path):
    model = escalation.Crisis("nov-2024", worlds=3, rng=2, trajectories=True).run()
    fig = ladder_figure(model, world=2)
    try:
        lines = [ln for ln in _axes(fig, "ladder").get_lines() if not ln.get_label().startswith("_")]
        russia = next(ln for ln in lines if ln.get_label() == "Russia")
        drawn = np.round(russia.get_ydata()[:-1]).astype(int)
        assert (drawn == model.path[:, model.keys.index("russia"), 2]).all()
    finally:
        pyplot().close(fig)


@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30).map(sorted),
    st.floats(0.5, 3),
)
def test_spread_keeps_markers_apart_inside_the_axis(anchors, gap):
    lo, hi = 0.0, 100.0
    place = _spread(np.array(anchors), gap, lo, hi)
    assert (np.diff(place) >= gap - 1e-9).all()
    assert place[0] >= lo - 1e-9 and place[-1] <= hi + 1e-9
    if all(b - a >= gap for a, b in zip(anchors, anchors[1:])):
        assert np.allclose(place, anchors)  # nothing moves that need not
