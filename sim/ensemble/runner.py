"""What a batch runs: the crisis model for one scenario, as tables of outcomes.

A :class:`ScenarioRunner` holds the scenario's parsed document (with any
``--set`` values applied) and turns one chunk, ``(values, worlds, rng)``, into
an Arrow table with one row per world. It is small and picklable, so the same
object travels to local worker processes and to Dask workers alike.
"""

from __future__ import annotations

import gc
import hashlib
import warnings
from pathlib import Path

import mesa
import numpy as np
import pyarrow as pa

from escalation.errors import InputError, NoEffectWarning
from escalation.model import END_STATES, Crisis
from escalation.scenario.loading import resolve
from escalation.scenario.overrides import Factor, apply, check_key, load_with_sets, parse_range, split_assignment, validated, value_at
from escalation.scenario.parameters import column, key_text, slot
from escalation.scenario.schema import Scenario
from escalation.scenario.unread import unread_setting


class ScenarioRunner:
    """Runs chunks of one scenario; ``sets`` are ``--set`` assignments applied first."""

    def __init__(self, scenario="nov-2024", sets=()):
        base, doc, self.sets = load_with_sets(scenario, sets)
        self.file = str(resolve(scenario)) if not isinstance(scenario, Scenario) else f"<{scenario.name}>"
        self.scenario = base
        for key in self.sets:
            self.warn_if_unread(key)
        # the ladder written out in full, so that each sweep point validates without re-reading it
        self.doc = apply(doc, ("ladder",), base.resolved_ladder.model_dump(mode="json"))
        self.digest = hashlib.sha256(base.model_dump_json().encode()).hexdigest()
        self.sources = self._files(doc)
        self._variants: dict = {}

    def warn_if_unread(self, key_text: str) -> None:
        """Warn (NoEffectWarning) if changing ``key_text`` has no effect on this scenario."""
        why = unread_setting(self.scenario, tuple(key_text.split(".")))
        if why:
            warnings.warn(f"setting {key_text}: {why}", NoEffectWarning, stacklevel=3)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_variants"] = {}
        return state

    # ------------------------------------------------------------------ factors

    def factor(self, text: str, *, levels_allowed: bool = True) -> Factor:
        """Parse and check ``KEY=LO:HI[:N]``: the key exists, takes numbers, and both ends are valid."""
        key_text, value = split_assignment(text, "--vary")
        key = check_key(self.doc, key_text, "--vary")
        if not key.numeric:
            raise InputError(f"--vary {text}: {key_text} takes {'true or false' if key.kind == 'bool' else 'text'}, not a number; use --set for it")
        lo, hi, levels = parse_range(text, value)
        if levels is not None and not levels_allowed:
            raise InputError(f"--vary {text}: ':N' sets the levels of grid and oat sweeps; this method draws --samples points instead")
        integer = key.kind == "integer"
        if integer and not (lo.is_integer() and hi.is_integer()):
            raise InputError(f"--vary {text}: {key_text} takes whole numbers, so LO and HI must be whole numbers")
        for end in (lo, hi):
            validated(self.doc, self.file, [(key.path, int(end) if integer else end)], f"--vary {text}")
        try:
            baseline = value_at(self.scenario, key.path)
        except (KeyError, IndexError, AttributeError):
            baseline = None
        baseline = float(baseline) if isinstance(baseline, (int, float)) and not isinstance(baseline, bool) else None
        self.warn_if_unread(key_text)
        return Factor(key_text, lo, hi, levels, integer, baseline, key.path)

    def per_world(self, factor: Factor) -> bool:
        """Whether a factor's values can differ from world to world inside one model (else each value needs its own)."""
        return slot(self.scenario, factor.path) is not None

    def canonical(self, key: str) -> str:
        """A dotted key as the model names it (a red line by its id, not its position)."""
        return key_text(self.scenario, key)

    def groups(self, values: dict, count: int) -> list[list[int]]:
        """The points in groups that can share a model: those alike in every structural factor, in point order."""
        found: dict[tuple, list[int]] = {}
        for p in range(count):
            found.setdefault(tuple(v for f, v in values.get(p, ()) if not self.per_world(f)), []).append(p)
        return list(found.values())

    def variant(self, values) -> Scenario:
        """The scenario with each factor at its value (validated, cached per point)."""
        if not values:
            return self.scenario
        changes = tuple((f.path, int(round(v)) if f.integer else float(v)) for f, v in values)
        if changes not in self._variants:
            if len(self._variants) > 256:
                self._variants.clear()
            self._variants[changes] = validated(self.doc, self.file, list(changes), "a sweep point")[1]
        return self._variants[changes]

    # ------------------------------------------------------------------ running

    def __call__(self, values, worlds: int, seed: int, replicates: np.ndarray, trajectories: bool = False, parameters=None):
        """Run ``worlds`` worlds with run ids ``replicates`` (one per world), the structural factor ``values`` set in the
        scenario and ``parameters`` (dotted key -> one value per world) in the model: the outcomes columns, the
        trajectories columns if asked, and every per-world parameter's values."""
        _freeze_the_process()
        model = Crisis(self.variant(values), worlds=worlds, rng=seed, replicates=replicates, trajectories=trajectories, parameters=parameters).run()
        _let_go(model)
        columns = {}
        for name, values_ in model.outcomes().items():
            if name == "end_state":
                # ordered from the mildest to the gravest, as pandas, polars and R read an ordered dictionary
                columns[name] = pa.DictionaryArray.from_arrays(pa.array(values_.astype(np.int8)), pa.array(END_STATES), ordered=True)
            elif values_.dtype.kind == "f":
                columns[name] = pa.array(values_.astype(np.float32))
            else:
                columns[name] = pa.array(values_.astype(np.int16))
        paths = None
        if trajectories:
            turns = model.turns
            # each run's turns and their dates beside its paths, so that a long table needs nothing else (Parquet stores the
            # repeated lists in a few bytes)
            days = np.array([model.scenario.date_of(t) for t in range(turns)], dtype="datetime64[D]")
            paths = {
                "turn": pa.FixedSizeListArray.from_arrays(pa.array(np.tile(np.arange(turns, dtype=np.int16), worlds)), turns),
                "date": pa.FixedSizeListArray.from_arrays(pa.array(np.tile(days, worlds)), turns),
                "system": _per_run(model.system_path, turns),
                "intensity": _per_run(model.intensity_path, turns, np.int16),
            }
            for i, key in enumerate(model.keys):
                paths[key] = _per_run(model.path[:, i, :], turns)
        return columns, paths, model.parameters

    def describe(self) -> dict:
        """The scenario and model facts a results folder needs to be read without the scenario."""
        sc = self.scenario
        ladder = sc.resolved_ladder
        levels = {r.id: r.level for r in ladder.rungs}
        return {
            "scenario": {"name": sc.name, "title": sc.title, "kind": sc.kind, "file": self.file, "hash": f"sha256:{self.digest}", **self.sources},
            "model": {
                "turns": sc.turns,
                "start": sc.start.isoformat(),
                "turn_days": sc.turn_days,
                "branch": sc.branch_date.isoformat(),
                "actors": {key: actor.name for key, actor in sc.actors.items()},
                "rungs": [{"id": r.id, "name": r.name, "category": r.category} for r in ladder.rungs],
                "thresholds": [{"id": t.id, "name": t.name, "level": levels[t.at]} for t in ladder.thresholds],
                "end_states": list(END_STATES),
                "war": {"sides": list(sc.war.sides)} if sc.war is not None else None,
            },
            "parameters": [
                {"key": key_text(sc, path), "column": column(key_text(sc, path)), "distribution": d.as_dict(), "text": str(d)}
                for path, d in sc.distributions.items()
            ],
        }


    def _files(self, doc) -> dict:
        """The scenario file's bytes as a hash ``sha256sum`` can check, and its text, with every base it extends."""
        from escalation.scenario.overlay import bases

        if self.file.startswith("<"):
            return {}
        files = list(dict.fromkeys([self.file, *bases(doc)]))
        read = [(f, Path(f).read_bytes()) for f in files if Path(f).is_file()]
        return {
            "sha256": hashlib.sha256(read[0][1]).hexdigest() if read else None,
            "texts": [{"file": f, "sha256": hashlib.sha256(raw).hexdigest(), "text": raw.decode("utf-8", "replace")} for f, raw in read],
        }


