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
