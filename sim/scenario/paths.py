"""Where the shipped scenarios and ladders live (inside the installed package)."""

from __future__ import annotations

from pathlib import Path

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
LADDER_DIR = SCENARIO_DIR / "ladders"


def shipped_scenarios() -> dict[str, Path]:
    """Shipped scenario names and their files."""
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


def shipped_ladders() -> dict[str, Path]:
    return {p.stem: p for p in sorted(LADDER_DIR.glob("*.yaml"))}
