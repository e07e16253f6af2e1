"""Speed of loading and rejecting scenarios: every bad input must be answered within a second.

    python benchmarks/loader.py [--repeat 3]

Prints, worst of ``--repeat`` tries each:
- the time to load and check each shipped scenario (what ``escalation validate``
  does after start-up), the baseline nov-2024 being the unit of the ratios below;
- the time to reject each file of the malformed corpus (tests/malformed/);
- the time to reject adversarial inputs at and beyond the limits (characters and
  values): several MB of text and of binary data, a billion-laughs alias bomb,
  nesting 100,000 deep, a dense flow list, thousands of unknown keys, of unknown
  names and of broken events;
- the wall time of whole ``escalation validate`` processes (start-up included)
  on the baseline and on the worst adversarial input.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worst(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return max(times)


def adversarial() -> dict[str, bytes]:
    """Inputs built to be slow or explosive: beyond the limits, and just under them."""
    from escalation.scenario.yamlio import MAX_VALUES

    tiny = (ROOT / "tests" / "malformed" / "valid" / "tiny.yaml").read_text(encoding="utf-8")
    n = MAX_VALUES - 300  # values to spend, leaving room for the rest of the file
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefghijklm", "bcdefghijklmn"))
    texts = {
        "5 MB of text": "# padding\n" * 500_000,
        "5 MB of binary": bytes(range(256)) * 20_000,
        "billion laughs": bomb,
        "nesting 100,000 deep": "a: " + "[" * 100_000,
        "values over the limit": "a: [" + "1," * MAX_VALUES + "1]",
        "flow list under the limit": "a: [" + "1," * n + "1]",
        "unknown keys": "".join(f"k{i}: {i}\n" for i in range(n // 2)),
        "unknown actors": tiny.replace("adversaries: [ukraine]", "adversaries: [" + ", ".join(f"a{i}" for i in range(n)) + "]"),
        "broken events": tiny + "".join(f"  - {{id: e{i}, title: t, status: nope, source: {{title: x}}, chance: 2}}\n" for i in range(n // 14)),
        "unknown names in events": tiny
        + "".join(f"  - {{id: e{i}, title: t, status: hypothetical, source: {{title: x}}, chance: 0.1, actor: x{i}}}\n" for i in range(n // 16)),
    }
    return {k: v if isinstance(v, bytes) else v.encode() for k, v in texts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from escalation.scenario.loading import load_scenario_text
    from escalation.scenario.paths import shipped_scenarios
    from escalation.scenario.problems import ScenarioError
    from escalation.scenario.yamlio import read_text

    def check(path: Path):
        try:
            load_scenario_text(read_text(path, str(path)), str(path))  # uncached: the full work each time
        except ScenarioError as exc:
            str(exc)  # rendering the report is part of the answer
            return exc.problems[0].message
        return "ok"

    shipped = shipped_scenarios()
    check(shipped["nov-2024"])  # warm up: imports, the shipped ladder
    base = worst(lambda: check(shipped["nov-2024"]), args.repeat)
    print(f"Baseline: load and check nov-2024: {base * 1000:.1f} ms\n")
    print("Shipped scenarios (load and check):")
    for name, path in shipped.items():
        t = worst(lambda: check(path), args.repeat)
        print(f"  {name:<30} {t * 1000:7.1f} ms  ({t / base:4.1f} x baseline)")

    print("\nMalformed corpus (time to the located error):")
    corpus = sorted((ROOT / "tests" / "malformed").glob("*.yaml"))
    times = {p.name: worst(lambda: check(p), args.repeat) for p in corpus}
    slow = sorted(times.items(), key=lambda kv: -kv[1])
    print(f"  {len(corpus)} files; median {sorted(times.values())[len(times) // 2] * 1000:.1f} ms; slowest:")
    for name, t in slow[:5]:
        print(f"    {name:<40} {t * 1000:7.1f} ms  ({t / base:4.1f} x baseline)")

    print("\nAdversarial inputs (time to the located error):")
    worst_input, worst_time = None, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for label, data in adversarial().items():
            path = Path(tmp) / f"{label.replace(' ', '-').replace(',', '')}.yaml"
            path.write_bytes(data)
            answer = []
            t = worst(lambda: answer.append(check(path)), args.repeat)
            print(f"  {label:<30} {len(data) / 1e6:5.2f} MB {t * 1000:8.1f} ms  ({t / base:5.1f} x baseline)  {answer[-1][:60]}")
            if t > worst_time:
                worst_input, worst_time = path, t
        print("\nWhole `escalation validate` processes (start-up included):")
        for label, target in (("nov-2024", "nov-2024"), (f"worst input ({worst_input.stem})", str(worst_input))):
            t = worst(lambda: subprocess.run([sys.executable, "-m", "escalation.cli", "validate", target], capture_output=True), args.repeat)
            print(f"  {label:<45} {t * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
