"""Subcommands of the ``escalation`` command line, one light module each."""
