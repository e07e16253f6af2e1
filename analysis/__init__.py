"""Analysis of escalation runs: charts, results loading, reports.

Every figure is stamped with :data:`sim.DISCLAIMER`. Plotting modules import
matplotlib on use, so importing ``analysis`` stays cheap.
"""

from escalation.disclaimer import DISCLAIMER

__all__ = ["DISCLAIMER"]
