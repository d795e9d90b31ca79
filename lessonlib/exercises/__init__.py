"""The exercises' checks, one module per lesson, all built on ``harness.Exercise``.

    from lessonlib.exercises import descent
    descent.check_gradient(my_gradient)      # prints ✓ or ✗ and what is wrong

``EXERCISES`` maps lesson → {name: Exercise}, for the catalogue tests and the grading tool.
"""
from .harness import RESULTS, Case, Exercise, Mistake, Result

__all__ = ["RESULTS", "Case", "Exercise", "Mistake", "Result"]
