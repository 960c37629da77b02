"""Pure NumPy (float64) kernels for the techniques in the notes.

Every kernel returns its whole trajectory as a frozen dataclass of read-only
arrays, so the drill's answer, its worked steps and the TUI's plots all come
from one computation. No clock, no global RNG, no I/O: a numpy Generator is
passed in where randomness is needed.
"""
