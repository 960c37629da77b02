"""srs-dl: spaced repetition and live numeric drills for deep learning, from Obsidian notes."""

__version__ = "0.1.0"
