"""Shared figure conventions: a headless backend and the disclaimer stamp."""

from __future__ import annotations

from escalation.disclaimer import DISCLAIMER


def pyplot():
    """matplotlib.pyplot on a non-interactive backend (safe on servers and in tests)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def stamp(fig, detail: str = "") -> None:
    """Write the disclaimer (and a provenance line) along the bottom of a figure."""
    fig.text(0.5, 0.012, DISCLAIMER + (f"  |  {detail}" if detail else ""), ha="center", va="bottom", fontsize=9, color="#8a1c1c", style="italic")


def save(fig, path) -> str:
    """Save as PNG, SVG or PDF by the file's suffix; close the figure."""
    from pathlib import Path

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ValueError(f"cannot save a figure as '{path.suffix}': use .png, .svg or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130 if path.suffix.lower() == ".png" else None, metadata={"Title": DISCLAIMER} if path.suffix.lower() == ".pdf" else None)
    pyplot().close(fig)
    return str(path)


# Figure widths for print and screen, in inches: a journal column, a full page width, a 16:9 slide.
SIZES = {"column": 3.5, "page": 7.2, "slide": 13.33}
# The point sizes text takes at each width: legible at 3.5 in (journals ask for 5-7 pt), large enough from a slide's back row.
FONT_RANGE = {"column": (5.5, 8.0), "page": (7.0, 10.0), "slide": (12.0, 20.0)}
STYLES = ("screen", "paper")


def width_of(size) -> tuple[float, str]:
    """A --size (column, page, slide, or a width in inches from 2 to 30) as inches, and the font scale it takes."""
    if size in SIZES:
        return SIZES[size], size
    try:
        inches = float(size)
    except (TypeError, ValueError):
        inches = float("nan")
    if not 2 <= inches <= 30:
        from escalation.errors import InputError

        raise InputError(f"--size {size}: give column, page, slide or a width in inches from 2 to 30")
    return inches, min(SIZES, key=lambda k: abs(SIZES[k] - inches))


def fit(fig, size=None, style: str = "screen") -> None:
    """Redraw a finished figure at a width for print or screen: its aspect kept, every text scaled into the point
    sizes that width needs, laid out again so that nothing overlaps; ``paper`` also drops top and right spines."""
    from matplotlib.text import Text

    if style not in STYLES:
        from escalation.errors import InputError

        raise InputError(f"--style {style}: choose {' or '.join(STYLES)}")
    if size is not None:
        width, scale = width_of(size)
        w, h = fig.get_size_inches()
        lo, hi = FONT_RANGE[scale]
        # captions placed by hand (all but the disclaimer's stamp) join the title, which the layout keeps clear of the axes
        loose = [t for t in fig.texts if DISCLAIMER not in t.get_text() and t.get_text() and t is not fig._suptitle]
        if loose and fig._suptitle is not None:
            fig._suptitle.set_text("\n".join([fig._suptitle.get_text(), *(t.get_text() for t in loose)]))
            for t in loose:
                t.remove()
        for text in fig.findobj(Text):
            size_pt = float(min(hi, max(lo, lo + (text.get_fontsize() - 7.0) / 6.0 * (hi - lo))))
            text.set_fontsize(size_pt)
            if text in fig.texts and text.get_text():  # the title and the stamp wrap to the new width
                _wrap(text, width * 72 * 0.92)
        # a column figure is taller than a screen's: room for the wrapped titles and the stamp
        fig.set_size_inches(width, width * max(h / w, 1.4 if scale == "column" else h / w))
        bottom = 0.07 if scale == "column" else 0.05  # the stamp's room, below everything the layout places
        fig.set_layout_engine("constrained", rect=(0, bottom, 1, 1 - bottom))  # (left, bottom, width, height)
        fig.canvas.draw()  # laid out at the new size: each axis label and title now wraps to its own axes
        for ax in fig.axes:
            points = 72 / fig.dpi
            for label, span in ((ax.title, ax.bbox.width), (ax.xaxis.label, ax.bbox.width), (ax.yaxis.label, ax.bbox.height)):
                if label.get_text():
                    _wrap(label, span * points)
        if scale == "column":  # a legend beside the axes takes half a column: it goes under them, in two columns
            for ax in fig.axes:
                legend = ax.get_legend()
                if legend is not None and legend.get_bbox_to_anchor().x0 > ax.get_window_extent().x1:
                    legend.remove()
                    # just under the axis and its tick labels (the layout then leaves it room)
                    fig.canvas.draw()
                    renderer = fig.canvas.get_renderer()
                    below = ax.transAxes.inverted().transform((0, ax.get_tightbbox(renderer).y0))[1]
                    ax.legend(legend.legend_handles, [t.get_text() for t in legend.get_texts()], loc="upper center", bbox_to_anchor=(0.5, below - 0.02),
                              ncol=2, fontsize=lo, frameon=False)
    if style == "paper":
        for ax in fig.axes:
            ax.spines[["top", "right"]].set_visible(False)
            for line in ax.get_lines():
                line.set_linewidth(min(line.get_linewidth(), 1.4))


def _wrap(text, points: float) -> None:
    """Wrap a text to ``points`` of width (a character is about half its size wide); its own line breaks kept."""
    import textwrap

    chars = max(16, int(points / (text.get_fontsize() * 0.55)))
    text.set_text("\n".join(textwrap.fill(" ".join(part.split()), chars) for part in text.get_text().split("\n")))


# One colour per actor, by its place in the scenario, on the board, the briefing sheets and the ladder chart:
# tab10's hues darkened until a white label on each (and each as text on white) passes WCAG AA (4.5:1).
ACTOR_COLOURS = ("#1f5f99", "#a34a00", "#1e7a1e", "#b31b1b", "#6f4a9e", "#7a4a3a", "#a8337a", "#5c5c5c", "#6b6b00", "#0e6e7a")


def actor_colour(index: int) -> str:
    return ACTOR_COLOURS[index % len(ACTOR_COLOURS)]


def contrast(foreground: str, background: str = "#ffffff") -> float:
    """WCAG 2 contrast ratio of two sRGB colours written #rrggbb (1 to 21)."""

    def luminance(colour: str) -> float:
        c = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
