"""What notebook 01's exercise checks share: the small data sets of their cases, the library switched off
inside the student's function, and an Exercise that also checks the *type* the prompt asks for.

A gradient returned as a Python list ``[r.mean(), (r * x).mean()]`` has the right values, but the next
cell's ``theta - lr * g`` then fails ("can't multiply sequence by non-int of type 'float'"): so the
check refuses a list or tuple where the prompt asks for a NumPy array, with a message saying so.
"""
import numpy as np

from .. import descent_lab, optimizers, surfaces
from .harness import Exercise, Result, call_guarded

LIBRARY = (descent_lab, surfaces, optimizers)     # switched off inside the student's function during a check

_rng = np.random.default_rng(2026)
x7 = np.array([0.5, 1.0, 2.5, 3.0, 4.5, 6.0, 7.5])
y7 = np.array([2.0, 2.5, 4.0, 4.5, 6.5, 7.0, 9.5])
x4 = np.array([-1.0, 0.0, 2.0, 3.0])
y4 = np.array([1.0, 0.5, 3.0, 2.0])
x30 = np.round(_rng.uniform(0.1, 8.0, 30), 1)
y30 = np.round(2.0 + 0.7 * x30 + _rng.normal(0, 1, 30), 1)


class ArrayExercise(Exercise):
    """An Exercise whose answer must be a NumPy array: a list or a tuple is the catalogued ``wrong_type``
    mistake, named before the values are compared (the next cells would break on it)."""

    def __init__(self, *args, wrong_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.wrong_type = wrong_type
        self.mistakes.insert(0, wrong_type)

    def diagnose(self, fn):
        if callable(fn):
            with self.library_off(fn):
                out, error, _ = call_guarded(fn, self.cases[0], self.time_limit)
            if error is None and isinstance(out, (list, tuple)):
                return Result(self.name, False, self.wrong_type.name,
                              f"{self.wrong_type.message} (your function returned a {type(out).__name__})")
        return super().diagnose(fn)
