"""What the forkserver of local workers loads before it forks them: the batch machinery and the compiled kernels.

Importing this module plays one small model on the compiled path, so numba loads the kernels from its disk cache (or,
on a machine's first batch, compiles them) once, in the forkserver; every worker forked from it inherits them instead
of loading them again (about 0.4 CPU-s a worker, or a whole compilation each on a machine's first batch).
"""

import gc

import mesa

from escalation.ensemble import batch  # noqa: F401  (what the workers run, imported once for all of them)
from escalation.model import Crisis, kernels

if kernels.path(kernels.COMPILED_FROM) == "numba":
    _model = Crisis("nov-2024", worlds=kernels.COMPILED_FROM, rng=0, trajectories=True).run()
    _model.outcomes()
    mesa.Agent._ids.pop(_model, None)  # Mesa would keep it for good (see runner._let_go)
    del _model
    gc.collect()
