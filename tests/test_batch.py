"""Batches: same results on any workers and executor, kill -9 and resume, provenance, bad input."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.disclaimer import DISCLAIMER
from escalation.ensemble.batch import TASK_CHUNKS, plan, run_batch
from escalation.ensemble.store import read_chunk_file, write_chunk_file
from escalation.model import END_STATES, Crisis

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, check=True, timeout=120):
    """Run the real command line; return the finished process."""
    done = subprocess.run([sys.executable, "-m", "escalation.cli", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def table(folder, name="runs"):
    return pq.read_table(Path(folder) / f"{name}.parquet")


def snapshot(folder) -> dict:
    """Every file under a folder with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- seeding and planning


@settings(max_examples=60, deadline=None)
@given(points=st.integers(1, 12), runs=st.integers(1, 40), chunk=st.integers(1, 17))
def test_plan_covers_every_run_once(points, runs, chunk):
    tasks = plan(points, runs, chunk)
    ids = np.concatenate([np.arange(c.first, c.first + c.worlds) for t in tasks for c in t.chunks])
    assert np.array_equal(ids, np.arange(points * runs))  # each run once, in order
    assert [t.index for t in tasks] == list(range(len(tasks)))
    for t in tasks:
        assert t.runs <= chunk and len(t.chunks) <= TASK_CHUNKS
        for c in t.chunks:  # a chunk's streams are keyed by its place within its point
            assert 1 <= c.worlds <= chunk and c.first == c.point * runs + c.block * chunk == c.point * runs + c.replicate


def test_a_run_reproduces_on_its_own_and_inside_any_chunk(tmp_path):
    """The documented recipe: run i of a batch is Crisis(rng=seed, first_run=i), alone or in a chunk of any size."""
    out = run_batch("nov-2024", 600, out=tmp_path / "b", seed=4, chunk=200, workers=1, progress=False)
    runs = table(out).to_pandas().set_index("run")
    model = Crisis("nov-2024", worlds=150, rng=4, first_run=410, trajectories=False).run()
    mine = runs.loc[410:559]
    outcomes = model.outcomes()
    assert np.array_equal(mine["peak_rung"].to_numpy(), outcomes["peak_rung"])
    assert list(mine["end_state"].astype(str)) == [END_STATES[i] for i in outcomes["end_state"]]
    assert np.array_equal(mine["first_nuclear_shadow"].to_numpy(), outcomes["first_nuclear_shadow"])
    alone = Crisis("nov-2024", rng=4, first_run=444).run()
    assert alone.outcomes()["peak_rung"][0] == runs.loc[444, "peak_rung"]


def test_chunk_size_does_not_change_any_run(tmp_path):
    folders = [run_batch("nov-2024", 700, out=tmp_path / f"c{c}", seed=9, chunk=c, workers=1, progress=False) for c in (100, 250, 700)]
    tables = [table(folder).drop(["chunk", "world"]) for folder in folders]
    assert tables[0].equals(tables[1]) and tables[0].equals(tables[2])


# --------------------------------------------------------------------------- determinism across executors


def test_workers_and_dask_give_bit_identical_results(tmp_path):
    from distributed import LocalCluster

    common = dict(seed=7, chunk=300, trajectories=True, progress=False)
    one = run_batch("nov-2024", 1200, out=tmp_path / "one", workers=1, **common)
    cli("batch", "nov-2024", "--runs", 1200, "--chunk", 300, "--seed", 7, "--trajectories", "--workers", 2, "--out", tmp_path / "two")
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://", dashboard_address=None) as cluster:
        run_batch("nov-2024", 1200, out=tmp_path / "dask", executor=cluster.scheduler_address, **common)
    runs = table(one)
    assert runs.num_rows == 1200 and np.array_equal(runs.column("run").to_numpy(), np.arange(1200))
    assert pq.ParquetFile(one / "runs.parquet").metadata.num_row_groups == 4  # one per chunk
    for other in ("two", "dask"):
        assert table(tmp_path / other).equals(runs), other
        assert table(tmp_path / other, "trajectories").equals(table(one, "trajectories")), other
    assert "2 local workers" in json.loads((tmp_path / "two" / "manifest.json").read_text())["executor"]
    assert "Dask scheduler" in json.loads((tmp_path / "dask" / "manifest.json").read_text())["executor"]
    # the seed matters: another seed gives other runs
    other_seed = run_batch("nov-2024", 1200, out=tmp_path / "seed8", workers=1, **{**common, "seed": 8})
    assert not table(other_seed, "trajectories").equals(table(one, "trajectories"))


