"""Ensembles: batches and sweeps of many worlds into a results folder.

Holds the plan of chunks and their seeding (``batch``), where chunks run (``executors``:
in-process, local processes, Dask), how a chunk is run from a scenario (``runner``), the
results folder with its manifest and Parquet files (``store``), progress and sweeps.
It imports the model and the scenario package, never the tabletop or the command line.
"""

__all__ = ["run_batch", "run_sweep"]

_LAZY = {"run_batch": "batch", "run_sweep": "sweep"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
