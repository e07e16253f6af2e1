"""A results folder: ``manifest.json``, ``runs.parquet``, ``trajectories.parquet``.

While a batch runs, each finished task is written to ``chunks/`` as its own
Arrow IPC file, atomically (a temporary file, then a rename), so a batch killed at
any moment leaves only whole chunks behind; ``--resume`` runs the missing ones.
At the end the chunks are merged, in order, into one Parquet file with one row
group per chunk, and the chunk files are removed. The chunks are Arrow, not
Parquet, because they are read back once: LZ4-compressed IPC costs about 12 ms to
write and read again for a 10,000-run chunk, Parquet 40 ms, and the merge then
encodes each row once. A lock keeps two batches out of the
same folder, and a folder holding another batch's results is refused.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from escalation.disclaimer import DISCLAIMER
from escalation.errors import ResultsError

# what makes two batches the same batch: any difference and the folder is refused
IDENTITY = ("kind", "scenario", "seed", "runs", "chunk", "trajectories", "set", "sweep")
# what runs.parquet carries in its schema metadata (the manifest minus timings)
PROVENANCE = ("disclaimer", "kind", "scenario", "package", "environment", "seed", "runs", "chunk", "trajectories", "set", "sweep", "command", "model",
              "parameters")
RESULTS = ("runs", "trajectories")
# zstd at its fastest, dictionaries only for the columns that are dictionaries (so that a reader gets one dictionary, not one per
# row group), statistics only for the columns that tell runs apart (a row group of runs drawn at random spans every outcome's
# range, so their statistics would skip nothing): of a 10,000-run chunk of runs, 17 ms to encode and 530 kB, against 28 ms and
# 680 kB for pyarrow's defaults; trajectories 85 ms and 660 kB against 122 ms and 680 kB
PARQUET = {"compression": "zstd", "compression_level": 1}
KEYS = ("run", "replicate", "seed", "chunk", "world", "point", "end_state")




class Store:
    """The results folder ``out`` of one batch described by ``manifest``."""

    def __init__(self, out, manifest: dict):
        self.out = Path(out)
        self.parts = self.out / "chunks"
        self.manifest = manifest
        self._lock: FileLock | None = None

    # ------------------------------------------------------------------ opening

    def open(self, resume: bool) -> set[int]:
        """Check the folder (read only) and return the tasks already done there."""
        if self.out.exists() and not self.out.is_dir():
            raise ResultsError(f"--out {self.out}: is a file, not a folder")
        old = self._read_manifest()
        if old is None:
            if any((self.out / f"{name}.parquet").exists() for name in RESULTS) or self._part_files():
                raise ResultsError(f"{self.out} holds results without a manifest.json; choose another --out")
            return set()
        differences = describe_differences(old, self.manifest)
        if differences:
            raise ResultsError(f"{self.out} holds other results ({differences}); choose another --out")
        if not resume:
            state = "complete" if old.get("status") == "complete" else "unfinished"
            raise ResultsError(
                f"{self.out} already holds this batch ({state}); add --resume to {'keep' if state == 'complete' else 'finish'} it, or choose another --out"
            )
        if old.get("status") == "complete":
            return set(range(self.manifest["tasks"]))
        return {i for i in self._part_files() if i < self.manifest["tasks"]}

    def lock(self) -> None:
        """Take the folder for this batch (released when the process ends, even by kill -9)."""
        self.out.mkdir(parents=True, exist_ok=True)
        # an OS lock on every platform (flock on POSIX, msvcrt on Windows), never waited for
        self._lock = FileLock(self.out / ".lock", timeout=0)
        try:
            self._lock.acquire()
        except Timeout:
            raise ResultsError(f"{self.out} is in use by another running batch") from None

    def start(self) -> None:
        """Record that the batch is running (the manifest is what --resume checks against)."""
        old = self._read_manifest()
        if old and old.get("status") == "complete":
            return
        if old:  # a resumed batch keeps its first command line and start, and notes each resume
            self.manifest.update(command=old["command"], started=old["started"], resumed=[*old.get("resumed", []), self.manifest["command"]])
        self.manifest["status"] = "running"
        write_json(self.out / "manifest.json", self.manifest)

    # ------------------------------------------------------------------ chunks

    def write_chunk(self, index: int, runs: pa.Table, trajectories: pa.Table | None) -> None:
        """Save one finished task; the runs file, written last, marks it done."""
        self.parts.mkdir(parents=True, exist_ok=True)
        if trajectories is not None:
            write_chunk_file(trajectories, self._part("trajectories", index))
        write_chunk_file(runs, self._part("runs", index))

    def finish(self, extra: dict) -> None:
        """Merge the chunks into runs.parquet (and trajectories.parquet); mark the batch complete."""
        if self._read_manifest(field="status") != "complete":
            metadata = {b"escalation": json.dumps(provenance(self.manifest), sort_keys=True).encode(), b"disclaimer": DISCLAIMER.encode()}
            for name in RESULTS:
                if name == "runs" or self.manifest["trajectories"]:
                    self._merge(name, metadata)
            self.manifest.update(extra, status="complete")
            write_json(self.out / "manifest.json", self.manifest)
        shutil.rmtree(self.parts, ignore_errors=True)
        if self._lock is not None:
            self._lock.release()  # before the file goes: Windows refuses to remove a locked file
        (self.out / ".lock").unlink(missing_ok=True)

    def _merge(self, name: str, metadata: dict) -> None:
        target = self.out / f"{name}.parquet"
        tmp = target.with_name(f".{target.name}.tmp")
        writer = None
        try:
            for index in range(self.manifest["tasks"]):
                table = read_chunk_file(self._part(name, index))
                if writer is None:
                    dictionaries = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
                    keys = [k for k in KEYS if k in table.schema.names]
                    writer = pq.ParquetWriter(tmp, table.schema.with_metadata(metadata), use_dictionary=dictionaries, write_statistics=keys, **PARQUET)
                writer.write_table(table.replace_schema_metadata(metadata), row_group_size=max(table.num_rows, 1))
        finally:
            if writer is not None:
                writer.close()
        os.replace(tmp, target)

    # ------------------------------------------------------------------ files

    def _part(self, name: str, index: int) -> Path:
        return self.parts / f"{name}-{index:08d}.arrow"

    def _part_files(self) -> set[int]:
        if not self.parts.is_dir():
            return set()
        return {int(p.stem.split("-")[1]) for p in self.parts.glob("runs-*.arrow")}

    def _read_manifest(self, field: str | None = None):
        path = self.out / "manifest.json"
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ResultsError(f"{path}: unreadable manifest; choose another --out") from None
        return data.get(field) if field else data


def provenance(manifest: dict) -> dict:
    return {k: manifest[k] for k in PROVENANCE if k in manifest}


def describe_differences(old: dict, new: dict) -> str:
    """What differs between two batches' identities, in words ('' if they are the same batch)."""
    said = []
    for key in IDENTITY:
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key == "scenario" and isinstance(a, dict) and isinstance(b, dict):
            if a.get("name") != b.get("name"):
                said.append(f"scenario '{a.get('name')}', not '{b.get('name')}'")
            else:
                said.append(f"a different version of scenario '{a.get('name')}'")
        elif key in ("seed", "runs", "chunk"):
            said.append(f"{key} {a}, not {b}")
        elif key == "set":
            said.append(f"--set {_assignments(a)}, not {_assignments(b)}")
        else:
            said.append(f"{key} {json.dumps(a)}, not {json.dumps(b)}")
    return "; ".join(said)


def _assignments(values) -> str:
    return " ".join(f"{k}={v}" for k, v in (values or {}).items()) or "(none)"


def write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def write_chunk_file(table: pa.Table, path: Path) -> None:
    """Save one finished chunk's table at ``path``, whole or not at all."""
    tmp = path.with_name(f".{path.name}.tmp")
    with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, table.schema, options=ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(table)
    os.replace(tmp, path)


def read_chunk_file(path: Path) -> pa.Table:
    """One finished chunk's table, as :meth:`Store.write_chunk` saved it."""
    with pa.memory_map(str(path)) as source:
        return ipc.open_file(source).read_all()
