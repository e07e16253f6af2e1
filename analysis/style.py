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
