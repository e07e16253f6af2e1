"""The model as Mesa users expect it: keyword arguments for batch_run, seed=, a DataCollector at any W,
numbers at W = 1, and Mesa's own SolaraViz explorer in a real browser."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np
import pytest

from escalation.disclaimer import DISCLAIMER
from escalation.model import Crisis

ROOT = Path(__file__).resolve().parents[1]


def test_headline_keyword_arguments_override_the_scenario():
    plain = Crisis("nov-2024", worlds=300, rng=4).run().outcomes()
    same = Crisis("nov-2024", worlds=300, rng=4, overrides={"settings.noise": 0.3}).run().outcomes()
    assert all(np.array_equal(plain[k], same[k]) for k in plain)  # the scenario's own value changes nothing
    fogless = Crisis("nov-2024", worlds=300, rng=4, noise=0.0, russia_resolve=1.0)
    assert float(np.asarray(fogless.settings.noise)[0]) == 0.0 and (fogless.actors["russia"].traits["resolve"] == 1.0).all()
    structural = Crisis("nov-2024", rng=4, max_down=1)
    assert structural.settings.max_down == 1 and structural.scenario.settings.max_down == 1
    with pytest.raises(TypeError, match="did you mean 'noise'"):
        Crisis("nov-2024", noize=1)
    with pytest.raises(ValueError, match="rng or seed"):
        Crisis("nov-2024", rng=1, seed=1)
    assert Crisis("nov-2024", seed=9).run().outcomes()["peak_rung"][0] == Crisis("nov-2024", rng=9).run().outcomes()["peak_rung"][0]


def test_mesa_batch_run_varies_keyword_arguments():
    rows = mesa.batch_run(Crisis, parameters={"scenario": "nov-2024", "noise": [0, 1.0], "rng": range(3)}, number_processes=1,
                          data_collection_period=-1, display_progress=False)
    assert len({(r["noise"], r["rng"]) for r in rows}) == 6
    for r in rows:  # each row is the world that seed and noise give
        alone = Crisis("nov-2024", rng=r["rng"], noise=r["noise"]).run()
        assert r["peak_rung"] == int(alone.system_peak[0]) and isinstance(r["peak_rung"], int)


def test_a_datacollector_works_at_any_w():
    rows = mesa.batch_run(Crisis, parameters={"scenario": "nov-2024", "worlds": 50, "rng": [1, 2]}, number_processes=1,
                          data_collection_period=-1, display_progress=False)
    assert rows and all(0 <= r["share_nuclear_use"] <= 1 for r in rows)
    model = Crisis("nov-2024", worlds=50, rng=1).run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == model.turns
    shares = frame[[c for c in frame.columns if c.startswith("share_")]].iloc[-1]
    assert shares.sum() == pytest.approx(1.0)
    ends = model.end_state()
    assert shares["share_nuclear_use"] == pytest.approx(float((ends == 5).mean()))
    assert frame["peak_rung"].iloc[-1] == pytest.approx(model.system_peak.mean())
    assert Crisis("nov-2024", worlds=5000, rng=1).datacollector is None  # off for big ensembles unless asked
    assert Crisis("nov-2024", worlds=5000, rng=1, collect=True).datacollector is not None


def test_agent_attributes_read_as_numbers_at_w_1():
    model = Crisis("nov-2024", rng=2).run()
    russia = model.actors["russia"]
    assert isinstance(russia.rung, int) and russia.rung == int(russia.posture[0])
    assert russia.rung_name == model.ladder.names[russia.rung] and isinstance(russia.resolve_value, float)
    collector = mesa.DataCollector(agent_reporters={"rung": "rung", "peak": "peak_level", "resolve": "resolve_value"})
    collector.collect(model)  # a Mesa user's own agent reporters read numbers
    agents = collector.get_agent_vars_dataframe()
    assert len(agents) == len(model.order) and agents["rung"].map(type).eq(int).all() and agents["resolve"].between(0, 1).all()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_solaraviz_explorer_plays_in_a_browser(tmp_path):
    from tests.test_web import ARGS, CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    solara = Path(sys.executable).with_name("solara")
    log = open(tmp_path / "solara.log", "w")  # noqa: SIM115 (held open for the server the test starts and stops)
    proc = subprocess.Popen([str(solara), "run", "app.py", "--host", "127.0.0.1", "--port", str(port), "--production", "--no-open"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
            expect(page.get_by_text(DISCLAIMER).first).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Russia's resolve").first).to_be_visible(timeout=30_000)
            page.get_by_role("button", name="Step").first.click()
            expect(page.get_by_text("Step:").first).to_be_visible(timeout=30_000)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
        print((tmp_path / "solara.log").read_text())
