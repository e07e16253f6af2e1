"""Write each shipped what-if's "# Moves:" header line from the ensemble (run after retuning).

    python -m tests.calibration_claims

The share and direction are each what-if's question; the size is measured here, at the
calibration test's worlds and seed, so the header says what the test checks.
"""

from __future__ import annotations

import re

from escalation.analysis.calibration import headline
from escalation.scenario.paths import shipped_scenarios
from tests.test_calibration import SEED, WORLDS, ensemble

# the share each what-if's question is about, and which way the question implies it moves
CLAIMS = {
    "accidental-strike": ("nato_russia_clash", "up", "accidents and misattribution carry the crisis into a direct clash more often"),
    "air-defence": ("end_settled", "down", "better defended, Kyiv bears less of the war's cost and settles less often: the war goes on"),
    "ceasefire-track": ("end_settled", "up", "the track opens talks that hold more often"),
    "hungary-veto": ("end_de_escalated", "up", "a stalled Europe calms the ladder a little rather than leaving Kyiv to climb"),
    "nk-expanded": ("end_settled", "down", "a bigger North Korean role keeps the war from settling"),
    "no-atacms": ("strategic_strike", "down", "without strikes inside Russia its red line is never crossed"),
    "oreshnik-nuclear-signalling": ("nuclear_use", "up", "a lowered nuclear threshold makes nuclear use likelier"),
    "us-withdraws": ("end_de_escalated", "up", "without US support the crisis comes down the ladder"),
    "weak-china-restraint": ("nato_russia_clash", "up", "without China's restraint Moscow risks a direct clash more often"),
}


def main() -> None:
    base_sc, base = ensemble("nov-2024")
    before = headline(base_sc, base)
    for name, (share, way, why) in CLAIMS.items():
        sc, out = ensemble(name)
        (h0, n0), (h1, n1) = before[share], headline(sc, out)[share]
        moved = 100 * (h1 / n1 - h0 / n0)
        line = (f"# Moves: {share} {way} by about {abs(moved):.1f} points against the baseline "
                f"({100 * h0 / n0:.1f}% -> {100 * h1 / n1:.1f}%, {WORLDS:,} worlds, seed {SEED}): {why}.")
        path = shipped_scenarios()[name]
        text = path.read_text(encoding="utf-8")
        if re.search(r"^# Moves: .*$", text, flags=re.M):
            text = re.sub(r"^# Moves: .*$", line, text, count=1, flags=re.M)
        else:  # the last line of the header comment, before the first line of YAML
            first = re.search(r"^(?!#)", text, flags=re.M)
            assert first is not None
            text = text[: first.start()] + line + "\n" + text[first.start() :]
        path.write_text(text, encoding="utf-8")
        print(line)


if __name__ == "__main__":
    main()
