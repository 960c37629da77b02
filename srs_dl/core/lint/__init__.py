"""`srs-dl lint`: the formulas in notes checked against the NumPy kernels.

scan.py finds the formula lines and the techniques around them; expr.py reads
a formula into a tree without evaluating text; names.py and binding.py bind the
note's names to the kernels' quantities; cases.py runs the kernels for inputs;
evaluate.py computes a tree on them and compare.py compares; roles.py holds each
technique's formulas and known mistakes; wording.py words the findings;
check.py ties them together.
"""

from srs_dl.core.lint.check import Finding, Linter, lint_text

__all__ = ["Finding", "Linter", "lint_text"]
