"""The explorer's model: its settings and how a key changes one of them
(settings.py), what the settings give to draw, all from the kernels (scene.py),
and the one-line reading of a scene (readings.py). Pure: the TUI draws it."""
