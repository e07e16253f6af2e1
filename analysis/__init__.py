"""Analysis of escalation runs (``escalation.analysis``): results loading, charts, comparisons, reports.

Reads results folders (and, for the ladder chart and the after-action report, a model or a
tabletop session it is handed) and draws. It may import the ensemble, model and scenario
packages, never the tabletop or the command line, which import it. Every figure is stamped
with :data:`escalation.DISCLAIMER`; plotting modules import matplotlib on use, so importing
``escalation.analysis`` stays cheap.
"""

from escalation.disclaimer import DISCLAIMER

__all__ = ["DISCLAIMER"]
