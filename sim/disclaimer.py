"""The one disclaimer, stamped on every chart, report, page, run and manifest."""

DISCLAIMER = "Illustrative scenario exploration, not a prediction."
