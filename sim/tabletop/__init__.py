"""The classroom tabletop: a game session kept as its inputs, the terminal console and the web app (``web/``).

It imports the model, the scenario package and ``analysis`` (for the after-action
report and the chart), never the command line.
"""
