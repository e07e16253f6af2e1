"""``python -m escalation.cli``: the same as the ``escalation`` command."""

import sys

from escalation.cli import main

sys.exit(main())