# --------------------------------------------------------------------------- kill -9, resume


def test_kill_9_then_resume_equals_an_uninterrupted_batch(tmp_path):
    args = ["batch", "nov-2024", "--runs", 2000, "--chunk", 125, "--seed", 3, "--workers", 2]
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "escalation.cli", *map(str, args), "--out", str(out)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 90
    while len(list((out / "chunks").glob("runs-*.arrow"))) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, "the batch ended before it could be killed"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole batch: parent and workers
    proc.wait()
    parts = sorted(p.name for p in (out / "chunks").glob("runs-*.arrow"))
    assert 2 <= len(parts) < 16 and not (out / "runs.parquet").exists()
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"

    # an unreachable scheduler: one line, exit 2, quickly, the finished chunks untouched
    before = snapshot(out)
    started = time.monotonic()
    bad = cli(*args, "--resume", "--out", out, "--executor", f"tcp://127.0.0.1:{free_port()}", check=False, timeout=60)
    assert bad.returncode == 2 and time.monotonic() - started < 30
    assert "cannot reach a Dask scheduler" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert snapshot(out) == before

    # mark the first finished chunk: resuming must keep it, not run it again
    first = out / "chunks" / parts[0]
    t = read_chunk_file(first)
    write_chunk_file(t.set_column(t.schema.get_field_index("world"), "world", pa.array(t.column("world").to_numpy() + 10_000)), first)
    index = int(parts[0].split("-")[1].split(".")[0])

    cli(*args[:-2], "--workers", 1, "--resume", "--out", out)  # any number of workers may finish it
    whole = run_batch("nov-2024", 2000, out=tmp_path / "whole", seed=3, chunk=125, workers=1, progress=False).joinpath("runs.parquet")
    resumed, expected = table(out).to_pandas(), pq.read_table(whole).to_pandas()
    marked = resumed["chunk"] == index
    assert marked.sum() == 125 and (resumed.loc[marked, "world"] >= 10_000).all()  # the chunk on disk was kept
    resumed.loc[marked, "world"] -= 10_000
    pd.testing.assert_frame_equal(resumed, expected)  # and everything else is what an uninterrupted batch gives
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["command"].endswith(str(out)) and len(manifest["resumed"]) == 1
    assert not (out / "chunks").exists()


