"""The web tabletop: a Solara app over one shared session (see :mod:`sim.web.app`)."""