class _Garbage:
    """Worlds run in this process since the last garbage collection, and the models begun in it."""

    worlds = 0
    EVERY = 10_000
    models = 0


def _let_go(model) -> None:
    """Free a finished model's memory, so that a long batch runs in flat memory.

    Mesa 3.3 keeps every model in ``Agent._ids`` for good (mesa issue #3179), and a
    model and its agents refer to each other, so only the cycle collector frees
    them; it runs once per :attr:`_Garbage.EVERY` worlds. It walks only what was made
    since the process's second model began (see :func:`_freeze_the_process`).
    """
    mesa.Agent._ids.pop(model, None)
    _Garbage.worlds += model.worlds
    if _Garbage.worlds >= _Garbage.EVERY:
        _Garbage.worlds = 0
        gc.collect()


def _freeze_the_process() -> None:
    """Before a process's first and second models: what it holds then lives as long as it does, so it is frozen out of
    the collections in :func:`_let_go`, which then walk only the models made since. Before the first: modules, the
    scenario, caches (some 190,000 objects, about 0.1 CPU-s a collection); before the second, once the first is freed:
    what the first one loaded for good (the compiled kernels' dispatchers, some 75,000 objects, about 0.03 CPU-s a
    collection). A model is never frozen: each is freed."""
    if _Garbage.models < 2:
        gc.collect()
        gc.freeze()
    _Garbage.models += 1


def _per_run(path: np.ndarray, turns: int, dtype=np.int8) -> pa.FixedSizeListArray:
    """A (turns, W) path as one fixed-size list of values (rungs, or the intensity) per run."""
    flat = np.ascontiguousarray(path.T, dtype=dtype).ravel()
    return pa.FixedSizeListArray.from_arrays(pa.array(flat), turns)
