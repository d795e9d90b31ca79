"""What notebook 01's exercise checks share: the small data sets of their cases and the library switched off
inside the student's function.  (A list or tuple where the prompt asks for a NumPy array, e.g. a gradient
``[r.mean(), (r * x).mean()]``, is refused by the harness itself: "list, not array".)"""
import numpy as np

from .. import descent_lab, optimizers, surfaces

LIBRARY = (descent_lab, surfaces, optimizers)     # switched off inside the student's function during a check

_rng = np.random.default_rng(2026)
x7 = np.array([0.5, 1.0, 2.5, 3.0, 4.5, 6.0, 7.5])
y7 = np.array([2.0, 2.5, 4.0, 4.5, 6.5, 7.0, 9.5])
x4 = np.array([-1.0, 0.0, 2.0, 3.0])
y4 = np.array([1.0, 0.5, 3.0, 2.0])
x30 = np.round(_rng.uniform(0.1, 8.0, 30), 1)
y30 = np.round(2.0 + 0.7 * x30 + _rng.normal(0, 1, 30), 1)