def session_processes(sid: int) -> list[int]:
    """Processes still alive in a session (zombies count as gone)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_workers_do_not_outlive_a_batch_killed_outright(tmp_path):
    out = tmp_path / "orphans"
    proc = subprocess.Popen(
        [sys.executable, "-m", "escalation.cli", "batch", "nov-2024", "--runs", "4000", "--chunk", "125", "--workers", "2", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not list((out / "chunks").glob("runs-*.arrow")):
            assert proc.poll() is None and time.monotonic() < deadline, "the batch ended before it could be killed"
            time.sleep(0.02)
        assert len(session_processes(proc.pid)) >= 3  # the batch, its forkserver and workers
        proc.kill()  # the batch alone, as `kill -9 PID` does: its workers are not signalled
        proc.wait()
        deadline = time.monotonic() + 30
        while session_processes(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert session_processes(proc.pid) == []
    finally:
        if session_processes(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)


# --------------------------------------------------------------------------- provenance


def test_manifest_and_parquet_carry_the_provenance(tmp_path):
    out = tmp_path / "b"
    done = cli("batch", "nov-2024", "--runs", 400, "--chunk", 200, "--seed", 5, "--workers", 1, "--set", "settings.noise=0", "--out", out)
    assert DISCLAIMER in done.stdout and "end states (runs, share, exact 95% interval): settled " in done.stdout and " / 400 = " in done.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["disclaimer"] == DISCLAIMER
    assert manifest["scenario"]["name"] == "nov-2024" and manifest["scenario"]["hash"].startswith("sha256:")
    assert (manifest["seed"], manifest["runs"], manifest["chunk"], manifest["status"]) == (5, 400, 200, "complete")
    assert manifest["package"]["version"] and manifest["set"] == {"settings.noise": 0}
    assert manifest["command"].startswith("escalation batch nov-2024 --runs 400")
    meta = json.loads(pq.read_schema(out / "runs.parquet").metadata[b"escalation"])
    for key in ("disclaimer", "scenario", "package", "seed", "runs", "chunk", "command", "set"):
        assert meta[key] == manifest[key], key
    runs = table(out).to_pandas()
    assert (runs["settings__noise"] == 0).all() and (runs["seed"] == 5).all()
    # a --set changes the scenario's content hash
    plain = run_batch("nov-2024", 400, out=tmp_path / "plain", seed=5, chunk=200, workers=1, progress=False)
    assert json.loads((plain / "manifest.json").read_text())["scenario"]["hash"] != manifest["scenario"]["hash"]


def test_progress_line_shows_rate_and_time_left():
    import io

    from escalation.ensemble.progress import Progress

    stream = io.StringIO()
    meter = Progress(1000, label="nov-2024", stream=stream, enabled=True)
    meter.advance(500)
    meter.advance(500)
    meter.close()
    text = stream.getvalue()
    assert "1,000/1,000 runs" in text and "runs/s" in text and "left" in text and text.endswith("\n")
    quiet = io.StringIO()
    silent = Progress(10, stream=quiet)  # not a terminal: says nothing
    silent.advance(10)
    silent.close()
    assert quiet.getvalue() == ""


# --------------------------------------------------------------------------- refusals and bad input


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    out = tmp_path_factory.mktemp("finished") / "b"
    run_batch("nov-2024", 300, out=out, seed=1, chunk=300, workers=1, progress=False)
    return out


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["--seed", 2, "--resume"], "holds other results (seed 1, not 2)"),
        (["--seed", 1], "already holds this batch (complete); add --resume"),
        (
            ["--seed", 1, "--resume", "--set", "actors.russia.risk_tolerence=0.5"],
            "unknown key 'risk_tolerence' in actors.russia (did you mean 'risk_tolerance'?)",
        ),
        (["--seed", 1, "--resume", "--set", "actors.russia.risk_tolerance=1.5"], "nov-2024.yaml:"),
        (["--seed", 1, "--resume", "--set", "settings"], "expected KEY=VALUE"),
        (["--seed", 1, "--resume", "--executor", "not an address"], "expected 'local' or a Dask scheduler address"),
        (["--seed", 1, "--resume", "--executor", "tcp://127.0.0.1:99999"], "expected 'local' or a Dask scheduler address"),
        (["--seed", 1, "--resume", "--workers", 0], "--workers must be a whole number of at least 1"),
        (["--seed", -1, "--resume"], "--seed must be a whole number from 0 to 2**63 - 1"),
    ],
)
def test_bad_input_is_one_line_and_leaves_results_intact(finished, extra, expected, capsys):
    from escalation.cli import main

    before = snapshot(finished)
    status = main(["batch", "nov-2024", "--runs", "300", "--chunk", "300", "--out", str(finished), *map(str, extra)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert expected in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot(finished) == before


def test_out_of_range_set_is_located_in_the_scenario(tmp_path):
    done = cli("batch", "nov-2024", "--runs", 10, "--set", "actors.russia.risk_tolerance=1.5", "--out", tmp_path / "x", check=False)
    assert done.returncode == 2
    location, _, message = done.stderr.strip().partition(": ")
    file, line, col = location.rsplit(":", 2)
    assert file.endswith("nov-2024.yaml") and int(line) > 1 and int(col) >= 1
    assert "risk_tolerance" in message and "--set actors.russia.risk_tolerance=1.5" in message
    assert not (tmp_path / "x").exists()


def test_resume_of_a_finished_batch_keeps_it(finished):
    before = snapshot(finished)
    cli("batch", "nov-2024", "--runs", 300, "--chunk", 300, "--seed", 1, "--resume", "--out", finished)
    assert snapshot(finished) == before


def test_help_states_the_default_chunk(capsys):
    from escalation.cli import main
    from escalation.ensemble.batch import DEFAULT_CHUNK

    with pytest.raises(SystemExit):
        main(["batch", "--help"])
    assert f"(default {DEFAULT_CHUNK:,})" in " ".join(capsys.readouterr().out.split())


def test_a_script_without_a_main_guard_is_told_how_to_fix_it_and_loses_nothing(tmp_path):
    """Local workers import the calling script again; an unguarded script gets a plain answer, then resumes."""
    call = f"escalation.run_batch('nov-2024', 600, seed=2, chunk=100, workers=2, out={str(tmp_path / 'out')!r}, resume=True)"
    bare, guarded = tmp_path / "bare.py", tmp_path / "guarded.py"
    bare.write_text(f"import escalation\n{call}\n")
    guarded.write_text(f"import escalation\n\nif __name__ == '__main__':\n    {call}\n")
    failed = subprocess.run([sys.executable, str(bare)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    # the advice is asserted wherever it stands: a resource_tracker warning may follow it
    assert failed.returncode != 0 and 'put the call under `if __name__ == "__main__":`' in failed.stderr
    done = subprocess.run([sys.executable, str(guarded)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert table(tmp_path / "out").equals(table(run_batch("nov-2024", 600, seed=2, chunk=100, workers=1, out=tmp_path / "one", progress=False)))


# --------------------------------------------------------------------------- platforms


def test_a_folder_locked_by_another_process_is_refused_and_left_alone(tmp_path):
    """The lock is an OS lock (filelock), held here by a second process while a batch tries the folder."""
    out = tmp_path / "busy"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from filelock import FileLock; import time; lock = FileLock({str(out / '.lock')!r}); lock.acquire(); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        done = cli("batch", "nov-2024", "--runs", 50, "--out", out, check=False)
        assert done.returncode == 2 and "is in use by another running batch" in done.stderr and "Traceback" not in done.stderr
        assert sorted(p.name for p in out.iterdir()) == [".lock"]
    finally:
        holder.kill()
        holder.wait()


def test_where_there_is_no_forkserver_workers_are_spawned_with_the_same_results(tmp_path, monkeypatch):
    """Windows has no forkserver: local workers are then spawned, and results do not change."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    spawned = run_batch("nov-2024", 400, seed=5, chunk=100, workers=2, out=tmp_path / "spawned", progress=False)
    one = run_batch("nov-2024", 400, seed=5, chunk=100, workers=1, out=tmp_path / "one", progress=False)
    assert table(spawned).equals(table(one))
    assert json.loads((spawned / "manifest.json").read_text())["executor"] == "2 local workers"


def test_runs_parquet_keeps_statistics_for_the_columns_that_tell_runs_apart(tmp_path):
    folder = run_batch("nov-2024", 300, out=tmp_path / "s", seed=2, chunk=100, workers=1, progress=False)
    meta = pq.ParquetFile(folder / "runs.parquet").metadata
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    groups = [meta.row_group(g) for g in range(meta.num_row_groups)]
    assert len(groups) == 3 and meta.row_group(0).column(0).compression == "ZSTD"
    runs = [g.column(names.index("run")).statistics for g in groups]
    assert [(s.min, s.max) for s in runs] == [(0, 99), (100, 199), (200, 299)]  # a reader skips row groups by run
    assert all(g.column(names.index("peak_rung")).statistics is None for g in groups)
