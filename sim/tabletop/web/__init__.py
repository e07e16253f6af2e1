"""The web tabletop (Solara): projector, team seats and facilitator views of one shared session."""
