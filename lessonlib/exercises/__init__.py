"""The exercises' checks, one module per lesson (descent, backprop, optimizers, overfitting), all built on
``harness.Exercise``:

    from lessonlib.exercises.descent import check_gradient
    check_gradient(my_gradient)        # prints ✓ or ✗ and what is wrong

``catalogue()`` maps lesson number → {name: Exercise}, for the catalogue tests and the grading tool.
"""
import importlib

from .harness import RESULTS, Case, Exercise, Family, Mistake, OffLimits, Result, Variant

LESSON_MODULES = {"01": "descent", "02": "backprop", "03": "optimizers", "04": "overfitting"}


def catalogue():
    """{lesson: {exercise name: Exercise}} over every lesson's exercise module."""
    return {number: importlib.import_module(f".{name}", __name__).EXERCISES
            for number, name in LESSON_MODULES.items()}


__all__ = ["RESULTS", "Case", "Exercise", "Family", "Mistake", "OffLimits", "Result", "Variant", "catalogue",
           "LESSON_MODULES"]
